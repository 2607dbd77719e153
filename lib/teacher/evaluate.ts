/**
 * The teacher's figures on held-out data (items of `partitionItems(...).eval`, never trained on):
 * zero-shot accuracy on single items (10-way by the nearest class text embedding of the CLS),
 * accuracy on masked items (one per visible class of each evaluation scene, as the C2S teacher
 * cache builds them), and dense accuracy (share of the foreground cells of evaluation scenes,
 * majority label >= 50 % of the cell, whose dense feature is nearest the right class's text).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { createRng, hashSeed } from "../data/rng.ts";
import { placeItem } from "../data/scenes.ts";
import {
  FASHION_CLASSES,
  IGNORE_LABEL,
  type ItemSet,
  type SegmentationDataset,
} from "../data/types.ts";
import { cellLabels, maskScene } from "./batches.ts";
import type { Teacher } from "./teacher.ts";

/** Measured accuracies (fractions in [0, 1]) and how many samples each rests on. */
export interface TeacherAccuracy {
  zeroShot: number;
  masked: number;
  dense: number;
  counts: { singles: number; masked: number; denseCells: number; scenes: number };
}

/** Options of {@linkcode evaluateTeacher}. */
export interface EvaluateOptions {
  /** Held-out single items to classify (the first of a seeded shuffle). @default 2000 */
  singles?: number;
  /** Seed of the single items' placement. @default 7 */
  seed?: number;
  /** Images per forward pass. @default 64 */
  chunk?: number;
}

function argmaxRows(logits: Float32Array, rows: number, k: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (logits[r * k + c]! > logits[r * k + best]!) best = c;
    out[r] = best;
  }
  return out;
}

/** Predicted class of each image's CLS and of each dense cell. */
function predict(
  teacher: Teacher,
  text: tf.Tensor2D,
  images: Float32Array,
  count: number,
  side: number,
): { cls: Int32Array; dense: Int32Array } {
  const k = text.shape[0];
  const [cl, dl] = tf.tidy(() => {
    const out = teacher.encodeImages(tf.tensor4d(images, [count, side, side, 1]));
    const tT = tf.transpose(text);
    const d = out.dense.shape;
    return [
      tf.matMul(out.cls, tT),
      tf.matMul(tf.reshape(out.dense, [d[0] * d[1] * d[2], d[3]]), tT),
    ];
  });
  const cls = argmaxRows(cl!.dataSync() as Float32Array, count, k);
  const dense = argmaxRows(dl!.dataSync() as Float32Array, dl!.shape[0], k);
  tf.dispose([cl!, dl!]);
  return { cls, dense };
}

/**
 * Measures the teacher on held-out single items (from `evalPool`) and held-out scenes.
 */
export function evaluateTeacher(
  teacher: Teacher,
  items: ItemSet,
  evalPool: Int32Array,
  scenes: SegmentationDataset,
  options: EvaluateOptions = {},
): TeacherAccuracy {
  const chunk = options.chunk ?? 64;
  const rng = createRng(hashSeed(options.seed ?? 7, 1));
  const order = Array.from(evalPool);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const nSingles = Math.min(options.singles ?? 2000, order.length);
  const side = scenes.height;
  const px = side * side;
  const [cells] = teacher.denseSize;
  const text = teacher.textEmbeddings(FASHION_CLASSES);
  let singleHits = 0;
  try {
    for (let start = 0; start < nSingles; start += chunk) {
      const m = Math.min(chunk, nSingles - start);
      const images = new Float32Array(m * px);
      const labels: number[] = [];
      for (let i = 0; i < m; i++) {
        const index = order[start + i]!;
        images.set(placeItem(items, index, rng).image, i * px);
        labels.push(items.labels[index]!);
      }
      const p = predict(teacher, text, images, m, side);
      labels.forEach((l, i) => singleHits += p.cls[i] === l ? 1 : 0);
    }
    // Scenes: dense accuracy on the scene itself; masked items, one per visible class.
    let maskedHits = 0, maskedCount = 0, denseHits = 0, denseCount = 0;
    const cellBuf = new Int16Array(cells * cells);
    let pendingImages: Float32Array[] = [];
    let pendingCells: Int16Array[] = [];
    let pendingMasked: number[] = []; // class of a masked image, -1 for a scene
    const flush = () => {
      if (pendingImages.length === 0) return;
      const m = pendingImages.length;
      const images = new Float32Array(m * px);
      pendingImages.forEach((im, i) => images.set(im, i * px));
      const p = predict(teacher, text, images, m, side);
      for (let i = 0; i < m; i++) {
        const cls = pendingMasked[i]!;
        if (cls >= 0) {
          maskedCount++;
          if (p.cls[i] === cls) maskedHits++;
        } else {
          const cl = pendingCells[i]!;
          for (let c = 0; c < cl.length; c++) {
            if (cl[c]! < 0) continue;
            denseCount++;
            if (p.dense[i * cl.length + c] === cl[c]) denseHits++;
          }
        }
      }
      pendingImages = [];
      pendingCells = [];
      pendingMasked = [];
    };
    for (let s = 0; s < scenes.length; s++) {
      const scene = scenes.get(s);
      cellLabels(scene.fullLabels, side, cells, cellBuf, 0);
      pendingImages.push(scene.image);
      pendingCells.push(cellBuf.slice());
      pendingMasked.push(-1);
      const visible = [...new Set(scene.fullLabels)].filter((l) => l !== IGNORE_LABEL).sort((
        a,
        b,
      ) => a - b);
      for (const l of visible) {
        pendingImages.push(maskScene(scene, l).image);
        pendingCells.push(new Int16Array(0));
        pendingMasked.push(l);
      }
      if (pendingImages.length >= chunk) flush();
    }
    flush();
    return {
      zeroShot: singleHits / nSingles,
      masked: maskedCount > 0 ? maskedHits / maskedCount : 0,
      dense: denseCount > 0 ? denseHits / denseCount : 0,
      counts: {
        singles: nSingles,
        masked: maskedCount,
        denseCells: denseCount,
        scenes: scenes.length,
      },
    };
  } finally {
    text.dispose();
  }
}

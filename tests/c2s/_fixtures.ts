/**
 * Test fixtures of the C2S core: a tiny randomly initialised teacher implementing `Teacher`, tiny
 * synthetic scene sets implementing `SegmentationDataset`, and a small config.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Teacher, TeacherOutput } from "../../lib/teacher/teacher.ts";
import { IGNORE_LABEL, type Scene, type SegmentationDataset } from "../../lib/data/types.ts";
import { createRng, hashSeed } from "../../lib/data/rng.ts";
import { type C2SConfig, DEFAULT_CONFIG } from "../../lib/c2s/config.ts";

/** Class names of the tiny scenes. */
export const TINY_CLASSES = ["a", "b", "c", "d", "e"] as const;

/**
 * A frozen random teacher: dense features = L2-normalised random 1x1 projection of each cell's
 * 4 x 4 patch (16 intensities), CLS = normalised mean of the dense features, text embeddings
 * random per class name.
 */
export class TinyTeacher implements Teacher {
  readonly name = "tiny-random";
  readonly dim: number;
  readonly denseSize: readonly [number, number];
  readonly hash: string;
  readonly #proj: tf.Tensor2D;
  readonly #bias: tf.Tensor1D;
  encodeCalls = 0;

  constructor(options: { dim?: number; imageSize?: number; seed?: number } = {}) {
    this.dim = options.dim ?? 16;
    const side = (options.imageSize ?? 32) / 4;
    this.denseSize = [side, side];
    const seed = options.seed ?? 1;
    this.hash = `tiny-${seed}-${this.dim}`;
    this.#proj = tf.randomNormal([16, this.dim], 0, 1, "float32", seed);
    this.#bias = tf.randomNormal([this.dim], 0, 0.2, "float32", seed + 1);
  }

  encodeImages(images: tf.Tensor4D): TeacherOutput {
    this.encodeCalls++;
    return tf.tidy(() => {
      const [b, hh, ww] = images.shape;
      const [h, w] = this.denseSize;
      // [B, h, 4, w, 4] -> [B, h, w, 16]
      const patches = tf.reshape(
        tf.transpose(tf.reshape(images, [b, h, hh / h, w, ww / w]), [0, 1, 3, 2, 4]),
        [b * h * w, 16],
      );
      const raw = tf.add(tf.matMul(patches as tf.Tensor2D, this.#proj), this.#bias);
      const dense = tf.reshape(normalize(tf.tanh(raw)), [b, h, w, this.dim]) as tf.Tensor4D;
      const cls = normalize(tf.mean(dense, [1, 2])) as tf.Tensor2D;
      return { cls, dense };
    });
  }

  textEmbeddings(classNames: readonly string[]): tf.Tensor2D {
    return tf.tidy(() => {
      const rows = classNames.map((name, i) =>
        tf.randomNormal([this.dim], 0, 1, "float32", hashSeed(7, i, name.length))
      );
      return normalize(tf.stack(rows)) as tf.Tensor2D;
    });
  }

  dispose(): void {
    this.#proj.dispose();
    this.#bias.dispose();
  }
}

function normalize(x: tf.Tensor): tf.Tensor {
  return tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), -1, true), 1e-12)));
}

/**
 * `length` scenes of `size` x `size` with two or three textured squares of the tiny classes;
 * `unseenIds` are hidden in `labels` (training view).
 */
export class TinyScenes implements SegmentationDataset {
  readonly name = "tiny-scenes";
  readonly classNames: readonly string[] = TINY_CLASSES;
  readonly height: number;
  readonly width: number;
  readonly length: number;
  readonly #seed: number;
  readonly #unseen: readonly number[];

  constructor(
    length: number,
    options: { size?: number; seed?: number; unseenIds?: number[] } = {},
  ) {
    this.length = length;
    this.height = this.width = options.size ?? 32;
    this.#seed = options.seed ?? 3;
    this.#unseen = options.unseenIds ?? [];
  }

  get(index: number): Scene {
    const rng = createRng(hashSeed(this.#seed, index));
    const n = this.height;
    const image = new Float32Array(n * n);
    const fullLabels = new Uint8Array(n * n).fill(IGNORE_LABEL);
    const items = [];
    const count = 2 + Math.floor(rng() * 2);
    for (let k = 0; k < count; k++) {
      const cls = Math.floor(rng() * TINY_CLASSES.length);
      const side = 8 + Math.floor(rng() * 8);
      const x0 = Math.floor(rng() * (n - side)), y0 = Math.floor(rng() * (n - side));
      for (let y = y0; y < y0 + side; y++) {
        for (let x = x0; x < x0 + side; x++) {
          // Class-specific texture: stripes of period cls + 2, brightness by class.
          const stripe = ((x + y) % (cls + 2)) === 0 ? 0.35 : 1;
          image[y * n + x] = (0.4 + 0.12 * cls) * stripe;
          fullLabels[y * n + x] = cls;
        }
      }
      items.push({ item: index * 4 + k, classId: cls, x: x0, y: y0, size: side });
    }
    const labels = fullLabels.map((v) => (this.#unseen.includes(v) ? IGNORE_LABEL : v));
    return { image, fullLabels, labels, items };
  }
}

/** A config for seconds-long runs on the tiny fixtures. */
export function tinyConfig(patch: (c: C2SConfig) => void = () => {}): C2SConfig {
  const c = structuredClone(DEFAULT_CONFIG) as C2SConfig;
  c.data.unseen = ["c"];
  c.student.width = 4;
  c.pseudoMask.windowSizes = [3];
  c.pseudoMask.maxLatent = 2;
  c.latent.heads = 2;
  c.train.steps = 6;
  c.train.batchSize = 4;
  c.train.evalEvery = 0;
  c.train.logEvery = 1;
  c.backend = "wasm";
  patch(c);
  return c;
}

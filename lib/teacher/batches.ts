/**
 * The teacher's training batches (DESIGN.md, "Calibration"): each step `n` single items placed at
 * random, `n` multi-item scenes and `n` masked items `I * 1(Y = l)` (one visible class of a scene,
 * chosen at random), all from the teacher's own training items and over ALL classes. Targets: class
 * ids (single, masked), visible-area shares (scenes), and 16 x 16 cell labels (majority label of a
 * 4 x 4 cell when it covers >= 50 % of it, else -1) for the dense term. A step's batch depends only
 * on `(seed, step)`, so a resumed run sees exactly the batches an uninterrupted one would.
 *
 * @module
 */
import { createRng, hashSeed, randInt } from "../data/rng.ts";
import { composeScene, placeItem } from "../data/scenes.ts";
import { IGNORE_LABEL, type ItemSet, type Scene } from "../data/types.ts";

/** One training batch: `3 n` images in the order singles, scenes, masked. */
export interface TeacherBatch {
  /** Items per kind. */
  n: number;
  side: number;
  /** `3n * side * side` intensities in [0, 1]. */
  images: Float32Array;
  /** Class of each single item (`n`). */
  singleLabels: Int32Array;
  /** Visible-area share of each class per scene (`n * classes`). */
  sceneShares: Float32Array;
  /** Class of each masked item (`n`). */
  maskedLabels: Int32Array;
  /** Cell label per image and dense position (`3n * cells * cells`), -1 = no target. */
  cellLabels: Int16Array;
  cells: number;
}

/** Cell labels of one label map: majority label of each `side/cells` square when >= 50 % of it. */
export function cellLabels(
  labels: Uint8Array,
  side: number,
  cells: number,
  out: Int16Array,
  offset: number,
): void {
  const k = side / cells;
  const counts = new Int32Array(256);
  for (let cy = 0; cy < cells; cy++) {
    for (let cx = 0; cx < cells; cx++) {
      counts.fill(0);
      let best = -1, bestCount = 0;
      for (let y = 0; y < k; y++) {
        for (let x = 0; x < k; x++) {
          const l = labels[(cy * k + y) * side + cx * k + x]!;
          if (l === IGNORE_LABEL) continue;
          const c = ++counts[l]!;
          if (c > bestCount) bestCount = c, best = l;
        }
      }
      out[offset + cy * cells + cx] = 2 * bestCount >= k * k ? best : -1;
    }
  }
}

/** Visible-area share of each class in a label map (zero shares when nothing is visible). */
export function areaShares(
  labels: Uint8Array,
  classes: number,
  out: Float32Array,
  offset: number,
): void {
  let total = 0;
  for (const l of labels) {
    if (l === IGNORE_LABEL || l >= classes) continue;
    out[offset + l]!++;
    total++;
  }
  if (total > 0) { for (let c = 0; c < classes; c++) out[offset + c]! /= total; }
}

/** The masked item of a scene for class `l`: image and labels outside the class are zeroed/ignored. */
export function maskScene(scene: Scene, l: number): { image: Float32Array; labels: Uint8Array } {
  const image = new Float32Array(scene.image.length);
  const labels = new Uint8Array(scene.image.length).fill(IGNORE_LABEL);
  scene.fullLabels.forEach((v, i) => {
    if (v === l) {
      image[i] = scene.image[i]!;
      labels[i] = l;
    }
  });
  return { image, labels };
}

/** Options of {@linkcode makeBatch}. */
export interface BatchOptions {
  /** Items per kind (singles, scenes, masked). @default 32 */
  n?: number;
  /** Dense cells per side. @default 16 */
  cells?: number;
  /** Number of classes. @default 10 */
  classes?: number;
}

/** The training batch of `step` for `seed`, drawn from the items in `pool`. */
export function makeBatch(
  items: ItemSet,
  pool: Int32Array,
  seed: number,
  step: number,
  options: BatchOptions = {},
): TeacherBatch {
  const n = options.n ?? 32;
  const cells = options.cells ?? 16;
  const classes = options.classes ?? 10;
  const rng = createRng(hashSeed(seed, step));
  const first = placeItem(items, pool[0]!, rng);
  const side = Math.round(Math.sqrt(first.image.length));
  const px = side * side;
  const images = new Float32Array(3 * n * px);
  const cl = new Int16Array(3 * n * cells * cells);
  const singleLabels = new Int32Array(n);
  const maskedLabels = new Int32Array(n);
  const sceneShares = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) {
    const index = pool[randInt(rng, 0, pool.length)]!;
    const s = placeItem(items, index, rng);
    images.set(s.image, i * px);
    singleLabels[i] = items.labels[index]!;
    cellLabels(s.fullLabels, side, cells, cl, i * cells * cells);
  }
  for (let i = 0; i < n; i++) {
    const s = composeScene(items, pool, rng);
    images.set(s.image, (n + i) * px);
    cellLabels(s.fullLabels, side, cells, cl, (n + i) * cells * cells);
    areaShares(s.fullLabels, classes, sceneShares, i * classes);
    const visible = [...new Set(s.fullLabels)].filter((l) => l !== IGNORE_LABEL).sort((a, b) =>
      a - b
    );
    const l = visible.length > 0 ? visible[randInt(rng, 0, visible.length)]! : s.items[0]!.classId;
    const m = maskScene(s, l);
    images.set(m.image, (2 * n + i) * px);
    maskedLabels[i] = l;
    cellLabels(m.labels, side, cells, cl, (2 * n + i) * cells * cells);
  }
  return { n, side, images, singleLabels, sceneShares, maskedLabels, cellLabels: cl, cells };
}

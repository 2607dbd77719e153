/**
 * Training batches: the scenes of the training pool joined with their teacher cache entries, and
 * the tensors one C2S step consumes. Host arrays are built once per run (`TrainPool`); each step
 * gathers its rows and uploads them (`makeBatch`), so a step never waits on the teacher.
 *
 * Slot layout (S = Ns + U): seen class k of the run is slot k, latent class u of a scene is slot
 * Ns + u; targets are on the feature grid (`label_grid.ts`).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { SegmentationDataset } from "../data/types.ts";
import { downsampleLabels, pseudoLabelMap, seenSlots, UNLABELLED } from "./label_grid.ts";
import { slotCount, type TeacherCache } from "./teacher_cache.ts";
import { messages } from "./messages.ts";

/** The training pool in host memory. */
export interface TrainPool {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  /** Image channels (1 grey, 3 RGB). */
  readonly channels: number;
  /** Feature grid [h, w]. */
  readonly grid: readonly [number, number];
  readonly numSeen: number;
  readonly maxLatent: number;
  readonly dim: number;
  /** Scene images, `N * H * W * channels`. */
  readonly images: Float32Array;
  /** Ỹ = Y_s + Ỹ_u on the feature grid as slots (255 unlabelled), `N * h * w`. */
  readonly targets: Uint8Array;
  /** Y_s alone on the feature grid as seen slots, `N * h * w` (the baseline's target). */
  readonly seenTargets: Uint8Array;
  /** Ỹ on the pixel grid as slots, `N * H * W` (for samples). */
  readonly pseudo: Uint8Array;
  readonly cache: TeacherCache;
}

/** Joins the scenes of `dataset` (the cached pool) with `cache`. */
export function buildTrainPool(dataset: SegmentationDataset, cache: TeacherCache): TrainPool {
  const { height: H, width: W } = dataset;
  const C = dataset.channels ?? 1;
  const [h, w] = cache.grid;
  if (dataset.length !== cache.count) {
    throw new RangeError(
      messages.cacheShape("scene count", String(dataset.length), String(cache.count)),
    );
  }
  const n = cache.count, ns = cache.seenIds.length;
  const slotOf = new Uint8Array(256).fill(UNLABELLED);
  cache.seenIds.forEach((id, k) => (slotOf[id] = k));
  const images = new Float32Array(n * H * W * C);
  const targets = new Uint8Array(n * h * w);
  const seenTargets = new Uint8Array(n * h * w);
  const pseudo = new Uint8Array(n * H * W);
  for (let i = 0; i < n; i++) {
    const scene = dataset.get(i);
    images.set(scene.image, i * H * W * C);
    const seen = seenSlots(scene.labels, slotOf);
    for (let p = 0; p < seen.length; p++) {
      if (seen[p] === UNLABELLED && scene.labels[p] !== UNLABELLED) {
        throw new RangeError(messages.unseenLabelInTraining(i, scene.labels[p]!));
      }
    }
    const latent = cache.latent.subarray(i * h * w, (i + 1) * h * w);
    const full = pseudoLabelMap(seen, latent, ns, H, W, h, w);
    pseudo.set(full, i * H * W);
    targets.set(downsampleLabels(full, H, W, h, w), i * h * w);
    seenTargets.set(downsampleLabels(seen, H, W, h, w), i * h * w);
  }
  return {
    count: n,
    height: H,
    width: W,
    channels: C,
    grid: [h, w],
    numSeen: ns,
    maxLatent: cache.maxLatent,
    dim: cache.dim,
    images,
    targets,
    seenTargets,
    pseudo,
    cache,
  };
}

/** The tensors of one step. Owns them: call `dispose()`. */
export interface Batch {
  readonly size: number;
  /** `[B, H, W, C]`. */
  readonly images: tf.Tensor4D;
  /** C_g `[B, D]`. */
  readonly globalCls: tf.Tensor2D;
  /** C_l `[B, S, D]`. */
  readonly localCls: tf.Tensor3D;
  /** C_l exists `[B, S]`. */
  readonly localValid: tf.Tensor2D;
  /** Ỹ one-hot on the feature grid `[B, L, S]` (regions of Eq. 5 and the target of Eq. 7). */
  readonly regions: tf.Tensor3D;
  /** Y_s one-hot on the feature grid `[B, L, Ns]`. */
  readonly seenTarget: tf.Tensor3D;
  /** Latent slot exists `[B, U]`. */
  readonly latentValid: tf.Tensor2D;
  /** C_g rows of the batch on the host (for the token bank), `B * D`. */
  readonly globalClsHost: Float32Array;
  dispose(): void;
}

function oneHot(labels: Uint8Array, classes: number): Float32Array {
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (v !== UNLABELLED && v < classes) out[i * classes + v] = 1;
  }
  return out;
}

/** Gathers the scenes `indices` of `pool` into a batch. */
export function makeBatch(pool: TrainPool, indices: readonly number[]): Batch {
  const { height: H, width: W, channels: C, dim: d, numSeen: ns, maxLatent: u, cache } = pool;
  const [h, w] = pool.grid;
  const b = indices.length, l = h * w, s = slotCount(cache);
  const images = new Float32Array(b * H * W * C);
  const cg = new Float32Array(b * d);
  const cl = new Float32Array(b * s * d);
  const clValid = new Float32Array(b * s);
  const targets = new Uint8Array(b * l);
  const seenTargets = new Uint8Array(b * l);
  const latentValid = new Float32Array(b * u);
  indices.forEach((i, j) => {
    images.set(pool.images.subarray(i * H * W * C, (i + 1) * H * W * C), j * H * W * C);
    cg.set(cache.globalCls.subarray(i * d, (i + 1) * d), j * d);
    cl.set(cache.localCls.subarray(i * s * d, (i + 1) * s * d), j * s * d);
    for (let k = 0; k < s; k++) clValid[j * s + k] = cache.localValid[i * s + k]!;
    for (let k = 0; k < u; k++) latentValid[j * u + k] = cache.localValid[i * s + ns + k]!;
    targets.set(pool.targets.subarray(i * l, (i + 1) * l), j * l);
    seenTargets.set(pool.seenTargets.subarray(i * l, (i + 1) * l), j * l);
  });
  const tensors = {
    images: tf.tensor4d(images, [b, H, W, C]),
    globalCls: tf.tensor2d(cg, [b, d]),
    localCls: tf.tensor3d(cl, [b, s, d]),
    localValid: tf.tensor2d(clValid, [b, s]),
    regions: tf.tensor3d(oneHot(targets, s), [b, l, s]),
    seenTarget: tf.tensor3d(oneHot(seenTargets, ns), [b, l, ns]),
    latentValid: tf.tensor2d(latentValid, [b, u]),
  };
  return {
    size: b,
    ...tensors,
    globalClsHost: cg,
    dispose: () => Object.values(tensors).forEach((t) => t.dispose()),
  };
}

/** Epoch-wise shuffled batches of pool indices (each epoch a fresh permutation). */
export class BatchSampler {
  readonly #count: number;
  readonly #batch: number;
  readonly #rng: () => number;
  #order: Int32Array;
  #at: number;

  constructor(count: number, batchSize: number, rng: () => number) {
    if (count < batchSize) throw new RangeError(messages.tooFewTrainScenes(count, batchSize));
    this.#count = count;
    this.#batch = batchSize;
    this.#rng = rng;
    this.#order = new Int32Array(count);
    this.#at = count;
  }

  /** The next batch's indices (drops the last partial batch of an epoch). */
  next(): number[] {
    if (this.#at + this.#batch > this.#count) {
      for (let i = 0; i < this.#count; i++) this.#order[i] = i;
      for (let i = this.#count - 1; i > 0; i--) {
        const j = Math.floor(this.#rng() * (i + 1));
        const t = this.#order[i]!;
        this.#order[i] = this.#order[j]!;
        this.#order[j] = t;
      }
      this.#at = 0;
    }
    const out = Array.from(this.#order.subarray(this.#at, this.#at + this.#batch));
    this.#at += this.#batch;
    return out;
  }
}

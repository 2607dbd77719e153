/**
 * The student's cost at inference, the analogue of the paper's Table III (measured, not copied:
 * the paper's rows are other methods at 512 x 512 on an RTX 3090). Inference is the student alone
 * (Sec. III-E): `predict` of `evaluate.ts` — normalised dense features scored against the text
 * embeddings of all classes, logits upsampled to the scene, argmax, read back to the host.
 *
 * - Parameters: the student's trainable variables (conv kernels, BN gains and offsets; the BN
 *   running averages are state, not parameters).
 * - GFLOPs per image: 2 x the multiply-accumulates of the convolutions and matrix products of one
 *   inference pass, counted from the shapes of the kernels that pass actually runs (recorded with
 *   `tf.profile`: for a convolution, output positions x output channels x kernel area x input
 *   channels per group; for a matrix product, output entries x the inner dimension). Normalisation,
 *   activations, upsampling and the argmax are left out, as FLOP counts of segmentation networks
 *   usually do; they are a few percent here.
 * - FPS: scenes per second of inference on the active tfjs backend at each batch size (default 1
 *   and 16): warm-up passes, then the median wall time of the timed passes; each pass reads its
 *   result back, so the backend has finished. The text embeddings are random unit rows of the
 *   teacher's width (their values do not change the cost) and the weights are freshly
 *   initialised (the cost of a trained student is the same).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { C2SConfig } from "./config.ts";
import { predict } from "./evaluate.ts";
import type { EventSink } from "./events.ts";
import { Student } from "./student.ts";

/** User-facing messages of the efficiency measurement. */
export const efficiencyMessages = {
  badCount: (key: string, value: unknown) =>
    `Option "${key}" must be a positive integer, got ${JSON.stringify(value)}`,
  badBatches: (value: unknown) =>
    `Option "batchSizes" must be a non-empty list of positive integers, got ${
      JSON.stringify(value)
    }`,
  unsupportedArch: (arch: string) => `Unknown student architecture "${arch}": expected "conv"`,
} as const;

/** Options of {@linkcode measureEfficiency}. */
export interface EfficiencyOptions {
  /** Feature width D of the student (the teacher's joint width). */
  readonly dim: number;
  /** Classes the classifier scores (rows of the text embeddings). */
  readonly classes: number;
  /** Scene size. @default 64 */
  readonly height?: number;
  /** @default 64 */
  readonly width?: number;
  /** Batch sizes timed; the first is the one `FPS` reports. @default [1, 16] */
  readonly batchSizes?: readonly number[];
  /** Untimed passes per batch size. @default 3 */
  readonly warmup?: number;
  /** Timed passes per batch size (their median counts). @default 10 */
  readonly repeats?: number;
  /** Seed of the weights and the inputs. @default 0 */
  readonly seed?: number;
  /** Receives `cache` events (`build`: batch sizes timed, of total). */
  readonly onEvent?: EventSink;
  readonly signal?: AbortSignal;
}

/** Throughput at one batch size. */
export interface Throughput {
  readonly batch: number;
  /** Median milliseconds of one pass. */
  readonly medianMs: number;
  /** Scenes per second: batch / median seconds. */
  readonly fps: number;
}

/** What {@linkcode measureEfficiency} measured. */
export interface EfficiencyMeasurement {
  /** Trainable parameters. */
  readonly parameters: number;
  /** Multiply-accumulates per image (convolutions and matrix products). */
  readonly macsPerImage: number;
  /** 2 x MACs / 1e9. */
  readonly gflopsPerImage: number;
  readonly throughput: readonly Throughput[];
  /** The tfjs backend that ran it. */
  readonly backend: string;
  readonly height: number;
  readonly width: number;
}

/** One recorded kernel: its name and its input and output shapes. */
export interface KernelShapes {
  readonly name: string;
  readonly inputShapes: readonly (readonly number[] | null)[];
  readonly outputShapes: readonly (readonly number[])[];
}

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Multiply-accumulates of one kernel call from its shapes; 0 for kernels that are not a
 * convolution or a matrix product. Convolutions are NHWC with filters `[kh, kw, cin/groups,
 * cout]` (depthwise: `[kh, kw, cin, multiplier]`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { kernelMacs } from "./efficiency.ts";
 * // 3x3 conv, 1 -> 16 channels, 32 x 32 outputs: 32 * 32 * 16 * 9 * 1
 * const conv = { inputShapes: [[1, 64, 64, 1], [3, 3, 1, 16]], outputShapes: [[1, 32, 32, 16]] };
 * assertEquals(kernelMacs({ name: "Conv2D", ...conv }), 147456);
 * ```
 */
export function kernelMacs(kernel: KernelShapes): number {
  const out = kernel.outputShapes[0];
  if (out === undefined) return 0;
  switch (kernel.name) {
    case "Conv2D":
    case "FusedConv2D": {
      const filter = kernel.inputShapes[1];
      if (!filter) return 0;
      const [kh, kw, cinPerGroup] = filter as [number, number, number];
      return product(out) * kh * kw * cinPerGroup;
    }
    case "DepthwiseConv2dNative":
    case "FusedDepthwiseConv2D": {
      const filter = kernel.inputShapes[1];
      if (!filter) return 0;
      const [kh, kw] = filter as [number, number];
      return product(out) * kh * kw;
    }
    case "BatchMatMul":
    case "_FusedMatMul": {
      // a: [..., M, K] or [..., K, M]; out: [..., M, N]. K = (a's last two dims) / M.
      const a = kernel.inputShapes[0];
      if (!a || a.length < 2 || out.length < 2) return 0;
      const rows = out[out.length - 2]!;
      const inner = (a[a.length - 1]! * a[a.length - 2]!) / rows;
      return product(out) * inner;
    }
    default:
      return 0;
  }
}

function positiveInt(key: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new RangeError(efficiencyMessages.badCount(key, value));
  }
  return value;
}

/** Random unit rows `[classes, dim]`. */
function randomText(classes: number, dim: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const t = tf.randomNormal([classes, dim], 0, 1, "float32", seed);
    return tf.div(t, tf.norm(t, 2, 1, true)) as tf.Tensor2D;
  });
}

/** Random scenes in [0, 1), `count * height * width`. */
function randomImages(count: number, height: number, width: number, seed: number): Float32Array {
  const t = tf.randomUniform([count * height * width], 0, 1, "float32", seed);
  const out = t.dataSync() as Float32Array;
  t.dispose();
  return out;
}

/**
 * Multiply-accumulates per image of the student's inference pass (`predict`) on `height x width`
 * scenes against `text`, from the kernels `tf.profile` records for a batch of one.
 */
export async function inferenceMacs(
  student: Student,
  text: tf.Tensor2D,
  height: number,
  width: number,
): Promise<number> {
  const images = new Float32Array(height * width);
  const info = await tf.profile(() => predict(student, text, images, 1, height, width));
  return info.kernels.reduce((n, k) => n + kernelMacs(k), 0);
}

/**
 * Measures the inference cost of the student of `config.student` (see the module doc). The
 * tensor backend must be started (`initBackend`); it is the one measured.
 *
 * @throws {RangeError} For an architecture other than `conv` or invalid options.
 */
export async function measureEfficiency(
  config: C2SConfig,
  options: EfficiencyOptions,
): Promise<EfficiencyMeasurement> {
  if (config.student.arch !== "conv") {
    throw new RangeError(efficiencyMessages.unsupportedArch(config.student.arch));
  }
  const height = positiveInt("height", options.height ?? 64);
  const width = positiveInt("width", options.width ?? 64);
  const dim = positiveInt("dim", options.dim);
  const classes = positiveInt("classes", options.classes);
  const warmup = options.warmup ?? 3;
  if (!Number.isInteger(warmup) || warmup < 0) {
    throw new RangeError(efficiencyMessages.badCount("warmup", warmup));
  }
  const repeats = positiveInt("repeats", options.repeats ?? 10);
  const batches = options.batchSizes ?? [1, 16];
  if (batches.length === 0 || !batches.every((b) => Number.isInteger(b) && b >= 1)) {
    throw new RangeError(efficiencyMessages.badBatches(batches));
  }
  const seed = options.seed ?? 0;
  const student = new Student({ width: config.student.width, dim, seed });
  const text = randomText(classes, dim, seed + 1);
  try {
    const parameters = student.variables.reduce((n, v) => n + v.size, 0);
    const macsPerImage = await inferenceMacs(student, text, height, width);
    const throughput: Throughput[] = [];
    options.onEvent?.({
      type: "cache",
      phase: "build",
      done: 0,
      total: batches.length,
      path: null,
    });
    for (const [i, batch] of batches.entries()) {
      options.signal?.throwIfAborted();
      const images = randomImages(batch, height, width, seed + 2 + batch);
      for (let k = 0; k < warmup; k++) await predict(student, text, images, batch, height, width);
      const times: number[] = [];
      for (let k = 0; k < repeats; k++) {
        options.signal?.throwIfAborted();
        const t0 = performance.now();
        await predict(student, text, images, batch, height, width);
        times.push(performance.now() - t0);
      }
      const medianMs = median(times);
      throughput.push({ batch, medianMs, fps: (1000 * batch) / medianMs });
      options.onEvent?.({
        type: "cache",
        phase: "build",
        done: i + 1,
        total: batches.length,
        path: null,
      });
    }
    return {
      parameters,
      macsPerImage,
      gflopsPerImage: (2 * macsPerImage) / 1e9,
      throughput,
      backend: tf.getBackend(),
      height,
      width,
    };
  } finally {
    text.dispose();
    student.dispose();
  }
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The run-record rows of a measurement, split `"eval"`, named as Table III's columns:
 * `params_M` (millions), `GFLOPs` (per image), `FPS` (the first batch size); plus `params`
 * (exact), `MMACs` (per image), and `FPS_batch<B>` and `ms_batch<B>` for every batch size.
 */
export function efficiencyRows(
  measurement: EfficiencyMeasurement,
): { split: string; metric: string; value: number }[] {
  const rows: { split: string; metric: string; value: number }[] = [];
  const row = (metric: string, value: number) => rows.push({ split: "eval", metric, value });
  row("params_M", measurement.parameters / 1e6);
  row("GFLOPs", measurement.gflopsPerImage);
  const first = measurement.throughput[0];
  if (first !== undefined) row("FPS", first.fps);
  row("params", measurement.parameters);
  row("MMACs", measurement.macsPerImage / 1e6);
  for (const t of measurement.throughput) {
    row(`FPS_batch${t.batch}`, t.fps);
    row(`ms_batch${t.batch}`, t.medianMs);
  }
  return rows;
}

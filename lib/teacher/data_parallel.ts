/**
 * Data-parallel training steps for the teacher: each step's batch is split into `workers` equal
 * parts (singles, scenes and masked items alike), each part's forward/backward runs in its own
 * worker (a thread with its own wasm backend, so one core each: tfjs runs wasm single-threaded
 * under Deno), and the parts' gradients are averaged, like PyTorch's DistributedDataParallel. With
 * equal parts the average is the whole batch's gradient except where the batch couples items: each
 * part normalises with its own batch-norm statistics (DDP without SyncBN) and the dense loss
 * averages over each part's valid cells. The running statistics are the parts' pooled moments.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { ItemSet } from "../data/types.ts";
import type { TeacherBatch } from "./batches.ts";
import * as msg from "./messages.ts";
import type { StepLosses, StepResult } from "./train_step.ts";

/** What a worker needs once: the items, the pool it draws from and the batch recipe. */
export interface WorkerSetup {
  readonly items: ItemSet;
  readonly pool: Int32Array;
  /** Seed of every batch. */
  readonly seed: number;
  /** Items per kind of the whole batch (a multiple of the worker count). */
  readonly n: number;
}

/** One step's request to worker `part` of `parts`. */
export interface WorkerStep {
  readonly step: number;
  readonly part: number;
  readonly parts: number;
  /** The trainable weights' values by name. */
  readonly weights: Record<string, Float32Array>;
}

/** A worker's answer: its part's losses, gradients and batch statistics, on the host. */
export interface WorkerResult {
  readonly losses: StepLosses;
  readonly grads: Record<string, Float32Array>;
  readonly stats: Record<string, { mean: Float32Array; variance: Float32Array; count: number }>;
}

/** Part `part` of `parts` of `batch`: the same share of each kind. */
export function batchPart(batch: TeacherBatch, part: number, parts: number): TeacherBatch {
  const { n, side, cells } = batch;
  if (n % parts !== 0) throw new RangeError(msg.batchSplit(n, parts));
  const m = n / parts, px = side * side, cl = cells * cells;
  const classes = batch.sceneShares.length / n;
  const images = new Float32Array(3 * m * px);
  const cellLabels = new Int16Array(3 * m * cl);
  for (let kind = 0; kind < 3; kind++) {
    const from = kind * n + part * m;
    images.set(batch.images.subarray(from * px, (from + m) * px), kind * m * px);
    cellLabels.set(batch.cellLabels.subarray(from * cl, (from + m) * cl), kind * m * cl);
  }
  return {
    n: m,
    side,
    cells,
    images,
    cellLabels,
    singleLabels: batch.singleLabels.slice(part * m, (part + 1) * m),
    maskedLabels: batch.maskedLabels.slice(part * m, (part + 1) * m),
    sceneShares: batch.sceneShares.slice(part * m * classes, (part + 1) * m * classes),
  };
}

/** Averages the parts' results into one step result whose tensors the caller owns. */
export function combineParts(
  parts: readonly WorkerResult[],
  shapes: ReadonlyMap<string, readonly number[]>,
): StepResult {
  const k = parts.length;
  const losses = Object.fromEntries(
    Object.keys(parts[0]!.losses).map((key) => [
      key,
      parts.reduce((s, p) => s + p.losses[key as keyof StepLosses], 0) / k,
    ]),
  ) as unknown as StepLosses;
  const grads = new Map<string, tf.Tensor>();
  for (const name of Object.keys(parts[0]!.grads)) {
    const sum = new Float32Array(parts[0]!.grads[name]!.length);
    for (const p of parts) {
      const g = p.grads[name]!;
      for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + g[i]! / k;
    }
    grads.set(name, tf.tensor(sum, [...shapes.get(name)!]));
  }
  const stats: StepResult["stats"] = new Map();
  for (const name of Object.keys(parts[0]!.stats)) {
    const all = parts.map((p) => p.stats[name]!);
    const count = all.reduce((s, x) => s + x.count, 0);
    const c = all[0]!.mean.length;
    const mean = new Float32Array(c), variance = new Float32Array(c);
    for (let j = 0; j < c; j++) {
      let m = 0, sq = 0;
      for (const x of all) {
        m += x.mean[j]! * x.count / count;
        sq += (x.variance[j]! + x.mean[j]! ** 2) * x.count / count;
      }
      mean[j] = m;
      variance[j] = Math.max(0, sq - m * m);
    }
    stats.set(name, { mean: tf.tensor1d(mean), variance: tf.tensor1d(variance), count });
  }
  return { losses, grads, stats };
}

/**
 * `workers` step workers (`step_worker.ts`) that compute one training step's gradients together.
 * Call `close()` when done.
 *
 * @example
 * ```ts ignore
 * const parallel = await DataParallelSteps.start(2, { items, pool, seed: 0, n: 32 });
 * const r = await parallel.step(weights, step); // as forwardBackward()'s result
 * parallel.close();
 * ```
 */
export class DataParallelSteps {
  readonly #workers: Worker[];
  private constructor(workers: Worker[]) {
    this.#workers = workers;
  }

  /** Starts `workers` workers and hands each the setup (the items are copied once per worker). */
  static async start(workers: number, setup: WorkerSetup): Promise<DataParallelSteps> {
    if (!Number.isInteger(workers) || workers < 1 || setup.n % workers !== 0) {
      throw new RangeError(msg.batchSplit(setup.n, workers));
    }
    const url = new URL("./step_worker.ts", import.meta.url);
    const all = Array.from({ length: workers }, () => new Worker(url, { type: "module" }));
    const parallel = new DataParallelSteps(all);
    try {
      await Promise.all(all.map((w) => request(w, { type: "setup", setup })));
    } catch (error) {
      parallel.close();
      throw error;
    }
    return parallel;
  }

  /** Workers in use. */
  get size(): number {
    return this.#workers.length;
  }

  /** The averaged gradients, losses and pooled batch statistics of step `step` at `weights`. */
  async step(weights: ReadonlyMap<string, tf.Variable>, step: number): Promise<StepResult> {
    const trainable = [...weights].filter(([, v]) => v.trainable);
    const values: Record<string, Float32Array> = {};
    const shapes = new Map<string, number[]>();
    for (const [name, v] of trainable) {
      values[name] = await v.data() as Float32Array;
      shapes.set(name, v.shape);
    }
    const parts = this.#workers.length;
    const results = await Promise.all(
      this.#workers.map((w, part) =>
        request(w, { type: "step", request: { step, part, parts, weights: values } })
      ),
    );
    return combineParts(results as WorkerResult[], shapes);
  }

  /** Stops the workers. */
  close(): void {
    for (const w of this.#workers) w.terminate();
  }
}

/** Posts `message` to `worker` and resolves with its one answer (rejects on its error). */
function request(worker: Worker, message: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    worker.onmessage = (e: MessageEvent) => {
      const data = e.data as { ok: boolean; value?: unknown; error?: string };
      if (data.ok) resolve(data.value);
      else reject(new Error(msg.stepWorkerFailed(data.error ?? "no detail")));
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      reject(new Error(msg.stepWorkerFailed(e.message)));
    };
    worker.postMessage(message);
  });
}

/**
 * Trains the mini-CLIP from scratch (DESIGN.md, "Calibration"): AdamW lr 2e-3, weight decay 0.05,
 * 5 % linear warm-up then cosine; each step 32 single items + 32 scenes + 32 masked items; losses
 * 1:1:1:1. Only the teacher's training items are used (`partitionItems(items, { seed: 1 }).train`,
 * the benchmark's default partition, so the held-out items are the student's evaluation items too).
 *
 * The loop reads top to bottom: learning rate -> checkpoint? -> batch -> forward/backward -> AdamW
 * -> running statistics -> progress -> stop? The training state (weights, AdamW moments, step) is
 * saved every few minutes and on SIGINT/SIGTERM; a restart with the same settings resumes from it.
 * Batches depend only on `(seed, step)`, so a resumed run ends with the same weights as one that
 * was never interrupted.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { ItemSet } from "../data/types.ts";
import { FASHION_CLASSES } from "../data/types.ts";
import { BENCHMARK_PARTITION, partitionItems } from "../data/split.ts";
import { AdamW } from "../tf/adamw.ts";
import { learningRate, type ScheduleOptions } from "../tf/schedule.ts";
import { makeBatch } from "./batches.ts";
import { DEFAULT_CONFIG, type MiniClipConfig } from "./config.ts";
import { atomicWrite, FILES, saveTeacher, toArrays, weightsFromArrays } from "./checkpoint.ts";
import { trainingFlops } from "./flops.ts";
import { type NamedArray, parseSafetensors, serializeSafetensors } from "./safetensors.ts";
import { buildVocabulary, tokenize } from "./tokenizer.ts";
import { forwardBackward } from "./train_step.ts";
import { DataParallelSteps } from "./data_parallel.ts";
import { initWeights, weightSpecs } from "./weights.ts";
import * as msg from "./messages.ts";

/** Options of {@linkcode trainTeacher}; every field has the recipe's default. */
export interface TrainTeacherOptions {
  /** Output directory (state, weights, config). */
  outDir: string;
  /** Optimiser steps. @default 4000 */
  steps?: number;
  /** Seed of the initial weights and of every batch. @default 0 */
  seed?: number;
  /** Items per kind per step (singles, scenes, masked). @default 32 */
  batch?: number;
  /** Peak learning rate. @default 2e-3 */
  lr?: number;
  /** AdamW decoupled weight decay. @default 0.05 */
  weightDecay?: number;
  /** Warm-up share of the steps. @default 0.05 */
  warmup?: number;
  /** Minutes between training-state checkpoints. @default 3 */
  checkpointMinutes?: number;
  /** Seed of the item partition (must match the student's benchmark). @default 1 */
  partitionSeed?: number;
  /** Share of items held out. @default 0.2 */
  evalFraction?: number;
  /**
   * Data-parallel workers, one core each (`data_parallel.ts`): 1 trains in this thread; more split
   * each step's batch over workers and average their gradients (per-part batch-norm statistics,
   * so the trajectory differs from one worker's). A divisor of `batch`. @default 1
   */
  workers?: number;
  /** Stop (after saving the state) once this step is reached; for tests of resuming. */
  stopAt?: number;
  /** Called after every step. */
  onStep?: (p: StepProgress) => void;
  /** Returns true when the loop should save and stop (e.g. after a signal). */
  shouldStop?: () => boolean;
}

/** Progress of one step. */
export interface StepProgress {
  step: number;
  steps: number;
  loss: { total: number; single: number; scene: number; masked: number; dense: number };
  lr: number;
  /** Wall milliseconds of this step. */
  stepMs: number;
  /** Training wall milliseconds so far (all sessions). */
  elapsedMs: number;
  startStep: number;
  /** Milliseconds since this session started. */
  sessionMs: number;
  resumed: boolean;
}

/** What a finished (or stopped) run returns. */
export interface TrainTeacherResult {
  done: boolean;
  step: number;
  steps: number;
  seed: number;
  imagesSeen: number;
  trainingFlops: number;
  elapsedMs: number;
  /** sha256 of `teacher.safetensors` when done. */
  sha256: string | null;
  resumedFrom: number | null;
  config: MiniClipConfig;
  lastLoss: StepProgress["loss"] | null;
}

/** The mini-CLIP architecture over the Fashion-MNIST class names. */
export function miniClipConfig(): MiniClipConfig {
  return { ...DEFAULT_CONFIG, vocabulary: buildVocabulary(FASHION_CLASSES) };
}

/** Facts that must match for a state file to be resumed. */
function runKey(
  o: Required<Omit<TrainTeacherOptions, "stopAt" | "onStep" | "shouldStop" | "outDir">>,
) {
  return {
    steps: String(o.steps),
    seed: String(o.seed),
    batch: String(o.batch),
    lr: String(o.lr),
    weightDecay: String(o.weightDecay),
    warmup: String(o.warmup),
    partitionSeed: String(o.partitionSeed),
    evalFraction: String(o.evalFraction),
    workers: String(o.workers),
  };
}

const MOMENTUM = 0.1;

/**
 * The learning-rate schedule of a run of `steps` at peak `lr`: the recipe's reading of "5 % warmup
 * then cosine", with at least one warmup step and the cosine reaching zero one step after the last.
 */
export function teacherSchedule(steps: number, lr: number, warmup: number): ScheduleOptions {
  return { lr, steps, warmupFraction: warmup, minWarmupSteps: 1, zeroAt: "end" };
}

/** Trains (or resumes training) and, when all steps are done, writes the teacher files. */
export async function trainTeacher(
  items: ItemSet,
  options: TrainTeacherOptions,
): Promise<TrainTeacherResult> {
  const o = {
    steps: options.steps ?? 4000,
    seed: options.seed ?? 0,
    batch: options.batch ?? 32,
    lr: options.lr ?? 2e-3,
    weightDecay: options.weightDecay ?? 0.05,
    warmup: options.warmup ?? 0.05,
    checkpointMinutes: options.checkpointMinutes ?? 3,
    partitionSeed: options.partitionSeed ?? BENCHMARK_PARTITION.seed,
    evalFraction: options.evalFraction ?? 0.2,
    workers: options.workers ?? 1,
  };
  const key = runKey(o);
  const config = miniClipConfig();
  const specs = weightSpecs(config);
  const pool = partitionItems(items, { seed: o.partitionSeed, evalFraction: o.evalFraction }).train;
  const textIds = tokenize(FASHION_CLASSES, config.vocabulary, config.textLength, config.prompt);
  const statePath = `${options.outDir}/${FILES.state}`;
  await Deno.mkdir(options.outDir, { recursive: true });

  let saved: ReturnType<typeof parseSafetensors> | null = null;
  try {
    saved = parseSafetensors(await Deno.readFile(statePath), statePath);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  for (const [k, v] of Object.entries(key)) {
    // State files from before data-parallel training were all trained by one worker.
    const was = saved?.metadata[k] ?? (k === "workers" ? "1" : undefined);
    if (saved && was !== v) throw new Error(msg.stateMismatch(statePath, k, String(was), v));
  }
  const weights = saved
    ? weightsFromArrays(config, saved.tensors, statePath)
    : initWeights(config, o.seed);
  let step = saved ? Number(saved.metadata.step) : 0;
  let elapsedMs = saved ? Number(saved.metadata.elapsedMs) : 0;
  const resumedFrom = saved ? step : null;
  const decays = new Set(specs.filter((s) => s.decay).map((s) => s.name));
  const trainable = new Map(
    specs.filter((s) => s.trainable).map((s) => [s.name, weights.get(s.name)!]),
  );
  const optimizer = new AdamW(trainable, {
    weightDecay: o.weightDecay,
    decay: (name) => decays.has(name),
  });
  const schedule = teacherSchedule(o.steps, o.lr, o.warmup);

  const saveState = async () => {
    const tensors = new Map<string, NamedArray>(toArrays(weights));
    for (const [name, m] of optimizer.getState().moments) tensors.set(ADAMW_PREFIX + name, m);
    const metadata = { ...key, step: String(step), elapsedMs: String(Math.round(elapsedMs)) };
    await atomicWrite(statePath, serializeSafetensors(tensors, metadata));
  };

  let parallel: DataParallelSteps | null = null;
  const sessionStart = performance.now();
  const startStep = step;
  let lastSave = performance.now();
  let lastLoss: StepProgress["loss"] | null = null;
  try {
    if (saved) optimizer.setState({ iterations: step, moments: withoutPrefix(saved.tensors) });
    if (o.workers > 1) {
      parallel = await DataParallelSteps.start(o.workers, {
        items,
        pool,
        seed: o.seed,
        n: o.batch,
      });
    }
    while (step < o.steps) {
      if (options.stopAt !== undefined && step >= options.stopAt) break;
      // Let signal handlers and timers run (the step itself is synchronous).
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (options.shouldStop?.()) break;
      const t0 = performance.now();
      const lr = learningRate(step, schedule);
      const r = parallel ? await parallel.step(weights, step) : forwardBackward(
        weights,
        config,
        textIds,
        makeBatch(items, pool, o.seed, step, { n: o.batch }),
      );
      optimizer.step(r.grads, lr);
      for (const [name, s] of r.stats) {
        const m = weights.get(`${name}.running_mean`)!;
        const v = weights.get(`${name}.running_var`)!;
        const count = s.count;
        tf.tidy(() => {
          m.assign(tf.add(tf.mul(m, 1 - MOMENTUM), tf.mul(s.mean, MOMENTUM)));
          const unbiased = tf.mul(s.variance, count / Math.max(1, count - 1));
          v.assign(tf.add(tf.mul(v, 1 - MOMENTUM), tf.mul(unbiased, MOMENTUM)));
        });
      }
      tf.dispose([...r.grads.values()]);
      for (const s of r.stats.values()) tf.dispose([s.mean, s.variance]);
      step++;
      const stepMs = performance.now() - t0;
      elapsedMs += stepMs;
      lastLoss = r.losses;
      options.onStep?.({
        step,
        steps: o.steps,
        loss: r.losses,
        lr,
        stepMs,
        elapsedMs,
        startStep,
        sessionMs: performance.now() - sessionStart,
        resumed: resumedFrom !== null,
      });
      if (performance.now() - lastSave > o.checkpointMinutes * 60_000) {
        await saveState();
        lastSave = performance.now();
      }
    }
    await saveState();
    const done = step >= o.steps;
    let sha256: string | null = null;
    if (done) {
      sha256 = await saveTeacher(options.outDir, config, weights, {
        steps: String(o.steps),
        seed: String(o.seed),
      });
    }
    const imagesSeen = step * 3 * o.batch;
    return {
      done,
      step,
      steps: o.steps,
      seed: o.seed,
      imagesSeen,
      trainingFlops: trainingFlops(config, imagesSeen),
      elapsedMs,
      sha256,
      resumedFrom,
      config,
      lastLoss,
    };
  } finally {
    parallel?.close();
    optimizer.dispose();
    for (const v of weights.values()) v.dispose();
  }
}

/** Tensors of the state file stored under this prefix are the optimizer's. */
const ADAMW_PREFIX = "adamw.";

/** The optimizer's entries of a state file, named as `AdamW.setState` expects. */
function withoutPrefix(tensors: ReadonlyMap<string, NamedArray>): Map<string, NamedArray> {
  const out = new Map<string, NamedArray>();
  for (const [name, t] of tensors) {
    if (name.startsWith(ADAMW_PREFIX)) out.set(name.slice(ADAMW_PREFIX.length), t);
  }
  return out;
}

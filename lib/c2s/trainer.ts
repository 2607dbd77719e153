/**
 * The C2S training loop (paper Sec. III, Eq. 8): `trainC2S(config, { teacher, data, cache,
 * onEvent, signal })` trains a student from a teacher cache and reports through events (no
 * database: see `events.ts`). Each step reads top to bottom: set lr -> evaluate? -> forward and
 * backward -> optimizer step -> log -> stop?. Losses are read back from the backend only every
 * `train.logEvery` steps (each read-back synchronises it); a non-finite loss in a read-back window
 * stops the run with a `failed` event "NaN loss at step N" (N = 1-based step that produced it).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Teacher } from "../teacher/teacher.ts";
import type { SegmentationDataset } from "../data/types.ts";
import type { NamedArray } from "../teacher/safetensors.ts";
import { createRng, hashSeed } from "../data/rng.ts";
import type { C2SConfig } from "./config.ts";
import type { ClassIou, EvalMetrics, EventSink, Sample, TrainResults } from "./events.ts";
import { createStudent, type StudentNet } from "./students.ts";
import { C2SObjective } from "./objective.ts";
import { AdamW } from "../tf/adamw.ts";
import { learningRate } from "../tf/schedule.ts";
import { TokenBank } from "./token_bank.ts";
import { BatchSampler, buildTrainPool, makeBatch, type TrainPool } from "./batch.ts";
import { buildTeacherCache, type TeacherCache } from "./teacher_cache.ts";
import { type EvalSet, evaluateStudent, materializeEvalSet, predict } from "./evaluate.ts";
import type { SegmentationScores } from "./metrics.ts";
import { messages } from "./messages.ts";
import { UNLABELLED } from "./label_grid.ts";

/** The scenes of a run. */
export interface C2SData {
  /** The training pool: the scenes the teacher cache covers (`labels` hide unseen classes). */
  readonly train: SegmentationDataset;
  /** Held-out scenes, scored on `fullLabels` over all classes. */
  readonly eval: SegmentationDataset;
  /** Seen and unseen class ids, when the caller has them; else from `config.data.unseen`. */
  readonly split?: { seen: number[]; unseen: number[] };
}

/** What `trainC2S` trains with. */
export interface TrainInputs {
  readonly teacher: Teacher;
  readonly data: C2SData;
  /** The teacher cache of `data.train`; built in memory (not written) when absent. */
  readonly cache?: TeacherCache;
  readonly onEvent?: EventSink;
  readonly signal?: AbortSignal;
}

/** How a run ended. */
export interface TrainOutcome {
  readonly status: "finished" | "failed" | "interrupted";
  /** Steps completed (for `failed`: the step that failed). */
  readonly step: number;
  readonly error: string | null;
  /** Present when finished. */
  readonly results: TrainResults | null;
  /** Curves logged until the end, also for failed and interrupted runs. */
  readonly metrics: { step: number; name: string; value: number }[];
  /** The trained student's weights by name (see `Student.namedWeights`), when finished. */
  readonly weights: ReadonlyMap<string, NamedArray> | null;
}

/** Seen and unseen class ids of `classNames` for the unseen names. */
export function classSplit(
  classNames: readonly string[],
  unseen: readonly string[],
): { seen: number[]; unseen: number[] } {
  const unseenIds = unseen.map((name) => {
    const id = classNames.indexOf(name);
    if (id < 0) throw new RangeError(messages.unknownClass(name));
    return id;
  });
  const seen = classNames.map((_, i) => i).filter((i) => !unseenIds.includes(i));
  return { seen, unseen: [...unseenIds].sort((a, b) => a - b) };
}

/** Everything a run holds while it trains. */
export interface TrainingState {
  readonly config: C2SConfig;
  readonly student: StudentNet;
  readonly objective: C2SObjective;
  readonly optimizer: AdamW;
  readonly bank: TokenBank;
  readonly pool: TrainPool;
  readonly sampler: BatchSampler;
  readonly split: { seen: number[]; unseen: number[] };
  readonly classNames: readonly string[];
  /** Text embeddings of the seen classes `[Ns, D]` and of all classes `[N, D]`. */
  readonly textSeen: tf.Tensor2D;
  readonly textAll: tf.Tensor2D;
  readonly variables: tf.Variable[];
  dispose(): void;
}

/** Builds the student, heads, optimizer and training pool of a run. */
export async function createTrainingState(
  config: C2SConfig,
  inputs: TrainInputs,
): Promise<TrainingState> {
  const { teacher, data } = inputs;
  const { height: H, width: W } = data.train;
  const shape = {
    dim: teacher.dim,
    image: [H, W, data.train.channels ?? 1] as const,
    grid: teacher.denseSize,
    seed: config.train.seed,
  };
  // Built (and checked against the teacher's grid) before the teacher cache is.
  const student = createStudent(config.student, shape);
  try {
    return await trainingState(config, inputs, student);
  } catch (error) {
    student.dispose();
    throw error;
  }
}

async function trainingState(
  config: C2SConfig,
  inputs: TrainInputs,
  student: StudentNet,
): Promise<TrainingState> {
  const { teacher, data } = inputs;
  const split = data.split ?? classSplit(data.train.classNames, config.data.unseen);
  const cache = inputs.cache ?? await buildTeacherCache(
    teacher,
    data.train,
    {
      seenIds: split.seen,
      pseudoMask: config.pseudoMask,
      sceneSeed: config.data.sceneSeed,
    },
    "memory",
    {
      ...(inputs.onEvent ? { onEvent: inputs.onEvent } : {}),
      ...(inputs.signal ? { signal: inputs.signal } : {}),
    },
  );
  if (cache.dim !== teacher.dim) throw new RangeError(messages.teacherDim(cache.dim, teacher.dim));
  if (JSON.stringify(cache.seenIds) !== JSON.stringify(split.seen)) {
    throw new RangeError(
      messages.cacheShape(
        "seen classes",
        JSON.stringify(split.seen),
        JSON.stringify(cache.seenIds),
      ),
    );
  }
  const pool = buildTrainPool(data.train, cache);
  const seed = config.train.seed;
  const objective = new C2SObjective(config, {
    dim: teacher.dim,
    numSeen: split.seen.length,
    maxLatent: cache.maxLatent,
  }, seed);
  const variables = [...student.variables, ...objective.variables];
  const optimizer = new AdamW(variables, { weightDecay: config.train.weightDecay });
  const names = data.train.classNames;
  const textAll = teacher.textEmbeddings(names);
  const textSeen = tf.tidy(() => tf.gather(textAll, split.seen)) as tf.Tensor2D;
  const g = config.distill.global;
  const bankSize = g.enabled && g.loss === "infonce" ? g.bankSize : 0;
  return {
    config,
    student,
    objective,
    optimizer,
    bank: new TokenBank(bankSize, teacher.dim),
    pool,
    sampler: new BatchSampler(pool.count, config.train.batchSize, createRng(hashSeed(seed, 1))),
    split,
    classNames: names,
    textSeen,
    textAll,
    variables,
    dispose() {
      student.dispose();
      objective.dispose();
      optimizer.dispose();
      textAll.dispose();
      textSeen.dispose();
    },
  };
}

/**
 * One training step at learning rate `lr`: next batch, forward, backward, AdamW update, token-bank
 * update. Returns the loss terms `[total, global, local, pixel]` as a tensor the caller owns (not
 * read back here).
 */
export function trainingStep(state: TrainingState, lr: number): tf.Tensor1D {
  const batch = makeBatch(state.pool, state.sampler.next());
  const bank = state.bank.size > 0
    ? tf.tensor2d(state.bank.tokens(), [state.bank.size, state.bank.dim])
    : null;
  let terms: tf.Tensor1D | null = null;
  try {
    const { value, grads } = tf.variableGrads(() => {
      const features = state.student.forward(batch.images);
      const t = state.objective.terms(features, batch, bank, state.textSeen);
      terms = tf.keep(tf.stack([t.total, t.global, t.local, t.pixel]) as tf.Tensor1D);
      return t.total;
    }, state.variables);
    state.optimizer.step(grads, lr);
    value.dispose();
    tf.dispose(grads);
  } finally {
    batch.dispose();
    bank?.dispose();
  }
  state.bank.push(batch.globalClsHost);
  return terms!;
}

function toMetrics(scores: SegmentationScores): EvalMetrics {
  return {
    hIoU: scores.hIoU,
    sIoU: scores.sIoU,
    uIoU: scores.uIoU,
    mIoU: scores.mIoU,
    pixelAccuracy: scores.pixelAccuracy,
  };
}

/** Samples shown in reports: this many training and this many evaluation scenes. */
export const SAMPLES_PER_SPLIT = 4;

async function collectSamples(
  state: TrainingState,
  evalSet: EvalSet,
  evalPredictions: Uint8Array,
  train: SegmentationDataset,
): Promise<Sample[]> {
  const { height: H, width: W, channels: C } = evalSet, px = H * W;
  // Sample images are grey: the channels' mean.
  const toBytes = (a: Float32Array) =>
    Uint8Array.from({ length: a.length / C }, (_, p) => {
      let sum = 0;
      for (let k = 0; k < C; k++) sum += a[p * C + k]!;
      return Math.round(Math.min(1, Math.max(0, sum / C)) * 255);
    });
  const samples: Sample[] = [];
  const nTrain = Math.min(SAMPLES_PER_SPLIT, state.pool.count);
  const images = state.pool.images.subarray(0, nTrain * px * C);
  const trainPred = await predict(state.student, state.textAll, images, nTrain, H, W, C);
  const ns = state.split.seen.length, classes = state.classNames.length;
  for (let i = 0; i < nTrain; i++) {
    const pseudo = state.pool.pseudo.slice(i * px, (i + 1) * px).map((v) =>
      v === UNLABELLED ? UNLABELLED : v < ns ? state.split.seen[v]! : classes + (v - ns)
    );
    samples.push({
      split: "train",
      index: i,
      height: H,
      width: W,
      image: toBytes(images.subarray(i * px * C, (i + 1) * px * C)),
      groundTruth: train.get(i).fullLabels.slice(),
      pseudoMask: pseudo,
      prediction: trainPred.slice(i * px, (i + 1) * px),
    });
  }
  for (let i = 0; i < Math.min(SAMPLES_PER_SPLIT, evalSet.count); i++) {
    samples.push({
      split: "eval",
      index: i,
      height: H,
      width: W,
      image: toBytes(evalSet.images.subarray(i * px * C, (i + 1) * px * C)),
      groundTruth: evalSet.labels.slice(i * px, (i + 1) * px),
      pseudoMask: null,
      prediction: evalPredictions.slice(i * px, (i + 1) * px),
    });
  }
  return samples;
}

/**
 * Trains the student of `config` and evaluates it; never throws for a failing run (NaN loss): it
 * emits `failed` and returns the outcome. Errors in the inputs (shapes, unknown classes) throw.
 */
export async function trainC2S(config: C2SConfig, inputs: TrainInputs): Promise<TrainOutcome> {
  const emit: EventSink = inputs.onEvent ?? (() => {});
  const { steps, batchSize, logEvery, evalEvery } = config.train;
  const schedule = { lr: config.train.lr, steps, warmupFraction: config.train.warmupFraction };
  const state = await createTrainingState(config, inputs);
  const evalSet = materializeEvalSet(inputs.data.eval);
  const curves: { step: number; name: string; value: number }[] = [];
  const evaluate = async (step: number) => {
    const result = await evaluateStudent(state.student, state.textAll, evalSet, state.split);
    const metrics = toMetrics(result.scores);
    for (const [name, value] of Object.entries(metrics)) {
      if (value !== null) curves.push({ step, name: `eval.${name}`, value });
    }
    emit({ type: "eval", step, metrics });
    return result;
  };
  const pending: tf.Tensor1D[] = [];
  let windowStart = performance.now();
  try {
    for (let step = 0; step < steps; step++) {
      const lr = learningRate(step, schedule);
      if (evalEvery > 0 && step > 0 && step % evalEvery === 0) {
        await evaluate(step);
        windowStart = performance.now();
      }
      pending.push(trainingStep(state, lr));
      const done = step + 1;
      if (done % logEvery === 0 || done === steps) {
        const rows = await readBack(pending);
        // A macrotask turn, so abort signals, worker messages and Ctrl-C handlers get to run.
        await new Promise((resolve) => setTimeout(resolve, 0));
        const bad = rows.findIndex((r) => !r.every(Number.isFinite));
        if (bad >= 0) {
          const failedStep = done - rows.length + bad + 1;
          const error = messages.nanLoss(failedStep);
          emit({ type: "failed", step: failedStep, error });
          return {
            status: "failed",
            step: failedStep,
            error,
            results: null,
            metrics: curves,
            weights: null,
          };
        }
        const mean = [0, 1, 2, 3].map((k) => rows.reduce((s, r) => s + r[k]!, 0) / rows.length);
        const loss = { total: mean[0]!, global: mean[1]!, local: mean[2]!, pixel: mean[3]! };
        const seconds = (performance.now() - windowStart) / 1000;
        windowStart = performance.now();
        for (const [name, value] of Object.entries(loss)) {
          curves.push({ step: done, name: `loss.${name}`, value });
        }
        curves.push({ step: done, name: "lr", value: lr });
        emit({
          type: "progress",
          step: done,
          totalSteps: steps,
          lr,
          loss,
          imagesPerSecond: (rows.length * batchSize) / Math.max(seconds, 1e-9),
        });
      }
      if (inputs.signal?.aborted) {
        emit({ type: "interrupted", step: done });
        return {
          status: "interrupted",
          step: done,
          error: messages.interrupted(done),
          results: null,
          metrics: curves,
          weights: null,
        };
      }
    }
    const final = await evaluate(steps);
    const results = Object.entries(toMetrics(final.scores))
      .filter(([, v]) => v !== null)
      .map(([metric, value]) => ({ split: "eval", metric, value: value as number }));
    const classIou: ClassIou[] = state.classNames.map((className, id) => ({
      className,
      seen: state.split.seen.includes(id),
      iou: final.scores.classIou[id] ?? null,
    }));
    const samples = await collectSamples(state, evalSet, final.predictions, inputs.data.train);
    const trainResults: TrainResults = { results, classIou, samples, metrics: curves };
    const weights = await readWeights(state.student);
    emit({ type: "done", step: steps, ...trainResults });
    return {
      status: "finished",
      step: steps,
      error: null,
      results: trainResults,
      metrics: curves,
      weights,
    };
  } finally {
    tf.dispose(pending.splice(0));
    state.dispose();
  }
}

/** Copies the student's weights to the host (no tensor is made). */
async function readWeights(student: StudentNet): Promise<Map<string, NamedArray>> {
  const weights = new Map<string, NamedArray>();
  for (const [name, variable] of student.namedWeights) {
    weights.set(name, { shape: [...variable.shape], data: await variable.data() as Float32Array });
  }
  return weights;
}

/** Reads and frees the pending loss tensors in one backend sync. */
async function readBack(pending: tf.Tensor1D[]): Promise<number[][]> {
  const items = pending.splice(0);
  const stacked = tf.stack(items);
  tf.dispose(items);
  try {
    const values = await stacked.data();
    const rows: number[][] = [];
    for (let i = 0; i < stacked.shape[0]!; i++) {
      rows.push(Array.from(values.subarray(i * 4, i * 4 + 4)));
    }
    return rows;
  } finally {
    stacked.dispose();
  }
}

/**
 * Trains one job in this process and writes its run record: start the backend, load the data and
 * the teacher (checking both against the job's hash context, so a record is never stored under a
 * hash it does not belong to), open or build the teacher cache, train with `trainC2S`, save the
 * sample images as an artifact, and write the record (temporary name, renamed when complete).
 *
 * Every way a run can end gives a record: `finished`; `failed` (a NaN loss with its step, or an
 * error such as a missing teacher, with its message); `interrupted` (the abort signal: Ctrl-C, the
 * owner gone). Only a failure to write the record itself throws.
 *
 * @module
 */
import { join } from "node:path";
import type { C2SConfig } from "../c2s/config.ts";
import type { C2SEvent, Sample } from "../c2s/events.ts";
import { openTeacherCache } from "../c2s/teacher_cache.ts";
import { type C2SData, classSplit, trainC2S, type TrainOutcome } from "../c2s/trainer.ts";
import { createFashionBenchmark } from "../data/benchmark.ts";
import { loadFashionMnist } from "../data/fashion_mnist.ts";
import type { ItemSet } from "../data/types.ts";
import type { Teacher } from "../teacher/teacher.ts";
import { backendInfo, initBackend } from "../tf/backend.ts";
import { type RunRecord, writeRunRecord } from "../track/record.ts";
import { CODE_VERSION, dataIdentity, sourceDigest } from "./context.ts";
import type { RunJob } from "./job.ts";
import * as msg from "./messages.ts";
import { loadTeacherFrom } from "./teacher_source.ts";

/** Options of {@linkcode runJob}. */
export interface RunJobOptions {
  /** Where the record goes. */
  readonly recordDir: string;
  /** Training-core events, as they happen. */
  readonly onEvent?: (event: C2SEvent) => void;
  /** Aborting stops the run at the next step; its record says `interrupted`. */
  readonly signal?: AbortSignal;
  /** Load the teacher from here instead of the job's path (its hash must still match). */
  readonly teacher?: string;
}

/** What {@linkcode runJob} wrote. */
export interface RunJobResult {
  readonly path: string;
  readonly record: RunRecord;
}

/** The run's scenes: the fashion-scenes benchmark at the config's sizes and scene seed. */
export function runData(config: C2SConfig, items: ItemSet): C2SData {
  if (config.data.source !== "fashion-scenes") {
    throw new RangeError(msg.unknownDataSource(config.data.source));
  }
  const bench = createFashionBenchmark(items, {
    unseen: config.data.unseen,
    seed: config.data.sceneSeed,
    trainScenes: config.data.trainScenes,
    evalScenes: config.data.evalScenes,
  });
  return { train: bench.train, eval: bench.eval };
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

async function sha256File(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Writes the samples as JSON (maps base64) to `dir/samples.json`; returns the artifact row. */
async function writeSamples(
  dir: string,
  samples: readonly Sample[],
): Promise<RunRecord["artifacts"][number]> {
  const rows = samples.map((s) => ({
    split: s.split,
    index: s.index,
    height: s.height,
    width: s.width,
    image: base64(s.image),
    groundTruth: base64(s.groundTruth),
    pseudoMask: s.pseudoMask === null ? null : base64(s.pseudoMask),
    prediction: base64(s.prediction),
  }));
  const bytes = new TextEncoder().encode(JSON.stringify(rows) + "\n");
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, "samples.json");
  await Deno.writeFile(path, bytes);
  return { kind: "samples", path, sha256: await sha256File(bytes) };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function hostName(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown";
  }
}

/** Loads, checks and trains; returns the outcome and artifacts (throws on input errors). */
async function train(
  job: RunJob,
  options: RunJobOptions,
): Promise<{ outcome: TrainOutcome; artifacts: RunRecord["artifacts"] }> {
  if (job.kind !== "training") throw new RangeError(msg.kindNotImplemented(job.kind));
  await initBackend(job.config.backend);
  const { items } = await loadFashionMnist(job.dataDir === null ? {} : { dataDir: job.dataDir });
  const identity = await dataIdentity(items);
  if (job.context.dataIdentity !== null && identity !== job.context.dataIdentity) {
    throw new RangeError(msg.contextMismatch("data", job.context.dataIdentity, identity));
  }
  if (job.context.codeVersion !== null && CODE_VERSION !== job.context.codeVersion) {
    throw new RangeError(
      msg.contextMismatch("code version", job.context.codeVersion, CODE_VERSION),
    );
  }
  options.signal?.throwIfAborted();
  const teacher: Teacher = await loadTeacherFrom(options.teacher ?? job.teacher);
  try {
    if (job.context.teacherHash !== null && teacher.hash !== job.context.teacherHash) {
      throw new RangeError(msg.contextMismatch("teacher", job.context.teacherHash, teacher.hash));
    }
    const data = runData(job.config, items);
    const split = classSplit(data.train.classNames, job.config.data.unseen);
    const events = options.onEvent ? { onEvent: options.onEvent } : {};
    const signal = options.signal ? { signal: options.signal } : {};
    const { cache } = await openTeacherCache(teacher, data.train, {
      seenIds: split.seen,
      pseudoMask: job.config.pseudoMask,
      sceneSeed: job.config.data.sceneSeed,
    }, { dir: job.cacheDir, ...events, ...signal });
    const outcome = await trainC2S(job.config, { teacher, data, cache, ...events, ...signal });
    const artifacts = outcome.results === null
      ? []
      : [await writeSamples(job.artifactDir, outcome.results.samples)];
    return { outcome, artifacts };
  } finally {
    teacher.dispose();
  }
}

/** Trains `job` and writes its record to `options.recordDir` (see the module doc). */
export async function runJob(job: RunJob, options: RunJobOptions): Promise<RunJobResult> {
  const startedAt = new Date().toISOString();
  // The source this run executes, for the record (read before training: edits may follow).
  const source = await sourceDigest().catch(() => null);
  let status: RunRecord["status"];
  let error: string | null = null;
  let failedStep: number | null = null;
  let metrics: RunRecord["metrics"] = [];
  let results: RunRecord["results"] = [];
  let classIou: RunRecord["classIou"] = [];
  let artifacts: RunRecord["artifacts"] = [];
  try {
    const trained = await train(job, options);
    const { outcome } = trained;
    status = outcome.status;
    error = outcome.error;
    failedStep = outcome.status === "failed" ? outcome.step : null;
    metrics = outcome.metrics;
    results = outcome.results?.results ?? [];
    classIou = outcome.results?.classIou.map((c) => ({ ...c })) ?? [];
    artifacts = trained.artifacts;
  } catch (caught) {
    if (options.signal?.aborted) {
      status = "interrupted";
      error = msg.interruptedBeforeTraining();
    } else {
      status = "failed";
      error = errorText(caught);
    }
  }
  const info = backendInfo();
  const record: RunRecord = {
    hash: job.hash,
    ablation: job.ablation,
    variant: job.variant,
    seed: job.seed,
    preset: job.preset,
    config: job.config,
    overrides: job.overrides,
    status,
    startedAt,
    endedAt: new Date().toISOString(),
    backend: info.name ?? job.config.backend,
    host: hostName(),
    versions: {
      ...info.versions,
      ...(info.threads === null ? {} : { threads: String(info.threads) }),
      ...(job.context.codeVersion === null ? {} : { code: job.context.codeVersion }),
      ...(source === null ? {} : { source }),
    },
    git: job.git,
    error,
    failedStep,
    metrics,
    results,
    classIou,
    artifacts,
  };
  const path = await writeRunRecord(options.recordDir, record);
  return { path, record };
}

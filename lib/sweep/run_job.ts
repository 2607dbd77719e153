/**
 * The run executor: every job, of every kind, runs here and gets its record here.
 *
 * 1. Prepare once: check the code digest, start the backend, load the scenes (the items with
 *    them, digested and checked against the job's data identity; the class split with them), load
 *    the teacher (checked against the job's teacher hash) and note its card.
 * 2. Run: a `training` job opens (or builds) its teacher cache and trains with `trainC2S`, then
 *    saves its samples and its student's weights as artifacts and adds the pseudo-mask
 *    generator's cost to its results; a `measurement` or `efficiency` job is `measureRun`.
 * 3. Build the record, in {@linkcode recordOf} for every way a run ends: `finished`; `failed` (a
 *    NaN loss with its step, or an error such as a missing teacher, with its message);
 *    `interrupted` (the abort signal: Ctrl-C, the owner gone).
 *
 * {@linkcode executeJob} returns the record and never throws; {@linkcode runJob} also writes it
 * (temporary name, renamed when complete) and throws only when that fails.
 *
 * @module
 */
import { loadRunData, type RunData } from "../c2s/datasets.ts";
import type { EventSink } from "../c2s/events.ts";
import { openTeacherCache } from "../c2s/teacher_cache.ts";
import { trainC2S } from "../c2s/trainer.ts";
import { loadTeacher, teacherCardPath } from "../teacher/load.ts";
import type { Teacher } from "../teacher/teacher.ts";
import { backendInfo, initBackend } from "../tf/backend.ts";
import { hostName } from "../track/_process.ts";
import { type RecordArtifact, type RunRecord, writeRunRecord } from "../track/record.ts";
import { fileArtifact, writeSamples, writeStudentWeights } from "./artifacts.ts";
import { type CodeManifest, codeManifest } from "./code_digest.ts";
import { dataIdentity, provenanceVersions } from "./context.ts";
import type { RunJob } from "./job.ts";
import { measureRun, pseudoMaskCostRows } from "./measure_run.ts";
import * as msg from "./messages.ts";

/** Options of {@linkcode executeJob}. */
export interface ExecuteOptions {
  /** Training-core events, as they happen. */
  readonly onEvent?: EventSink;
  /** Aborting stops the run at the next step; its record says `interrupted`. */
  readonly signal?: AbortSignal;
  /** Load the teacher from here instead of the job's path (its hash must still match). */
  readonly teacher?: string;
}

/** Options of {@linkcode runJob}. */
export interface RunJobOptions extends ExecuteOptions {
  /** Where the record goes. */
  readonly recordDir: string;
}

/** What {@linkcode runJob} wrote. */
export interface RunJobResult {
  readonly path: string;
  readonly record: RunRecord;
}

/** How a run ended and what it produced: the part of its record the job does not say. */
type RunEnd = Pick<
  RunRecord,
  "status" | "error" | "failedStep" | "versions" | "metrics" | "results" | "classIou" | "artifacts"
>;

/** What every kind of run needs, prepared once and checked against the job. */
interface Prepared {
  readonly data: RunData;
  readonly teacher: Teacher;
  /** The teacher's card as an artifact, when its checkpoint has one. */
  readonly card: RecordArtifact | null;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Throws when the job was planned with another `what` than the one found here. */
function checkPlanned(what: string, planned: string | null, found: string): void {
  if (planned !== null && planned !== found) {
    throw new RangeError(msg.contextMismatch(what, planned, found));
  }
}

function eventOptions(options: ExecuteOptions): Pick<ExecuteOptions, "onEvent" | "signal"> {
  return {
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

/** Starts the backend and loads the scenes and the teacher; the caller disposes the teacher. */
async function prepare(job: RunJob, options: ExecuteOptions): Promise<Prepared> {
  checkPlanned("code", job.context.codeVersion, (await codeManifest()).digest);
  await initBackend(job.config.backend);
  const data = await loadRunData(
    job.config.data,
    job.dataDir === null ? {} : { dataDir: job.dataDir },
  );
  checkPlanned("data", job.context.dataIdentity, data.identity ?? await dataIdentity(data.items!));
  options.signal?.throwIfAborted();
  const path = options.teacher ?? job.teacher;
  const size = job.config.data.size;
  const teacher = await loadTeacher(path, { imageSize: [size, size] });
  try {
    checkPlanned("teacher", job.context.teacherHash, teacher.hash);
    const card = await teacherCardPath(path);
    return { data, teacher, card: card === null ? null : await fileArtifact("teacher-card", card) };
  } catch (error) {
    teacher.dispose();
    throw error;
  }
}

/** Trains a `training` job into `end`; a finished run also leaves its samples and weights. */
async function train(job: RunJob, run: Prepared, options: ExecuteOptions, end: RunEnd) {
  const { data, teacher } = run;
  const events = eventOptions(options);
  const opened = await openTeacherCache(teacher, data.train, {
    seenIds: data.split.seen,
    pseudoMask: job.config.pseudoMask,
    sceneSeed: job.config.data.sceneSeed,
  }, { dir: job.cacheDir, ...events });
  end.versions.teacherCache = opened.cache.key;
  const outcome = await trainC2S(job.config, { teacher, data, cache: opened.cache, ...events });
  end.status = outcome.status;
  end.error = outcome.error;
  end.failedStep = outcome.status === "failed" ? outcome.step : null;
  end.metrics = outcome.metrics;
  if (outcome.results === null || outcome.weights === null) return;
  const { results, classIou, samples } = outcome.results;
  end.results = [...results];
  end.classIou = classIou.map((c) => ({ ...c }));
  if (samples.length > 0) end.artifacts.push(await writeSamples(job.artifactDir, samples));
  end.artifacts.push(
    await writeStudentWeights(job.artifactDir, outcome.weights, {
      format: "c2s-student",
      run: job.hash,
      arch: job.config.student.arch,
      width: String(job.config.student.width),
      dim: String(teacher.dim),
    }),
  );
  // Table XII's cost column: cheap (a teacher pass and the generator on a few scenes).
  try {
    end.results.push(...await pseudoMaskCostRows(job, run));
  } catch (error) {
    options.onEvent?.({ type: "warning", message: msg.costNotMeasured(errorText(error)) });
  }
}

/** The record of `job`, started at `startedAt`, that ended as `end` (the one place it is built). */
function recordOf(
  job: RunJob,
  startedAt: string,
  end: RunEnd,
  code: CodeManifest | null,
): RunRecord {
  const { name, threads } = backendInfo();
  return {
    hash: job.hash,
    ablation: job.ablation,
    variant: job.variant,
    seed: job.seed,
    preset: job.preset,
    config: job.config,
    overrides: { ...job.overrides },
    status: end.status,
    startedAt,
    endedAt: new Date().toISOString(),
    backend: name ?? job.config.backend,
    host: hostName(),
    versions: {
      ...end.versions,
      ...(threads === null ? {} : { threads: String(threads) }),
      ...provenanceVersions(job.context, code),
    },
    git: { ...job.git },
    error: end.error,
    failedStep: end.failedStep,
    metrics: end.metrics,
    results: end.results,
    classIou: end.classIou,
    artifacts: end.artifacts,
  };
}

/** Runs `job` and returns its record (see the module doc). Never throws. */
export async function executeJob(job: RunJob, options: ExecuteOptions = {}): Promise<RunRecord> {
  const startedAt = new Date().toISOString();
  // The code this run executes, for the record (read before running: edits may follow).
  const code = await codeManifest().catch(() => null);
  const end: RunEnd = {
    status: "failed",
    error: null,
    failedStep: null,
    versions: {},
    metrics: [],
    results: [],
    classIou: [],
    artifacts: [],
  };
  let run: Prepared | null = null;
  try {
    run = await prepare(job, options);
    end.versions = {
      ...backendInfo().versions,
      data: run.data.source,
      teacher: `${run.teacher.name}@${run.teacher.hash}`,
    };
    if (job.kind === "training") await train(job, run, options, end);
    else {
      const measured = await measureRun(job, { ...run, ...eventOptions(options) });
      Object.assign(end, measured, { status: "finished" });
    }
  } catch (caught) {
    const aborted = options.signal?.aborted ?? false;
    end.status = aborted ? "interrupted" : "failed";
    end.error = !aborted
      ? errorText(caught)
      : job.kind === "training"
      ? msg.interruptedBeforeTraining()
      : msg.measurementInterrupted();
  } finally {
    run?.teacher.dispose();
  }
  if (run?.card) end.artifacts.push(run.card);
  return recordOf(job, startedAt, end, code);
}

/** Runs `job` and writes its record to `options.recordDir` (see the module doc). */
export async function runJob(job: RunJob, options: RunJobOptions): Promise<RunJobResult> {
  const record = await executeJob(job, options);
  return { path: await writeRunRecord(options.recordDir, record), record };
}

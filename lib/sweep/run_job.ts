/**
 * Runs one job in this process and writes its run record. A training run is the training core's
 * `runOne` (backend, scenes, teacher cache, `trainC2S`); a `measurement` or `efficiency` run is
 * `measureOne` of `measure_run.ts` (no student is trained). Around either this module checks that
 * the data, the teacher and the code version are the ones the job was hashed with (so a record is
 * never stored under a hash it does not belong to), saves the sample images and the teacher card
 * as artifacts, adds the pseudo-mask generator's cost to a finished training run's results, and
 * writes the record (temporary name, renamed when complete).
 *
 * Every way a run can end gives a record: `finished`; `failed` (a NaN loss with its step, or an
 * error such as a missing teacher, with its message); `interrupted` (the abort signal: Ctrl-C, the
 * owner gone). Only a failure to write the record itself throws.
 *
 * @module
 */
import { join } from "node:path";
import type { C2SEvent, Sample } from "../c2s/events.ts";
import { runOne, type RunOneRecord } from "../c2s/run.ts";
import { loadFashionMnist } from "../data/fashion_mnist.ts";
import type { Teacher } from "../teacher/teacher.ts";
import { backendInfo, initBackend } from "../tf/backend.ts";
import { type RunRecord, writeRunRecord } from "../track/record.ts";
import { CODE_VERSION, dataIdentity, sourceDigest } from "./context.ts";
import type { RunJob } from "./job.ts";
import * as msg from "./messages.ts";
import { measureOne, pseudoMaskCostRows } from "./measure_run.ts";
import { loadTeacherFrom, teacherCardPath } from "./teacher_source.ts";

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

type Artifact = RunRecord["artifacts"][number];

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Writes the samples as JSON (maps base64) to `dir/samples.json`; returns the artifact row. */
async function writeSamples(dir: string, samples: readonly Sample[]): Promise<Artifact> {
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
  return { kind: "samples", path, sha256: await sha256(bytes) };
}

/** Loads the job's teacher after checking its data and code version; the caller disposes it. */
async function prepare(job: RunJob, options: RunJobOptions): Promise<Teacher> {
  if (job.context.codeVersion !== null && CODE_VERSION !== job.context.codeVersion) {
    throw new RangeError(
      msg.contextMismatch("code version", job.context.codeVersion, CODE_VERSION),
    );
  }
  await initBackend(job.config.backend);
  // The loader keeps what it loaded, so the run reads these same items again for free.
  const { items } = await loadFashionMnist(job.dataDir === null ? {} : { dataDir: job.dataDir });
  const identity = await dataIdentity(items);
  if (job.context.dataIdentity !== null && identity !== job.context.dataIdentity) {
    throw new RangeError(msg.contextMismatch("data", job.context.dataIdentity, identity));
  }
  options.signal?.throwIfAborted();
  const teacher = await loadTeacherFrom(options.teacher ?? job.teacher);
  if (job.context.teacherHash !== null && teacher.hash !== job.context.teacherHash) {
    teacher.dispose();
    throw new RangeError(msg.contextMismatch("teacher", job.context.teacherHash, teacher.hash));
  }
  return teacher;
}

function hostName(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown";
  }
}

/** The record of a run that ended before `runOne` could start it. */
function earlyRecord(job: RunJob, startedAt: string, status: RunRecord["status"], error: string) {
  return {
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
    backend: backendInfo().name ?? job.config.backend,
    host: hostName(),
    versions: {},
    git: job.git,
    error,
    failedStep: null,
    metrics: [],
    results: [],
    classIou: [],
    artifacts: [],
  } satisfies RunOneRecord;
}

/** Runs `job` and writes its record to `options.recordDir` (see the module doc). */
export async function runJob(job: RunJob, options: RunJobOptions): Promise<RunJobResult> {
  const startedAt = new Date().toISOString();
  // The source this run executes, for the record (read before training: edits may follow).
  const source = await sourceDigest().catch(() => null);
  let record: RunOneRecord;
  const artifacts: Artifact[] = [];
  let teacher: Teacher | null = null;
  try {
    teacher = await prepare(job, options);
    let samples: readonly Sample[] = [];
    const signal = options.signal ? { signal: options.signal } : {};
    record = job.kind === "training"
      ? await runOne(job, {
        teacher,
        ...(job.dataDir === null ? {} : { dataDir: job.dataDir }),
        cacheDir: job.cacheDir,
        ...signal,
        onEvent: (event) => {
          if (event.type === "done") samples = event.samples;
          options.onEvent?.(event);
        },
      })
      : await measureOne(job, {
        teacher,
        ...signal,
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      });
    if (record.status === "finished" && samples.length > 0) {
      artifacts.push(await writeSamples(job.artifactDir, samples));
    }
    if (job.kind === "training" && record.status === "finished") {
      // Table XII's cost column: cheap (a teacher pass and the generator on a few scenes).
      try {
        record.results.push(...await pseudoMaskCostRows(job, teacher));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        options.onEvent?.({ type: "warning", message: msg.costNotMeasured(reason) });
      }
    }
    const card = await teacherCardPath(options.teacher ?? job.teacher);
    if (card !== null) {
      artifacts.push({
        kind: "teacher-card",
        path: card,
        sha256: await sha256(await Deno.readFile(card)),
      });
    }
  } catch (caught) {
    record = options.signal?.aborted
      ? earlyRecord(job, startedAt, "interrupted", msg.interruptedBeforeTraining())
      : earlyRecord(
        job,
        startedAt,
        "failed",
        caught instanceof Error ? caught.message : String(caught),
      );
  } finally {
    teacher?.dispose();
  }
  const threads = backendInfo().threads;
  const full: RunRecord = {
    ...record,
    overrides: { ...record.overrides },
    versions: {
      ...record.versions,
      ...(threads === null ? {} : { threads: String(threads) }),
      ...(job.context.codeVersion === null ? {} : { code: job.context.codeVersion }),
      ...(source === null ? {} : { source }),
    },
    artifacts: [...record.artifacts, ...artifacts],
  };
  const path = await writeRunRecord(options.recordDir, full);
  return { path, record: full };
}

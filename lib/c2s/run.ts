/**
 * One planned run end to end, without a database: start the backend, load the run's scenes and
 * the teacher, open (or build) the teacher cache, train with `trainC2S`, and return a record with
 * the fields of the tracking layer's `RunRecord` (see `lib/track/record.ts`; this module does not
 * import it: the training core never depends on tracking). Every way a run can end gives a record:
 * `finished`, `failed` (NaN loss with its step, or an error with its message) or `interrupted`.
 *
 * @module
 */
import type { Teacher } from "../teacher/teacher.ts";
import { loadTeacher } from "../teacher/load.ts";
import { backendInfo, initBackend } from "../tf/backend.ts";
import type { C2SConfig } from "./config.ts";
import type { EventSink } from "./events.ts";
import { loadRunData } from "./datasets.ts";
import { openTeacherCache } from "./teacher_cache.ts";
import { classSplit, trainC2S } from "./trainer.ts";

/** A run to execute (the shape of `lib/spec`'s `PlannedRun`). */
export interface RunPlan {
  readonly hash: string;
  readonly ablation: string;
  readonly variant: string;
  readonly seed: number;
  readonly preset: string;
  readonly config: C2SConfig;
  readonly overrides: Readonly<Record<string, unknown>>;
}

/**
 * The record of one run, everything it produced (`lib/track/record.ts` stores it as `RunRecord`;
 * the training core cannot import the tracker, so the type lives here).
 */
export interface RunOneRecord {
  /** Config hash; the run's id in the database. */
  hash: string;
  ablation: string;
  variant: string;
  seed: number;
  preset: string;
  /** The full resolved config. */
  config: unknown;
  /** Dotted keys the spec set on its base. */
  overrides: Record<string, unknown>;
  status: "finished" | "failed" | "interrupted";
  /** ISO 8601 times. */
  startedAt: string;
  endedAt: string;
  backend: string;
  host: string;
  versions: Record<string, string>;
  git: { commit: string | null; dirty: boolean | null };
  error: string | null;
  failedStep: number | null;
  /** Training curves. */
  metrics: { step: number; name: string; value: number }[];
  /** Final scores: split "eval", metric hIoU | sIoU | uIoU | mIoU | ... */
  results: { split: string; metric: string; value: number }[];
  classIou: { className: string; seen: boolean; iou: number | null }[];
  artifacts: { kind: string; path: string; sha256: string }[];
}

/** Options of {@linkcode runOne}. */
export interface RunOneOptions {
  /** A teacher to use as is (the caller disposes it). */
  readonly teacher?: Teacher;
  /** A module whose default export makes the teacher (`() => Teacher | Promise<Teacher>`). */
  readonly teacherModule?: string;
  /** A checkpoint folder for `loadTeacher`. @default the shipped `data/teacher/` */
  readonly teacherPath?: string;
  /** Fashion-MNIST folder (default: Debian package, else the embedded test split). */
  readonly dataDir?: string;
  /** Teacher cache folder. @default ".cache/c2s" */
  readonly cacheDir?: string;
  readonly onEvent?: EventSink;
  readonly signal?: AbortSignal;
}

async function openTeacher(options: RunOneOptions): Promise<{ teacher: Teacher; owned: boolean }> {
  if (options.teacher !== undefined) return { teacher: options.teacher, owned: false };
  if (options.teacherModule !== undefined) {
    const url = new URL(options.teacherModule, `file://${Deno.cwd()}/`).href;
    const make = (await import(url)).default as () => Teacher | Promise<Teacher>;
    return { teacher: await make(), owned: true };
  }
  const teacher = options.teacherPath === undefined
    ? await loadTeacher()
    : await loadTeacher(options.teacherPath);
  return { teacher, owned: true };
}

async function gitState(): Promise<{ commit: string | null; dirty: boolean | null }> {
  const git = async (...args: string[]) => {
    const out = await new Deno.Command("git", { args, stdout: "piped", stderr: "null" }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
  };
  try {
    const commit = await git("rev-parse", "HEAD");
    const status = await git("status", "--porcelain");
    return { commit, dirty: status === null ? null : status.length > 0 };
  } catch {
    return { commit: null, dirty: null };
  }
}

function hostName(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown";
  }
}

/** Trains `plan` and returns its record (see the module doc). Never throws for a failing run. */
export async function runOne(plan: RunPlan, options: RunOneOptions = {}): Promise<RunOneRecord> {
  const startedAt = new Date().toISOString();
  const record: RunOneRecord = {
    hash: plan.hash,
    ablation: plan.ablation,
    variant: plan.variant,
    seed: plan.seed,
    preset: plan.preset,
    config: plan.config,
    overrides: { ...plan.overrides },
    status: "failed",
    startedAt,
    endedAt: startedAt,
    backend: plan.config.backend,
    host: hostName(),
    versions: {},
    git: await gitState(),
    error: null,
    failedStep: null,
    metrics: [],
    results: [],
    classIou: [],
    artifacts: [],
  };
  const events = options.onEvent ? { onEvent: options.onEvent } : {};
  const signal = options.signal ? { signal: options.signal } : {};
  let teacher: { teacher: Teacher; owned: boolean } | null = null;
  try {
    record.backend = await initBackend(plan.config.backend);
    const data = await loadRunData(
      plan.config.data,
      options.dataDir === undefined ? {} : { dataDir: options.dataDir },
    );
    teacher = await openTeacher(options);
    const split = classSplit(data.train.classNames, plan.config.data.unseen);
    const opened = await openTeacherCache(teacher.teacher, data.train, {
      seenIds: split.seen,
      pseudoMask: plan.config.pseudoMask,
      sceneSeed: plan.config.data.sceneSeed,
    }, { ...(options.cacheDir ? { dir: options.cacheDir } : {}), ...events, ...signal });
    record.versions = {
      ...backendInfo().versions,
      data: data.source,
      teacher: `${teacher.teacher.name}@${teacher.teacher.hash}`,
      teacherCache: opened.cache.key,
    };
    const outcome = await trainC2S(plan.config, {
      teacher: teacher.teacher,
      data,
      cache: opened.cache,
      ...events,
      ...signal,
    });
    record.status = outcome.status;
    record.error = outcome.error;
    record.failedStep = outcome.status === "failed" ? outcome.step : null;
    record.metrics = outcome.metrics;
    record.results = outcome.results?.results ?? [];
    record.classIou = outcome.results?.classIou.map((c) => ({ ...c })) ?? [];
  } catch (error) {
    record.status = options.signal?.aborted ? "interrupted" : "failed";
    record.error = error instanceof Error ? error.message : String(error);
  } finally {
    if (teacher?.owned) teacher.teacher.dispose();
  }
  record.endedAt = new Date().toISOString();
  return record;
}

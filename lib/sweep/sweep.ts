/**
 * A sweep: every run of one ablation (or all of them) executed once, tracked in one DuckDB file.
 * This process owns the database; each run executes in its own `run-one` child process (so each
 * has its own single-threaded wasm backend), which never touches the database and writes a run
 * record that this process stores. Runs of the `training` kind train a student; runs of the
 * `measurement` (Table XIII) and `efficiency` (Table III) kinds measure without training, through
 * the same job files, children and records.
 *
 * {@linkcode runSweep} reads top to bottom: open the store (a second sweep on the same file gets
 * a clear error here), plan (resolve the ablations and the hash context, store the paper's values
 * and which rows every run serves), settle what an earlier sweep left (`settle.ts`), skip
 * finished runs (one config shared by several tables trains once), write a job file per run, run
 * them through the pool (`pool.ts`) with a progress display, storing each run's outcome as its
 * child ends, and print each table: paper value beside measured mean ± 95% CI.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import type { Ablation } from "../spec/define.ts";
import type { PlannedRun } from "../spec/expand.ts";
import { canonicalJson, type HashContext } from "../spec/hash.ts";
import { paperValue } from "../spec/paper_tables.ts";
import { formatPlan, shortHash } from "../spec/plan.ts";
import { readFinishedRowRuns } from "../track/finished_runs.ts";
import { DEFAULT_WAIT_SECONDS } from "../track/_cli.ts";
import * as trackMsg from "../track/messages.ts";
import { DatabaseBusyError, type PaperValueRow, RunStore } from "../track/store.ts";
import type { SweepArgs } from "./args.ts";
import { codeManifest } from "./code_digest.ts";
import { gitState } from "./context.ts";
import {
  type GitState,
  JOB_FORMAT,
  type RunJob,
  type WorkPaths,
  workPaths,
  writeJob,
} from "./job.ts";
import { checkSweepFolders } from "./folders.ts";
import * as msg from "./messages.ts";
import { runPool } from "./pool.ts";
import { formatDuration, type ProgressDisplay, type RunEnd, SweepProgress } from "./progress.ts";
import { type ResolvedSweep, resolveSweep } from "./resolve.ts";
import {
  type Settled,
  settleEarlierRuns,
  settleOutcome,
  storeLeftoverRecords,
  type SweepScope,
} from "./settle.ts";
import { settleSlurmTasks, submitToSlurm } from "./slurm.ts";
import { staleReasons } from "./stale.ts";
import { formatSummary, formatValue, readSummary } from "./summary.ts";
import { exitCodeOf, type StopSignal, stopSignalOf } from "./signals.ts";
import { checkBackend, type SpawnOptions, spawnRunOne, type WorkerProcess } from "./worker.ts";

/** Exit code of a sweep stopped by Ctrl-C (SIGTERM: 143, see `exitCodeOf`). */
export const EXIT_INTERRUPTED = 130;

/** Where a sweep's output goes. */
export interface SweepIo {
  /** Log lines and live progress. */
  readonly display: ProgressDisplay;
  /** Final output (the tables), after the display is closed. */
  readonly print: (text: string) => void;
}

/** Options of {@linkcode runSweep}. */
export interface SweepOptions {
  /** Aborted: stop (runs in progress end as interrupted). */
  readonly stop?: AbortSignal;
  /** Aborted: kill the children at once. */
  readonly kill?: AbortSignal;
  /** Starts a child for a job file. @default {spawnRunOne} */
  readonly spawn?: (jobPath: string, options: SpawnOptions) => WorkerProcess;
  /**
   * Milliseconds to wait for runs an earlier sweep's processes still hold.
   * @default {60000}
   */
  readonly orphanWaitMs?: number;
  /** The clock. @default {Date.now} */
  readonly now?: () => number;
}

/**
 * Runs the sweep `args` asks for and returns the exit code: 0 when every run it trained
 * finished, 1 when some failed or were interrupted (or nothing of the target can run yet),
 * 128 + the signal's number when stopped (`EXIT_INTERRUPTED` for Ctrl-C, 143 for SIGTERM).
 */
export async function runSweep(
  args: SweepArgs,
  io: SweepIo,
  options: SweepOptions = {},
): Promise<number> {
  // Everything that can fail on the command line fails before the database file is made.
  await checkSweepFolders(args);
  const resolved = await resolveSweep(args, { requireContext: true });
  const store = await openStore(args, io, options);
  try {
    const sweep = await planRuns(store, args, io, resolved);
    // Slurm tasks that ended without finishing their run get a record saying so, stored here.
    await settleSlurmTasks(sweep.work, sweep.log);
    await storeLeftoverRecords(sweep, sweep.runs.keys());
    const held = await settleEarlierRuns(sweep, {
      waitMs: options.orphanWaitMs ?? 60_000,
      stop: options.stop,
    });
    const pending = await pendingRuns(sweep, held, args.rerun);
    if (options.stop?.aborted) return stoppedBeforeStart(io, options.stop);
    if (pending.length === 0) return await nothingToRun(sweep, held, io);
    if (args.launcher === "slurm") {
      return await submitToSlurm(sweep, pending, args, io, (runs) => writeJobs(sweep, runs, args));
    }
    // A backend that cannot work here fails now, not in every worker (or silently slowly).
    for (const backend of new Set(pending.map((r) => r.config.backend))) {
      await checkBackend(backend);
    }
    const jobs = await writeJobs(sweep, pending, args);
    const total = sweep.runs.size;
    sweep.log(msg.sweepStart(pending.length, total - pending.length, total, args.workers, args.db));
    const startedAt = (options.now ?? Date.now)();
    const times = new Map<string, { runs: number; ms: number }>();
    const ended = await runJobs(sweep, jobs, io, { ...options, workers: args.workers, times });
    await printTables(sweep, io);
    io.print(sweepTimes((options.now ?? Date.now)() - startedAt, times));
    return await exitCode(sweep, ended, held, io, stopSignalOf(options.stop));
  } finally {
    await store.close();
  }
}

// ---------------------------------------------------------------- the steps, in order

/**
 * The database for writing, held only while the sweep writes it so that readers get in between
 * (a reader keeping it open makes the sweep wait, saying on whom; the runs' records stay on
 * disk meanwhile). Another owner (a sweep, collect) is an error naming that process, after
 * `--wait`.
 */
async function openStore(args: SweepArgs, io: SweepIo, options: SweepOptions): Promise<RunStore> {
  const db = args.db;
  if (db !== ":memory:") await Deno.mkdir(dirname(resolve(db)), { recursive: true });
  let saidAt = -Infinity;
  try {
    return await RunStore.open(db, {
      holdFile: false,
      waitMs: args.waitMs,
      ...(options.kill ? { signal: options.kill } : {}),
      onBusy: (pid, waitedMs, holder) => {
        if (waitedMs < saidAt) saidAt = -Infinity; // another wait
        if (waitedMs < OWNER_QUIET_WAIT_MS || waitedMs - saidAt < OWNER_REPEAT_WAIT_MS) return;
        saidAt = waitedMs;
        io.display.log(
          holder === "owner"
            ? trackMsg.waitingFor(db, pid, args.waitMs)
            : trackMsg.ownerWaiting(db, pid, waitedMs),
        );
      },
    });
  } catch (error) {
    if (error instanceof DatabaseBusyError) {
      throw new Error(msg.databaseBusy(db, error.pid), { cause: error });
    }
    throw error;
  }
}

/** A sweep waiting this long for a reader to close the file says so, */
const OWNER_QUIET_WAIT_MS = 1000;
/** and again every so often while it waits. */
const OWNER_REPEAT_WAIT_MS = 60_000;

/** A sweep once planned: what its steps share. */
interface Sweep extends SweepScope {
  readonly runs: ReadonlyMap<string, PlannedRun>;
  readonly work: WorkPaths;
  readonly ablations: readonly Ablation[];
  readonly context: HashContext;
  /** Equivalence margin of the claims printed with the tables. */
  readonly delta: number;
}

/**
 * Resolves the ablations, the hash context and every run, and stores the paper's values and
 * which (ablation, variant) rows each run serves.
 */
async function planRuns(
  store: RunStore,
  args: SweepArgs,
  io: SweepIo,
  resolved: ResolvedSweep,
): Promise<Sweep> {
  await store.setPaperValues(paperValueRows(resolved.ablations));
  const runs = new Map<string, PlannedRun>();
  // Queued together, the calls share one opening of the file.
  await Promise.all(
    resolved.runs.map((run) =>
      store.addVariantMembership(run.ablation, run.variant, run.hash, run.seed)
    ),
  );
  for (const run of resolved.runs) if (!runs.has(run.hash)) runs.set(run.hash, run);
  const work = workPaths(args.workDir);
  return {
    store,
    records: work.records,
    runs,
    log: (line) => io.display.log(line),
    work,
    ablations: resolved.ablations,
    context: resolved.context!,
    delta: args.delta,
  };
}

/**
 * The runs of the plan not held by a live process and not finished (with `rerun`, finished ones
 * too: starting them keeps their finished rows under their own id).
 */
async function pendingRuns(
  sweep: Sweep,
  held: ReadonlySet<string>,
  rerun: boolean,
): Promise<PlannedRun[]> {
  const finished = rerun ? new Set<string>() : await sweep.store.finishedHashes();
  return [...sweep.runs.values()].filter((r) => !finished.has(r.hash) && !held.has(r.hash));
}

/** Stopped before any run started. */
function stoppedBeforeStart(io: SweepIo, stop: AbortSignal): number {
  io.display.close();
  io.print(msg.interruptedSummary(0, 0));
  return exitCodeOf(stopSignalOf(stop) ?? "SIGINT");
}

/** Every run is finished (or held elsewhere): the tables as they are. */
async function nothingToRun(sweep: Sweep, held: ReadonlySet<string>, io: SweepIo): Promise<number> {
  io.display.close();
  if (sweep.runs.size > 0) io.print(msg.nothingToRun(sweep.runs.size));
  await printTables(sweep, io);
  return held.size > 0 ? 1 : 0;
}

/** A pending run with its job file; runs sharing a teacher cache share a `group`. */
interface Job {
  readonly run: PlannedRun;
  readonly path: string;
  readonly group: string | null;
  /** The checkout's state when the job was written. */
  readonly git: GitState;
}

/** Writes a job file per run (all under the git state of the checkout now). */
async function writeJobs(
  sweep: Sweep,
  runs: readonly PlannedRun[],
  args: SweepArgs,
): Promise<Job[]> {
  const git = await gitState();
  const setup = { teacher: args.teacher, dataDir: args.dataDir, git };
  const jobs: Job[] = [];
  for (const run of runs) {
    jobs.push({
      run,
      path: await writeJob(sweep.work.jobs, jobOf(run, sweep.context, sweep.work, setup)),
      // Only training runs use a teacher cache; measurements compute what they need.
      group: run.kind === "training" ? cacheGroup(run, sweep.context) : null,
      git,
    });
  }
  return jobs;
}

/**
 * Runs the jobs through the pool: each child's run is started in the store, its progress shown,
 * its outcome stored as it ends. Returns how many ended how.
 */
async function runJobs(
  sweep: Sweep,
  jobs: readonly Job[],
  io: SweepIo,
  options: SweepOptions & {
    workers: number;
    /** Filled with the runs trained and their summed wall time, by the table that planned each. */
    times: Map<string, { runs: number; ms: number }>;
  },
): Promise<Readonly<Record<RunEnd, number>>> {
  const progress = new SweepProgress(jobs.length, options.workers, options.now);
  const show = () => io.display.update(progress.view());
  const ticker = setInterval(show, 1000);
  try {
    await runPool(jobs, {
      start: async (job, slot) => {
        const { run } = job;
        const child = await startJob(sweep, job, options.spawn ?? spawnRunOne);
        progress.started(slot, msg.runLabel(run), child.pid);
        sweep.log(msg.runStarted(msg.runLabel(run), shortHash(run.hash), child.pid));
        show();
        return child;
      },
      message: ({ run }, slot, message) => {
        if (message.type === "warning") {
          sweep.log(msg.runWarning(progress.label(slot), message.message));
        }
        progress.report(slot, message, run.kind === "training");
        show();
      },
      exit: async ({ run }, slot, outcome) => {
        const settled = await settleOutcome(sweep, run, outcome);
        const ms = progress.ended(slot, settled.status);
        const spent = options.times.get(run.ablation) ?? { runs: 0, ms: 0 };
        options.times.set(run.ablation, { runs: spent.runs + 1, ms: spent.ms + ms });
        show();
        sweep.log(endedLine(sweep, run, settled, { done: progress.done, total: jobs.length, ms }));
      },
    }, {
      workers: options.workers,
      ...(options.stop ? { stop: options.stop } : {}),
      ...(options.kill ? { kill: options.kill } : {}),
    });
  } finally {
    clearInterval(ticker);
    io.display.close();
  }
  return progress.counts;
}

/** Spawns the child of a job and marks its run started (the child is killed if that fails). */
async function startJob(
  sweep: Sweep,
  job: Job,
  spawn: NonNullable<SweepOptions["spawn"]>,
): Promise<WorkerProcess> {
  const child = spawn(job.path, { records: sweep.records });
  try {
    const kept = await sweep.store.startRun(job.run, {
      pid: child.pid,
      backend: job.run.config.backend,
      git: job.git,
      versions: { code: sweep.context.codeVersion ?? "" },
    });
    if (kept !== null) sweep.log(msg.rerunKept(msg.runLabel(job.run), kept));
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return child;
}

/** The log line of a run that ended: its scores and time, or why it did not finish. */
function endedLine(
  sweep: Sweep,
  run: PlannedRun,
  settled: Settled,
  at: { done: number; total: number; ms: number },
): string {
  const label = { label: msg.runLabel(run), shortHash: shortHash(run.hash) };
  if (settled.status !== "finished") {
    return msg.runEnded(at.done, at.total, settled.status, label, { error: settled.error ?? "" });
  }
  const shown = logMetrics(run, sweep.ablations);
  const scores = settled.results
    .filter((r) => r.split === "eval" && shown.includes(r.metric))
    .map((r) => `${r.metric} ${formatValue(r.value)}`).join(" ");
  return msg.runEnded(at.done, at.total, settled.status, label, {
    scores,
    duration: formatDuration(at.ms),
  });
}

/** Prints each ablation's table: paper value beside measured mean ± 95% CI. */
async function printTables(sweep: Sweep, io: SweepIo): Promise<void> {
  for (const ablation of sweep.ablations) {
    io.print(formatSummary(ablation, await readSummary(sweep.store, ablation.name, sweep.delta)));
  }
}

/**
 * The sweep's wall time and, per table, the runs it trained and their summed wall time (a config
 * shared by several tables counts toward the first that planned it).
 */
function sweepTimes(wallMs: number, times: ReadonlyMap<string, { runs: number; ms: number }>) {
  const rows = [...times].map(([table, t]) => ({
    table,
    runs: t.runs,
    time: formatDuration(t.ms),
  }));
  return msg.sweepTimes(formatDuration(wallMs), rows);
}

/** Says how the sweep ended and gives its exit code. */
async function exitCode(
  sweep: Sweep,
  ended: Readonly<Record<RunEnd, number>>,
  held: ReadonlySet<string>,
  io: SweepIo,
  stopped: StopSignal | null,
): Promise<number> {
  if (stopped !== null) {
    const finished = (await sweep.store.finishedHashes()).size;
    io.print(msg.interruptedSummary(ended.interrupted, finished));
    return exitCodeOf(stopped);
  }
  io.print(msg.sweepSummary(ended.finished, ended.failed, ended.interrupted));
  return ended.failed + ended.interrupted > 0 || held.size > 0 ? 1 : 0;
}

// ---------------------------------------------------------------- planning helpers

/** The paper's values for the rows of `ablations` that reproduce a paper row. */
export function paperValueRows(ablations: readonly Ablation[]): PaperValueRow[] {
  const rows: PaperValueRow[] = [];
  for (const ablation of ablations) {
    for (const variant of ablation.variants) {
      if (variant.paperRow === null) continue;
      for (const metric of ablation.metrics) {
        const value = paperValue(ablation.table, variant.paperRow, metric);
        if (value === null) continue;
        rows.push({
          tableId: ablation.table,
          ablation: ablation.name,
          variant: variant.label,
          metric,
          value,
        });
      }
    }
  }
  return rows;
}

/**
 * The teacher cache a run uses: runs with the same key share one cache file, so the pool lets
 * the first build it before the others start.
 */
export function cacheGroup(run: PlannedRun, context: HashContext): string {
  const { source, unseen, trainScenes, sceneSeed } = run.config.data;
  return canonicalJson({
    data: { source, unseen, trainScenes, sceneSeed },
    pseudoMask: run.config.pseudoMask,
    teacher: context.teacherHash,
    items: context.dataIdentity,
  });
}

/** The job of a planned run (teacher and data paths made absolute). */
export function jobOf(
  run: PlannedRun,
  context: HashContext,
  work: WorkPaths,
  setup: { teacher: string; dataDir: string | null; git: GitState },
): RunJob {
  return {
    format: JOB_FORMAT,
    hash: run.hash,
    ablation: run.ablation,
    variant: run.variant,
    seed: run.seed,
    preset: run.preset,
    kind: run.kind,
    config: run.config,
    overrides: run.overrides as Record<string, unknown>,
    context,
    teacher: resolve(setup.teacher),
    dataDir: setup.dataDir === null ? null : resolve(setup.dataDir),
    cacheDir: work.cache,
    artifactDir: join(work.artifacts, run.hash),
    git: setup.git,
  };
}

/**
 * The eval metrics a finished run's log line shows: those of the ablation that planned it (the
 * table's columns), else the training scores.
 */
export function logMetrics(run: PlannedRun, ablations: readonly Ablation[]): readonly string[] {
  return ablations.find((a) => a.name === run.ablation)?.metrics ?? ["hIoU", "sIoU", "uIoU"];
}

/**
 * The text of `ablate NAME --plan`: every run with its overrides, hash and whether it is done,
 * then what will be skipped. Trains nothing and writes nothing.
 */
export async function planSweep(args: SweepArgs): Promise<string> {
  await checkSweepFolders(args);
  const resolved = await resolveSweep(args, { requireContext: false });
  const notes: string[] = [];
  let status: PlanStatus = { done: new Set(), stale: new Map() };
  if (resolved.contextError !== null) {
    notes.push(msg.provisionalPlan(resolved.contextError.message));
  } else {
    try {
      status = await planStatusIn(args.db, resolved, args.waitMs);
    } catch (error) {
      notes.push(msg.planWithoutDatabase(args.db, (error as Error).message));
    }
  }
  const text = formatPlan(resolved.runs, status.done, status.stale);
  return notes.length === 0 ? text : `${text}\n\n${notes.join("\n")}`;
}

/** Which runs of a plan are done, and which are stale and why. */
interface PlanStatus {
  readonly done: Set<string>;
  readonly stale: Map<string, string>;
}

/**
 * The finished runs of the database at `db` and the stale runs of `resolved` (whose context is
 * known); none when the database does not exist.
 */
async function planStatusIn(
  db: string,
  resolved: ResolvedSweep,
  waitMs: number,
): Promise<PlanStatus> {
  let store: RunStore;
  try {
    // A sweep may be writing just then: wait for it as a reader does.
    const wait = Math.max(waitMs, DEFAULT_WAIT_SECONDS * 1000);
    store = await RunStore.open(db, { readOnly: true, waitMs: wait });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { done: new Set(), stale: new Map() };
    throw error;
  }
  try {
    const finished = await readFinishedRowRuns(store, resolved.ablations.map((a) => a.name));
    const now = { context: resolved.context!, code: await codeManifest(), finished };
    return { done: await store.finishedHashes(), stale: staleReasons(resolved.runs, now) };
  } finally {
    await store.close();
  }
}

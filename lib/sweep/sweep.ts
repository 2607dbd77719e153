/**
 * A sweep: every run of one ablation (or all of them) executed once, tracked in one DuckDB file.
 * This process owns the database; each run executes in its own `run-one` child process (so each
 * has its own single-threaded wasm backend), which never touches the database and writes a run
 * record that this process stores. Runs of the `training` kind train a student; runs of the
 * `measurement` (Table XIII) and `efficiency` (Table III) kinds measure without training, through
 * the same job files, children and records.
 *
 * In order: open the store (a second sweep on the same file gets a clear error here), resolve the
 * ablations and the hash context, store the paper's values and which (ablation, variant) rows
 * every run serves, store records an earlier sweep left behind, mark runs of dead processes
 * interrupted, skip finished runs (one config shared by several tables trains once), write a job
 * file per run, train them through the pool (`pool.ts`) with a progress display, store each
 * record as its child ends (a child that dies without one gets its run marked interrupted or
 * failed with the reason), and print each table: paper value beside measured mean ± 95% CI.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { INGESTED_DIR } from "../track/collect.ts";
import { readRunRecord, recordFileName, type RunRecord } from "../track/record.ts";
import { DatabaseBusyError, type PaperValueRow, RunStore } from "../track/store.ts";
import type { Ablation } from "../spec/define.ts";
import type { PlannedRun } from "../spec/expand.ts";
import { canonicalJson, type HashContext } from "../spec/hash.ts";
import { paperValue } from "../spec/paper_tables.ts";
import { formatPlan, shortHash } from "../spec/plan.ts";
import type { SweepArgs } from "./args.ts";
import { gitState } from "./context.ts";
import {
  type GitState,
  JOB_FORMAT,
  type RunJob,
  type WorkPaths,
  workPaths,
  writeJob,
} from "./job.ts";
import * as msg from "./messages.ts";
import { type PoolOutcome, runPool } from "./pool.ts";
import {
  formatDuration,
  type ProgressDisplay,
  type SweepView,
  type WorkerView,
} from "./progress.ts";
import type { ChildMessage } from "./protocol.ts";
import { resolveSweep } from "./resolve.ts";
import { formatSummary, formatValue, readSummary } from "./summary.ts";
import { type SpawnOptions, spawnRunOne, type WorkerProcess } from "./worker.ts";

/** Exit code of a sweep stopped by Ctrl-C. */
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

/** `token-bank "6" seed 1`. */
export function runLabel(run: Pick<PlannedRun, "ablation" | "variant" | "seed">): string {
  return `${run.ablation} "${run.variant}" seed ${run.seed}`;
}

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

async function fileExists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * The text of `ablate NAME --plan`: every run with its overrides, hash and whether it is done,
 * then what will be skipped. Trains nothing and writes nothing.
 */
export async function planSweep(args: SweepArgs): Promise<string> {
  const resolved = await resolveSweep(args, { requireContext: false });
  const notes: string[] = [];
  let done = new Set<string>();
  if (resolved.contextError !== null) {
    notes.push(msg.provisionalPlan(resolved.contextError.message));
  } else if (await fileExists(args.db)) {
    try {
      const store = await RunStore.open(args.db, { readOnly: true });
      try {
        done = await store.finishedHashes();
      } finally {
        await store.close();
      }
    } catch (error) {
      notes.push(msg.planWithoutDatabase(args.db, (error as Error).message));
    }
  }
  const text = formatPlan(resolved.runs, done);
  return notes.length === 0 ? text : `${text}\n\n${notes.join("\n")}`;
}

async function openStore(db: string): Promise<RunStore> {
  if (db !== ":memory:") await Deno.mkdir(dirname(resolve(db)), { recursive: true });
  try {
    return await RunStore.open(db);
  } catch (error) {
    if (error instanceof DatabaseBusyError) {
      throw new Error(msg.databaseBusy(db, error.pid), { cause: error });
    }
    throw error;
  }
}

/** What became of one run. */
interface Settled {
  readonly status: RunRecord["status"];
  readonly error: string | null;
  readonly results: RunRecord["results"];
}

/**
 * Runs the sweep `args` asks for and returns the exit code: 0 when every run it trained
 * finished, 1 when some failed or were interrupted (or nothing of the target can run yet),
 * `EXIT_INTERRUPTED` when stopped.
 */
export async function runSweep(
  args: SweepArgs,
  io: SweepIo,
  options: SweepOptions = {},
): Promise<number> {
  const now = options.now ?? Date.now;
  const log = (line: string) => io.display.log(line);
  const store = await openStore(args.db);
  try {
    const resolved = await resolveSweep(args, { requireContext: true });
    const context = resolved.context!;
    const work = workPaths(args.workDir);
    await store.setPaperValues(paperValueRows(resolved.ablations));
    for (const run of resolved.runs) {
      await store.addVariantMembership(run.ablation, run.variant, run.hash, run.seed);
    }
    const byHash = new Map<string, PlannedRun>();
    for (const run of resolved.runs) if (!byHash.has(run.hash)) byHash.set(run.hash, run);

    const ingestFile = async (path: string): Promise<RunRecord> => {
      const record = await readRunRecord(path);
      await store.ingestRecord(record);
      const dest = join(work.records, INGESTED_DIR);
      await Deno.mkdir(dest, { recursive: true });
      await Deno.rename(path, join(dest, recordFileName(record.hash)));
      return record;
    };
    const ingestLeftovers = async (hashes: Iterable<string>) => {
      for (const hash of hashes) {
        const path = join(work.records, recordFileName(hash));
        if (!await fileExists(path)) continue;
        try {
          const record = await ingestFile(path);
          log(msg.leftoverIngested(runLabel(byHash.get(hash) ?? record), record.status));
        } catch (error) {
          log(msg.recordUnusable(path, (error as Error).message));
        }
      }
    };

    // Leftovers of an earlier sweep: records not stored yet, runs of dead processes.
    await ingestLeftovers(byHash.keys());
    const blocked = await settleEarlierRuns(store, byHash, ingestLeftovers, log, {
      waitMs: options.orphanWaitMs ?? 60_000,
      ...(options.stop ? { stop: options.stop } : {}),
    });

    const finishedBefore = await store.finishedHashes();
    const pending = [...byHash.values()].filter((r) =>
      !finishedBefore.has(r.hash) && !blocked.has(r.hash)
    );
    const printTables = async () => {
      for (const ablation of resolved.ablations) {
        io.print(formatSummary(ablation, await readSummary(store, ablation.name)));
      }
    };
    if (pending.length === 0 || options.stop?.aborted) {
      io.display.close();
      if (options.stop?.aborted) {
        io.print(msg.interruptedSummary(0, 0));
        return EXIT_INTERRUPTED;
      }
      if (byHash.size > 0) io.print(msg.nothingToRun(byHash.size));
      await printTables();
      return blocked.size > 0 ? 1 : 0;
    }

    const git = await gitState();
    const jobs = new Map<string, string>();
    for (const run of pending) {
      jobs.set(
        run.hash,
        await writeJob(
          work.jobs,
          jobOf(run, context, work, { teacher: args.teacher, dataDir: args.dataDir, git }),
        ),
      );
    }
    log(
      msg.sweepStart(
        pending.length,
        byHash.size - pending.length,
        byHash.size,
        args.workers,
        args.db,
      ),
    );

    const spawn = options.spawn ?? spawnRunOne;
    const workers = new Map<number, WorkerView>();
    const durations: number[] = [];
    const counts = { finished: 0, failed: 0, interrupted: 0 };
    const startedAt = now();
    const view = (): SweepView => ({
      total: pending.length,
      ...counts,
      startedAt,
      workers,
      durations,
      parallel: args.workers,
    });
    const patch = (slot: number, change: Partial<WorkerView>) => {
      const current = workers.get(slot);
      if (current) workers.set(slot, { ...current, ...change });
    };
    const ticker = setInterval(() => io.display.update(view()), 1000);

    const settle = async (run: PlannedRun, outcome: PoolOutcome): Promise<Settled> => {
      const expected = join(work.records, recordFileName(run.hash));
      const path = outcome.record?.path ?? (await fileExists(expected) ? expected : null);
      if (path !== null) {
        try {
          const record = await ingestFile(path);
          return { status: record.status, error: record.error, results: record.results };
        } catch (error) {
          const text = msg.recordUnusable(path, (error as Error).message);
          await store.endRun(run.hash, "failed", text);
          return { status: "failed", error: text, results: [] };
        }
      }
      if (outcome.startError !== null) {
        await store.endRun(run.hash, "failed", outcome.startError.message);
        return { status: "failed", error: outcome.startError.message, results: [] };
      }
      const exit = outcome.exit!;
      const how = msg.exitDescription(exit.code, exit.signal);
      if (outcome.stopped) {
        await store.endRun(run.hash, "interrupted", msg.STOPPED_BY_USER);
        return { status: "interrupted", error: msg.STOPPED_BY_USER, results: [] };
      }
      const detail = outcome.error?.message ?? outcome.stderr;
      const text = msg.childDiedWithoutRecord(outcome.pid ?? 0, how, detail);
      if (exit.signal !== null) {
        await store.endRun(run.hash, "interrupted", text);
        return { status: "interrupted", error: text, results: [] };
      }
      await store.endRun(run.hash, "failed", text);
      return { status: "failed", error: text, results: [] };
    };

    try {
      await runPool(
        // Only training runs use a teacher cache; measurements compute what they need.
        pending.map((run) => ({
          run,
          group: run.kind === "training" ? cacheGroup(run, context) : null,
        })),
        {
          start: async ({ run }, slot) => {
            const child = spawn(jobs.get(run.hash)!, { records: work.records });
            try {
              await store.startRun(run, {
                pid: child.pid,
                backend: run.config.backend,
                git,
                versions: { code: context.codeVersion ?? "" },
              });
            } catch (error) {
              child.kill("SIGKILL");
              throw error;
            }
            workers.set(slot, {
              label: runLabel(run),
              pid: child.pid,
              startedAt: now(),
              phase: "starting",
              cacheDone: 0,
              cacheTotal: 0,
              step: 0,
              totalSteps: null,
              loss: null,
              imagesPerSecond: null,
            });
            log(`start  ${runLabel(run)} (${shortHash(run.hash)}) pid ${child.pid}`);
            io.display.update(view());
            return child;
          },
          message: ({ run }, slot, message: ChildMessage) => {
            if (message.type === "cache") {
              patch(slot, {
                phase: run.kind === "training" ? "cache" : "measuring",
                cacheDone: message.done,
                cacheTotal: message.total,
              });
            } else if (message.type === "progress") {
              patch(slot, {
                phase: "training",
                step: message.step,
                totalSteps: message.totalSteps,
                loss: message.loss,
                imagesPerSecond: message.imagesPerSecond,
              });
            } else if (message.type === "warning") {
              log(`warning: ${workers.get(slot)?.label ?? ""}: ${message.message}`);
            }
            io.display.update(view());
          },
          exit: async ({ run }, slot, outcome) => {
            const began = workers.get(slot)?.startedAt ?? now();
            workers.delete(slot);
            let settled: Settled;
            try {
              settled = await settle(run, outcome);
            } catch (error) {
              // The run's row could not be updated (say, it was never started): say so, go on.
              const text = msg.outcomeNotStored(runLabel(run), (error as Error).message);
              settled = { status: "failed", error: text, results: [] };
            }
            counts[settled.status]++;
            if (settled.status === "finished") durations.push(now() - began);
            io.display.update(view());
            const done = counts.finished + counts.failed + counts.interrupted;
            const head = `[${done}/${pending.length}] ${settled.status.padEnd(11)} ${
              runLabel(run)
            } (${shortHash(run.hash)})`;
            if (settled.status === "finished") {
              const shown = logMetrics(run, resolved.ablations);
              const scores = settled.results
                .filter((r) => r.split === "eval" && shown.includes(r.metric))
                .map((r) => `${r.metric} ${formatValue(r.value)}`).join(" ");
              log(`${head} ${scores} in ${formatDuration(now() - began)}`);
            } else {
              log(`${head}: ${settled.error ?? ""}`);
            }
          },
        },
        {
          workers: args.workers,
          ...(options.stop ? { stop: options.stop } : {}),
          ...(options.kill ? { kill: options.kill } : {}),
        },
      );
    } finally {
      clearInterval(ticker);
      io.display.close();
    }

    const stopped = options.stop?.aborted === true;
    await printTables();
    if (stopped) {
      const finished = (await store.finishedHashes()).size;
      io.print(msg.interruptedSummary(counts.interrupted, finished));
      return EXIT_INTERRUPTED;
    }
    io.print(msg.sweepSummary(counts.finished, counts.failed, counts.interrupted));
    return counts.failed + counts.interrupted > 0 || blocked.size > 0 ? 1 : 0;
  } finally {
    await store.close();
  }
}

/**
 * Deals with runs of the plan an earlier sweep left `running`: runs whose process is gone are
 * marked interrupted (they run again); runs whose process is still alive (a child finishing its
 * step after its owner died) are waited for, up to `waitMs`, storing the records they write.
 * Returns the hashes still held after that (they are not started again).
 */
async function settleEarlierRuns(
  store: RunStore,
  byHash: ReadonlyMap<string, PlannedRun>,
  ingest: (hashes: Iterable<string>) => Promise<void>,
  log: (line: string) => void,
  options: { waitMs: number; stop?: AbortSignal },
): Promise<Set<string>> {
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    for (const run of await store.reapDeadRuns()) {
      const planned = byHash.get(run.id);
      if (planned) log(msg.reaped(runLabel(planned), run.pid));
    }
    const live = (await store.runningRuns()).filter((r) => byHash.has(r.id));
    if (live.length === 0) return new Set();
    if (Date.now() >= deadline || options.stop?.aborted) {
      for (const r of live) {
        log(msg.stillRunning(runLabel(byHash.get(r.id)!), r.pid ?? 0));
      }
      return new Set(live.map((r) => r.id));
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
    await ingest(live.map((r) => r.id));
  }
}

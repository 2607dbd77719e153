/**
 * What became of a sweep's runs, stored: records an earlier sweep left behind, runs an earlier
 * sweep's processes left `running` (reaped when their process is gone, waited for while it
 * lives), and each run of this sweep as its child ends — its record when it wrote one, else the
 * run marked failed or interrupted with the reason.
 *
 * @module
 */
import { join } from "node:path";
import type { PlannedRun } from "../spec/expand.ts";
import { ingestRecordFile, type RecordFileOutcome } from "../track/collect.ts";
import { recordFileName, type RunRecord } from "../track/record.ts";
import type { RunStore } from "../track/store.ts";
import * as msg from "./messages.ts";
import type { PoolOutcome } from "./pool.ts";
import type { RunEnd } from "./progress.ts";

/** What settling needs of a planned run: its id and the names a log line gives it. */
export type RunRef = Pick<PlannedRun, "hash" | "ablation" | "variant" | "seed">;

/** What settling runs needs of a sweep. */
export interface SweepScope {
  readonly store: RunStore;
  /** The folder children write their records to. */
  readonly records: string;
  /** The distinct runs of the plan, by hash (the first plan of each). */
  readonly runs: ReadonlyMap<string, RunRef>;
  /** Writes a log line. */
  readonly log: (line: string) => void;
}

/** What became of one run. */
export interface Settled {
  readonly status: RunEnd;
  readonly error: string | null;
  readonly results: RunRecord["results"];
}

/** `path` when a file is there, else `null`. */
async function existingFile(path: string): Promise<string | null> {
  try {
    return (await Deno.stat(path)).isFile ? path : null;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/**
 * Stores the records of runs `hashes` that an earlier sweep's children wrote but nobody
 * stored, saying so for each. A record of a finished run is kept, not applied; an invalid one is
 * put aside (`rejected/`); one that cannot be stored for another reason is left in place; each
 * is named.
 */
export async function storeLeftoverRecords(
  sweep: SweepScope,
  hashes: Iterable<string>,
): Promise<void> {
  for (const hash of hashes) {
    const path = await existingFile(join(sweep.records, recordFileName(hash)));
    if (path === null) continue;
    const outcome = await ingestRecordFile(sweep.store, path);
    if (!outcome.ok) {
      sweep.log(msg.recordUnusable(path, outcome.error.message, outcome.movedTo));
      continue;
    }
    const label = msg.runLabel(sweep.runs.get(hash) ?? outcome.record);
    sweep.log(
      outcome.applied
        ? msg.leftoverIngested(label, outcome.record.status)
        : msg.recordNotApplied(label, outcome.record.status, outcome.movedTo),
    );
  }
}

/**
 * Deals with runs of the plan an earlier sweep left `running`: runs whose process is gone are
 * marked interrupted (they run again); runs whose process is still alive (a child finishing its
 * step after its owner died) are waited for, up to `waitMs`, storing the records they write.
 * Returns the hashes still held after that (they are not started again).
 */
export async function settleEarlierRuns(
  sweep: SweepScope,
  options: { waitMs: number; stop?: AbortSignal | undefined },
): Promise<Set<string>> {
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    for (const run of await sweep.store.reapDeadRuns()) {
      const planned = sweep.runs.get(run.id);
      if (planned) sweep.log(msg.reaped(msg.runLabel(planned), run.pid));
    }
    const live = (await sweep.store.runningRuns()).filter((r) => sweep.runs.has(r.id));
    if (live.length === 0) return new Set();
    if (Date.now() >= deadline || options.stop?.aborted) {
      for (const r of live) {
        sweep.log(msg.stillRunning(msg.runLabel(sweep.runs.get(r.id)!), r.pid ?? 0));
      }
      return new Set(live.map((r) => r.id));
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
    await storeLeftoverRecords(sweep, live.map((r) => r.id));
  }
}

/**
 * Stores what became of `run` when its child ended: the record it wrote (named by its
 * `record` message, else found under its hash), or, without one, the run ended as failed or
 * interrupted with the reason. A run whose row cannot be updated is reported as failed, and the
 * sweep goes on.
 */
export async function settleOutcome(
  sweep: SweepScope,
  run: RunRef,
  outcome: PoolOutcome,
): Promise<Settled> {
  try {
    const path = outcome.record?.path ??
      await existingFile(join(sweep.records, recordFileName(run.hash)));
    if (path === null) return await endRun(sweep.store, run, withoutRecord(outcome));
    return await storeRecord(sweep, run, await ingestRecordFile(sweep.store, path));
  } catch (error) {
    const reason = msg.outcomeNotStored(msg.runLabel(run), (error as Error).message);
    return { status: "failed", error: reason, results: [] };
  }
}

/**
 * What storing a run's own record came to: its outcome; when the record could not be stored,
 * the run failed with the reason; when the run was already finished (another attempt's record),
 * the run as stored.
 */
async function storeRecord(
  sweep: SweepScope,
  run: RunRef,
  stored: RecordFileOutcome,
): Promise<Settled> {
  if (!stored.ok) {
    const reason = msg.recordUnusable(stored.path, stored.error.message, stored.movedTo);
    return await endRun(sweep.store, run, { status: "failed", reason });
  }
  const { record } = stored;
  if (stored.applied) {
    return { status: record.status, error: record.error, results: record.results };
  }
  sweep.log(msg.recordNotApplied(msg.runLabel(run), record.status, stored.movedTo));
  return { status: "finished", error: null, results: [] };
}

type Ending = { status: "failed" | "interrupted"; reason: string };

/**
 * How a run whose child wrote no record ended: failed when the child did not start or exited,
 * interrupted when the sweep stopped it or a signal killed it.
 */
function withoutRecord(outcome: PoolOutcome): Ending {
  if (outcome.startError !== null) return { status: "failed", reason: outcome.startError.message };
  if (outcome.stopped) {
    return { status: "interrupted", reason: msg.stoppedBy(outcome.stopSignal ?? "SIGINT") };
  }
  const exit = outcome.exit!;
  const reason = msg.childDiedWithoutRecord(
    outcome.pid ?? 0,
    msg.exitDescription(exit.code, exit.signal),
    outcome.error?.message ?? outcome.stderr,
  );
  return { status: exit.signal === null ? "failed" : "interrupted", reason };
}

async function endRun(store: RunStore, run: RunRef, ending: Ending): Promise<Settled> {
  await store.endRun(run.hash, ending.status, ending.reason);
  return { status: ending.status, error: ending.reason, results: [] };
}

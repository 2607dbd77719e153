/**
 * Ingests per-run record files into the run store: the process that owns the database calls
 * this for the records that training processes (local workers, a Slurm job array) wrote.
 *
 * Nothing is lost: every record file read ends in a folder beside it, never deleted.
 * - `ingested/`: records stored in the database (after their transaction commits).
 * - `not-applied/`: late records of runs already finished (a `run-one` of a finished run stopped
 *   with Ctrl-C, say): the finished run keeps its status and rows, and the record is kept.
 * - `rejected/`: records that are not valid (not JSON, a wrong or missing field, a score that is
 *   not finite, another run's record under this run's file name), each with
 *   `<name>.reason.txt` saying why.
 *
 * A later record of a run whose file name is taken in its folder gets the next free
 * `<hash>.<n>.run.json` (n = 1, 2, ...); a byte-identical copy is not stored twice. Ingesting is
 * idempotent, so collecting a file again (say the process died between committing and moving
 * it) leaves the same database. `move: false` leaves every file in place. Temporary files of
 * writes in progress (dot-prefixed) are never read. A file that cannot be read or stored for
 * another reason (no permission, the database refused the write) stays where it is.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { listRecordFiles, readRunRecord, RECORD_SUFFIX, type RunRecord } from "./record.ts";
import * as msg from "./messages.ts";
import type { RunStore } from "./store.ts";

/** Subfolder of a record folder for the records stored in the database. */
export const INGESTED_DIR = "ingested";
/** Subfolder for late records of finished runs, kept and not applied. */
export const NOT_APPLIED_DIR = "not-applied";
/** Subfolder for invalid records, each with `<name>.reason.txt`. */
export const REJECTED_DIR = "rejected";

/** Options of {@linkcode collectRecords} and {@linkcode ingestRecordFile}. */
export interface CollectOptions {
  /**
   * Move each file read to `ingested/`, `not-applied/` or `rejected/` beside it.
   * @default true
   */
  move?: boolean;
  /** Called after each file, for progress output ({@linkcode collectRecords} only). */
  onFile?: (outcome: RecordFileOutcome) => void;
}

/** A record file that was read and stored, or kept without applying it. */
export interface CollectedRecord {
  ok: true;
  path: string;
  record: RunRecord;
  /** `false`: the run was already finished, so the database was left as it was. */
  applied: boolean;
  /** Where the file went, or `null` when left in place. */
  movedTo: string | null;
}

/** A record file that could not be ingested. */
export interface FailedRecord {
  ok: false;
  path: string;
  error: Error;
  /** The file is not a valid record (moved to `rejected/` unless `move: false`). */
  rejected: boolean;
  /** Where the file went, or `null` when left in place. */
  movedTo: string | null;
}

/** What became of one record file. */
export type RecordFileOutcome = CollectedRecord | FailedRecord;

/** What {@linkcode collectRecords} did, by outcome, each in file name order. */
export interface CollectResult {
  ingested: CollectedRecord[];
  kept: CollectedRecord[];
  failed: FailedRecord[];
}

/**
 * Reads the record file at `path`, stores it in `store` unless its run is already finished,
 * and (by default) files it away: to `ingested/` once its transaction has committed,
 * `not-applied/` when the run was finished, `rejected/` (with the reason) when it is not a valid
 * record. Never throws for a bad file: the outcome says what happened.
 *
 * @example
 * ```ts ignore
 * const outcome = await ingestRecordFile(store, ".cache/records/3f2a9c.run.json");
 * if (outcome.ok && !outcome.applied) console.log(`kept ${outcome.movedTo}`);
 * ```
 */
export async function ingestRecordFile(
  store: RunStore,
  path: string,
  options: CollectOptions = {},
): Promise<RecordFileOutcome> {
  const move = options.move ?? true;
  let record: RunRecord;
  try {
    record = await readRunRecord(path);
  } catch (error) {
    const e = asError(error);
    // Not JSON or not a record: the file is bad. Anything else (no permission) may pass.
    const rejected = e instanceof TypeError || e instanceof SyntaxError;
    const movedTo = rejected && move ? await reject(path, e.message) : null;
    return { ok: false, path, error: e, rejected, movedTo };
  }
  try {
    const { applied } = await store.ingestRecord(record);
    const folder = join(dirname(path), applied ? INGESTED_DIR : NOT_APPLIED_DIR);
    return { ok: true, path, record, applied, movedTo: move ? await fileAway(path, folder) : null };
  } catch (error) {
    return { ok: false, path, error: asError(error), rejected: false, movedTo: null };
  }
}

/**
 * Ingests every completed record file directly in `dir` (sorted by name) into `store`.
 * A missing `dir` is a `Deno.errors.NotFound` naming it.
 *
 * @example
 * ```ts ignore
 * const store = await RunStore.open("runs.duckdb");
 * const { ingested, kept, failed } = await collectRecords(store, ".cache/records");
 * await store.close();
 * ```
 */
export async function collectRecords(
  store: RunStore,
  dir: string,
  options: CollectOptions = {},
): Promise<CollectResult> {
  const result: CollectResult = { ingested: [], kept: [], failed: [] };
  for (const path of await listRecordFiles(dir)) {
    const outcome = await ingestRecordFile(store, path, options);
    if (!outcome.ok) result.failed.push(outcome);
    else (outcome.applied ? result.ingested : result.kept).push(outcome);
    options.onFile?.(outcome);
  }
  return result;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Moves a bad record to `rejected/` beside it, with `<name>.reason.txt`; returns where. */
async function reject(path: string, reason: string): Promise<string> {
  const movedTo = await fileAway(path, join(dirname(path), REJECTED_DIR));
  await Deno.writeTextFile(`${movedTo}.reason.txt`, msg.rejectedReason(path, reason, new Date()));
  return movedTo;
}

/**
 * Moves `path` into `folder` under its own name, or `<stem>.<n>.run.json` with the first free n
 * when a different file holds the name; never replaces a file (a hard link fails on an existing
 * name, then the original is removed). A byte-identical file already there counts as this one.
 */
async function fileAway(path: string, folder: string): Promise<string> {
  await Deno.mkdir(folder, { recursive: true });
  const name = basename(path);
  const suffix = name.endsWith(RECORD_SUFFIX) ? RECORD_SUFFIX : "";
  const stem = name.slice(0, name.length - suffix.length);
  const bytes = await Deno.readFile(path);
  for (let n = 0;; n++) {
    const target = join(folder, n === 0 ? name : `${stem}.${n}${suffix}`);
    try {
      await Deno.link(path, target);
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      if (!sameBytes(await Deno.readFile(target), bytes)) continue;
    }
    await Deno.remove(path);
    return target;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

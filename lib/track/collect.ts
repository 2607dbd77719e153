/**
 * Ingests per-run record files into the run store: the process that owns the database calls
 * this for the records that training processes (local workers, a Slurm job array) wrote.
 *
 * Idempotent: a record's rows are replaced, never duplicated, so collecting a file twice (say the
 * process died between committing and moving it) leaves the same database. Each ingested file is
 * moved to `<dir>/ingested/<name>` after its transaction commits (a rename within one
 * directory tree, so nothing is copied); `move: false` leaves it in place. Temporary files of
 * writes in progress (dot-prefixed) are never read. A file that fails to read or ingest is left
 * where it is and reported; the others are still collected.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { listRecordFiles, readRunRecord, type RunRecord } from "./record.ts";
import type { RunStore } from "./store.ts";

/** Name of the subdirectory ingested records move to. */
export const INGESTED_DIR = "ingested";

/** Options of {@linkcode collectRecords}. */
export interface CollectOptions {
  /**
   * Move each ingested file to `<dir>/ingested/`.
   * @default true
   */
  move?: boolean;
  /** Called after each file, for progress output. */
  onFile?: (outcome: CollectedRecord | FailedRecord) => void;
}

/** A record file that was ingested. */
export interface CollectedRecord {
  ok: true;
  path: string;
  id: string;
  status: string;
  /** Where the file went, or `null` when left in place. */
  movedTo: string | null;
}

/** A record file that could not be ingested (left in place). */
export interface FailedRecord {
  ok: false;
  path: string;
  error: Error;
}

/** What {@linkcode collectRecords} did. */
export interface CollectResult {
  ingested: CollectedRecord[];
  failed: FailedRecord[];
}

/** A record file {@linkcode ingestRecordFile} stored: the record, and where the file went. */
export interface IngestedFile {
  record: RunRecord;
  /** `<dir>/ingested/<name>`, or `null` when left in place. */
  movedTo: string | null;
}

/**
 * Reads the record file at `path`, stores it in `store` and (by default) moves the file to
 * `ingested/` beside it once its transaction has committed. A file that fails to read or store
 * is left where it is and the error thrown.
 */
export async function ingestRecordFile(
  store: RunStore,
  path: string,
  options: { move?: boolean } = {},
): Promise<IngestedFile> {
  const record = await readRunRecord(path);
  await store.ingestRecord(record);
  if (options.move === false) return { record, movedTo: null };
  const movedTo = join(dirname(path), INGESTED_DIR, basename(path));
  await Deno.mkdir(dirname(movedTo), { recursive: true });
  await Deno.rename(path, movedTo);
  return { record, movedTo };
}

/**
 * Ingests every completed record file directly in `dir` (sorted by name) into `store`.
 * A missing `dir` is a `Deno.errors.NotFound` naming it.
 *
 * @example
 * ```ts ignore
 * const store = await RunStore.open("runs.duckdb");
 * const { ingested, failed } = await collectRecords(store, ".cache/records");
 * await store.close();
 * ```
 */
export async function collectRecords(
  store: RunStore,
  dir: string,
  options: CollectOptions = {},
): Promise<CollectResult> {
  const move = options.move ?? true;
  const result: CollectResult = { ingested: [], failed: [] };
  for (const path of await listRecordFiles(dir)) {
    let outcome: CollectedRecord | FailedRecord;
    try {
      const { record, movedTo } = await ingestRecordFile(store, path, { move });
      outcome = { ok: true, path, id: record.hash, status: record.status, movedTo };
      result.ingested.push(outcome);
    } catch (error) {
      outcome = {
        ok: false,
        path,
        error: error instanceof Error ? error : new Error(String(error)),
      };
      result.failed.push(outcome);
    }
    options.onFile?.(outcome);
  }
  return result;
}

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

import { basename, join } from "node:path";
import { listRecordFiles, readRunRecord } from "./record.ts";
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
  const files = await listRecordFiles(dir);
  if (move && files.length > 0) await Deno.mkdir(join(dir, INGESTED_DIR), { recursive: true });
  for (const path of files) {
    let outcome: CollectedRecord | FailedRecord;
    try {
      const record = await readRunRecord(path);
      const id = await store.ingestRecord(record);
      let movedTo: string | null = null;
      if (move) {
        movedTo = join(dir, INGESTED_DIR, basename(path));
        await Deno.rename(path, movedTo);
      }
      outcome = { ok: true, path, id, status: record.status, movedTo };
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

/**
 * Every user-facing message of the tracking layer (run store, record files, the query, runs,
 * export and collect tasks), as typed functions so tests can assert them and they read alike.
 *
 * @module
 */

/** `"x"` with the value JSON-quoted (so empty strings and odd characters stay visible). */
function q(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Describes a value's kind for type errors: `a string`, `an array`, `null`, ... */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "object":
      return "an object";
    case "undefined":
      return "undefined";
    case "number":
      return Number.isInteger(value) ? "an integer" : "a number";
    default:
      return `a ${typeof value}`;
  }
}

// ---------------------------------------------------------------- database / store

/** Another process holds DuckDB's file lock. */
export function databaseBusy(path: string, pid: number | null): string {
  return pid === null
    ? `Database ${q(path)} is in use by another process`
    : `Database ${q(path)} is in use by another process (pid ${pid})`;
}

/** Another process owns the file for writing (holds its owner lock). */
export function databaseOwned(path: string, pid: number | null): string {
  return `Database ${q(path)} is being written by another process${
    pid === null ? "" : ` (pid ${pid})`
  }, a sweep or collect: one process at a time may write it`;
}

/** Suffix for {@linkcode databaseBusy} after waiting. */
export function waitedFor(ms: number): string {
  return `; waited ${(ms / 1000).toFixed(1)} s`;
}

/** Hint appended to busy errors (every task that opens the file has `--wait`). */
export const BUSY_HINT = "pass --wait SECONDS to keep retrying, or stop that process";

/**
 * Logged by an owner (a sweep) that waits for the file between its writes: a reader keeps it
 * open. Nothing is lost meanwhile: the runs' record files stay on disk until stored.
 */
export function ownerWaiting(path: string, pid: number | null, waitedMs: number): string {
  return `waiting for ${pid === null ? "another process" : `pid ${pid}`}, which has ${
    q(path)
  } open, to close it (${(waitedMs / 1000).toFixed(0)} s so far); ` +
    "run records stay on disk until stored";
}

/** Printed once by a task waiting for the file (`--wait`). */
export function waitingFor(path: string, pid: number | null, waitMs: number): string {
  return `waiting up to ${(waitMs / 1000).toFixed(1)} s for ${
    pid === null ? "another process" : `pid ${pid}`
  } to release ${q(path)}...`;
}

/** This process already holds a store on the same file. */
export function databaseOpenInProcess(path: string): string {
  return `Database ${q(path)} is already open in this process: ` +
    "pass the open RunStore around instead of opening the file twice";
}

/** The database file does not exist and the caller asked not to create it. */
export function databaseMissing(path: string): string {
  return `Database ${q(path)} does not exist: run an ablation first ` +
    "(`deno task ablate NAME`) or point --db at an existing file";
}

/** DuckDB refused to open the file for another reason. */
export function databaseOpenFailed(path: string, reason: string): string {
  return `Cannot open database ${q(path)}: ${reason}`;
}

/** The file carries a schema version this code does not know. */
export function schemaTooNew(path: string, found: number, known: number): string {
  return `Database ${q(path)} has schema version ${found}, newer than this code's ${known}: ` +
    "update c2s-lab to read it";
}

/** A DuckDB file with tables of its own and none of a run store. */
export function foreignDatabase(path: string, table: string): string {
  return `Database ${q(path)} is not a c2s-lab run store: it holds table ${q(table)} and no ` +
    `"schema_version" table; point --db at a run store or a new file`;
}

/** A read-only open found no schema_version table. */
export function notARunStore(path: string): string {
  return `Database ${q(path)} is not a c2s-lab run store (it has no "schema_version" table)`;
}

/** The store was used after close(). */
export function storeClosed(path: string): string {
  return `Run store ${q(path)} is closed`;
}

/** Lifecycle call on a run id the database does not hold. */
export function unknownRun(id: string): string {
  return `Unknown run ${q(id)}: no row in "runs" has this id`;
}

/** Error text stored for runs found dead by reapDeadRuns(). */
export function reapedError(pid: number, host: string): string {
  return `Process ${pid} on ${q(host)} ended while the run was marked running`;
}

/** Error text stored by interruptRun() without a reason. */
export const INTERRUPTED = "Interrupted before the run finished";

/** A paper value row failed validation. */
export function badPaperValue(index: number, field: string, value: unknown): string {
  return `Paper value ${index}: field ${q(field)} must be ${
    field === "value" ? "a finite number" : "a non-empty string"
  }, got ${q(value)}`;
}

/** Two paper value rows share the key the summary view joins on. */
export function duplicatePaperValue(ablation: string, variant: string, metric: string): string {
  return `Paper values list (ablation ${q(ablation)}, variant ${q(variant)}, metric ${
    q(metric)
  }) twice`;
}

/** A bad argument to a store method. */
export function badArgument(method: string, name: string, expected: string, got: unknown): string {
  return `${method}(): ${name} must be ${expected}, got ${q(got)}`;
}

// ---------------------------------------------------------------- record files

/** The record file could not be read at all. */
export function recordUnreadable(path: string, reason: string): string {
  return `Cannot read run record ${q(path)}: ${reason}`;
}

/** The record file is not JSON (a half-written or foreign file). */
export function recordNotJson(path: string, reason: string): string {
  return `Cannot read run record ${q(path)}: not valid JSON (${reason})`;
}

/** A record field has the wrong type or value. */
export function recordBadField(
  source: string,
  field: string,
  expected: string,
  got: unknown,
): string {
  return `Invalid run record ${q(source)}: field ${q(field)} must be ${expected}, got ${q(got)} (${
    kindOf(got)
  })`;
}

/** A required record field is absent. */
export function recordMissingField(source: string, field: string): string {
  return `Invalid run record ${q(source)}: field ${q(field)} is missing`;
}

/** A record carries a field the contract does not define. */
export function recordUnknownField(source: string, field: string): string {
  return `Invalid run record ${q(source)}: unknown field ${q(field)}`;
}

/** Two results of one record share (split, metric). */
export function recordDuplicateResult(source: string, split: string, metric: string): string {
  return `Invalid run record ${q(source)}: result (split ${q(split)}, metric ${
    q(metric)
  }) appears twice`;
}

/** A record file named for one run holds another's record. */
export function recordNameMismatch(path: string, fileHash: string, recordHash: string): string {
  return `Invalid run record ${q(path)}: the file is named for run ${q(fileHash)} but holds ` +
    `run ${q(recordHash)}`;
}

/** A hash that cannot be a file name. */
export function recordBadHash(hash: string): string {
  return `Cannot write run record: hash ${
    q(hash)
  } must be letters, digits, "-" or "_" (it names the file)`;
}

// ---------------------------------------------------------------- config flattening

/** flattenConfig() got something other than a plain object. */
export function flattenNotObject(value: unknown): string {
  return `Cannot flatten config: expected an object, got ${kindOf(value)} ${q(value)}`;
}

// ---------------------------------------------------------------- CLIs

/** What `--wait` must be. */
export const WAIT_EXPECTED = "a number of seconds >= 0";

/** A record directory does not exist. */
export function recordDirMissing(dir: string): string {
  return `Record directory ${q(dir)} does not exist: nothing to collect`;
}

/** Line printed for one collected record. */
export function collectedOne(
  path: string,
  id: string,
  status: string,
  movedTo: string | null,
): string {
  return `ingested ${path} (run ${id}, ${status})${movedTo === null ? "" : ` -> ${movedTo}`}`;
}

/** Line printed for a late record of a finished run: kept on disk, its rows untouched. */
export function keptNotApplied(path: string, id: string, keptAt: string | null): string {
  return `kept, not applied: run ${id} is finished (${path}` +
    `${keptAt === null ? "" : ` -> ${keptAt}`}); \`deno task ablate NAME --rerun\` retrains it`;
}

/** How many records collect ingested, kept without applying, and could not ingest. */
export interface CollectCounts {
  readonly ingested: number;
  readonly kept: number;
  readonly rejected: number;
  readonly failed: number;
}

/** Summary printed by collect. */
export function collectSummary(counts: CollectCounts, db: string): string {
  const { ingested, kept, rejected, failed } = counts;
  return `${ingested} record${ingested === 1 ? "" : "s"} ingested into ${db}` +
    (kept ? `, ${kept} kept, not applied (runs already finished)` : "") +
    (rejected ? `, ${rejected} rejected (moved aside)` : "") +
    (failed ? `, ${failed} failed (left in place)` : "");
}

/** Line printed for a record file collect could not ingest; `movedTo`: where it was put aside. */
export function collectFailed(path: string, reason: string, movedTo: string | null = null): string {
  return movedTo === null
    ? `skipped ${path}: ${reason}`
    : `rejected ${path}: ${reason} -> ${movedTo}`;
}

/** Text of the file beside a rejected record saying why it was put aside. */
export function rejectedReason(path: string, reason: string, at: Date): string {
  return `${path} was rejected at ${at.toISOString()}:\n${reason}\n`;
}

/** Line printed per exported Parquet file. */
export function exportedOne(name: string, rows: number, path: string): string {
  return `${name}: ${rows} row${rows === 1 ? "" : "s"} -> ${path}`;
}

/** Footer of a table printout. */
export function rowCount(n: number): string {
  return `(${n} row${n === 1 ? "" : "s"})`;
}

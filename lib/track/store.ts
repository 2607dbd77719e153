/**
 * The run store: one DuckDB file (default `runs.duckdb`) holding every run's config, lifecycle,
 * curves, results and artifacts (schema in {@linkcode ./schema.ts}).
 *
 * Locking: DuckDB lets one process open a file for writing (other processes, even read-only
 * ones, are refused while it is open; several read-only processes may share it). Opening a file
 * another process holds throws {@linkcode DatabaseBusyError} naming the holder's pid, at once by
 * default or after `waitMs` of retrying. Opening the same file twice in one process is refused
 * too (DuckDB would not notice, and two writers in one process can corrupt it). Training
 * processes that cannot hold the file write per-run record files instead ({@linkcode ./record.ts}),
 * which the owner ingests.
 *
 * All methods of one store run one at a time, in call order, on one connection; each write is one
 * transaction. Values go through prepared statements and binds; bulk rows through the appender.
 *
 * @module
 */

import {
  BOOLEAN,
  DOUBLE,
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBType,
  type DuckDBValue,
  INTEGER,
  TIMESTAMP,
  timestampValue,
  VARCHAR,
} from "@duckdb/node-api";
import { resolve } from "node:path";
import { flattenConfig } from "./flatten.ts";
import * as msg from "./messages.ts";
import { type RunRecord, validateRunRecord } from "./record.ts";
import {
  columnNames,
  type Row,
  RUN_PART_TABLES,
  type RunPartTable,
  type RunStatus,
  SCHEMA_VERSION,
  schemaStatements,
  type SqlType,
  T_CRIT_MAX_DF,
  type TableDef,
  type TableName,
  TABLES,
  tCritRows,
} from "./schema.ts";
import { hostName, isProcessAlive } from "./_process.ts";
import { type JsonValue, jsonValueConverter } from "./_values.ts";

export type { JsonValue } from "./_values.ts";

/** The database file used when none is given. */
export const DEFAULT_DB_PATH = "runs.duckdb";

/**
 * Thrown when another process holds the database file. Callers catch it to wait, to fall back to
 * writing record files, or to tell the user which process to stop.
 */
export class DatabaseBusyError extends Error {
  override name = "DatabaseBusyError";
  /** The path as the caller gave it. */
  readonly path: string;
  /** Process id of the holder when DuckDB reports it, else `null`. */
  readonly pid: number | null;

  constructor(path: string, pid: number | null, waitedMs: number, options?: ErrorOptions) {
    super(
      msg.databaseBusy(path, pid) + (waitedMs > 0 ? msg.waitedFor(waitedMs) : "") + ": " +
        msg.BUSY_HINT,
      options,
    );
    this.path = path;
    this.pid = pid;
  }
}

/** Options of {@linkcode RunStore.open}. */
export interface RunStoreOptions {
  /**
   * Open without writing: no schema creation, write methods fail. Several read-only processes
   * may share a file; none may while a writer holds it.
   * @default false
   */
  readOnly?: boolean;
  /**
   * Create the file (and its schema) when missing. When `false`, a missing file is a
   * `Deno.errors.NotFound` naming it.
   * @default true, or false when readOnly
   */
  create?: boolean;
  /**
   * Milliseconds to keep retrying while another process holds the file; 0 fails at once.
   * @default 0
   */
  waitMs?: number;
  /**
   * Milliseconds between retries while waiting.
   * @default 250
   */
  pollMs?: number;
  /** Called each time the file is found held and a retry follows (e.g. to say "waiting..."). */
  onBusy?: (pid: number | null, waitedMs: number) => void;
}

/** What {@linkcode RunStore.startRun} needs of a planned run (a `PlannedRun` from lib/spec fits). */
export type PlannedRunInfo = Pick<
  RunRecord,
  "hash" | "ablation" | "variant" | "seed" | "preset" | "config" | "overrides"
>;

/**
 * What the `runs` row of a run says, in a record's terms: a record's fields, a status that may
 * be `running`, and the process id (`null` keeps the one stored).
 */
type RunFacts =
  & Omit<
    RunRecord,
    "status" | "endedAt" | "backend" | "metrics" | "results" | "classIou" | "artifacts"
  >
  & {
    status: RunStatus;
    endedAt: string | null;
    backend: string | null;
    pid: number | null;
  };

/** Process facts recorded when a run starts. */
export type RunStartInfo =
  & Partial<Pick<RunFacts, "pid" | "host" | "backend" | "versions" | "git">>
  & {
    /** @default now */
    startedAt?: Date;
  };

/** A run {@linkcode RunStore.reapDeadRuns} marked interrupted. */
export interface ReapedRun {
  id: string;
  ablation: string;
  variant: string;
  seed: number;
  pid: number;
  host: string;
}

/** A run marked `running`, and the process that holds it (`null`: unknown). */
export interface RunningRun {
  id: string;
  pid: number | null;
}

/**
 * What {@linkcode RunStore.ingestRecord} did: `applied: false` when the run was finished and the
 * record is of another attempt, so nothing changed.
 */
export interface IngestResult {
  id: string;
  applied: boolean;
}

/** One row of the paper's reported values. */
export interface PaperValueRow {
  tableId: string;
  ablation: string;
  variant: string;
  metric: string;
  value: number;
}

/** Result of {@linkcode RunStore.query}: column names and rows of plain values. */
export interface QueryResult {
  columns: string[];
  rows: JsonValue[][];
}

const LOCK_ERROR = /Could not set lock on file/i;
const LOCK_PID = /\(PID (\d+)\)/;

/** Paths this process holds open (absolute), to refuse a second store on one file. */
const openInProcess = new Set<string>();

function absoluteKey(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    return resolve(path);
  }
}

function fileExists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * The DuckDB run store. Open with {@linkcode RunStore.open}, close with
 * {@linkcode RunStore.close}.
 *
 * @example
 * ```ts ignore
 * const store = await RunStore.open("runs.duckdb");
 * try {
 *   const done = await store.finishedHashes();
 *   for (const run of plan.filter((r) => !done.has(r.hash))) {
 *     await store.startRun(run);
 *     // ... train, write the record ...
 *     await store.ingestRecord(record);
 *   }
 * } finally {
 *   await store.close();
 * }
 * ```
 */
export class RunStore {
  readonly #path: string;
  #instance: DuckDBInstance | null;
  #conn: DuckDBConnection | null;
  #key: string | null;
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(
    path: string,
    instance: DuckDBInstance,
    conn: DuckDBConnection,
    key: string | null,
  ) {
    this.#path = path;
    this.#instance = instance;
    this.#conn = conn;
    this.#key = key;
  }

  /**
   * Opens (by default creating) a run store. A read-write open creates missing tables and views
   * and fills `t_crit`; a read-only open checks the schema version only.
   *
   * Throws {@linkcode DatabaseBusyError} when another process holds the file (after `waitMs`),
   * `Deno.errors.NotFound` for a missing file with `create: false`, `Error` when this process
   * already holds the file or the file is not a (compatible) run store.
   */
  static async open(
    path: string = DEFAULT_DB_PATH,
    options: RunStoreOptions = {},
  ): Promise<RunStore> {
    const readOnly = options.readOnly ?? false;
    const create = options.create ?? !readOnly;
    const waitMs = Math.max(0, options.waitMs ?? 0);
    const pollMs = Math.max(10, options.pollMs ?? 250);
    const memory = path === ":memory:";
    if (!memory && !create && !fileExists(path)) {
      throw new Deno.errors.NotFound(msg.databaseMissing(path));
    }
    const key = memory ? null : absoluteKey(path);
    if (key !== null && openInProcess.has(key)) throw new Error(msg.databaseOpenInProcess(path));

    const started = Date.now();
    let instance: DuckDBInstance;
    for (;;) {
      try {
        instance = await DuckDBInstance.create(path, readOnly ? { access_mode: "READ_ONLY" } : {});
        break;
      } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        if (!LOCK_ERROR.test(text)) {
          throw new Error(msg.databaseOpenFailed(path, text), { cause: error });
        }
        const elapsed = Date.now() - started;
        const pidText = LOCK_PID.exec(text)?.[1];
        const pid = pidText === undefined ? null : Number(pidText);
        if (elapsed >= waitMs) throw new DatabaseBusyError(path, pid, waitMs, { cause: error });
        options.onBusy?.(pid, elapsed);
        await new Promise((r) => setTimeout(r, Math.min(pollMs, waitMs - elapsed)));
      }
    }
    let conn: DuckDBConnection | null = null;
    try {
      conn = await instance.connect();
      if (readOnly) await checkSchema(conn, path);
      else await applySchema(conn, path);
    } catch (error) {
      conn?.closeSync();
      instance.closeSync();
      throw error;
    }
    if (key !== null) openInProcess.add(key);
    return new RunStore(path, instance, conn, key);
  }

  /** Waits for pending calls, then closes the connection and the database. Idempotent. */
  async close(): Promise<void> {
    await this.#tail.catch(() => {});
    if (this.#conn) {
      this.#conn.closeSync();
      this.#conn = null;
    }
    if (this.#instance) {
      this.#instance.closeSync();
      this.#instance = null;
    }
    if (this.#key !== null) {
      openInProcess.delete(this.#key);
      this.#key = null;
    }
  }

  // ------------------------------------------------------------ lifecycle

  /**
   * Records that `run` starts now: its `runs` row gets status `running`, its flattened config
   * goes to `params`, and its own (ablation, variant) to `run_variants`. An earlier attempt that
   * did not finish is replaced (its curves cleared). A finished one is a rerun: its rows are kept
   * under the id `<hash>~<n>` (n = 1, 2, ...; see {@linkcode RunStore.ingestRecord}), which this
   * returns; otherwise `null`.
   */
  startRun(run: PlannedRunInfo, info: RunStartInfo = {}): Promise<string | null> {
    checkPlannedRun(run);
    return this.#write(async (conn) => {
      const kept = (await storedAttempt(conn, run.hash))?.status === "finished"
        ? await supersede(conn, run.hash)
        : null;
      await writeRun(conn, {
        ...run,
        status: "running",
        startedAt: (info.startedAt ?? new Date()).toISOString(),
        endedAt: null,
        backend: info.backend ?? null,
        host: info.host ?? hostName(),
        versions: info.versions ?? {},
        git: info.git ?? { commit: null, dirty: null },
        pid: info.pid ?? Deno.pid,
        error: null,
        failedStep: null,
      });
      return kept;
    });
  }

  /**
   * Ends run `id` without a record: status `failed` or `interrupted`, end time now and `reason`
   * as its error. A finished run is left as it is (returns `false`). Unknown ids are a
   * `RangeError`.
   */
  endRun(id: string, status: "failed" | "interrupted", reason: string): Promise<boolean> {
    return this.#write(async (conn) => {
      const reader = await conn.runAndReadAll(
        "UPDATE runs SET status = ?, ended_at = ?, error = ? " +
          "WHERE id = ? AND status <> 'finished' RETURNING id",
        [status, now(), reason, id],
        [VARCHAR, TIMESTAMP, VARCHAR, VARCHAR],
      );
      if (reader.currentRowCount > 0) return true;
      if (await storedAttempt(conn, id) === null) throw new RangeError(msg.unknownRun(id));
      return false;
    });
  }

  /**
   * Stores a finished, failed or interrupted run from its record, in one transaction: upserts its
   * `runs` row (keeping the pid `startRun` wrote), replaces its params, metrics, results,
   * class IoUs and artifacts, and adds its own (ablation, variant) membership. Ingesting the same
   * record twice leaves the same rows.
   *
   * A finished run is final: a record of another attempt of it (a stale `interrupted` or
   * `failed` record, a second `finished` one) changes nothing and returns `applied: false`. Only
   * a record of the same attempt (same start time) is stored again. Retraining a finished run
   * goes through {@linkcode RunStore.startRun}, which keeps the finished rows under their own id.
   */
  ingestRecord(record: RunRecord): Promise<IngestResult> {
    return this.#write(async (conn) => {
      const r = validateRunRecord(record, `record ${record.hash}`);
      const id = r.hash;
      const stored = await storedAttempt(conn, id);
      if (
        stored?.status === "finished" &&
        (r.status !== "finished" || stored.startedMs !== Date.parse(r.startedAt))
      ) {
        return { id, applied: false };
      }
      await writeRun(conn, { ...r, pid: null }, {
        metrics: r.metrics.map((m) => ({ run_id: id, ...m })),
        results: r.results.map((m) => ({ run_id: id, ...m })),
        class_iou: r.classIou.map((c) => ({
          run_id: id,
          class: c.className,
          seen: c.seen,
          iou: c.iou,
        })),
        artifacts: r.artifacts.map((a) => ({ run_id: id, ...a })),
      });
      return { id, applied: true };
    });
  }

  /**
   * Records that run `runId` (seed `seed`) is a row of `variant` in `ablation`. Idempotent; the
   * run need not exist yet.
   */
  addVariantMembership(
    ablation: string,
    variant: string,
    runId: string,
    seed: number,
  ): Promise<void> {
    return this.#write((conn) =>
      insertMembership(conn, { ablation, variant, run_id: runId, seed })
    );
  }

  /**
   * Ids (= config hashes) of every finished run, for skipping work already done (earlier
   * attempts kept by a rerun, `<hash>~<n>`, are not listed).
   */
  finishedHashes(): Promise<Set<string>> {
    return this.#read(async (conn) => {
      const reader = await conn.runAndReadAll(
        "SELECT id FROM runs WHERE status = ? AND id = hash",
        ["finished"],
      );
      return new Set(reader.getRowsJS().map((row) => String(row[0])));
    });
  }

  /** Every run marked `running`, by id, with the process that holds it. */
  runningRuns(): Promise<RunningRun[]> {
    return this.#read(async (conn) => {
      const reader = await conn.runAndReadAll(
        "SELECT id, pid FROM runs WHERE status = ? ORDER BY id",
        ["running"],
      );
      return reader.getRowsJS().map(([id, pid]) => ({
        id: String(id),
        pid: pid === null ? null : Number(pid),
      }));
    });
  }

  /**
   * Marks `running` rows whose process is gone as `interrupted` (end time now, error saying which
   * pid vanished) and returns them. Only rows started on this host (or `options.host`) are
   * judged; rows of other hosts, or without a pid, are left alone. A pid reused by an unrelated
   * process makes a dead run look alive (it is then left running).
   */
  reapDeadRuns(options: { host?: string } = {}): Promise<ReapedRun[]> {
    const host = options.host ?? hostName();
    return this.#write(async (conn) => {
      const reader = await conn.runAndReadAll(
        "SELECT id, ablation, variant, seed, pid FROM runs " +
          "WHERE status = 'running' AND host = ? AND pid IS NOT NULL ORDER BY id",
        [host],
      );
      const reaped: ReapedRun[] = [];
      for (const [id, ablation, variant, seed, pid] of reader.getRowsJS()) {
        if (isProcessAlive(Number(pid))) continue;
        const run: ReapedRun = {
          id: String(id),
          ablation: String(ablation),
          variant: String(variant),
          seed: Number(seed),
          pid: Number(pid),
          host,
        };
        await conn.run(
          "UPDATE runs SET status = 'interrupted', ended_at = ?, error = ? " +
            "WHERE id = ? AND status = 'running'",
          [now(), msg.reapedError(run.pid, host), run.id],
          [TIMESTAMP, VARCHAR, VARCHAR],
        );
        reaped.push(run);
      }
      return reaped;
    });
  }

  /**
   * Stores the paper's values. Rows replace every earlier paper value of the ablations they
   * name (other ablations keep theirs). Two rows with the same (ablation, variant, metric) are a
   * `TypeError`. Returns the number of rows stored.
   */
  async setPaperValues(rows: readonly PaperValueRow[]): Promise<number> {
    checkPaperValues(rows);
    return await this.#write(async (conn) => {
      for (const ablation of new Set(rows.map((r) => r.ablation))) {
        await conn.run("DELETE FROM paper_values WHERE ablation = ?", [ablation]);
      }
      await appendRows(
        conn,
        "paper_values",
        rows.map(({ tableId, ...row }) => ({ table_id: tableId, ...row })),
      );
      return rows.length;
    });
  }

  /**
   * Runs SQL (optionally with `?` / `$name` binds, and their DuckDB types where a value alone
   * does not say, e.g. a `null`) and returns column names and rows as plain
   * values: integers as numbers (strings past 2^53), decimals as numbers, timestamps as ISO
   * strings, JSON columns parsed. Several statements run in turn; the last one's rows return.
   *
   * @example
   * ```ts ignore
   * const { columns, rows } = await store.query(
   *   "SELECT variant, mean, std FROM variant_summary WHERE ablation = ? AND metric = 'hIoU'",
   *   ["token-bank"],
   * );
   * ```
   */
  query(
    sql: string,
    values?: DuckDBValue[] | Record<string, DuckDBValue>,
    types?: DuckDBType[] | Record<string, DuckDBType | undefined>,
  ): Promise<QueryResult> {
    return this.#read(async (conn) => {
      const reader = await conn.runAndReadAll(sql, values, types);
      // Column types from the result keep aliases (JSON) that per-chunk vector types drop.
      const columnTypes = reader.columnTypes();
      return {
        columns: reader.deduplicatedColumnNames(),
        rows: reader.getRows().map((row) =>
          row.map((value, i) => jsonValueConverter(value, columnTypes[i]!, jsonValueConverter))
        ),
      };
    });
  }

  /** {@linkcode query} with each row as an object keyed by column name. */
  async queryObjects(
    sql: string,
    values?: DuckDBValue[] | Record<string, DuckDBValue>,
  ): Promise<Record<string, JsonValue>[]> {
    const { columns, rows } = await this.query(sql, values);
    return rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i] ?? null])));
  }

  // ------------------------------------------------------------ plumbing

  #serial<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const run = this.#tail.then(() => {
      if (!this.#conn) throw new Error(msg.storeClosed(this.#path));
      return fn(this.#conn);
    });
    this.#tail = run.catch(() => {});
    return run;
  }

  #read<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.#serial(fn);
  }

  #write<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.#serial((conn) => inTransaction(conn, () => fn(conn)));
  }
}

// ---------------------------------------------------------------- writing rows

/** The DuckDB type a value of each column type is bound and appended as. */
const DUCKDB_TYPE: Record<SqlType, DuckDBType> = {
  VARCHAR,
  INTEGER,
  DOUBLE,
  BOOLEAN,
  TIMESTAMP,
  JSON: VARCHAR,
};

/** `value` of a `type` column as DuckDB takes it: JSON as its text, a Date as microseconds. */
function duckValue(type: SqlType, value: unknown): DuckDBValue {
  if (type === "JSON") return JSON.stringify(value ?? null);
  if (value === null || value === undefined) return null;
  if (type === "TIMESTAMP") return timestampValue(BigInt((value as Date).getTime()) * 1000n);
  return value as DuckDBValue;
}

function now(): DuckDBValue {
  return duckValue("TIMESTAMP", new Date());
}

/** `row`'s values in `table`'s column order, and the DuckDB types to bind or append them as. */
function bindRow<T extends TableName>(table: T, row: Row<T>): [DuckDBValue[], DuckDBType[]] {
  const columns: TableDef["columns"] = TABLES[table].columns;
  const values: DuckDBValue[] = [];
  const types: DuckDBType[] = [];
  for (const [name, c] of Object.entries(columns)) {
    values.push(duckValue(c.type, (row as Record<string, unknown>)[name]));
    types.push(DUCKDB_TYPE[c.type]);
  }
  return [values, types];
}

/** Appends `rows` to `table` through DuckDB's appender. */
async function appendRows<T extends TableName>(
  conn: DuckDBConnection,
  table: T,
  rows: readonly Row<T>[],
): Promise<void> {
  const appender = await conn.createAppender(table);
  try {
    for (const row of rows) {
      const [values, types] = bindRow(table, row);
      values.forEach((value, i) => {
        if (value === null) appender.appendNull();
        else appender.appendValue(value, types[i]);
      });
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    try {
      appender.closeSync();
    } catch {
      // Already reported by the append or flush that failed.
    }
  }
}

/** `INSERT INTO table (every column) VALUES (?, ...)`. */
function insertSql(table: TableName): string {
  const columns = columnNames(table);
  return `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${
    columns.map(() => "?").join(", ")
  })`;
}

const RUN_COLUMNS = columnNames("runs");
/** Columns an upsert keeps from the first plan that produced the run. */
const KEEP_ON_CONFLICT: readonly string[] = ["id", "ablation", "variant", "seed"];
/** Upserts a `runs` row; a `NULL` pid keeps the stored one. */
const UPSERT_RUN = `${insertSql("runs")} ON CONFLICT (id) DO UPDATE SET ` +
  RUN_COLUMNS.filter((c) => !KEEP_ON_CONFLICT.includes(c))
    .map((c) => c === "pid" ? "pid = coalesce(excluded.pid, runs.pid)" : `${c} = excluded.${c}`)
    .join(", ");

/** The `runs` row of a run. */
function runRow(r: RunFacts): Row<"runs"> {
  return {
    id: r.hash,
    hash: r.hash,
    ablation: r.ablation,
    variant: r.variant,
    seed: r.seed,
    preset: r.preset,
    config: r.config,
    overrides: r.overrides,
    status: r.status,
    started_at: new Date(r.startedAt),
    ended_at: r.endedAt === null ? null : new Date(r.endedAt),
    git_commit: r.git.commit,
    git_dirty: r.git.dirty,
    versions: r.versions,
    backend: r.backend,
    host: r.host,
    pid: r.pid,
    error: r.error,
    failed_step: r.failedStep,
  };
}

/** Rows of the tables that hold a run's results (its `params` come from its config). */
type RunResults = { readonly [T in Exclude<RunPartTable, "params">]?: readonly Row<T>[] };

/**
 * Writes one run: its `runs` row, its rows in every table that holds part of a run (earlier
 * ones replaced: `params` from its config, the rest from `results`) and its own membership.
 */
async function writeRun(
  conn: DuckDBConnection,
  facts: RunFacts,
  results: RunResults = {},
): Promise<void> {
  const run = runRow(facts);
  await conn.run(UPSERT_RUN, ...bindRow("runs", run));
  const params = flattenConfig(run.config).map((p) => ({ run_id: run.id, ...p }));
  const parts = { ...results, params };
  for (const table of RUN_PART_TABLES) {
    await conn.run(`DELETE FROM ${table} WHERE run_id = ?`, [run.id]);
    await appendRows<RunPartTable>(conn, table, parts[table] ?? []);
  }
  await insertMembership(conn, { ...run, run_id: run.id });
}

/** Status and start time (epoch ms) of the stored run `id`, or `null` when there is none. */
async function storedAttempt(
  conn: DuckDBConnection,
  id: string,
): Promise<{ status: RunStatus; startedMs: number | null } | null> {
  const reader = await conn.runAndReadAll(
    "SELECT status, epoch_ms(started_at) FROM runs WHERE id = ?",
    [id],
  );
  const row = reader.getRowsJS()[0];
  if (row === undefined) return null;
  return { status: row[0] as RunStatus, startedMs: row[1] === null ? null : Number(row[1]) };
}

/**
 * Moves every row of run `id` (its `runs` row and its rows in each table that holds part of a
 * run) to the id `<id>~<n>`, n one past the earlier ones; returns the new id. Its
 * `run_variants` rows stay with `id`, so the views count only the attempt under `id`.
 */
async function supersede(conn: DuckDBConnection, id: string): Promise<string> {
  const reader = await conn.runAndReadAll(
    "SELECT count(*) FROM runs WHERE hash = ? AND id <> ?",
    [id, id],
  );
  const kept = `${id}~${Number(reader.getRowsJS()[0]?.[0] ?? 0) + 1}`;
  await moveRows(conn, "runs", "id", id, kept);
  for (const table of RUN_PART_TABLES) await moveRows(conn, table, "run_id", id, kept);
  return kept;
}

/** Gives the rows of `table` whose `key` is `from` the key `to` (insert copies, delete). */
async function moveRows(
  conn: DuckDBConnection,
  table: TableName,
  key: string,
  from: string,
  to: string,
): Promise<void> {
  const columns = columnNames(table);
  const select = columns.map((c) => c === key ? "?" : c).join(", ");
  await conn.run(
    `INSERT INTO ${table} (${columns.join(", ")}) SELECT ${select} FROM ${table} WHERE ${key} = ?`,
    [to, from],
  );
  await conn.run(`DELETE FROM ${table} WHERE ${key} = ?`, [from]);
}

const UPSERT_MEMBERSHIP = `${
  insertSql("run_variants")
} ON CONFLICT DO UPDATE SET seed = excluded.seed`;

async function insertMembership(conn: DuckDBConnection, row: Row<"run_variants">): Promise<void> {
  await conn.run(UPSERT_MEMBERSHIP, ...bindRow("run_variants", row));
}

async function inTransaction<T>(conn: DuckDBConnection, fn: () => Promise<T>): Promise<T> {
  await conn.run("BEGIN TRANSACTION");
  try {
    const result = await fn();
    await conn.run("COMMIT");
    return result;
  } catch (error) {
    await conn.run("ROLLBACK").catch(() => {});
    throw error;
  }
}

// ---------------------------------------------------------------- checks and schema

function checkPlannedRun(run: PlannedRunInfo): void {
  for (const field of ["hash", "ablation", "variant", "preset"] as const) {
    if (typeof run[field] !== "string" || run[field] === "") {
      throw new TypeError(
        msg.badArgument("startRun", `run.${field}`, "a non-empty string", run[field]),
      );
    }
  }
  if (!Number.isInteger(run.seed) || run.seed < -(2 ** 31) || run.seed >= 2 ** 31) {
    throw new TypeError(
      msg.badArgument("startRun", "run.seed", "an integer in [-2^31, 2^31)", run.seed),
    );
  }
}

function checkPaperValues(rows: readonly PaperValueRow[]): void {
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    for (const field of ["tableId", "ablation", "variant", "metric"] as const) {
      if (typeof row[field] !== "string" || row[field] === "") {
        throw new TypeError(msg.badPaperValue(i, field, row[field]));
      }
    }
    if (typeof row.value !== "number" || !Number.isFinite(row.value)) {
      throw new TypeError(msg.badPaperValue(i, "value", row.value));
    }
    const key = JSON.stringify([row.ablation, row.variant, row.metric]);
    if (seen.has(key)) {
      throw new TypeError(msg.duplicatePaperValue(row.ablation, row.variant, row.metric));
    }
    seen.add(key);
  });
}

/**
 * Refuses a DuckDB file that holds tables but no `schema_version` (someone else's database),
 * naming the file and one of its tables, before anything is added to it.
 */
async function refuseForeign(conn: DuckDBConnection, path: string): Promise<void> {
  const reader = await conn.runAndReadAll(
    "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() " +
      "ORDER BY table_name = 'schema_version' DESC, schema_name, table_name",
  );
  const first = reader.getRowsJS()[0]?.[0];
  if (first !== undefined && first !== "schema_version") {
    throw new Error(msg.foreignDatabase(path, String(first)));
  }
}

async function applySchema(conn: DuckDBConnection, path: string): Promise<void> {
  await inTransaction(conn, async () => {
    await refuseForeign(conn, path);
    for (const sql of schemaStatements()) await conn.run(sql);
    const found = await schemaVersion(conn);
    if (found !== null && found > SCHEMA_VERSION) {
      throw new Error(msg.schemaTooNew(path, found, SCHEMA_VERSION));
    }
    if (found === null) {
      await appendRows(conn, "schema_version", [{
        version: SCHEMA_VERSION,
        applied_at: new Date(),
      }]);
    }
    const count = await conn.runAndReadAll("SELECT count(*) FROM t_crit");
    if (Number(count.getRowsJS()[0]?.[0]) !== T_CRIT_MAX_DF) {
      await conn.run("DELETE FROM t_crit");
      await appendRows(conn, "t_crit", tCritRows().map(([df, t]) => ({ df, t })));
    }
  });
}

async function schemaVersion(conn: DuckDBConnection): Promise<number | null> {
  const reader = await conn.runAndReadAll("SELECT max(version) FROM schema_version");
  const v = reader.getRowsJS()[0]?.[0];
  return v === null || v === undefined ? null : Number(v);
}

async function checkSchema(conn: DuckDBConnection, path: string): Promise<void> {
  let found: number | null;
  try {
    found = await schemaVersion(conn);
  } catch (error) {
    throw new Error(msg.notARunStore(path), { cause: error });
  }
  if (found !== null && found > SCHEMA_VERSION) {
    throw new Error(msg.schemaTooNew(path, found, SCHEMA_VERSION));
  }
}

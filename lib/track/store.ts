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
  type DuckDBAppender,
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
import { flattenConfig, type ParamRow } from "./flatten.ts";
import * as msg from "./messages.ts";
import { type RunRecord, validateRunRecord } from "./record.ts";
import {
  type RunStatus,
  SCHEMA_VERSION,
  schemaStatements,
  T_CRIT_MAX_DF,
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
export interface PlannedRunInfo {
  hash: string;
  ablation: string;
  variant: string;
  seed: number;
  preset: string;
  config: unknown;
  overrides: Record<string, unknown>;
}

/** Process facts recorded when a run starts. */
export interface RunStartInfo {
  /** @default Deno.pid */
  pid?: number;
  /** @default Deno.hostname() */
  host?: string;
  /** @default null */
  backend?: string | null;
  /** @default {} */
  versions?: Record<string, string>;
  /** @default { commit: null, dirty: null } */
  git?: { commit: string | null; dirty: boolean | null };
  /** @default now */
  startedAt?: Date;
}

/** A run {@linkcode RunStore.reapDeadRuns} marked interrupted. */
export interface ReapedRun {
  id: string;
  ablation: string;
  variant: string;
  seed: number;
  pid: number;
  host: string;
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

/** A metric row for {@linkcode RunStore.appendMetrics}. */
export interface MetricRow {
  step: number;
  name: string;
  value: number;
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

function micros(date: Date): DuckDBValue {
  return timestampValue(BigInt(date.getTime()) * 1000n);
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

const RUN_COLUMNS = [
  "id",
  "hash",
  "ablation",
  "variant",
  "seed",
  "preset",
  "config",
  "overrides",
  "status",
  "started_at",
  "ended_at",
  "git_commit",
  "git_dirty",
  "versions",
  "backend",
  "host",
  "pid",
  "error",
  "failed_step",
] as const;
const RUN_TYPES: DuckDBType[] = [
  VARCHAR,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  INTEGER,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  TIMESTAMP,
  TIMESTAMP,
  VARCHAR,
  BOOLEAN,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  INTEGER,
  VARCHAR,
  INTEGER,
];
const JSON_COLUMNS = new Set(["config", "overrides", "versions"]);
/** Columns an upsert keeps from the first plan that produced the run. */
const KEEP_ON_CONFLICT = new Set(["id", "ablation", "variant", "seed"]);

function upsertRunSql(keepPid: boolean): string {
  const values = RUN_COLUMNS.map((c) => JSON_COLUMNS.has(c) ? "?::JSON" : "?").join(", ");
  const updates = RUN_COLUMNS.filter((c) => !KEEP_ON_CONFLICT.has(c))
    .map((c) =>
      c === "pid" && keepPid ? "pid = coalesce(excluded.pid, runs.pid)" : `${c} = excluded.${c}`
    )
    .join(", ");
  return `INSERT INTO runs (${RUN_COLUMNS.join(", ")}) VALUES (${values}) ` +
    `ON CONFLICT (id) DO UPDATE SET ${updates}`;
}

const CHILD_TABLES = ["params", "metrics", "results", "class_iou", "artifacts"] as const;

/**
 * The DuckDB run store. Open with {@linkcode RunStore.open}, close with
 * {@linkcode RunStore.close} (or `await using`).
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
  /** The path as given to `open`. */
  readonly path: string;
  /** Whether the store was opened read-only. */
  readonly readOnly: boolean;
  #instance: DuckDBInstance | null;
  #conn: DuckDBConnection | null;
  #key: string | null;
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(
    path: string,
    readOnly: boolean,
    instance: DuckDBInstance,
    conn: DuckDBConnection,
    key: string | null,
  ) {
    this.path = path;
    this.readOnly = readOnly;
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
    return new RunStore(path, readOnly, instance, conn, key);
  }

  /** Whether {@linkcode close} has run. */
  get closed(): boolean {
    return this.#conn === null;
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

  /** `await using store = await RunStore.open(...)` closes it at scope end. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ------------------------------------------------------------ lifecycle

  /**
   * Records that `run` starts now: its `runs` row gets status `running` (replacing any earlier
   * attempt of the same hash, whose curves, results, class IoUs and artifacts are cleared), its
   * flattened config goes to `params`, and its own (ablation, variant) to `run_variants`.
   */
  async startRun(run: PlannedRunInfo, info: RunStartInfo = {}): Promise<void> {
    checkPlannedRun(run);
    return await this.#write(async (conn) => {
      const values: DuckDBValue[] = [
        run.hash,
        run.hash,
        run.ablation,
        run.variant,
        run.seed,
        run.preset,
        JSON.stringify(run.config ?? null),
        JSON.stringify(run.overrides ?? {}),
        "running",
        micros(info.startedAt ?? new Date()),
        null,
        info.git?.commit ?? null,
        info.git?.dirty ?? null,
        JSON.stringify(info.versions ?? {}),
        info.backend ?? null,
        info.host ?? hostName(),
        info.pid ?? Deno.pid,
        null,
        null,
      ];
      await conn.run(upsertRunSql(false), values, RUN_TYPES);
      await clearChildren(conn, run.hash);
      await appendParams(conn, run.hash, flattenConfig(run.config));
      await insertMembership(conn, run.ablation, run.variant, run.hash, run.seed);
    });
  }

  /** Marks run `id` finished (status, end time). Unknown ids are a `RangeError`. */
  finishRun(id: string, options: { endedAt?: Date } = {}): Promise<void> {
    return this.#setStatus(id, "finished", null, null, options.endedAt);
  }

  /**
   * Marks run `id` failed with `error` (an Error's stack, or its text) at training step `step`.
   */
  failRun(
    id: string,
    error: unknown,
    step: number | null = null,
    options: { endedAt?: Date } = {},
  ): Promise<void> {
    return this.#setStatus(id, "failed", errorText(error), step, options.endedAt);
  }

  /** Marks run `id` interrupted (Ctrl-C, a stopped worker), with an optional reason. */
  interruptRun(id: string, options: { reason?: string; endedAt?: Date } = {}): Promise<void> {
    return this.#setStatus(
      id,
      "interrupted",
      options.reason ?? msg.INTERRUPTED,
      null,
      options.endedAt,
    );
  }

  #setStatus(
    id: string,
    status: RunStatus,
    error: string | null,
    step: number | null,
    endedAt: Date | undefined,
  ): Promise<void> {
    return this.#write(async (conn) => {
      const reader = await conn.runAndReadAll(
        "UPDATE runs SET status = ?, ended_at = ?, error = ?, failed_step = ? WHERE id = ? RETURNING id",
        [status, micros(endedAt ?? new Date()), error, step, id],
        [VARCHAR, TIMESTAMP, VARCHAR, INTEGER, VARCHAR],
      );
      if (reader.currentRowCount === 0) throw new RangeError(msg.unknownRun(id));
    });
  }

  /**
   * Appends curve points to a run while it trains (they are replaced by the record's curves when
   * the record is ingested). Unknown ids are a `RangeError`.
   */
  appendMetrics(id: string, rows: readonly MetricRow[]): Promise<void> {
    return this.#write(async (conn) => {
      await requireRun(conn, id);
      await withAppender(conn, "metrics", (a) => {
        for (const m of rows) {
          a.appendVarchar(id);
          a.appendInteger(m.step);
          a.appendVarchar(m.name);
          a.appendDouble(m.value);
          a.endRow();
        }
      });
    });
  }

  /**
   * Stores a finished, failed or interrupted run from its record, in one transaction: upserts its
   * `runs` row (keeping the pid `startRun` wrote), replaces its params, metrics, results,
   * class IoUs and artifacts, and adds its own (ablation, variant) membership. Ingesting the same
   * record twice leaves the same rows. Returns the run id.
   */
  ingestRecord(record: RunRecord): Promise<string> {
    return this.#write(async (conn) => {
      const r = validateRunRecord(record, `record ${record.hash}`);
      const values: DuckDBValue[] = [
        r.hash,
        r.hash,
        r.ablation,
        r.variant,
        r.seed,
        r.preset,
        JSON.stringify(r.config),
        JSON.stringify(r.overrides),
        r.status,
        micros(new Date(r.startedAt)),
        micros(new Date(r.endedAt)),
        r.git.commit,
        r.git.dirty,
        JSON.stringify(r.versions),
        r.backend,
        r.host,
        null,
        r.error,
        r.failedStep,
      ];
      await conn.run(upsertRunSql(true), values, RUN_TYPES);
      await clearChildren(conn, r.hash);
      await appendParams(conn, r.hash, flattenConfig(r.config));
      await withAppender(conn, "metrics", (a) => {
        for (const m of r.metrics) {
          a.appendVarchar(r.hash);
          a.appendInteger(m.step);
          a.appendVarchar(m.name);
          a.appendDouble(m.value);
          a.endRow();
        }
      });
      await withAppender(conn, "results", (a) => {
        for (const m of r.results) {
          a.appendVarchar(r.hash);
          a.appendVarchar(m.split);
          a.appendVarchar(m.metric);
          a.appendDouble(m.value);
          a.endRow();
        }
      });
      await withAppender(conn, "class_iou", (a) => {
        for (const c of r.classIou) {
          a.appendVarchar(r.hash);
          a.appendVarchar(c.className);
          a.appendBoolean(c.seen);
          if (c.iou === null) a.appendNull();
          else a.appendDouble(c.iou);
          a.endRow();
        }
      });
      await withAppender(conn, "artifacts", (a) => {
        for (const f of r.artifacts) {
          a.appendVarchar(r.hash);
          a.appendVarchar(f.kind);
          a.appendVarchar(f.path);
          a.appendVarchar(f.sha256);
          a.endRow();
        }
      });
      await insertMembership(conn, r.ablation, r.variant, r.hash, r.seed);
      return r.hash;
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
    return this.#write((conn) => insertMembership(conn, ablation, variant, runId, seed));
  }

  /** Ids (= config hashes) of every finished run, for skipping work already done. */
  finishedHashes(): Promise<Set<string>> {
    return this.#read(async (conn) => {
      const reader = await conn.runAndReadAll("SELECT id FROM runs WHERE status = ?", ["finished"]);
      return new Set(reader.getRowsJS().map((row) => String(row[0])));
    });
  }

  /** The status of run `id`, or `null` when the store has no such run. */
  runStatus(id: string): Promise<RunStatus | null> {
    return this.#read(async (conn) => {
      const reader = await conn.runAndReadAll("SELECT status FROM runs WHERE id = ?", [id]);
      const row = reader.getRowsJS()[0];
      return row ? (row[0] as RunStatus) : null;
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
        "SELECT id, ablation, variant, seed, pid, host FROM runs " +
          "WHERE status = 'running' AND host = ? AND pid IS NOT NULL ORDER BY id",
        [host],
      );
      const reaped: ReapedRun[] = [];
      for (const row of reader.getRowObjectsJS()) {
        const pid = Number(row.pid);
        if (isProcessAlive(pid)) continue;
        const run: ReapedRun = {
          id: String(row.id),
          ablation: String(row.ablation),
          variant: String(row.variant),
          seed: Number(row.seed),
          pid,
          host,
        };
        await conn.run(
          "UPDATE runs SET status = 'interrupted', ended_at = ?, error = ? " +
            "WHERE id = ? AND status = 'running'",
          [micros(new Date()), msg.reapedError(pid, host), run.id],
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
    return await this.#write(async (conn) => {
      for (const ablation of new Set(rows.map((r) => r.ablation))) {
        await conn.run("DELETE FROM paper_values WHERE ablation = ?", [ablation]);
      }
      await withAppender(conn, "paper_values", (a) => {
        for (const row of rows) {
          a.appendVarchar(row.tableId);
          a.appendVarchar(row.ablation);
          a.appendVarchar(row.variant);
          a.appendVarchar(row.metric);
          a.appendDouble(row.value);
          a.endRow();
        }
      });
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
      if (!this.#conn) throw new Error(msg.storeClosed(this.path));
      return fn(this.#conn);
    });
    this.#tail = run.catch(() => {});
    return run;
  }

  #read<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.#serial(fn);
  }

  #write<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.#serial(async (conn) => {
      await conn.run("BEGIN TRANSACTION");
      try {
        const result = await fn(conn);
        await conn.run("COMMIT");
        return result;
      } catch (error) {
        await conn.run("ROLLBACK").catch(() => {});
        throw error;
      }
    });
  }
}

// ---------------------------------------------------------------- helpers

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

async function applySchema(conn: DuckDBConnection, path: string): Promise<void> {
  await conn.run("BEGIN TRANSACTION");
  try {
    for (const sql of schemaStatements()) await conn.run(sql);
    const found = await schemaVersion(conn);
    if (found !== null && found > SCHEMA_VERSION) {
      throw new Error(msg.schemaTooNew(path, found, SCHEMA_VERSION));
    }
    if (found === null) {
      await conn.run("INSERT INTO schema_version VALUES (?, ?)", [
        SCHEMA_VERSION,
        micros(new Date()),
      ], [
        INTEGER,
        TIMESTAMP,
      ]);
    }
    const count = await conn.runAndReadAll("SELECT count(*) FROM t_crit");
    if (Number(count.getRowsJS()[0]?.[0]) !== T_CRIT_MAX_DF) {
      await conn.run("DELETE FROM t_crit");
      await withAppender(conn, "t_crit", (a) => {
        for (const [df, t] of tCritRows()) {
          a.appendInteger(df);
          a.appendDouble(t);
          a.endRow();
        }
      });
    }
    await conn.run("COMMIT");
  } catch (error) {
    await conn.run("ROLLBACK").catch(() => {});
    throw error;
  }
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

async function withAppender(
  conn: DuckDBConnection,
  table: string,
  fill: (appender: DuckDBAppender) => void,
): Promise<void> {
  const appender = await conn.createAppender(table);
  try {
    fill(appender);
    appender.flushSync();
  } finally {
    try {
      appender.closeSync();
    } catch {
      // Already reported by the fill or flush that failed.
    }
  }
}

async function clearChildren(conn: DuckDBConnection, id: string): Promise<void> {
  for (const table of CHILD_TABLES) {
    await conn.run(`DELETE FROM ${table} WHERE run_id = ?`, [id]);
  }
}

function appendParams(conn: DuckDBConnection, id: string, rows: ParamRow[]): Promise<void> {
  return withAppender(conn, "params", (a) => {
    for (const p of rows) {
      a.appendVarchar(id);
      a.appendVarchar(p.key);
      if (p.value === null) a.appendNull();
      else a.appendVarchar(p.value);
      a.endRow();
    }
  });
}

async function insertMembership(
  conn: DuckDBConnection,
  ablation: string,
  variant: string,
  runId: string,
  seed: number,
): Promise<void> {
  await conn.run(
    "INSERT INTO run_variants (ablation, variant, run_id, seed) VALUES (?, ?, ?, ?) " +
      "ON CONFLICT DO UPDATE SET seed = excluded.seed",
    [ablation, variant, runId, seed],
    [VARCHAR, VARCHAR, VARCHAR, INTEGER],
  );
}

async function requireRun(conn: DuckDBConnection, id: string): Promise<void> {
  const reader = await conn.runAndReadAll("SELECT 1 FROM runs WHERE id = ?", [id]);
  if (reader.currentRowCount === 0) throw new RangeError(msg.unknownRun(id));
}

/**
 * The run store: one DuckDB file (default `runs.duckdb`) holding every run's config, lifecycle,
 * curves, results and artifacts (schema in {@linkcode ./schema.ts}).
 *
 * Locking: DuckDB lets one process open a file for writing, and while it is open no other
 * process may open it, not even read-only; several read-only processes may share it. So:
 * - A process that writes is the file's owner: it first takes the owner lock (`<file>.owner`,
 *   released by the operating system when the process dies), so two owners (two sweeps, a sweep
 *   and `collect`) never interleave their writes.
 * - An owner that runs for long (a sweep) opens with `holdFile: false`: it holds DuckDB's file
 *   only while its calls run (open, write, close, which checkpoints), so readers get in between.
 *   A reader holding the file (a notebook) makes it wait, without limit: what it has to write
 *   stays on disk meanwhile (run record files), and `onBusy` says whom it waits for.
 * - A reader or writer that finds the file held retries for `waitMs`, then throws
 *   {@linkcode DatabaseBusyError} naming the holder's pid.
 * Opening the same file twice in one process is refused too (DuckDB would not notice, and two
 * writers in one process can corrupt it). Training processes never open the file: they write
 * per-run record files ({@linkcode ./record.ts}), which the owner ingests.
 *
 * All methods of one store run one at a time, in call order, on one connection (with
 * `holdFile: false`, calls queued back to back share one); each write is one transaction. Values
 * go through prepared statements and binds; bulk rows through the appender.
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
import { hostName, isProcessAlive, type OwnerLock, tryOwnerLock } from "./_process.ts";
import { type JsonValue, jsonValueConverter } from "./_values.ts";

export type { JsonValue } from "./_values.ts";

/** The database file used when none is given. */
export const DEFAULT_DB_PATH = "runs.duckdb";

/**
 * What holds a busy database: another process with DuckDB's file open (`file`), or another
 * process owning the file for writing (`owner`: a sweep or `collect`).
 */
export const BusyHolder = ["file", "owner"] as const;
/** One of {@linkcode BusyHolder}. */
export type BusyHolder = typeof BusyHolder[number];

/**
 * Thrown when another process holds the database file. Callers catch it to wait, to fall back to
 * writing record files, or to tell the user which process to stop.
 */
export class DatabaseBusyError extends Error {
  override name = "DatabaseBusyError";
  /** The path as the caller gave it. */
  readonly path: string;
  /** Process id of the holder when known, else `null`. */
  readonly pid: number | null;
  /** What the holder holds. */
  readonly holder: BusyHolder;

  constructor(
    path: string,
    pid: number | null,
    waitedMs: number,
    options: ErrorOptions & { holder?: BusyHolder } = {},
  ) {
    const holder = options.holder ?? "file";
    super(
      (holder === "owner" ? msg.databaseOwned(path, pid) : msg.databaseBusy(path, pid)) +
        (waitedMs > 0 ? msg.waitedFor(waitedMs) : "") + ": " + msg.BUSY_HINT,
      options,
    );
    this.path = path;
    this.pid = pid;
    this.holder = holder;
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
   * Milliseconds to keep retrying while another process holds the file (or, for a writer, owns
   * it); 0 fails at once.
   * @default 0
   */
  waitMs?: number;
  /**
   * Milliseconds before the first retry while waiting; the pause doubles up to twice this for a
   * bounded wait, up to 1 s for the unbounded waits of `holdFile: false`.
   * @default 50
   */
  pollMs?: number;
  /**
   * Hold DuckDB's file from open to close. `false` (a writer that runs for long, such as a
   * sweep): open it only while calls run, so readers get in between; each call then waits for
   * the file as long as it takes (until `signal` aborts), calling `onBusy`.
   * @default true
   */
  holdFile?: boolean;
  /** Aborted: stop waiting for the file and throw {@linkcode DatabaseBusyError}. */
  signal?: AbortSignal;
  /**
   * Called each time the file is found held (or owned) and a retry follows (e.g. to say
   * "waiting..."), with the holder's pid and the milliseconds waited so far.
   */
  onBusy?: (pid: number | null, waitedMs: number, holder: BusyHolder) => void;
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
/**
 * Milliseconds a `holdFile: false` store leaves the file alone after letting go, so a reader
 * retrying every 100 ms (twice the default `pollMs`) gets in between two of its writes.
 */
const YIELD_MS = 150;
/** The longest pause between retries of an unbounded wait. */
const MAX_UNBOUNDED_POLL_MS = 1000;

/** How to wait for a busy file. */
interface Wait {
  readonly waitMs: number;
  readonly pollMs: number;
  readonly maxPollMs: number;
  readonly signal?: AbortSignal | undefined;
  readonly onBusy?: RunStoreOptions["onBusy"];
}

/** An attempt that found the file held by process `pid` (`null`: unknown). */
class Busy {
  constructor(readonly pid: number | null, readonly cause: unknown) {}
}

/**
 * Calls `attempt` until it returns something other than {@linkcode Busy}, pausing between tries,
 * for at most `wait.waitMs` (or until `wait.signal` aborts); then throws
 * {@linkcode DatabaseBusyError}.
 */
async function retryWhileBusy<T>(
  path: string,
  holder: BusyHolder,
  wait: Wait,
  attempt: () => Promise<T | Busy>,
): Promise<T> {
  const started = Date.now();
  let pause = wait.pollMs;
  for (;;) {
    const result = await attempt();
    if (!(result instanceof Busy)) return result;
    const elapsed = Date.now() - started;
    if (elapsed >= wait.waitMs || wait.signal?.aborted) {
      const waited = Number.isFinite(wait.waitMs) ? wait.waitMs : elapsed;
      throw new DatabaseBusyError(path, result.pid, waited, { holder, cause: result.cause });
    }
    wait.onBusy?.(result.pid, elapsed, holder);
    await new Promise((r) => setTimeout(r, Math.min(pause, wait.waitMs - elapsed)));
    pause = Math.min(pause * 2, wait.maxPollMs);
  }
}

/** Opens DuckDB's file, retrying while another process holds it. */
function openInstance(path: string, readOnly: boolean, wait: Wait): Promise<DuckDBInstance> {
  return retryWhileBusy(path, "file", wait, async () => {
    try {
      return await DuckDBInstance.create(path, readOnly ? { access_mode: "READ_ONLY" } : {});
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      if (!LOCK_ERROR.test(text)) {
        throw new Error(msg.databaseOpenFailed(path, text), { cause: error });
      }
      const pid = LOCK_PID.exec(text)?.[1];
      return new Busy(pid === undefined ? null : Number(pid), error);
    }
  });
}

/** Takes the owner lock of `path`, retrying while another process holds it. */
function takeOwnerLock(path: string, wait: Wait): Promise<OwnerLock> {
  return retryWhileBusy(path, "owner", wait, () => {
    let lock: ReturnType<typeof tryOwnerLock>;
    try {
      lock = tryOwnerLock(path);
    } catch (error) {
      throw new Error(msg.databaseOpenFailed(path, (error as Error).message), { cause: error });
    }
    return Promise.resolve("holder" in lock ? new Busy(lock.holder, null) : lock);
  });
}

/** DuckDB's file, open. */
interface OpenFile {
  readonly instance: DuckDBInstance;
  readonly conn: DuckDBConnection;
  readonly writable: boolean;
}

function closeFile(file: OpenFile): void {
  file.conn.closeSync();
  file.instance.closeSync();
}

/** How a store holds its file. */
interface Holding {
  readonly readOnly: boolean;
  readonly holdFile: boolean;
  /** How calls wait for the file (`holdFile: false`). */
  readonly wait: Wait;
  readonly owner: OwnerLock | null;
  readonly key: string | null;
}

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
  readonly #holding: Holding;
  #file: OpenFile | null;
  #closed = false;
  /** Calls queued or running. */
  #calls = 0;
  /** When a `holdFile: false` store last let go of the file. */
  #releasedAt = 0;
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(path: string, holding: Holding, file: OpenFile | null) {
    this.#path = path;
    this.#holding = holding;
    this.#file = file;
  }

  /**
   * Opens (by default creating) a run store. A read-write open takes the owner lock, creates
   * missing tables and views and fills `t_crit`; a read-only open checks the schema version only.
   *
   * Throws {@linkcode DatabaseBusyError} when another process holds the file or owns it (after
   * `waitMs`), `Deno.errors.NotFound` for a missing file with `create: false`, `Error` when this
   * process already holds the file or the file is not a (compatible) run store.
   */
  static async open(
    path: string = DEFAULT_DB_PATH,
    options: RunStoreOptions = {},
  ): Promise<RunStore> {
    const readOnly = options.readOnly ?? false;
    const create = options.create ?? !readOnly;
    const memory = path === ":memory:";
    const holdFile = memory || (options.holdFile ?? true);
    if (!memory && !create && !fileExists(path)) {
      throw new Deno.errors.NotFound(msg.databaseMissing(path));
    }
    const key = memory ? null : absoluteKey(path);
    if (key !== null && openInProcess.has(key)) throw new Error(msg.databaseOpenInProcess(path));

    const pollMs = Math.max(10, options.pollMs ?? 50);
    const wait: Wait = {
      waitMs: Math.max(0, options.waitMs ?? 0),
      pollMs,
      maxPollMs: 2 * pollMs,
      signal: options.signal,
      onBusy: options.onBusy,
    };
    const calls: Wait = { ...wait, waitMs: Infinity, maxPollMs: MAX_UNBOUNDED_POLL_MS };
    const owner = readOnly || memory ? null : await takeOwnerLock(path, wait);
    let file: OpenFile;
    try {
      const instance = await openInstance(path, readOnly, holdFile ? wait : calls);
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
      file = { instance, conn, writable: !readOnly };
    } catch (error) {
      owner?.release();
      throw error;
    }
    if (key !== null) openInProcess.add(key);
    const store = new RunStore(path, { readOnly, holdFile, wait: calls, owner, key }, file);
    if (!holdFile) store.#letGo();
    return store;
  }

  /**
   * Waits for pending calls, then closes the connection and the database and lets go of the
   * owner lock. Idempotent.
   */
  async close(): Promise<void> {
    await this.#tail.catch(() => {});
    if (this.#closed) return;
    this.#closed = true;
    if (this.#file) closeFile(this.#file);
    this.#file = null;
    this.#holding.owner?.release();
    if (this.#holding.key !== null) openInProcess.delete(this.#holding.key);
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

  /**
   * Runs `fn` after every earlier call. With `holdFile: false` the file is opened for it (for
   * writing when `write`) unless the call before left it open, and let go of when no call is
   * queued behind it.
   */
  #serial<T>(write: boolean, fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    this.#calls++;
    const run = this.#tail.then(async () => {
      try {
        return await fn(await this.#acquire(write));
      } finally {
        if (--this.#calls === 0 && !this.#holding.holdFile) this.#letGo();
      }
    });
    this.#tail = run.catch(() => {});
    return run;
  }

  /** The connection, opening the file (after a pause for readers) when it is not open. */
  async #acquire(write: boolean): Promise<DuckDBConnection> {
    if (this.#closed) throw new Error(msg.storeClosed(this.#path));
    const file = this.#file;
    if (file && (this.#holding.holdFile || file.writable || !write)) return file.conn;
    this.#letGo();
    const pause = this.#releasedAt + YIELD_MS - Date.now();
    if (pause > 0) await new Promise((r) => setTimeout(r, pause));
    const readOnly = this.#holding.readOnly || !write;
    const instance = await openInstance(this.#path, readOnly, this.#holding.wait);
    try {
      this.#file = { instance, conn: await instance.connect(), writable: !readOnly };
    } catch (error) {
      instance.closeSync();
      throw error;
    }
    return this.#file.conn;
  }

  /** Closes DuckDB's file (which checkpoints what was written), if open. */
  #letGo(): void {
    if (!this.#file) return;
    closeFile(this.#file);
    this.#file = null;
    this.#releasedAt = Date.now();
  }

  #read<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.#serial(false, fn);
  }

  #write<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.#serial(true, (conn) => inTransaction(conn, () => fn(conn)));
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

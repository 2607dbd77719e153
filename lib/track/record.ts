/**
 * Per-run record files: what a training process writes when a run ends, so it never needs the
 * database (DuckDB allows one writer process). The owner of the database ingests them
 * (`deno task collect`, {@linkcode ../track/collect.ts}).
 *
 * A record is written to a dot-prefixed temporary name in the same directory, flushed to disk and
 * renamed to `<hash>.run.json` when complete, so a reader never sees half a record:
 * {@linkcode listRecordFiles} lists only completed names.
 *
 * JSON has no NaN or Infinity; numeric values that are not finite (a diverged loss) are written as
 * the strings `"NaN"`, `"Infinity"`, `"-Infinity"` and read back as numbers.
 *
 * @module
 */

import { basename, join } from "node:path";
import * as msg from "./messages.ts";

/** Statuses a record may carry (a record is written when the run is over). */
export const RecordStatus = ["finished", "failed", "interrupted"] as const;

/** How a run ended. */
export type RecordStatus = typeof RecordStatus[number];

/** A file a run produced (samples, weights, the teacher card), with its sha256. */
export interface RecordArtifact {
  /** `samples`, `student-weights`, `teacher-card`, ... */
  kind: string;
  path: string;
  sha256: string;
}

/**
 * Everything one run produced, as its training process writes it: the file format of
 * `<hash>.run.json`, which the tracker ingests.
 */
export interface RunRecord {
  /** Config hash; the run's id in the database. */
  hash: string;
  ablation: string;
  variant: string;
  seed: number;
  preset: string;
  /** The full resolved config. */
  config: unknown;
  /** Dotted keys the spec set on its base. */
  overrides: Record<string, unknown>;
  status: RecordStatus;
  /** ISO 8601 times. */
  startedAt: string;
  endedAt: string;
  backend: string;
  host: string;
  /** Package, data, teacher, cache and source versions. */
  versions: Record<string, string>;
  /** The checkout the run was planned in; `dirty`: tracked files had changes. */
  git: { commit: string | null; dirty: boolean | null };
  error: string | null;
  failedStep: number | null;
  /** Training curves. */
  metrics: { step: number; name: string; value: number }[];
  /** Final scores: split "eval", metric hIoU | sIoU | uIoU | mIoU | ... */
  results: { split: string; metric: string; value: number }[];
  classIou: { className: string; seen: boolean; iou: number | null }[];
  artifacts: RecordArtifact[];
}

/** Completed record files end with this. */
export const RECORD_SUFFIX = ".run.json";

/** Where `run-one` writes records and `collect` reads them by default (git-ignored). */
export const DEFAULT_RECORD_DIR = ".cache/records";

const HASH_PATTERN = /^[A-Za-z0-9_-]+$/;

/** The file name of a record: `<hash>.run.json`. */
export function recordFileName(hash: string): string {
  if (!HASH_PATTERN.test(hash)) throw new TypeError(msg.recordBadHash(hash));
  return `${hash}${RECORD_SUFFIX}`;
}

// ---------------------------------------------------------------- validation

type Obj = Record<string, unknown>;

const NON_FINITE: Record<string, number> = {
  NaN: NaN,
  Infinity: Infinity,
  "-Infinity": -Infinity,
};

class Validator {
  constructor(readonly source: string) {}

  fail(field: string, expected: string, got: unknown): never {
    throw new TypeError(msg.recordBadField(this.source, field, expected, got));
  }

  object(value: unknown, field: string): Obj {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.fail(field, "an object", value);
    }
    return value as Obj;
  }

  /** Rejects unknown keys and missing ones (in declaration order, so errors are stable). */
  keys(obj: Obj, field: string, keys: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (!keys.includes(key)) {
        throw new TypeError(msg.recordUnknownField(this.source, field ? `${field}.${key}` : key));
      }
    }
    for (const key of keys) {
      if (!(key in obj)) {
        throw new TypeError(msg.recordMissingField(this.source, field ? `${field}.${key}` : key));
      }
    }
  }

  string(value: unknown, field: string, nonEmpty = true): string {
    if (typeof value !== "string" || (nonEmpty && value === "")) {
      this.fail(field, nonEmpty ? "a non-empty string" : "a string", value);
    }
    return value;
  }

  nullableString(value: unknown, field: string): string | null {
    if (value !== null && typeof value !== "string") this.fail(field, "a string or null", value);
    return value;
  }

  /** A 32-bit signed integer (the database's INTEGER). */
  integer(value: unknown, field: string): number {
    if (
      typeof value !== "number" || !Number.isInteger(value) || value < -(2 ** 31) ||
      value >= 2 ** 31
    ) {
      this.fail(field, "an integer in [-2^31, 2^31)", value);
    }
    return value;
  }

  nullableInteger(value: unknown, field: string): number | null {
    return value === null ? null : this.integer(value, field);
  }

  boolean(value: unknown, field: string): boolean {
    if (typeof value !== "boolean") this.fail(field, "a boolean", value);
    return value;
  }

  /** A number; non-finite values may arrive as "NaN" / "Infinity" / "-Infinity". */
  number(value: unknown, field: string): number {
    if (typeof value === "number") return value;
    if (typeof value === "string" && value in NON_FINITE) return NON_FINITE[value]!;
    return this.fail(field, 'a number (or "NaN", "Infinity", "-Infinity")', value);
  }

  isoDate(value: unknown, field: string): string {
    if (typeof value !== "string" || !/^\d{4}-\d\d-\d\dT/.test(value) || isNaN(Date.parse(value))) {
      this.fail(field, "an ISO 8601 date-time string", value);
    }
    return value;
  }

  array<T>(value: unknown, field: string, item: (v: unknown, field: string) => T): T[] {
    if (!Array.isArray(value)) this.fail(field, "an array", value);
    return value.map((v, i) => item(v, `${field}[${i}]`));
  }
}

/**
 * The field names of `T`, in the order given. The argument must name every field of `T` and no
 * other, so a field added to the declaration fails to compile until it is listed here.
 */
function fieldNames<T>(fields: { readonly [K in keyof T]-?: 0 }): readonly string[] {
  return Object.keys(fields);
}

type Row<K extends keyof RunRecord> = RunRecord[K] extends readonly (infer R)[] ? R : never;

const RECORD_KEYS = fieldNames<RunRecord>({
  hash: 0,
  ablation: 0,
  variant: 0,
  seed: 0,
  preset: 0,
  config: 0,
  overrides: 0,
  status: 0,
  startedAt: 0,
  endedAt: 0,
  backend: 0,
  host: 0,
  versions: 0,
  git: 0,
  error: 0,
  failedStep: 0,
  metrics: 0,
  results: 0,
  classIou: 0,
  artifacts: 0,
});
const GIT_KEYS = fieldNames<RunRecord["git"]>({ commit: 0, dirty: 0 });
const METRIC_KEYS = fieldNames<Row<"metrics">>({ step: 0, name: 0, value: 0 });
const RESULT_KEYS = fieldNames<Row<"results">>({ split: 0, metric: 0, value: 0 });
const CLASS_IOU_KEYS = fieldNames<Row<"classIou">>({ className: 0, seen: 0, iou: 0 });
const ARTIFACT_KEYS = fieldNames<RecordArtifact>({ kind: 0, path: 0, sha256: 0 });

/**
 * Checks that `value` is a {@linkcode RunRecord} and returns it normalised (non-finite number
 * strings turned back into numbers). Errors are `TypeError`s naming `source` and the field.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { validateRunRecord } from "./record.ts";
 * assert.throws(() => validateRunRecord({ hash: 1 }, "x.run.json"), {
 *   name: "TypeError",
 *   message: 'Invalid run record "x.run.json": field "ablation" is missing',
 * });
 * ```
 */
export function validateRunRecord(value: unknown, source: string): RunRecord {
  const v = new Validator(source);
  const o = v.object(value, "(record)");
  v.keys(o, "", RECORD_KEYS);
  const status = o.status as RecordStatus;
  if (!(RecordStatus as readonly unknown[]).includes(status)) {
    v.fail("status", `one of ${RecordStatus.join(", ")}`, status);
  }
  v.object(o.config, "config");
  const overrides = v.object(o.overrides, "overrides");
  const versionsObj = v.object(o.versions, "versions");
  const versions: Record<string, string> = {};
  for (const [k, val] of Object.entries(versionsObj)) {
    versions[k] = v.string(val, `versions.${k}`, false);
  }
  const git = v.object(o.git, "git");
  v.keys(git, "git", GIT_KEYS);
  if (git.dirty !== null) v.boolean(git.dirty, "git.dirty");

  const metrics = v.array(o.metrics, "metrics", (m, f) => {
    const r = v.object(m, f);
    v.keys(r, f, METRIC_KEYS);
    return {
      step: v.integer(r.step, `${f}.step`),
      name: v.string(r.name, `${f}.name`),
      value: v.number(r.value, `${f}.value`),
    };
  });
  const results = v.array(o.results, "results", (m, f) => {
    const r = v.object(m, f);
    v.keys(r, f, RESULT_KEYS);
    return {
      split: v.string(r.split, `${f}.split`),
      metric: v.string(r.metric, `${f}.metric`),
      value: v.number(r.value, `${f}.value`),
    };
  });
  const seenResults = new Set<string>();
  for (const r of results) {
    const key = JSON.stringify([r.split, r.metric]);
    if (seenResults.has(key)) {
      throw new TypeError(msg.recordDuplicateResult(source, r.split, r.metric));
    }
    seenResults.add(key);
  }
  const classIou = v.array(o.classIou, "classIou", (m, f) => {
    const r = v.object(m, f);
    v.keys(r, f, CLASS_IOU_KEYS);
    return {
      className: v.string(r.className, `${f}.className`),
      seen: v.boolean(r.seen, `${f}.seen`),
      iou: r.iou === null ? null : v.number(r.iou, `${f}.iou`),
    };
  });
  const artifacts = v.array(o.artifacts, "artifacts", (m, f) => {
    const r = v.object(m, f);
    v.keys(r, f, ARTIFACT_KEYS);
    return {
      kind: v.string(r.kind, `${f}.kind`),
      path: v.string(r.path, `${f}.path`),
      sha256: v.string(r.sha256, `${f}.sha256`),
    };
  });

  return {
    hash: v.string(o.hash, "hash"),
    ablation: v.string(o.ablation, "ablation"),
    variant: v.string(o.variant, "variant"),
    seed: v.integer(o.seed, "seed"),
    preset: v.string(o.preset, "preset"),
    config: o.config,
    overrides,
    status,
    startedAt: v.isoDate(o.startedAt, "startedAt"),
    endedAt: v.isoDate(o.endedAt, "endedAt"),
    backend: v.string(o.backend, "backend", false),
    host: v.string(o.host, "host", false),
    versions,
    git: {
      commit: v.nullableString(git.commit, "git.commit"),
      dirty: git.dirty as boolean | null,
    },
    error: v.nullableString(o.error, "error"),
    failedStep: v.nullableInteger(o.failedStep, "failedStep"),
    metrics,
    results,
    classIou,
    artifacts,
  };
}

// ---------------------------------------------------------------- files

/** JSON.stringify replacer keeping non-finite numbers readable. */
function keepNonFinite(_key: string, value: unknown): unknown {
  return typeof value === "number" && !Number.isFinite(value) ? String(value) : value;
}

/**
 * Writes `record` to `dir/<hash>.run.json` atomically: validate, write a dot-prefixed temporary
 * file in `dir`, flush it to disk, rename. Creates `dir` if needed; replaces an earlier record of
 * the same hash. Returns the final path.
 *
 * @example
 * ```ts ignore
 * const path = await writeRunRecord(".cache/records", record);
 * ```
 */
export async function writeRunRecord(dir: string, record: RunRecord): Promise<string> {
  const name = recordFileName(record.hash);
  validateRunRecord(record, `record ${record.hash}`);
  await Deno.mkdir(dir, { recursive: true });
  const final = join(dir, name);
  const nonce = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36);
  const temp = join(dir, `.${name}.${Deno.pid}.${nonce}.tmp`);
  const bytes = new TextEncoder().encode(JSON.stringify(record, keepNonFinite, 1) + "\n");
  try {
    const file = await Deno.open(temp, { write: true, createNew: true });
    try {
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      await file.syncData();
    } finally {
      file.close();
    }
    await Deno.rename(temp, final);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
  return final;
}

/**
 * Reads and validates one record file. Errors name the file: `SyntaxError` for text that is not
 * JSON, `TypeError` for a wrong or missing field, `Deno.errors.NotFound` for a missing file.
 */
export async function readRunRecord(path: string): Promise<RunRecord> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof Deno.errors.NotFound) {
      throw new Deno.errors.NotFound(msg.recordUnreadable(path, "no such file"), { cause: error });
    }
    throw new Error(msg.recordUnreadable(path, reason), { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(msg.recordNotJson(path, (error as Error).message), { cause: error });
  }
  return validateRunRecord(value, path);
}

/** Whether a directory entry name is a completed record (not a temporary or hidden file). */
export function isRecordFileName(name: string): boolean {
  return name.endsWith(RECORD_SUFFIX) && !name.startsWith(".");
}

/**
 * Paths of the completed record files directly in `dir`, sorted by name. Temporary files of
 * writes in progress are never listed. A missing `dir` is a `Deno.errors.NotFound` naming it.
 */
export async function listRecordFiles(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && isRecordFileName(entry.name)) names.push(entry.name);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Deno.errors.NotFound(msg.recordDirMissing(dir), { cause: error });
    }
    throw error;
  }
  return names.sort().map((name) => join(dir, name));
}

/** The hash a record file name carries (`abc.run.json` -> `abc`). */
export function hashOfRecordFile(path: string): string {
  return basename(path).slice(0, -RECORD_SUFFIX.length);
}

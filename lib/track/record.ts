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
 * the strings `"NaN"`, `"Infinity"`, `"-Infinity"` and read back as numbers. Only training curves
 * (`metrics`) may hold them, where NaN marks divergence: a result or a class IoU must be a finite
 * number (a class IoU may be `null`), so a report never averages an Infinity.
 *
 * @module
 */

import { basename, join } from "node:path";
import { readJsonFile } from "../_files.ts";
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

/** Checks one value (named `field` in errors) and returns it typed. */
type Check<T> = (value: unknown, field: string) => T;

/**
 * A check for every field of `T` and no other: the compiler holds it to the declaration of `T`,
 * and the list of fields a record may have is its keys.
 */
type Checks<T> = { readonly [K in keyof T]-?: Check<T[K]> };

const NON_FINITE: Record<string, number> = {
  NaN: NaN,
  Infinity: Infinity,
  "-Infinity": -Infinity,
};

/** The checks of one record file; arrow-function fields, so each can be passed as a `Check`. */
class Validator {
  constructor(readonly source: string) {}

  fail(field: string, expected: string, got: unknown): never {
    throw new TypeError(msg.recordBadField(this.source, field, expected, got));
  }

  object = (value: unknown, field: string): Obj => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.fail(field || "(record)", "an object", value);
    }
    return value as Obj;
  };

  /** Rejects unknown keys and missing ones (in declaration order, so errors are stable). */
  keys(obj: Obj, field: string, keys: readonly string[]): void {
    const name = (key: string) => field ? `${field}.${key}` : key;
    const unknown = Object.keys(obj).find((key) => !keys.includes(key));
    if (unknown !== undefined) {
      throw new TypeError(msg.recordUnknownField(this.source, name(unknown)));
    }
    const missing = keys.find((key) => !(key in obj));
    if (missing !== undefined) {
      throw new TypeError(msg.recordMissingField(this.source, name(missing)));
    }
  }

  /** An object with exactly the fields of `checks`, each checked. */
  fields<T>(checks: Checks<T>): Check<T> {
    const keys = Object.keys(checks) as (keyof T & string)[];
    return (value, field) => {
      const obj = this.object(value, field);
      this.keys(obj, field, keys);
      const out: Partial<T> = {};
      for (const key of keys) out[key] = checks[key](obj[key], field ? `${field}.${key}` : key);
      return out as T;
    };
  }

  array<T>(item: Check<T>): Check<T[]> {
    return (value, field) => {
      if (!Array.isArray(value)) this.fail(field, "an array", value);
      return value.map((v, i) => item(v, `${field}[${i}]`));
    };
  }

  nullable<T>(check: Check<T>): Check<T | null> {
    return (value, field) => value === null ? null : check(value, field);
  }

  oneOf<T extends string>(values: readonly T[]): Check<T> {
    return (value, field) => {
      if (!(values as readonly unknown[]).includes(value)) {
        this.fail(field, `one of ${values.join(", ")}`, value);
      }
      return value as T;
    };
  }

  string = (value: unknown, field: string): string => {
    if (typeof value !== "string" || value === "") this.fail(field, "a non-empty string", value);
    return value;
  };

  /** A string that may be empty. */
  text = (value: unknown, field: string): string => {
    if (typeof value !== "string") this.fail(field, "a string", value);
    return value;
  };

  nullableString = (value: unknown, field: string): string | null => {
    if (value !== null && typeof value !== "string") this.fail(field, "a string or null", value);
    return value;
  };

  /** A 32-bit signed integer (the database's INTEGER). */
  integer = (value: unknown, field: string): number => {
    if (
      typeof value !== "number" || !Number.isInteger(value) || value < -(2 ** 31) ||
      value >= 2 ** 31
    ) {
      this.fail(field, "an integer in [-2^31, 2^31)", value);
    }
    return value;
  };

  boolean = (value: unknown, field: string): boolean => {
    if (typeof value !== "boolean") this.fail(field, "a boolean", value);
    return value;
  };

  /** A number; non-finite values may arrive as "NaN" / "Infinity" / "-Infinity". */
  number = (value: unknown, field: string): number => {
    if (typeof value === "number") return value;
    if (typeof value === "string" && value in NON_FINITE) return NON_FINITE[value]!;
    return this.fail(field, 'a number (or "NaN", "Infinity", "-Infinity")', value);
  };

  /** A finite number (a score: "NaN" and "Infinity" are refused). */
  finite = (value: unknown, field: string): number => {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      this.fail(field, "a finite number", value);
    }
    return value;
  };

  isoDate = (value: unknown, field: string): string => {
    if (typeof value !== "string" || !/^\d{4}-\d\d-\d\dT/.test(value) || isNaN(Date.parse(value))) {
      this.fail(field, "an ISO 8601 date-time string", value);
    }
    return value;
  };

  /** An object of strings (they may be empty). */
  strings = (value: unknown, field: string): Record<string, string> => {
    const obj = this.object(value, field);
    return Object.fromEntries(
      Object.entries(obj).map(([key, v]) => [key, this.text(v, `${field}.${key}`)]),
    );
  };
}

/** The checks of a whole record, one per field of {@linkcode RunRecord}. */
function recordChecks(v: Validator): Checks<RunRecord> {
  return {
    hash: v.string,
    ablation: v.string,
    variant: v.string,
    seed: v.integer,
    preset: v.string,
    config: (value, field) => (v.object(value, field), value),
    overrides: v.object,
    status: v.oneOf(RecordStatus),
    startedAt: v.isoDate,
    endedAt: v.isoDate,
    backend: v.text,
    host: v.text,
    versions: v.strings,
    git: v.fields({ commit: v.nullableString, dirty: v.nullable(v.boolean) }),
    error: v.nullableString,
    failedStep: v.nullable(v.integer),
    metrics: v.array(v.fields({ step: v.integer, name: v.string, value: v.number })),
    results: v.array(v.fields({ split: v.string, metric: v.string, value: v.finite })),
    classIou: v.array(
      v.fields({ className: v.string, seen: v.boolean, iou: v.nullable(v.finite) }),
    ),
    artifacts: v.array(
      v.fields<RecordArtifact>({ kind: v.string, path: v.string, sha256: v.string }),
    ),
  };
}

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
  const record = v.fields(recordChecks(v))(value, "");
  const seen = new Set<string>();
  for (const r of record.results) {
    const key = JSON.stringify([r.split, r.metric]);
    if (seen.has(key)) throw new TypeError(msg.recordDuplicateResult(source, r.split, r.metric));
    seen.add(key);
  }
  return record;
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
 * JSON, `TypeError` for a wrong or missing field or for a record of another run than its file
 * name says (`b`'s record saved as `a.run.json`), `Deno.errors.NotFound` for a missing file.
 */
export async function readRunRecord(path: string): Promise<RunRecord> {
  const value = await readJsonFile(path, {
    missing: (file) => msg.recordUnreadable(file, "no such file"),
    notJson: msg.recordNotJson,
    unreadable: msg.recordUnreadable,
  });
  const record = validateRunRecord(value, path);
  if (isRecordFileName(basename(path)) && hashOfRecordFile(path) !== record.hash) {
    throw new TypeError(msg.recordNameMismatch(path, hashOfRecordFile(path), record.hash));
  }
  return record;
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

/**
 * The hash a record file name carries: `abc.run.json` -> `abc`, and so does a later record of
 * the same run kept beside it, `abc.2.run.json` (hashes have no dots).
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { hashOfRecordFile } from "./record.ts";
 * assert.equal(hashOfRecordFile("records/ingested/3f2a.2.run.json"), "3f2a");
 * ```
 */
export function hashOfRecordFile(path: string): string {
  return basename(path).slice(0, -RECORD_SUFFIX.length).split(".")[0]!;
}

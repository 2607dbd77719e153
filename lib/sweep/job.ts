/**
 * Job files: one resolved run, written by the process that plans a sweep and read by the process
 * that trains it (`deno task run-one <file or hash>`), so training never needs the database.
 * A job holds everything the run's result depends on (config, preset, kind and the hash context:
 * data identity, teacher hash, code digest) plus where its teacher, data, cache and artifacts
 * are. Reading a job recomputes its content hash and refuses a file whose hash does not match,
 * so an edited job cannot be stored under the wrong id.
 *
 * Files are `<jobs dir>/<hash>.job.json`, written to a dot-prefixed temporary name and renamed,
 * like run records. This is the seam a cluster job array uses: the owner writes the jobs, each
 * array task runs `run-one <hash>`, the records land in the records folder.
 *
 * @example
 * ```ts ignore
 * const path = await writeJob(".cache/jobs", job);
 * const same = await readJob(path);
 * ```
 *
 * @module
 */
import { join, resolve } from "node:path";
import { pathKind, readJsonFile } from "../_files.ts";
import type { C2SConfig } from "../c2s/config.ts";
import { AblationKind } from "../spec/define.ts";
import { type HashContext, runHash } from "../spec/hash.ts";
import { validateConfig } from "../spec/validate.ts";
import * as msg from "./messages.ts";

/** Version of the job file layout. */
export const JOB_FORMAT = 1;

/** Completed job files end with this. */
export const JOB_SUFFIX = ".job.json";

/** Shortest hash prefix `run-one` accepts. */
export const MIN_HASH_PREFIX = 8;

/** The git state of the checkout a sweep was planned in. */
export interface GitState {
  readonly commit: string | null;
  readonly dirty: boolean | null;
}

/** One run, resolved and ready to train anywhere the paths exist. */
export interface RunJob {
  readonly format: typeof JOB_FORMAT;
  /** Content hash of (config, preset, kind, context): the run's id. */
  readonly hash: string;
  /** The ablation and variant that first planned it (others may share it). */
  readonly ablation: string;
  readonly variant: string;
  readonly seed: number;
  readonly preset: string;
  readonly kind: AblationKind;
  readonly config: C2SConfig;
  readonly overrides: Record<string, unknown>;
  readonly context: HashContext;
  /** The teacher: a checkpoint folder or a module (absolute path). */
  readonly teacher: string;
  /** Fashion-MNIST folder, or `null` for the embedded copy (`data/fashion-mnist/`). */
  readonly dataDir: string | null;
  /** Teacher-cache folder (absolute path). */
  readonly cacheDir: string;
  /** Folder for this run's artifacts (absolute path). */
  readonly artifactDir: string;
  readonly git: GitState;
}

/** The folders of a sweep's working area. */
export interface WorkPaths {
  readonly root: string;
  readonly jobs: string;
  readonly records: string;
  readonly artifacts: string;
  readonly cache: string;
}

/** Default working area (git-ignored): jobs, records, artifacts and the teacher cache. */
export const DEFAULT_WORK_DIR = ".cache";

/**
 * The folders under a working area, as absolute paths: `jobs/`, `records/`, `artifacts/` and
 * `c2s/` (the teacher cache). `.cache` gives the defaults of `collect` and the core.
 */
export function workPaths(root: string = DEFAULT_WORK_DIR): WorkPaths {
  const abs = resolve(root);
  return {
    root: abs,
    jobs: join(abs, "jobs"),
    records: join(abs, "records"),
    artifacts: join(abs, "artifacts"),
    cache: join(abs, "c2s"),
  };
}

/** The file name of a job: `<hash>.job.json`. */
export function jobFileName(hash: string): string {
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new TypeError(msg.badJobHash(hash));
  return `${hash}${JOB_SUFFIX}`;
}

/** Writes `job` to `dir/<hash>.job.json` atomically (temporary name, rename). Returns the path. */
export async function writeJob(dir: string, job: RunJob): Promise<string> {
  const final = join(dir, jobFileName(job.hash));
  await Deno.mkdir(dir, { recursive: true });
  const temp = join(dir, `.${jobFileName(job.hash)}.${Deno.pid}.tmp`);
  await Deno.writeTextFile(temp, JSON.stringify(job, null, 1) + "\n");
  await Deno.rename(temp, final);
  return final;
}

type Obj = Record<string, unknown>;

function field(source: string, name: string, expected: string, value: unknown): never {
  throw new TypeError(msg.badJobField(source, name, expected, value));
}

function object(source: string, name: string, value: unknown): Obj {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    field(source, name, "an object", value);
  }
  return value as Obj;
}

function string(source: string, name: string, value: unknown): string {
  if (typeof value !== "string" || value === "") field(source, name, "a non-empty string", value);
  return value;
}

function nullable<T>(value: unknown, read: (v: unknown) => T): T | null {
  return value === null ? null : read(value);
}

/**
 * Checks a parsed job file and its hash; returns it typed. Errors are `TypeError`s naming
 * `source` and the field; a hash that does not match the contents is a `RangeError`.
 */
export async function validateJob(value: unknown, source: string): Promise<RunJob> {
  const o = object(source, "(job)", value);
  if (o.format !== JOB_FORMAT) field(source, "format", String(JOB_FORMAT), o.format);
  const hash = string(source, "hash", o.hash);
  const seed = o.seed;
  if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0) {
    field(source, "seed", "an integer >= 0", seed);
  }
  const kind = o.kind;
  if (!(AblationKind as readonly unknown[]).includes(kind)) {
    field(source, "kind", `one of ${AblationKind.join(", ")}`, kind);
  }
  const config = object(source, "config", o.config) as unknown as C2SConfig;
  validateConfig(config, source);
  const c = object(source, "context", o.context);
  const str = (name: string) => (v: unknown) => string(source, name, v);
  const context: HashContext = {
    dataIdentity: nullable(c.dataIdentity, str("context.dataIdentity")),
    teacherHash: nullable(c.teacherHash, str("context.teacherHash")),
    codeVersion: nullable(c.codeVersion, str("context.codeVersion")),
  };
  const git = object(source, "git", o.git);
  if (git.dirty !== null && typeof git.dirty !== "boolean") {
    field(source, "git.dirty", "a boolean or null", git.dirty);
  }
  const job: RunJob = {
    format: JOB_FORMAT,
    hash,
    ablation: string(source, "ablation", o.ablation),
    variant: string(source, "variant", o.variant),
    seed,
    preset: string(source, "preset", o.preset),
    kind: kind as AblationKind,
    config,
    overrides: object(source, "overrides", o.overrides),
    context,
    teacher: string(source, "teacher", o.teacher),
    dataDir: nullable(o.dataDir, str("dataDir")),
    cacheDir: string(source, "cacheDir", o.cacheDir),
    artifactDir: string(source, "artifactDir", o.artifactDir),
    git: {
      commit: nullable(git.commit, str("git.commit")),
      dirty: git.dirty as boolean | null,
    },
  };
  const expected = await runHash({ config, preset: job.preset, kind: job.kind }, context);
  if (expected !== hash) throw new RangeError(msg.jobHashMismatch(source, hash, expected));
  return job;
}

/** Reads and validates a job file. A missing file is `Deno.errors.NotFound` naming it. */
export async function readJob(path: string): Promise<RunJob> {
  const value = await readJsonFile(path, { missing: msg.jobMissing, notJson: msg.jobNotJson });
  return await validateJob(value, path);
}

/**
 * The job file `ref` names: an existing file path, or a hash (or a unique prefix of at least
 * `MIN_HASH_PREFIX` hex digits) of a job in `jobsDir`. Unknown and ambiguous references are
 * errors that say where they looked.
 */
export async function findJob(ref: string, jobsDir: string): Promise<string> {
  if (await pathKind(ref) === "file") return ref;
  if (!/^[0-9a-f]+$/.test(ref) || ref.length < MIN_HASH_PREFIX || ref.length > 64) {
    throw new Deno.errors.NotFound(msg.jobRefNotFound(ref, jobsDir));
  }
  const matches: string[] = [];
  try {
    for await (const entry of Deno.readDir(jobsDir)) {
      if (entry.isFile && entry.name.startsWith(ref) && entry.name.endsWith(JOB_SUFFIX)) {
        matches.push(join(jobsDir, entry.name));
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (matches.length === 0) throw new Deno.errors.NotFound(msg.jobRefNotFound(ref, jobsDir));
  if (matches.length > 1) throw new RangeError(msg.jobRefAmbiguous(ref, matches.length));
  return matches[0]!;
}

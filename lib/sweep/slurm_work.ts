/**
 * Submissions of a sweep to Slurm, as folders of the shared working area:
 * `<work>/slurm/<UTC time>-<pid>/` holds `hashes.txt` (line i + 1 is the run of array task i),
 * `submission.json` (the array's job id once `sbatch` answered, when, what), the batch script
 * `array.sbatch`, the task logs `logs/<job>_<task>.out`, and two marker folders: `started/<task>`
 * (the task's script began; a task cancelled while pending never writes it) and `settled/<task>`
 * (what became of a task that ended without finishing its run was stored as a record).
 *
 * A run's Slurm task is its task in the latest submission that holds it
 * ({@linkcode latestTasks}).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { latestTasks, type Submission } from "./slurm_work.ts";
 * const at = (jobId: string, hashes: string[]): Submission =>
 *   ({ dir: `/w/slurm/${jobId}`, jobId, submittedAt: `2026-01-0${jobId}`, target: "x", hashes });
 * const latest = latestTasks([at("2", ["b"]), at("1", ["a", "b"])]);
 * assertEquals([latest.get("a")!.index, latest.get("b")!.submission.jobId], [0, "2"]);
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { readJsonFile } from "../_files.ts";
import type { WorkPaths } from "./job.ts";
import * as msg from "./slurm_messages.ts";

/** The folder of the submissions in a working area. */
export const SLURM_DIR = "slurm";

/** Version of `submission.json`. */
const SUBMISSION_FORMAT = 1;

/** One `sbatch --array` of a sweep. */
export interface Submission {
  /** Its folder. */
  readonly dir: string;
  /** The array's job id; `null` until `sbatch` answered (and no task said it). */
  readonly jobId: string | null;
  /** When it was submitted (ISO UTC). */
  readonly submittedAt: string;
  /** The ablation (or `all`) that was submitted. */
  readonly target: string;
  /** Array task i runs `hashes[i]`. */
  readonly hashes: readonly string[];
}

/** Marker folders of a submission. */
export type Marker = "started" | "settled";

/** The submissions folder of `work`. */
export function slurmDir(work: WorkPaths): string {
  return join(work.root, SLURM_DIR);
}

/** Where array task `index` of `submission` writes its output. */
export function taskLog(submission: Submission, index: number): string {
  return join(submission.dir, "logs", `${submission.jobId ?? "%A"}_${index}.out`);
}

/** Whether task `index` of `submission` left the marker `marker`. */
export async function hasMarker(
  submission: Submission,
  marker: Marker,
  index: number,
): Promise<boolean> {
  try {
    await Deno.stat(join(submission.dir, marker, String(index)));
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Leaves the marker `marker` for task `index` of `submission`, holding `text`. */
export async function writeMarker(
  submission: Submission,
  marker: Marker,
  index: number,
  text: string,
): Promise<void> {
  await Deno.mkdir(join(submission.dir, marker), { recursive: true });
  await Deno.writeTextFile(join(submission.dir, marker, String(index)), `${text}\n`);
}

/**
 * Makes the folder of a new submission of `hashes` in `work` and writes its run list and
 * `submission.json` (job id `null`: {@linkcode recordJobId} adds it).
 */
export async function createSubmission(
  work: WorkPaths,
  target: string,
  hashes: readonly string[],
  now: Date = new Date(),
): Promise<Submission> {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const dir = join(slurmDir(work), `${stamp}-${Deno.pid}`);
  await Deno.mkdir(join(dir, "logs"), { recursive: true });
  await Deno.writeTextFile(join(dir, "hashes.txt"), hashes.map((h) => `${h}\n`).join(""));
  const submission = { dir, jobId: null, submittedAt: now.toISOString(), target, hashes };
  await writeManifest(submission);
  return submission;
}

/** `submission` with its job id, written to its `submission.json`. */
export async function recordJobId(submission: Submission, jobId: string): Promise<Submission> {
  const done = { ...submission, jobId };
  await writeManifest(done);
  return done;
}

async function writeManifest(submission: Submission): Promise<void> {
  const { jobId, submittedAt, target } = submission;
  const path = join(submission.dir, "submission.json");
  const temp = `${path}.${Deno.pid}.tmp`;
  const body = { format: SUBMISSION_FORMAT, jobId, submittedAt, target };
  await Deno.writeTextFile(temp, `${JSON.stringify(body, null, 1)}\n`);
  await Deno.rename(temp, path);
}

/**
 * Every submission in `work`, oldest first. One whose `sbatch` never answered takes its job id
 * from a task's start marker; one that has neither (the submission failed) is left out.
 */
export async function readSubmissions(work: WorkPaths): Promise<Submission[]> {
  const found: Submission[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(slurmDir(work)));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  for (const entry of entries) {
    if (!entry.isDirectory) continue;
    const submission = await readSubmission(join(slurmDir(work), entry.name));
    if (submission !== null) found.push(submission);
  }
  return found.sort((a, b) => a.submittedAt < b.submittedAt ? -1 : 1);
}

async function readSubmission(dir: string): Promise<Submission | null> {
  const path = join(dir, "submission.json");
  let value: Record<string, unknown>;
  try {
    value = await readJsonFile(path, {
      missing: msg.submissionUnreadable,
      notJson: msg.submissionUnreadable,
    }) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null; // not a submission folder
    throw error;
  }
  if (value?.format !== SUBMISSION_FORMAT || typeof value.submittedAt !== "string") {
    throw new TypeError(msg.submissionUnreadable(path));
  }
  const hashes = (await Deno.readTextFile(join(dir, "hashes.txt"))).split("\n").filter(Boolean);
  const jobId = typeof value.jobId === "string" ? value.jobId : await jobIdOfMarkers(dir);
  if (jobId === null) return null;
  return {
    dir,
    jobId,
    submittedAt: value.submittedAt,
    target: typeof value.target === "string" ? value.target : "",
    hashes,
  };
}

/** The job id a task wrote in its start marker (`<array job id> <task job id> <host> <time>`). */
async function jobIdOfMarkers(dir: string): Promise<string | null> {
  try {
    for await (const entry of Deno.readDir(join(dir, "started"))) {
      const first = (await Deno.readTextFile(join(dir, "started", entry.name))).split(/\s/)[0];
      if (first && /^\d+$/.test(first)) return first;
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return null;
}

/** A run's task: which submission, which index. */
export interface TaskRef {
  readonly submission: Submission;
  readonly index: number;
}

/** Each run's task in the latest submission that holds it (submissions in any order). */
export function latestTasks(submissions: readonly Submission[]): Map<string, TaskRef> {
  const latest = new Map<string, TaskRef>();
  const ordered = [...submissions].sort((a, b) => a.submittedAt < b.submittedAt ? -1 : 1);
  for (const submission of ordered) {
    submission.hashes.forEach((hash, index) => latest.set(hash, { submission, index }));
  }
  return latest;
}

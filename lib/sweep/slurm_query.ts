/**
 * What Slurm says about array tasks, and submitting an array. Four sources, best first:
 * `squeue` (pending and running tasks), `sacct` (every task, where an accounting daemon runs),
 * `scontrol show job` (tasks that ended within the controller's `MinJobAge`), and the job
 * completion file (`JobCompType=jobcomp/filetxt`, its path from `scontrol show config`), which
 * keeps every task that ran. A task cancelled while pending leaves no trace in the last three;
 * `slurm.ts` knows it by the start marker it never wrote.
 *
 * The output parsers are pure (`parseSqueue`, `parseSacct`, `parseKeyValueLines`) and tested on
 * their own; {@linkcode querySlurm} runs the commands.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { parseSqueue, phaseOf } from "./slurm_query.ts";
 * const tasks = parseSqueue("16|3|PENDING|\n16|2|RUNNING|vm\n");
 * assertEquals(tasks.map((t) => `${t.jobId}_${t.index} ${phaseOf(t.state)}`), [
 *   "16_3 pending",
 *   "16_2 running",
 * ]);
 * ```
 *
 * @module
 */
import * as msg from "./slurm_messages.ts";

/** What became of a task, as far as the runs are concerned. */
export const SlurmPhase = ["pending", "running", "completed", "failed", "interrupted"] as const;

/** What became of a task. */
export type SlurmPhase = typeof SlurmPhase[number];

/**
 * Slurm's job states by phase. A run whose task was cancelled, preempted, timed out or lost its
 * node is `interrupted` (it can run again as it is); one whose task failed is `failed`.
 */
const PHASE_OF_STATE: Readonly<Record<string, SlurmPhase>> = {
  PENDING: "pending",
  REQUEUED: "pending",
  REQUEUE_HOLD: "pending",
  REQUEUE_FED: "pending",
  RESV_DEL_HOLD: "pending",
  RUNNING: "running",
  CONFIGURING: "running",
  COMPLETING: "running",
  SIGNALING: "running",
  STAGE_OUT: "running",
  RESIZING: "running",
  SUSPENDED: "running",
  STOPPED: "running",
  COMPLETED: "completed",
  FAILED: "failed",
  OUT_OF_MEMORY: "failed",
  BOOT_FAIL: "failed",
  DEADLINE: "failed",
  CANCELLED: "interrupted",
  PREEMPTED: "interrupted",
  TIMEOUT: "interrupted",
  NODE_FAIL: "interrupted",
  REVOKED: "interrupted",
};

/**
 * The phase of a Slurm job state (`CANCELLED by 0` reads as `CANCELLED`); a state this code
 * does not know is `failed`, so its run is never taken for one still to come.
 */
export function phaseOf(state: string): SlurmPhase {
  return PHASE_OF_STATE[state.split(/\s/)[0]!.replace(/\+$/, "")] ?? "failed";
}

/** One array task as Slurm reports it. */
export interface TaskState {
  /** The array's job id (`%A`). */
  readonly jobId: string;
  /** The task's index in the array (`%a`). */
  readonly index: number;
  /** Slurm's state word: `PENDING`, `RUNNING`, `COMPLETED`, `CANCELLED`, ... */
  readonly state: string;
  /** The node it ran on, when it started. */
  readonly node: string | null;
  /** When it started and ended (ISO local time as Slurm prints it), when known. */
  readonly start: string | null;
  readonly end: string | null;
  /** Where the state came from. */
  readonly source: "squeue" | "sacct" | "scontrol" | "jobcomp";
}

/** The key of a task: `JOBID_INDEX`, as Slurm writes it. */
export function taskKey(jobId: string, index: number): string {
  return `${jobId}_${index}`;
}

function known(value: string | undefined): string | null {
  return value === undefined || value === "" || value === "Unknown" || value === "None" ||
      value === "(null)"
    ? null
    : value;
}

function index(text: string | undefined): number | null {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : null;
}

/** Tasks of `squeue -h -r -o "%F|%K|%T|%N"` (array job id, task index, state, node). */
export function parseSqueue(text: string): TaskState[] {
  const tasks: TaskState[] = [];
  for (const line of text.split("\n")) {
    const [jobId, task, state, node] = line.trim().split("|");
    const at = index(task);
    if (!jobId || at === null || !state) continue;
    tasks.push({
      jobId,
      index: at,
      state,
      node: known(node),
      start: null,
      end: null,
      source: "squeue",
    });
  }
  return tasks;
}

/** Tasks of `sacct -n -P -X -o JobID,State,Start,End,NodeList` (`16_3|COMPLETED|...`). */
export function parseSacct(text: string): TaskState[] {
  const tasks: TaskState[] = [];
  for (const line of text.split("\n")) {
    const [id, state, start, end, node] = line.trim().split("|");
    const match = id?.match(/^(\d+)_(\d+)$/);
    if (!match || !state) continue;
    tasks.push({
      jobId: match[1]!,
      index: Number(match[2]),
      state: state.split(/\s/)[0]!,
      node: known(node),
      start: known(start),
      end: known(end),
      source: "sacct",
    });
  }
  return tasks;
}

/**
 * Array tasks of `KEY=VALUE` lines, as `scontrol -o show job` and the job completion file write
 * them (`ArrayJobId=16 ArrayTaskId=2 JobState=FAILED ...`). Lines of other jobs, and pending
 * ranges (`ArrayTaskId=1-3%1`), are skipped; a later line of a task replaces an earlier one.
 */
export function parseKeyValueLines(text: string, source: "scontrol" | "jobcomp"): TaskState[] {
  const tasks = new Map<string, TaskState>();
  for (const line of text.split("\n")) {
    const fields = new Map<string, string>();
    for (const word of line.trim().split(/\s+/)) {
      const at = word.indexOf("=");
      if (at > 0 && !fields.has(word.slice(0, at))) {
        fields.set(word.slice(0, at), word.slice(at + 1));
      }
    }
    const jobId = fields.get("ArrayJobId");
    const at = index(fields.get("ArrayTaskId"));
    const state = fields.get("JobState");
    if (!jobId || at === null || !state) continue;
    tasks.set(taskKey(jobId, at), {
      jobId,
      index: at,
      state,
      node: known(fields.get("NodeList")),
      start: known(fields.get("StartTime")),
      end: known(fields.get("EndTime")),
      source,
    });
  }
  return [...tasks.values()];
}

/** What a Slurm command printed, or `null` when the command is not installed. */
interface Output {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a Slurm command; `null` when it is not on PATH. */
export async function slurmCommand(
  command: string,
  args: readonly string[],
): Promise<Output | null> {
  try {
    const out = await new Deno.Command(command, {
      args: [...args],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return { ok: out.success, stdout: decode(out.stdout), stderr: decode(out.stderr).trim() };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** Whether `sbatch` and `squeue` are on PATH. */
export async function slurmInstalled(): Promise<boolean> {
  return (await slurmCommand("squeue", ["--version"]))?.ok === true &&
    (await slurmCommand("sbatch", ["--version"])) !== null;
}

/** Submits the batch script at `script` (`sbatch --parsable`); returns the job id. */
export async function sbatch(script: string): Promise<string> {
  const out = await slurmCommand("sbatch", ["--parsable", script]);
  if (out === null) throw new Deno.errors.NotFound(msg.slurmMissing("sbatch"));
  const jobId = out.stdout.trim().split(";")[0]!;
  if (!out.ok || !/^\d+$/.test(jobId)) {
    throw new Error(msg.sbatchFailed(script, out.stderr || out.stdout.trim()));
  }
  return jobId;
}

/** The tasks of the arrays `jobIds` Slurm knows, by `taskKey`, the best source winning. */
export interface SlurmView {
  readonly tasks: ReadonlyMap<string, TaskState>;
  /** The sources that answered (`squeue` always does, else {@linkcode querySlurm} throws). */
  readonly sources: readonly TaskState["source"][];
}

/**
 * Asks Slurm about the tasks of the arrays `jobIds`: `squeue` first (it must answer: without it
 * no task can be known to be over), then `sacct` where accounting works, else `scontrol` and the
 * job completion file.
 */
export async function querySlurm(jobIds: readonly string[]): Promise<SlurmView> {
  const tasks = new Map<string, TaskState>();
  const sources: TaskState["source"][] = [];
  if (jobIds.length === 0) return { tasks, sources };
  const ids = jobIds.join(",");
  const add = (found: readonly TaskState[], source: TaskState["source"]) => {
    sources.push(source);
    for (const task of found) {
      const key = taskKey(task.jobId, task.index);
      if (!tasks.has(key)) tasks.set(key, task);
    }
  };
  add(await squeueTasks(ids), "squeue");
  const sacct = await slurmCommand("sacct", ["-n", "-P", "-X", "-j", ids, "-o", SACCT_FIELDS]);
  if (sacct?.ok) {
    add(parseSacct(sacct.stdout), "sacct");
    return { tasks, sources };
  }
  for (const id of jobIds) {
    const out = await slurmCommand("scontrol", ["-o", "show", "job", id]);
    if (out?.ok) add(parseKeyValueLines(out.stdout, "scontrol"), "scontrol");
  }
  const file = await jobCompFile();
  if (file !== null) {
    const wanted = new Set(jobIds);
    const lines = (await Deno.readTextFile(file)).split("\n")
      .filter((line) => wanted.has(line.match(/\bArrayJobId=(\d+)/)?.[1] ?? ""));
    add(parseKeyValueLines(lines.join("\n"), "jobcomp"), "jobcomp");
  }
  return { tasks, sources: [...new Set(sources)] };
}

const SACCT_FIELDS = "JobID,State,Start,End,NodeList";

/** Pending and running tasks of `ids`; jobs Slurm has forgotten are simply absent. */
async function squeueTasks(ids: string): Promise<TaskState[]> {
  const out = await slurmCommand("squeue", ["-h", "-r", "-j", ids, "-o", "%F|%K|%T|%N"]);
  if (out === null) throw new Deno.errors.NotFound(msg.slurmMissing("squeue"));
  if (out.ok) return parseSqueue(out.stdout);
  // Every id unknown to the controller: nothing pending or running.
  if (/Invalid job id/i.test(out.stderr)) return [];
  throw new Error(msg.squeueFailed(out.stderr));
}

/** The job completion file, when the cluster writes one (`jobcomp/filetxt`) and it is readable. */
async function jobCompFile(): Promise<string | null> {
  const out = await slurmCommand("scontrol", ["show", "config"]);
  if (!out?.ok) return null;
  const value = (key: string) => out.stdout.match(new RegExp(`^${key}\\s*=\\s*(\\S+)`, "m"))?.[1];
  if (value("JobCompType") !== "jobcomp/filetxt") return null;
  const path = value("JobCompLoc");
  try {
    return path !== undefined && (await Deno.stat(path)).isFile ? path : null;
  } catch {
    return null;
  }
}

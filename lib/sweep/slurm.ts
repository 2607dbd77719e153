/**
 * A sweep as one Slurm job array: `ablate NAME --launcher slurm` plans as a local sweep does
 * (the store takes what landed since the last time), writes a job file per run still missing,
 * and submits one `sbatch --array` whose tasks each run `run-one` on their hash and write their
 * record to the shared records folder (`slurm_script.ts`); it prints the job id and returns. No
 * task opens the database: `deno task collect` (or the next `ablate`) stores the records.
 *
 * What Slurm knows is read from `squeue`, then `sacct` where accounting works, else `scontrol`
 * and the job completion file (`slurm_query.ts`); the submissions live in the working area
 * (`slurm_work.ts`). A run's state is its task's in the latest submission that holds it:
 * - {@linkcode submitToSlurm} leaves out runs whose task is pending or running;
 * - {@linkcode settleSlurmTasks} gives every task that ended without finishing its run a record
 *   saying so, with its Slurm state and log: a task cancelled, preempted, timed out or lost with
 *   its node is `interrupted`, a failed one `failed` (a record the run wrote itself, on SIGTERM,
 *   gets the state and log added). The owner stores these like any record, and the next submit
 *   sends those runs again;
 * - {@linkcode slurmStatus} shows pending / running / finished / failed / interrupted per run.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { PlannedRun } from "../spec/expand.ts";
import { shortHash } from "../spec/plan.ts";
import { INGESTED_DIR, NOT_APPLIED_DIR } from "../track/collect.ts";
import {
  hashOfRecordFile,
  readRunRecord,
  type RecordStatus,
  type RunRecord,
  writeRunRecord,
} from "../track/record.ts";
import type { SweepArgs } from "./args.ts";
import { provenanceVersions } from "./context.ts";
import { checkSweepFolders } from "./folders.ts";
import { jobFileName, readJob, type WorkPaths, workPaths } from "./job.ts";
import * as sweepMsg from "./messages.ts";
import type { ProgressDisplay } from "./progress.ts";
import { resolveSweep } from "./resolve.ts";
import type { SweepScope } from "./settle.ts";
import { batchScript } from "./slurm_script.ts";
import * as msg from "./slurm_messages.ts";
import {
  phaseOf,
  querySlurm,
  sbatch,
  slurmCommand,
  type SlurmPhase,
  type SlurmView,
  taskKey,
} from "./slurm_query.ts";
import {
  createSubmission,
  hasMarker,
  latestTasks,
  readSubmissions,
  recordJobId,
  type Submission,
  taskLog,
  type TaskRef,
  writeMarker,
} from "./slurm_work.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** The launcher flags of `ablate`'s request. */
export type LauncherFlags = Pick<
  SweepArgs,
  | "launcher"
  | "partition"
  | "time"
  | "gpus"
  | "arrayLimit"
  | "module"
  | "slurmOption"
  | "status"
  | "rerun"
  | "plan"
>;

/**
 * Throws a `RangeError` naming the flag when a Slurm flag comes without `--launcher slurm`,
 * `--rerun` with it, or `--status` with `--plan`.
 *
 * @example
 * ```ts
 * import { assertThrows } from "../_std.ts";
 * import { parseSweepArgs } from "./args.ts";
 * import { checkLauncherFlags } from "./slurm.ts";
 * const args = parseSweepArgs(["token-bank", "--partition", "gpu"]);
 * if (!args.help) {
 *   assertThrows(() => checkLauncherFlags(args), RangeError, "Flag --partition applies to");
 * }
 * ```
 */
export function checkLauncherFlags(args: LauncherFlags): void {
  if (args.status && args.plan) throw new RangeError(msg.statusWith("--plan"));
  if (args.launcher === "slurm") {
    if (args.rerun) throw new RangeError(msg.RERUN_ON_SLURM);
    return;
  }
  const given: [string, boolean][] = [
    ["--partition", args.partition !== null],
    ["--time", args.time !== null],
    ["--gpus", args.gpus !== null],
    ["--array-limit", args.arrayLimit !== null],
    ["--module", args.module.length > 0],
    ["--slurm-option", args.slurmOption.length > 0],
  ];
  const first = given.find(([, on]) => on);
  if (first) throw new RangeError(msg.slurmOnlyFlag(first[0]));
}

// ---------------------------------------------------------------- what Slurm and the files say

/** The submissions of a working area with what Slurm says of their tasks. */
interface SlurmRuns {
  readonly latest: ReadonlyMap<string, TaskRef>;
  readonly view: SlurmView;
}

/** `null` when the working area has no submissions. */
async function slurmRuns(work: WorkPaths): Promise<SlurmRuns | null> {
  const submissions = await readSubmissions(work);
  if (submissions.length === 0) return null;
  const latest = latestTasks(submissions);
  const current = new Set([...latest.values()].map((t) => t.submission.jobId!));
  return { latest, view: await querySlurm([...current]) };
}

/** What became of one task. */
interface TaskOutcome {
  readonly key: string;
  readonly phase: SlurmPhase | "unknown";
  /** Slurm's state word (`CANCELLED`), `UNKNOWN` when Slurm no longer lists the task. */
  readonly state: string;
  readonly reason: string;
  readonly log: string;
  readonly node: string | null;
  readonly start: string | null;
  readonly end: string | null;
}

async function taskOutcome(runs: SlurmRuns, ref: TaskRef): Promise<TaskOutcome> {
  const { submission, index } = ref;
  const key = taskKey(submission.jobId!, index);
  const log = taskLog(submission, index);
  const task = runs.view.tasks.get(key);
  if (task !== undefined) {
    const state = task.state.split(/\s/)[0]!;
    const { node, start, end } = task;
    return { key, phase: phaseOf(state), state, reason: "", log, node, start, end };
  }
  // Not pending or running (squeue answered) and unknown to the other sources.
  const started = await hasMarker(submission, "started", index);
  return {
    key,
    phase: started ? "unknown" : "interrupted",
    state: started ? "UNKNOWN" : "CANCELLED",
    reason: started ? msg.FORGOTTEN : msg.NEVER_STARTED,
    log,
    node: null,
    start: null,
    end: null,
  };
}

const ACTIVE: ReadonlySet<string> = new Set<SlurmPhase>(["pending", "running"]);

/** A run's record files: `<records>/<hash>*.run.json`, `ingested/` and `not-applied/`. */
async function recordsOf(
  records: string,
  hash: string,
): Promise<{ path: string; record: RunRecord; stored: boolean }[]> {
  const found = [];
  for (
    const [dir, stored] of [[records, false], [join(records, INGESTED_DIR), true], [
      join(records, NOT_APPLIED_DIR),
      true,
    ]] as const
  ) {
    let names: string[];
    try {
      names = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      throw error;
    }
    for (const name of names.filter((n) => !n.startsWith(".") && n.startsWith(hash)).sort()) {
      const path = join(dir, name);
      if (hashOfRecordFile(path) !== hash) continue;
      try {
        found.push({ path, record: await readRunRecord(path), stored });
      } catch { /* collect names a bad record; here it counts as none */ }
    }
  }
  return found.sort((a, b) => a.record.endedAt < b.record.endedAt ? -1 : 1);
}

/** Records written by the attempt of `submission` (started after it was submitted). */
function attemptOf<T extends { record: RunRecord }>(found: readonly T[], submission: Submission) {
  return found.filter((f) => f.record.startedAt >= submission.submittedAt);
}

// ---------------------------------------------------------------- settling ended tasks

/**
 * Gives each run whose latest task ended without finishing it a record in `work`'s records
 * folder that says so, with the task's Slurm state and log (see the module doc), and leaves a
 * `settled/` marker so it is done once. Returns the hashes it wrote records for; the caller
 * stores them. Does nothing without submissions; says so and does nothing where Slurm is not
 * installed.
 */
export async function settleSlurmTasks(
  work: WorkPaths,
  log: (line: string) => void,
): Promise<string[]> {
  if ((await readSubmissions(work)).length === 0) return [];
  if (await slurmCommand("squeue", ["--version"]) === null) {
    log(msg.slurmAbsentForSettle(join(work.root, "slurm")));
    return [];
  }
  const runs = (await slurmRuns(work))!;
  const written: string[] = [];
  for (const [hash, ref] of runs.latest) {
    if (await hasMarker(ref.submission, "settled", ref.index)) continue;
    const outcome = await taskOutcome(runs, ref);
    if (ACTIVE.has(outcome.phase)) continue;
    const record = await settledRecord(work, hash, ref, outcome, log);
    if (record === undefined) continue; // the job file is gone: said, tried again next time
    if (record !== null) {
      await writeRunRecord(work.records, record);
      written.push(hash);
      log(msg.taskSettled(sweepMsg.runLabel(record), record.status, record.error ?? ""));
    }
    await writeMarker(ref.submission, "settled", ref.index, `${outcome.state} ${outcome.log}`);
  }
  return written;
}

/**
 * {@linkcode settleSlurmTasks} for the working area whose records folder is `records` (the
 * folder `collect --from` names): nothing unless it is `<work>/records`.
 */
export async function settleSlurmTasksOf(
  records: string,
  log: (line: string) => void,
): Promise<string[]> {
  const work = workPaths(dirname(resolve(records)));
  return work.records === resolve(records) ? await settleSlurmTasks(work, log) : [];
}

/**
 * The record to write for a task that ended: its run's own record with the Slurm state added
 * (it did not finish), a record made from the job file (it wrote none), or `null` (nothing to
 * add); `undefined` when the job file cannot be read.
 */
async function settledRecord(
  work: WorkPaths,
  hash: string,
  ref: TaskRef,
  outcome: TaskOutcome,
  log: (line: string) => void,
): Promise<RunRecord | null | undefined> {
  const ended = msg.taskEnded(outcome.key, outcome.state, outcome.log, outcome.reason);
  const own = attemptOf(await recordsOf(work.records, hash), ref.submission);
  if (own.length > 0) {
    const landed = own.find((f) => !f.stored && f.record.status !== "finished");
    if (landed === undefined || outcome.phase === "completed") return null;
    if (landed.record.error?.includes(`Slurm task ${outcome.key} `)) return null;
    return { ...landed.record, error: msg.withTaskState(landed.record.error, ended) };
  }
  const path = join(work.jobs, jobFileName(hash));
  let job;
  try {
    job = await readJob(path);
  } catch (error) {
    log(msg.jobFileGone(outcome.key, path, (error as Error).message));
    return undefined;
  }
  const status: RecordStatus = outcome.phase === "interrupted" || outcome.phase === "unknown"
    ? "interrupted"
    : "failed";
  const reason = outcome.phase === "completed" ? msg.COMPLETED_WITHOUT_RECORD : outcome.reason;
  // Slurm's times have whole seconds: never before the submission.
  const submittedAt = ref.submission.submittedAt;
  const at = (time: string | null) => {
    const iso = time === null ? submittedAt : isoOf(time);
    return iso < submittedAt ? submittedAt : iso;
  };
  const { ablation, variant, seed, preset, config } = job;
  return {
    ...{ hash, ablation, variant, seed, preset, config, overrides: { ...job.overrides } },
    status,
    startedAt: at(outcome.start),
    endedAt: at(outcome.end ?? outcome.start),
    backend: job.config.backend,
    host: outcome.node ?? "slurm",
    versions: provenanceVersions(job.context, null),
    git: { ...job.git },
    error: msg.taskEnded(outcome.key, outcome.state, outcome.log, reason),
    failedStep: null,
    metrics: [],
    results: [],
    classIou: [],
    artifacts: [],
  };
}

/** Slurm's local time (`2026-12-03T07:25:23`) as ISO UTC. */
function isoOf(time: string): string {
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? time : date.toISOString();
}

// ---------------------------------------------------------------- submitting

/** What submitting needs of a planned sweep. */
export interface SlurmSweep extends SweepScope {
  readonly work: WorkPaths;
}

/** Where submitting writes. */
export interface SubmitIo {
  readonly display: ProgressDisplay;
  readonly print: (text: string) => void;
}

/**
 * Submits the runs of `candidates` (the sweep's runs that are not finished) whose task is not
 * pending or running in Slurm as one job array; `writeJobs` writes their job files. Prints the
 * job id (or that there is nothing to submit) and returns 0 without waiting for the array.
 */
export async function submitToSlurm(
  sweep: SlurmSweep,
  candidates: readonly PlannedRun[],
  args: SweepArgs,
  io: SubmitIo,
  writeJobs: (runs: readonly PlannedRun[]) => Promise<unknown>,
): Promise<number> {
  const runs = await slurmRuns(sweep.work);
  const active = new Map<string, string>();
  for (const run of candidates) {
    const ref = runs?.latest.get(run.hash);
    if (runs && ref && ACTIVE.has((await taskOutcome(runs, ref)).phase)) {
      active.set(run.hash, ref.submission.jobId!);
    }
  }
  const jobIds = [...new Set(active.values())];
  const submit = candidates.filter((run) => !active.has(run.hash));
  io.display.close();
  if (submit.length === 0) {
    io.print(msg.nothingToSubmit(active.size, jobIds));
    return 0;
  }
  if (active.size > 0) io.print(msg.skippedActive(active.size, jobIds));
  await writeJobs(submit);
  const submission = await createSubmission(sweep.work, args.target, submit.map((r) => r.hash));
  const script = join(submission.dir, "array.sbatch");
  await Deno.writeTextFile(
    script,
    batchScript({
      submission: submission.dir,
      repo: REPO.replace(/\/$/, ""),
      jobs: sweep.work.jobs,
      records: sweep.work.records,
      deno: Deno.execPath(),
      tasks: submit.length,
      arrayLimit: args.arrayLimit,
      partition: args.partition,
      time: args.time,
      gpus: args.gpus,
      modules: args.module,
      options: args.slurmOption,
      name: `c2s-${args.target}`,
    }),
  );
  let jobId: string;
  try {
    jobId = await sbatch(script);
  } catch (error) {
    await Deno.remove(submission.dir, { recursive: true }).catch(() => {});
    throw error;
  }
  await recordJobId(submission, jobId);
  io.print(msg.submitted(jobId, submit.length, {
    dir: submission.dir,
    records: sweep.work.records,
    db: resolve(args.db),
    target: args.target,
    limit: args.arrayLimit,
  }));
  return 0;
}

// ---------------------------------------------------------------- status

/** What `--status` shows of one run. */
interface StatusRow {
  readonly run: PlannedRun;
  readonly state: RecordStatus | "pending" | "running" | "not submitted";
  readonly task: string;
  readonly detail: string;
}

/**
 * The text of `ablate NAME --status`: each distinct run of the plan with its state (pending,
 * running, finished, failed, interrupted, not submitted), its Slurm task and, for a run that did
 * not finish, Slurm's state and the task's log. Reads Slurm and the record files; writes nothing
 * and opens no database.
 */
export async function slurmStatus(args: SweepArgs): Promise<string> {
  await checkSweepFolders(args);
  const resolved = await resolveSweep(args, { requireContext: true });
  const work = workPaths(args.workDir);
  const planned = new Map<string, PlannedRun>();
  for (const run of resolved.runs) if (!planned.has(run.hash)) planned.set(run.hash, run);
  const runs = await slurmRuns(work);
  const rows: StatusRow[] = [];
  for (const run of planned.values()) rows.push(await statusOf(run, work, runs));
  const jobIds = [...new Set(rows.map((r) => r.task.split("_")[0]!).filter(Boolean))];
  const order: StatusRow["state"][] = [
    "finished",
    "running",
    "pending",
    "failed",
    "interrupted",
    "not submitted",
  ];
  const counts = Object.fromEntries(
    order.map((s) => [s, rows.filter((r) => r.state === s).length]),
  );
  return [
    msg.statusTitle(args.target, planned.size, jobIds),
    formatRows(rows, args.target === "all"),
    msg.statusCounts(counts, runs?.view.sources ?? []),
  ].join("\n");
}

async function statusOf(
  run: PlannedRun,
  work: WorkPaths,
  runs: SlurmRuns | null,
): Promise<StatusRow> {
  const found = await recordsOf(work.records, run.hash);
  const finished = found.find((f) => f.record.status === "finished");
  const ref = runs?.latest.get(run.hash);
  const outcome = runs && ref ? await taskOutcome(runs, ref) : null;
  const task = outcome?.key ?? "";
  const notStored = (f: { stored: boolean }) => f.stored ? "" : msg.NOT_COLLECTED;
  if (finished) return { run, state: "finished", task, detail: notStored(finished) };
  if (outcome && (outcome.phase === "pending" || outcome.phase === "running")) {
    const detail = outcome.phase === "running"
      ? `on ${outcome.node ?? "?"}; log ${outcome.log}`
      : "";
    return { run, state: outcome.phase, task, detail };
  }
  if (outcome && ref) {
    const own = attemptOf(found, ref.submission).at(-1);
    const ended = msg.taskEnded(outcome.key, outcome.state, outcome.log, outcome.reason);
    if (own) return { run, state: own.record.status, task, detail: joined(ended, notStored(own)) };
    const state = outcome.phase === "interrupted" || outcome.phase === "unknown"
      ? "interrupted"
      : "failed";
    return { run, state, task, detail: joined(ended, msg.NOT_MARKED) };
  }
  const latest = found.at(-1);
  if (latest) return { run, state: latest.record.status, task, detail: latest.record.error ?? "" };
  return { run, state: "not submitted", task, detail: "" };
}

function joined(...parts: string[]): string {
  return parts.filter(Boolean).join("; ");
}

function formatRows(rows: readonly StatusRow[], withAblation: boolean): string {
  const table = rows.map((r) => [
    ...(withAblation ? [r.run.ablation] : []),
    r.run.variant,
    String(r.run.seed),
    shortHash(r.run.hash),
    r.state,
    r.task || "-",
    r.detail,
  ]);
  const head = [...(withAblation ? ["ablation"] : []), "variant", "seed", "hash", "state"];
  const all = [[...head, "task", "detail"], ...table];
  const widths = all[0]!.map((_, i) => Math.max(...all.map((row) => row[i]!.length)));
  return all.map((row) =>
    `  ${row.map((cell, i) => i === row.length - 1 ? cell : cell.padEnd(widths[i]!)).join("  ")}`
      .trimEnd()
  ).join("\n");
}

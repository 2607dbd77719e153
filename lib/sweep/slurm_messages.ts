/**
 * User-facing messages of the Slurm launcher (`ablate --launcher slurm`, `ablate --status`), one
 * typed function each, so tests can assert them and they read alike. Kept beside
 * `messages.ts` so the launcher's wording lives in one place.
 *
 * @module
 */

function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

/** A Slurm command is not on PATH. */
export function slurmMissing(command: string): string {
  return `Cannot reach Slurm: "${command}" is not on PATH (install slurm-wlm, or run on a ` +
    `login node of the cluster; on this machine .ci/slurm-up starts a one-node cluster)`;
}

/** `sbatch` refused the script. */
export function sbatchFailed(script: string, reason: string): string {
  return `sbatch refused the batch script "${script}": ${reason || "no reason given"}`;
}

/** `squeue` failed. */
export function squeueFailed(reason: string): string {
  return `squeue failed, so no task can be known to be over: ${reason || "no reason given"}`;
}

/** A submission folder's `submission.json` cannot be read. */
export function submissionUnreadable(path: string, reason = "not a submission file"): string {
  return `Cannot read the Slurm submission "${path}": ${reason} (move its folder away to go on)`;
}

/** A Slurm-only flag without `--launcher slurm`. */
export function slurmOnlyFlag(flag: string): string {
  return `Flag ${flag} applies to --launcher slurm only (add --launcher slurm, or drop ${flag})`;
}

/** `--rerun` with `--launcher slurm`. */
export const RERUN_ON_SLURM = `Flag --rerun is not available with --launcher slurm: a finished ` +
  `run's later record is kept aside, not stored (run the reruns locally, or leave out --rerun)`;

/** `--status` with something that asks for work. */
export function statusWith(flag: string): string {
  return `Flag --status only reports; it does not go with ${flag}`;
}

/** The array went out. */
export function submitted(
  jobId: string,
  runs: number,
  at: { dir: string; records: string; db: string; target: string; limit: number | null },
): string {
  const limit = at.limit === null ? "" : `, at most ${at.limit} at once`;
  return [
    `Submitted ${plural(runs, "run")} as Slurm job array ${jobId} (tasks 0-${runs - 1}${limit})`,
    `  logs:    ${at.dir}/logs/${jobId}_N.out`,
    `  records: ${at.records}`,
    `  watch:   this ablate command with --status in place of --launcher slurm`,
    `  store:   deno task collect --from ${at.records} --db ${at.db}  (or run ablate again)`,
  ].join("\n");
}

/** Nothing left to submit. */
export function nothingToSubmit(active: number, jobIds: readonly string[]): string {
  return `Nothing to submit: the ${plural(active, "unfinished run")} of the plan ${
    active === 1 ? "is" : "are"
  } pending or running in Slurm (job ${jobIds.join(", ")})`;
}

/** Runs skipped because Slurm still has them. */
export function skippedActive(active: number, jobIds: readonly string[]): string {
  return `${plural(active, "run")} still pending or running in Slurm (job ${
    jobIds.join(", ")
  }): not submitted again`;
}

/** What a task that ended without finishing its run came to, for the run's `error`. */
export function taskEnded(task: string, state: string, log: string, reason: string): string {
  return `Slurm task ${task} ended ${state}${reason === "" ? "" : ` (${reason})`}; log ${log}`;
}

/** A task that never started and that Slurm no longer lists. */
export const NEVER_STARTED = "cancelled before it started";
/** A task Slurm no longer knows, with no record. */
export const FORGOTTEN = "Slurm no longer lists it and it wrote no record";
/** A task Slurm says completed, with no record. */
export const COMPLETED_WITHOUT_RECORD = "it exited 0 but wrote no record";

/** The Slurm part appended to a record's own error. */
export function withTaskState(error: string | null, ended: string): string {
  return error === null || error === "" ? ended : `${error}. ${ended}`;
}

/** A run's record was written from what Slurm said. */
export function taskSettled(label: string, status: string, ended: string): string {
  return `${status} ${label}: ${ended}`;
}

/** A task's run cannot be marked: its job file is gone. */
export function jobFileGone(task: string, path: string, reason: string): string {
  return `Cannot mark Slurm task ${task}: its job file "${path}" cannot be read (${reason})`;
}

/** The work folder has submissions but Slurm is not installed here. */
export function slurmAbsentForSettle(dir: string): string {
  return `Slurm submissions in "${dir}" not checked: squeue is not on PATH here (tasks that ` +
    `ended without a record are marked where Slurm runs)`;
}

/** The title of `ablate NAME --status`. */
export function statusTitle(target: string, runs: number, jobIds: readonly string[]): string {
  const jobs = jobIds.length === 0 ? "never submitted to Slurm" : `Slurm job ${jobIds.join(", ")}`;
  return `${target}: ${plural(runs, "distinct run")}, ${jobs}`;
}

/** The last line of `ablate NAME --status`. */
export function statusCounts(
  counts: Readonly<Record<string, number>>,
  sources: readonly string[],
): string {
  const parts = Object.entries(counts).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`);
  const from = [...sources, "the record files"].join(", ");
  return `${parts.join(", ") || "no runs"} (from ${from})`;
}

/** A record that landed and is not in the database yet. */
export const NOT_COLLECTED = "record not stored yet: deno task collect (or ablate again)";

/** A task's end that no record says yet. */
export const NOT_MARKED = "not marked yet: deno task collect (or ablate again) stores it";

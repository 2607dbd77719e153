/**
 * Every line the drill prints: scenario names, findings and the summary, as typed functions.
 *
 * @module
 */

const q = (value: string) => JSON.stringify(value);

/** The first line of `text`, at most `max` characters (for quoting output in a finding). */
export function excerpt(text: string, max = 160): string {
  const line = text.split("\n").map((l) => l.trim()).find((l) => l !== "") ?? "";
  return q(line.length > max ? `${line.slice(0, max - 3)}...` : line);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

// ---------------------------------------------------------------- scenario names

/** `kill -9` of the owner at a random time. */
export function killOwnerAt(ms: number): string {
  return `kill -9 owner at ${seconds(ms)}`;
}

/** `kill -9` of a worker some time after it started. */
export function killWorkerAt(ms: number): string {
  return `kill -9 worker ${seconds(ms)} after its start`;
}

/** `kill -9` of the owner after a record landed; whether it was still waiting to be moved. */
export function killDuringIngest(ms: number, landed: boolean, still: boolean): string {
  if (!landed) return `kill -9 owner while ingesting (no record landed: killed at its end)`;
  return `kill -9 owner ${ms} ms after a record landed (${still ? "not yet" : "already"} moved)`;
}

/** `kill -9` of the owner after its last line, as it closes (and checkpoints) the database. */
export function killAtClose(ms: number, sawLast: boolean): string {
  return sawLast
    ? `kill -9 owner ${ms} ms after "Done:" (closing)`
    : `kill -9 owner at its end (no "Done:" line)`;
}

/** Appended to {@linkcode killAtClose}: whether the write-ahead log was left behind. */
export function walLeft(left: boolean): string {
  return left ? ", WAL left" : ", no WAL";
}

/** The resume that ends a round of kills. */
export function resumeAfterKills(kills: number, planned: number): string {
  return `resume after ${kills} kills: ${planned} runs finished once`;
}

/** Two sweeps on one database. */
export const TWO_OWNERS = "two owners at once";

/** `query` while a sweep runs. */
export function readers(answered: number, tries: number, medianMs: number | null): string {
  const median = medianMs === null ? "" : `, median ${medianMs} ms`;
  return `readers during a sweep: ${answered}/${tries} answered${median}`;
}

/** A signal to one process of the tree. */
export function signalTo(signal: string, target: string): string {
  return `${signal} to the ${target}`;
}

/** Which process of the tree. */
export const TARGETS = {
  task: "deno task process",
  owner: "owner (deno run)",
  worker: "worker",
} as const;

/** Disk full. */
export const DISK_FULL = "disk full during a sweep";

/** The resume after the disk had room again. */
export const DISK_FREED = "resume once the disk has room";

/** A read-only working folder. */
export const READ_ONLY = "read-only work folder";

/** A stale record of a finished run after `run-one` and Ctrl-C, then `collect`. */
export const STALE_RUN_ONE = "run-one of a finished run, Ctrl-C, collect";

/** A failed record of a finished run dropped into the records folder, then `ablate`. */
export const STALE_FAILED = "failed record of a finished run, then ablate";

/** Corrupt records dropped into the records folder, then `ablate`. */
export const CORRUPT_RECORDS = "corrupt records in the records folder, then ablate";

// ---------------------------------------------------------------- findings

/** The process to kill was never seen. */
export const NO_TARGET = "the process to kill never showed up";

/** A task ran past its deadline. */
export function hung(task: string, ms: number): string {
  return `${task} was still running after ${seconds(ms)}: killed`;
}

/** Processes that outlived their owner. */
export function orphans(pids: readonly number[], ms: number): string {
  return `process ${pids.join(", ")} still running ${seconds(ms)} after the owner ended: killed`;
}

/** A finished run was started again. */
export function retrained(hash: string): string {
  return `finished run ${hash} was trained again`;
}

/** The second client could not open the file. */
export function probeError(error: string | null): string {
  return `a second client cannot open the database: ${excerpt(error ?? "")}`;
}

/** The probe process itself failed. */
export function probeFailed(code: number, stderr: string): string {
  return `the probe exited with ${code}: ${excerpt(stderr)}`;
}

/** A task exited with a code other than the one expected. */
export function exitCode(task: string, code: number, output: string, expected = 0): string {
  return `${task} exited with ${code}, expected ${expected}: ${excerpt(output)}`;
}

/** A planned run is not finished exactly once. */
export function notFinishedOnce(hash: string, times: number): string {
  return `planned run ${hash} is finished ${times} times, expected once`;
}

/** A malformed input was accepted. */
export function accepted(task: string): string {
  return `${task} accepted it (exit 0)`;
}

/** A file that should have stayed was deleted. */
export function deleted(path: string): string {
  return `${q(path)} was deleted`;
}

/** A file an early error should not have created. */
export function leftBehind(path: string): string {
  return `it left ${q(path)} behind`;
}

/** The message does not name what it should. */
export function culpritMissing(missing: readonly string[], output: string): string {
  return `the message does not name ${missing.map(q).join(", ")}: ${excerpt(output)}`;
}

/** The message carries a stack trace. */
export function stackTrace(output: string): string {
  return `the message carries a stack trace: ${excerpt(output)}`;
}

/** No stopped run's error names the signal. */
export function signalUnnamed(signal: string, errors: readonly string[]): string {
  return `no stopped run's error names ${signal}: ${excerpt(errors.join(" | "))}`;
}

/** Runs still marked running after the tree stopped. */
export function leftRunning(count: number): string {
  return `${count} run(s) left marked running`;
}

/** A sweep that should have gone on did not finish its runs. */
export function notFinished(missing: number): string {
  return `${missing} planned run(s) not finished`;
}

/** A reader failed or was slow. */
export function readerFailed(ms: number, output: string): string {
  return `a query failed after ${ms} ms: ${excerpt(output)}`;
}

/** A reader was slower than the goal. */
export function readerSlow(ms: number, goalMs: number): string {
  return `a query took ${ms} ms (goal: under ${goalMs} ms)`;
}

/** Setting a scenario up failed. */
export function setupFailed(what: string, output: string): string {
  return `Drill setup failed: ${what}: ${excerpt(output, 400)}`;
}

/** A scenario threw instead of giving its row. */
export function scenarioCrashed(error: string): string {
  return `the drill could not finish this scenario: ${excerpt(error, 300)}`;
}

/** Why disk-full cannot run here. */
export function noTmpfs(reason: string): string {
  return `cannot mount a tmpfs (${reason}); run as root on Linux`;
}

/** Why the read-only folder cannot be made here. */
export function noReadOnly(reason: string): string {
  return `cannot make a read-only folder (${reason})`;
}

// ---------------------------------------------------------------- table and summary

/** A lost run or record, in a finding. */
export function lostItem(what: string): string {
  return `lost: ${what}`;
}

/** A finished run that is no longer finished. */
export function lostRun(hash: string, status: string | null): string {
  return `run ${hash} was finished, now ${status ?? "gone"}`;
}

/** A finished run whose rows were replaced (it ended again). */
export function replacedRun(hash: string, was: string, now: string | null): string {
  return `run ${hash} finished at ${was}; its results were replaced by a run that ended at ` +
    (now ?? "an unknown time");
}

/** A record that vanished unstored. */
export function lostRecord(name: string, status: string | null): string {
  return `record ${name} (${status ?? "unreadable"}) is gone and was never stored`;
}

/** A finished record whose run is not finished once the owner settled. */
export function landedNotFinished(hash: string, status: string | null): string {
  return `run ${hash}: its finished record landed, the run is ${status ?? "gone"}`;
}

/** Runs with a row stored twice. */
export function duplicatedRuns(count: number): string {
  return `${count} run(s) have rows stored twice`;
}

/** The database did not open afterwards. */
export const DOES_NOT_OPEN = "the database does not open in a second client";

/** A skipped row. */
export function skippedRow(scenario: string, reason: string): string {
  return `skipped: ${scenario}: ${reason}`;
}

/** A failing row: what went wrong, and the command that reproduces it. */
export function failedRow(scenario: string, what: readonly string[], reproduce: string): string {
  return [`FAIL ${scenario}`, ...what.map((w) => `  - ${w}`), `  reproduce: ${reproduce}`]
    .join("\n");
}

/** The last line. */
export function summary(
  t: {
    rows: number;
    passed: number;
    failed: number;
    skipped: number;
    lost: number;
    duplicated: number;
  },
  seed: number,
  ms: number,
): string {
  return `Drill: ${t.rows} scenarios, ${t.passed} passed, ${t.failed} failed, ${t.skipped} ` +
    `skipped; ${t.lost} lost, ${t.duplicated} duplicated (seed ${seed}, ${seconds(ms)})`;
}

/** Where the kept folder is. */
export function keptAt(path: string): string {
  return `Files kept in ${q(path)}`;
}

/** The drill's folder before it starts. */
export function startingIn(path: string, short: boolean, seed: number): string {
  return `Fault drill (${short ? "short" : "full"}, seed ${seed}) in ${q(path)}`;
}

/**
 * User-facing messages of the sweep runner (`ablate`, `run-one`), one typed function each, so
 * tests can assert them and they read alike.
 *
 * @module
 */
import { messages as tfMessages } from "../tf/messages.ts";

function q(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

// ---------------------------------------------------------------- job files

/** A job hash that is not 64 lower-case hex digits. */
export function badJobHash(hash: string): string {
  return `Job hash ${q(hash)} is not 64 lower-case hex digits`;
}

/** A job file field with the wrong type. */
export function badJobField(source: string, field: string, expected: string, got: unknown): string {
  return `Job file ${q(source)}: field ${q(field)} must be ${expected}, got ${q(got)}`;
}

/** A job whose contents do not hash to its name. */
export function jobHashMismatch(source: string, hash: string, actual: string): string {
  return `Job file ${q(source)} says hash ${q(hash)} but its contents hash to ${q(actual)}: ` +
    `it was edited or written by another version; plan it again with \`deno task ablate\``;
}

/** A missing job file. */
export function jobMissing(path: string): string {
  return `Job file ${q(path)} does not exist`;
}

/** A job file that is not JSON. */
export function jobNotJson(path: string, reason: string): string {
  return `Job file ${q(path)} is not JSON: ${reason}`;
}

/** `run-one REF` found nothing. */
export function jobRefNotFound(ref: string, dir: string): string {
  return `No job ${q(ref)}: not a file, and no job file in ${q(dir)} starts with it ` +
    `(a hash needs at least 8 hex digits; \`deno task ablate NAME --plan\` lists them)`;
}

/** `run-one PREFIX` matched several jobs. */
export function jobRefAmbiguous(ref: string, count: number): string {
  return `Hash prefix ${q(ref)} matches ${count} job files; give more digits`;
}

// ---------------------------------------------------------------- running one job

/** A run kind the core cannot execute. */
export function kindNotImplemented(kind: string): string {
  return `Runs of kind ${q(kind)} are not implemented: the C2S core offers no ${kind} ` +
    `entry point, so nothing was measured`;
}

/** The pseudo-mask cost of a finished training run could not be measured. */
export function costNotMeasured(reason: string): string {
  return `The pseudo-mask cost was not measured: ${reason}`;
}

/** Error text of a measurement or efficiency run stopped by its abort signal. */
export function measurementInterrupted(): string {
  return "Interrupted before the measurement was complete";
}

/** The data, teacher or code differ from what the job was planned with. */
export function contextMismatch(what: string, planned: string, found: string): string {
  return `The ${what} differs from the one this job was planned with (planned ${q(planned)}, ` +
    `found ${q(found)}): plan the sweep again with \`deno task ablate\``;
}

/** Error text of a run stopped before training began. */
export function interruptedBeforeTraining(): string {
  return "Interrupted before training began";
}

/** A run's worker ended with an uncaught error. */
export function workerFailed(detail: string): string {
  return `The run worker failed: ${detail}`;
}

/** A run-one child that ended without writing a record. */
export function childDiedWithoutRecord(pid: number, how: string, stderr: string): string {
  const tail = stderr.trim() === "" ? "" : `; its last output: ${stderr.trim()}`;
  return `Worker process ${pid} ${how} before writing its run record${tail}`;
}

/** How a child process ended. */
export function exitDescription(code: number, signal: string | null): string {
  return signal === null ? `exited with code ${code}` : `was killed by ${signal}`;
}

/** The database could not take a run's outcome. */
export function outcomeNotStored(label: string, reason: string): string {
  return `The outcome of ${label} could not be stored: ${reason}`;
}

/** A record that could not be read or stored; `movedTo`: where an invalid one was put aside. */
export function recordUnusable(
  path: string,
  reason: string,
  movedTo: string | null = null,
): string {
  return `The run record ${q(path)} could not be stored: ${reason}` +
    (movedTo === null ? "" : ` (moved to ${q(movedTo)})`);
}

/** A folder flag names nothing. */
export function folderMissing(flag: string, path: string): string {
  return `Flag --${flag}: folder ${q(path)} does not exist`;
}

/** A folder flag names a file. */
export function notAFolder(flag: string, path: string): string {
  return `Flag --${flag}: ${q(path)} is not a folder`;
}

/** `--work` cannot be made a folder: a file is in the way. */
export function workBlocked(path: string, file: string): string {
  return `Flag --work: ${q(path)} cannot be a folder: ${q(file)} is not one`;
}

/** A folder flag's path cannot be looked at (no permission, say). */
export function folderUnusable(flag: string, path: string, reason: string): string {
  return `Flag --${flag}: cannot use ${q(path)}: ${reason}`;
}

/** A finished run started again (`--rerun`): where its earlier rows are kept. */
export function rerunKept(label: string, keptId: string): string {
  return `${label}: retraining; the earlier finished run is kept as ${q(keptId)}`;
}

/** A late record of a finished run: kept on disk, the run's rows untouched. */
export function recordNotApplied(label: string, status: string, keptAt: string | null): string {
  return `${label}: kept, not applied: its ${status} record (${
    keptAt === null ? "left in place" : q(keptAt)
  }) is of another attempt, and the run is finished (--rerun retrains it)`;
}

// ---------------------------------------------------------------- sweep

/** The database is held by another process. */
export function databaseBusy(path: string, pid: number | null): string {
  const who = pid === null ? "another process" : `another process (pid ${pid})`;
  return `Database ${q(path)} is being written by ${who}, another sweep or collect: one process ` +
    `at a time may write it. Wait for that one to end (--wait SECONDS) or stop it, or pass ` +
    `another --db PATH`;
}

/** Runs of the plan still marked running by a live process after waiting. */
export function stillRunning(label: string, pid: number): string {
  return `${label} is still marked running by live process ${pid}; it is not started again ` +
    `in this sweep`;
}

/** Runs from a dead process found at start-up. */
export function reaped(label: string, pid: number): string {
  return `${label} was left running by process ${pid}, which is gone: marked interrupted, ` +
    `it runs again`;
}

/** Records found at start-up and stored. */
export function leftoverIngested(label: string, status: string): string {
  return `${label}: stored its ${status} record left by an earlier sweep`;
}

/** Nothing to do. */
export function nothingToRun(total: number): string {
  return `Nothing to run: all ${plural(total, "distinct run")} of the plan are finished`;
}

/** What the sweep will run. */
export function sweepStart(
  pending: number,
  done: number,
  total: number,
  workers: number,
  db: string,
): string {
  return `Running ${plural(pending, "run")} (${done} of ${total} already finished) with ` +
    `${plural(workers, "worker")}, tracked in ${q(db)}`;
}

/** `token-bank "6" seed 1`: a run in log lines. */
export function runLabel(run: { ablation: string; variant: string; seed: number }): string {
  return `${run.ablation} "${run.variant}" seed ${run.seed}`;
}

/** A run's child started: `start  token-bank "6" seed 1 (0123456789ab) pid 42`. */
export function runStarted(label: string, shortHash: string, pid: number): string {
  return `start  ${label} (${shortHash}) pid ${pid}`;
}

/** A warning a run's child sent. */
export function runWarning(label: string, message: string): string {
  return `warning: ${label}: ${message}`;
}

/**
 * A run ended, the `done`-th of `total`: `[2/3] finished    token-bank "6" seed 1 (0123456789ab)
 * hIoU 38.1 in 3m05s` with its scores and time, else `...: ` and why it did not finish.
 */
export function runEnded(
  done: number,
  total: number,
  status: string,
  run: { label: string; shortHash: string },
  outcome: { scores: string; duration: string } | { error: string },
): string {
  const head = `[${done}/${total}] ${status.padEnd(11)} ${run.label} (${run.shortHash})`;
  return "error" in outcome
    ? `${head}: ${outcome.error}`
    : `${head} ${outcome.scores} in ${outcome.duration}`;
}

/** The first Ctrl-C. */
export const STOPPING =
  "Stopping: the runs in progress are stopped and marked interrupted (Ctrl-C again to kill them now)";

/** The end of an interrupted sweep. */
export function interruptedSummary(interrupted: number, finished: number): string {
  return `Interrupted: ${plural(interrupted, "run")} marked interrupted, ` +
    `${plural(finished, "finished run")} kept. Run the same command again to resume`;
}

/** Error of a run stopped by Ctrl-C without its own record. */
export const STOPPED_BY_USER = "Stopped by Ctrl-C (SIGINT) before the run finished";

/** The sweep stops on `signal` (the first one; for SIGINT, {@linkcode STOPPING}). */
export function stopping(signal: string): string {
  if (signal === "SIGINT") return STOPPING;
  return `Stopping on ${signal}: the runs in progress are stopped and marked interrupted ` +
    `(${signal} again to kill them now)`;
}

/** The sweep stops because a process that started it (npm, a shell, `deno task`) is gone. */
export function launcherGone(pid: number, name: string): string {
  return `Stopping: the process that started this sweep (pid ${pid}, ${q(name)}) is gone; ` +
    `the runs in progress are stopped and marked interrupted`;
}

/** Error of a run stopped by `signal` without its own record (SIGINT: {@linkcode STOPPED_BY_USER}). */
export function stoppedBy(signal: string): string {
  return signal === "SIGINT" ? STOPPED_BY_USER : `Stopped by ${signal} before the run finished`;
}

/** What stopped a run, in its record: `Training was interrupted at step 3 (SIGTERM)`. */
export function interruptedBy(error: string, cause: string): string {
  return `${error} (${cause})`;
}

/** The cause of a run stopped because its sweep is gone (end-of-file on `run-one`'s stdin). */
export const OWNER_GONE = "the sweep that started it is gone";

/** `--backend webgpu` on a machine whose only WebGPU adapter is a software one. */
export function softwareWebGpu(adapter: string): string {
  return `${tfMessages.webGpuFallback(adapter)}. Nothing was started: pass --backend wasm ` +
    `(or cpu), or run the sweep on a machine with a GPU`;
}

/** WebGPU gave no adapter within `ms`. */
export function webGpuNoAnswer(ms: number): string {
  return tfMessages.noWebGpuAdapter(`navigator.gpu.requestAdapter() did not answer in ${ms} ms`);
}

/** The end of a sweep. */
export function sweepSummary(finished: number, failed: number, interrupted: number): string {
  const parts = [`${plural(finished, "run")} finished`];
  if (failed > 0) parts.push(`${failed} failed`);
  if (interrupted > 0) parts.push(`${interrupted} interrupted`);
  return `Done: ${parts.join(", ")}` +
    (failed + interrupted > 0 ? "; failed and interrupted runs run again next time" : "");
}

/** The sweep's wall time and, per table, the runs it trained and their summed run time. */
export function sweepTimes(
  wall: string,
  rows: readonly { table: string; runs: number; time: string }[],
): string {
  const width = Math.max(0, ...rows.map((r) => r.table.length));
  return [
    `Wall time ${wall}; runs trained, by the table that planned them (run times summed over workers):`,
    ...rows.map((r) => `  ${r.table.padEnd(width)}  ${plural(r.runs, "run")}  ${r.time}`),
  ].join("\n");
}

/** The plan was made without a teacher or data, so its hashes are provisional. */
export function provisionalPlan(reason: string): string {
  return `Hashes are provisional (${reason}): runs cannot be matched with finished ones`;
}

/** The plan could not read the database. */
export function planWithoutDatabase(db: string, reason: string): string {
  return `Could not read ${q(db)} (${reason}): every run is shown as pending`;
}

// ---------------------------------------------------------------- stale runs (plans)

/** Files or keys a stale reason names before it says how many more there are. */
export const STALE_NAMES_SHOWN = 4;

function listed(names: readonly string[]): string {
  const more = names.length - STALE_NAMES_SHOWN;
  return names.slice(0, STALE_NAMES_SHOWN).join(", ") + (more > 0 ? ` and ${more} more` : "");
}

/** Why a row's finished run is stale: the code that produces results changed (`files`). */
export function staleCode(files: readonly string[] | null): string {
  return `code changed since it ran (${
    files === null ? "its record lists no files" : listed(files)
  })`;
}

/** Why a row's finished run is stale: another teacher (`ranWith`: `name@hash` it ran with). */
export function staleTeacher(ranWith: string): string {
  return `teacher changed (it ran with ${q(ranWith)})`;
}

/** Why a row's finished run is stale: other data (`ranOn`: the source line of what it ran on). */
export function staleData(ranOn: string): string {
  return `data changed (it ran on ${ranOn})`;
}

/** Why a row's finished run is stale: its resolved config differs at `keys`. */
export function staleConfig(keys: readonly string[]): string {
  return `config changed (${listed(keys)})`;
}

/** Why a row's finished run is stale when code, teacher, data and config are all the same. */
export function staleIdentity(): string {
  return "its identity changed (run kind or hash layout)";
}

// ---------------------------------------------------------------- --until-resolved

/** `--max-seeds` given without `--until-resolved`. */
export const MAX_SEEDS_ALONE = "--max-seeds goes with --until-resolved (the most seeds it may add)";

/** `--until-resolved` with `--launcher slurm`. */
export const UNTIL_RESOLVED_ON_SLURM = "--until-resolved runs here only: it waits for each " +
  "look's runs before it plans the next (with --launcher slurm, raise --seeds and run ablate " +
  "again after collect)";

/** `--until-resolved` with `--rerun`. */
export const UNTIL_RESOLVED_RERUN = "--until-resolved and --rerun do not go together";

/** A seed cap below the starting seeds. */
export function maxSeedsBelowStart(max: number, first: number): string {
  return `--max-seeds ${max} is below the starting seeds (${first}, --seeds)`;
}

/** A level as a percentage: 98.75% for 0.9875. */
function percent(level: number): string {
  return `${Number((level * 100).toFixed(2))}%`;
}

/** The CI column label of a look's claims. */
export function lookCiLabel(level: number): string {
  return `${percent(level)} CI`;
}

/** The looks an `--until-resolved` sweep plans, said once before the first. */
export function looksPlanned(seeds: readonly number[], level: number): string {
  return `Until resolved: looks at ${seeds.join(", ")} seeds per variant; the 5% error rate ` +
    `is split over these ${seeds.length} looks (Bonferroni), so each look judges a claim ` +
    `with a paired ${percent(level)} CI.`;
}

/** The head line of one look at a table (of the table alone when it has no looks). */
export function lookHead(
  table: { table: string; name: string },
  look?: { index: number; of: number; seeds: number },
): string {
  const name = `Table ${table.table} (${table.name})`;
  if (look === undefined) return `${name}:`;
  return `${name}, look ${look.index} of ${look.of} at ${look.seeds} seeds:`;
}

/** A table whose paper orders none of its rows. */
export const NOTHING_TO_RESOLVE = "the paper orders no pair of its rows; nothing to resolve.";

/** What a look concluded: all resolved, unresolved at the cap, or the next look. */
export function lookOutcome(open: number, seeds: number, next: number | null): string {
  if (open === 0) return "every claim is resolved.";
  if (next === null) {
    return `${plural(open, "claim")} still unresolved at the cap of ${seeds} seeds (--max-seeds).`;
  }
  return `${plural(open, "claim")} unresolved: next look at ${next} seeds.`;
}

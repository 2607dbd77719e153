/**
 * Stopping a sweep's process tree. A sweep is started as `npx -y deno@2 task ablate` (npm, the
 * `sh -c` npm runs, `deno task`, then the owner, `deno run lib/cli/ablate.ts`) or a shorter chain,
 * and the owner starts one `run-one` worker per run. A SIGINT or SIGTERM to any of them stops them
 * all:
 *
 * - the owner: {@linkcode listenForInterrupts} aborts `stop` with the signal as its reason; the
 *   pool passes the same signal on to the workers, which end their runs as interrupted;
 * - `deno task` passes SIGINT and SIGTERM on to the owner (measured with Deno 2.9);
 * - npm passes them on to its `sh -c`, which dies of SIGTERM without passing it on (and holds
 *   SIGINT until its child ends): the owner watches its launchers, the processes above it that
 *   exist only to run it (`deno task`, `sh -c`, `npm exec`/`npx`; on Linux), and stops as for
 *   SIGTERM when one is gone — they never end before their child unless killed. A script or an
 *   interactive shell above them is not a launcher: a sweep a script started in the background
 *   outlives the script;
 * - a worker: it ends its run as interrupted and exits with 128 + the signal's number; the owner
 *   sees that exit from a worker it did not signal and stops as if the signal were its own
 *   ({@linkcode raiseInterrupt}).
 *
 * One signal often arrives several times (a terminal's Ctrl-C or a `kill` of the process group
 * reaches every process, and `deno task` passes it on again): repeats within `repeatMs` of the
 * first count as one. A later one asks to kill the workers at once.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { exitCodeOf, signalOfExitCode } from "./signals.ts";
 * assert.equal(exitCodeOf("SIGTERM"), 143);
 * assert.equal(signalOfExitCode(130), "SIGINT");
 * assert.equal(signalOfExitCode(1), null);
 * ```
 *
 * @module
 */
import * as msg from "./messages.ts";

/** The signals that stop a sweep, with their numbers. */
export const STOP_SIGNALS = { SIGINT: 2, SIGTERM: 15 } as const;

/** A signal that stops a sweep. */
export type StopSignal = keyof typeof STOP_SIGNALS;

const STOP_SIGNAL_NAMES = Object.keys(STOP_SIGNALS) as StopSignal[];

/** Whether `value` names a {@linkcode StopSignal}. */
export function isStopSignal(value: unknown): value is StopSignal {
  return typeof value === "string" && Object.hasOwn(STOP_SIGNALS, value);
}

/** The exit code of a process stopped by `signal`: 128 + its number (130, 143). */
export function exitCodeOf(signal: StopSignal): number {
  return 128 + STOP_SIGNALS[signal];
}

/** The signal an exit code says a process stopped on (130: SIGINT, 143: SIGTERM), else `null`. */
export function signalOfExitCode(code: number): StopSignal | null {
  for (const signal of STOP_SIGNAL_NAMES) {
    if (exitCodeOf(signal) === code) return signal;
  }
  return null;
}

/**
 * The signal an aborted `stop` carries as its reason: SIGINT when it carries none (an abort from
 * code); `null` while it is not aborted.
 */
export function stopSignalOf(stop: AbortSignal | undefined): StopSignal | null {
  if (!stop?.aborted) return null;
  return isStopSignal(stop.reason) ? stop.reason : "SIGINT";
}

/** A process that started the owner and is gone. */
export interface LaunchingProcess {
  readonly pid: number;
  /** Its command, as far as it names a launcher (`sh -c`, `deno task`, `npm exec deno@2`). */
  readonly name: string;
}

/** Why the owner stops. */
export interface StopCause {
  /** The signal it stops on and passes to its workers. */
  readonly signal: StopSignal;
  /** Set when no signal came, but a process that started the sweep is gone. */
  readonly launcher: LaunchingProcess | null;
}

/** The log line of a sweep that stops for `cause`. */
export function stopMessage(cause: StopCause): string {
  return cause.launcher === null
    ? msg.stopping(cause.signal)
    : msg.launcherGone(cause.launcher.pid, cause.launcher.name);
}

/** The two stages of stopping, as abort signals. */
export interface Interrupts {
  /** Aborted by the first stop, with its {@linkcode StopSignal} as the reason. */
  readonly stop: AbortSignal;
  /** Aborted by a second one, `repeatMs` or more after the first. */
  readonly kill: AbortSignal;
  /** Removes the signal listeners and stops watching. */
  dispose(): void;
}

/** Options of {@linkcode listenForInterrupts}. */
export interface InterruptOptions {
  /**
   * Milliseconds during which a repeated signal counts as the first one.
   * @default {1000}
   */
  readonly repeatMs?: number;
  /**
   * Watch the processes that started this one (Linux), and stop as for SIGTERM when one is
   * gone.
   * @default {true}
   */
  readonly watchLaunchers?: boolean;
  /**
   * Milliseconds between two looks at those processes.
   * @default {1000}
   */
  readonly pollMs?: number;
}

/** The handler of the {@linkcode Interrupts} listening now (signals are per process). */
let active: ((cause: StopCause) => void) | null = null;

/**
 * Listens for SIGINT and SIGTERM (SIGINT only on Windows) and watches the processes that started
 * this one (see the module doc). `onStop` is called on the first stop, before `stop` aborts.
 */
export function listenForInterrupts(
  onStop: (cause: StopCause) => void = () => {},
  options: InterruptOptions = {},
): Interrupts {
  const stop = new AbortController();
  const kill = new AbortController();
  const repeatMs = options.repeatMs ?? 1000;
  let firstAt = 0;
  const handle = (cause: StopCause) => {
    if (!stop.signal.aborted) {
      firstAt = Date.now();
      onStop(cause);
      stop.abort(cause.signal);
    } else if (Date.now() - firstAt >= repeatMs) {
      kill.abort(cause.signal);
    }
  };
  const listeners = (Deno.build.os === "windows" ? ["SIGINT"] as const : STOP_SIGNAL_NAMES)
    .map((signal) => [signal, () => handle({ signal, launcher: null })] as const);
  for (const [signal, listener] of listeners) Deno.addSignalListener(signal, listener);
  const watch = options.watchLaunchers ?? true
    ? watchLaunchers((launcher) => handle({ signal: "SIGTERM", launcher }), options.pollMs ?? 1000)
    : null;
  active = handle;
  return {
    stop: stop.signal,
    kill: kill.signal,
    dispose() {
      for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
      if (watch !== null) clearInterval(watch);
      if (active === handle) active = null;
    },
  };
}

/**
 * Stops the sweep listening in this process as if it had received `signal` (a worker it did not
 * signal ended on it). Returns whether one was listening.
 */
export function raiseInterrupt(signal: StopSignal): boolean {
  if (active === null) return false;
  active({ signal, launcher: null });
  return true;
}

// ---------------------------------------------------------------- the processes that started us

/** What /proc says of a process: its parent, its start time and its command line. */
interface ProcInfo {
  readonly ppid: number;
  readonly start: string;
  readonly argv: readonly string[];
}

function procInfo(pid: number | "self"): ProcInfo | null {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime
    // stime cutime cstime priority nice threads itrealvalue starttime ..."; comm may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z" || fields[0] === "X") return null;
    const argv = Deno.readTextFileSync(`/proc/${pid}/cmdline`).split("\0").filter((a) => a !== "");
    return { ppid: Number(fields[1]), start: fields[19] ?? "", argv };
  } catch {
    return null;
  }
}

const SHELLS = new Set(["sh", "dash", "bash", "zsh", "ksh", "ash"]);

/**
 * Whether a command line is a launcher: `deno task ...`, `sh -c ...` (any common shell), or npm
 * running a package (`npm exec`, `npx`; npm names its process so).
 */
export function isLauncher(argv: readonly string[]): boolean {
  const name = (argv[0] ?? "").split("/").at(-1) ?? "";
  if (name === "deno") return argv[1] === "task";
  if (SHELLS.has(name)) return argv[1] === "-c";
  return /^np[mx]( |$)/.test(name) || argv.some((a) => /np[mx]-cli\.js$/.test(a));
}

/**
 * The launchers of this process: its parent, its parent's parent and so on while they are
 * launchers ({@linkcode isLauncher}). Empty where /proc is not there.
 */
export function launchers(): (LaunchingProcess & { readonly start: string })[] {
  const out: (LaunchingProcess & { readonly start: string })[] = [];
  let pid = procInfo("self")?.ppid ?? 0;
  while (pid > 1) {
    const info = procInfo(pid);
    if (info === null || !isLauncher(info.argv)) break;
    out.push({ pid, name: info.argv.slice(0, 2).join(" "), start: info.start });
    pid = info.ppid;
  }
  return out;
}

/**
 * Every `pollMs`, checks that the launchers of this process are still there; calls `onGone`
 * with the first one that is not (once). `null` when there is nothing to watch.
 */
function watchLaunchers(
  onGone: (launcher: LaunchingProcess) => void,
  pollMs: number,
): ReturnType<typeof setInterval> | null {
  if (Deno.build.os !== "linux") return null;
  const watched = launchers();
  if (watched.length === 0) return null;
  const timer = setInterval(() => {
    const gone = watched.find((l) => procInfo(l.pid)?.start !== l.start);
    if (gone === undefined) return;
    clearInterval(timer);
    onGone({ pid: gone.pid, name: gone.name });
  }, pollMs);
  Deno.unrefTimer(timer);
  return timer;
}

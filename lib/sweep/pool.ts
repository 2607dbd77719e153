/**
 * The scheduler of a sweep: up to `workers` child processes at once, each training one task, in
 * the order given. Tasks that share a teacher cache (same `group`) do not build it twice: while
 * the first task of a group has not reported its cache ready, the others wait and tasks of other
 * groups go first. Stopping (`stop` aborted) starts nothing new and sends the running children
 * the signal `stop` carries as its reason (SIGINT or SIGTERM; SIGINT when it carries none), on
 * which they end their runs as interrupted; `kill` aborted (or `graceMs` passed) sends SIGKILL.
 *
 * The pool does no bookkeeping of its own: `start` spawns a child (and may record it), `message`
 * sees its protocol lines, `exit` gets how it ended (and stores the result). An `exit` that
 * throws stops the pool, which rethrows that error once its children have ended.
 *
 * @module
 */
import type { ChildMessage, ErrorMessage, RecordMessage } from "./protocol.ts";
import { type StopSignal, stopSignalOf } from "./signals.ts";
import type { WorkerExit, WorkerProcess } from "./worker.ts";

/** What the pool needs of a task. */
export interface PoolTask {
  /** Tasks with the same group share a teacher cache; `null`: none. */
  readonly group: string | null;
}

/** How a task's child ended. */
export interface PoolOutcome {
  /** `null` when the child could not be started (`startError` says why). */
  readonly pid: number | null;
  readonly exit: WorkerExit | null;
  /** The child's `record` message, if it sent one. */
  readonly record: RecordMessage | null;
  /** The child's `error` message, if it sent one. */
  readonly error: ErrorMessage | null;
  readonly startError: Error | null;
  readonly stderr: string;
  /** The pool was stopping when the child ended. */
  readonly stopped: boolean;
  /** The signal the pool was stopping on, when it was. */
  readonly stopSignal?: StopSignal;
}

/** What the pool calls. */
export interface PoolHooks<T extends PoolTask> {
  /** Spawns the task's child (slot: 1..workers). */
  start(task: T, slot: number): Promise<WorkerProcess>;
  /** A protocol message of the task's child. */
  message(task: T, slot: number, message: ChildMessage): void;
  /** The task is over; the slot is free once this resolves. */
  exit(task: T, slot: number, outcome: PoolOutcome): Promise<void>;
}

/** Options of {@linkcode runPool}. */
export interface PoolOptions {
  /** Parallel children. */
  readonly workers: number;
  /** Abort to stop: nothing new starts, running children get the signal it carries. */
  readonly stop?: AbortSignal;
  /** Abort to kill running children at once (SIGKILL). */
  readonly kill?: AbortSignal;
  /**
   * Milliseconds after stopping before running children are killed.
   * @default {60000}
   */
  readonly graceMs?: number;
}

/** Which tasks ran and which never started (stopped first). */
export interface PoolResult<T> {
  readonly started: T[];
  readonly notStarted: T[];
}

/** Runs `tasks` through `hooks` (see the module doc). */
export async function runPool<T extends PoolTask>(
  tasks: readonly T[],
  hooks: PoolHooks<T>,
  options: PoolOptions,
): Promise<PoolResult<T>> {
  const workers = Math.max(1, options.workers);
  const queue = [...tasks];
  const started: T[] = [];
  const running = new Map<number, Promise<void>>();
  const children = new Map<number, WorkerProcess>();
  /** Groups whose cache is being built by a running task. */
  const building = new Set<string>();
  /** Groups whose cache is on disk. */
  const ready = new Set<string>();
  let wake: () => void = () => {};
  /** The signal the pool stops on; `null` while it is not stopping. */
  let stopSignal = stopSignalOf(options.stop);
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  /** The first error of an `exit` hook: the pool stops and rethrows it. */
  let hookError: unknown = null;

  const killAll = () => {
    for (const child of children.values()) child.kill("SIGKILL");
  };
  const onStop = () => {
    if (stopSignal !== null) return;
    stopSignal = stopSignalOf(options.stop) ?? "SIGINT";
    for (const child of children.values()) child.kill(stopSignal);
    killTimer = setTimeout(killAll, options.graceMs ?? 60_000);
    wake();
  };
  const onKill = () => {
    onStop();
    killAll();
  };
  options.stop?.addEventListener("abort", onStop);
  options.kill?.addEventListener("abort", onKill);

  const eligible = (task: T) => task.group === null || !building.has(task.group);

  const launch = (task: T, slot: number) => {
    const builder = task.group !== null && !ready.has(task.group);
    if (builder) building.add(task.group!);
    started.push(task);
    const run = (async () => {
      let child: WorkerProcess | null = null;
      let record: RecordMessage | null = null;
      let error: ErrorMessage | null = null;
      let startError: Error | null = null;
      let exit: WorkerExit | null = null;
      try {
        child = await hooks.start(task, slot);
        children.set(slot, child);
        if (stopSignal !== null) child.kill(stopSignal);
        for await (const message of child.messages) {
          if (message.type === "record") record = message;
          if (message.type === "error") error = message;
          if (message.type === "cache" && message.phase === "ready" && task.group !== null) {
            ready.add(task.group);
            building.delete(task.group);
            wake();
          }
          hooks.message(task, slot, message);
        }
        exit = await child.exited;
      } catch (caught) {
        startError = caught instanceof Error ? caught : new Error(String(caught));
      } finally {
        children.delete(slot);
        if (builder) building.delete(task.group!);
      }
      try {
        await hooks.exit(task, slot, {
          pid: child?.pid ?? null,
          exit,
          record,
          error,
          startError,
          stderr: child?.stderrTail() ?? "",
          stopped: stopSignal !== null,
          ...(stopSignal === null ? {} : { stopSignal }),
        });
      } catch (caught) {
        hookError ??= caught;
        onStop();
      }
    })().finally(() => {
      running.delete(slot);
      wake();
    });
    running.set(slot, run);
  };

  try {
    for (;;) {
      if (stopSignal === null) {
        for (let slot = 1; slot <= workers && queue.length > 0; slot++) {
          if (running.has(slot)) continue;
          const index = queue.findIndex(eligible);
          if (index < 0) break;
          launch(queue.splice(index, 1)[0]!, slot);
        }
      }
      if (running.size === 0) break;
      await new Promise<void>((resolve) => wake = resolve);
    }
  } finally {
    clearTimeout(killTimer);
    options.stop?.removeEventListener("abort", onStop);
    options.kill?.removeEventListener("abort", onKill);
  }
  if (hookError !== null) throw hookError;
  return { started, notStarted: queue };
}

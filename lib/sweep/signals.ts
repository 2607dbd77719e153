/**
 * Ctrl-C for a sweep: the first SIGINT (or SIGTERM) asks the sweep to stop (its runs in progress
 * end as interrupted), a second one asks it to kill them at once.
 *
 * @module
 */

/** The two stages of stopping, as abort signals. */
export interface Interrupts {
  /** Aborted by the first SIGINT/SIGTERM. */
  readonly stop: AbortSignal;
  /** Aborted by the second. */
  readonly kill: AbortSignal;
  /** Removes the signal listeners. */
  dispose(): void;
}

/**
 * Listens for SIGINT and SIGTERM (SIGINT only on Windows). `onStop` is called on the first,
 * before `stop` aborts.
 */
export function listenForInterrupts(onStop: () => void = () => {}): Interrupts {
  const stop = new AbortController();
  const kill = new AbortController();
  const handler = () => {
    if (!stop.signal.aborted) {
      onStop();
      stop.abort();
    } else {
      kill.abort();
    }
  };
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const signal of signals) Deno.addSignalListener(signal, handler);
  return {
    stop: stop.signal,
    kill: kill.signal,
    dispose() {
      for (const signal of signals) Deno.removeSignalListener(signal, handler);
    },
  };
}

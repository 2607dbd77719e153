/**
 * `runOne` in a Deno Worker: each worker is its own isolate, so it loads its own tfjs and its own
 * single-threaded wasm backend, and several runs can train side by side in one process. The parent
 * side is {@linkcode runInWorker}; this module is also the worker's entry point.
 *
 * Protocol: parent -> worker `{ type: "run", plan, options }` then optionally `{ type: "abort" }`;
 * worker -> parent `{ type: "event", event }` for every training event and one final
 * `{ type: "record", record }`.
 *
 * @module
 */
import type { C2SEvent, EventSink } from "./events.ts";
import type { RunOneOptions, RunOneRecord, RunPlan } from "./run.ts";
import { messages } from "./messages.ts";

/** The options that can cross into a worker (no live objects). */
export type WorkerRunOptions = Omit<RunOneOptions, "teacher" | "onEvent" | "signal">;

/** Parent -> worker messages. */
export type ToWorker =
  | { type: "run"; plan: RunPlan; options: WorkerRunOptions }
  | { type: "abort" };

/** Worker -> parent messages. */
export type FromWorker =
  | { type: "event"; event: C2SEvent }
  | { type: "record"; record: RunOneRecord };

/**
 * Runs `plan` in a new worker, forwarding its events to `onEvent`; aborting `signal` asks the
 * worker to stop after its current step. Resolves with the run's record and ends the worker.
 */
export function runInWorker(
  plan: RunPlan,
  options: WorkerRunOptions & { onEvent?: EventSink; signal?: AbortSignal } = {},
): Promise<RunOneRecord> {
  const { onEvent, signal, ...rest } = options;
  const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  return new Promise<RunOneRecord>((resolve, reject) => {
    const onAbort = () => worker.postMessage({ type: "abort" } satisfies ToWorker);
    signal?.addEventListener("abort", onAbort, { once: true });
    const finish = () => {
      signal?.removeEventListener("abort", onAbort);
      worker.terminate();
    };
    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      if (e.data.type === "event") onEvent?.(e.data.event);
      else {
        finish();
        resolve(e.data.record);
      }
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      finish();
      reject(new Error(messages.workerFailed(e.message)));
    };
    worker.postMessage({ type: "run", plan, options: rest } satisfies ToWorker);
    if (signal?.aborted) onAbort();
  });
}

// Worker side: only when this module runs as a worker (WorkerGlobalScope exists only there).
const scope = globalThis as unknown as {
  postMessage(message: FromWorker): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
};
if ("WorkerGlobalScope" in globalThis) {
  const controller = new AbortController();
  scope.onmessage = async (e: MessageEvent<ToWorker>) => {
    if (e.data.type === "abort") {
      controller.abort();
      return;
    }
    const { runOne } = await import("./run.ts");
    const record = await runOne(e.data.plan, {
      ...e.data.options,
      signal: controller.signal,
      onEvent: (event) => scope.postMessage({ type: "event", event }),
    });
    scope.postMessage({ type: "record", record });
  };
}

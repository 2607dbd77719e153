/**
 * `executeJob` in a Deno Worker: each worker is its own isolate, so it loads its own tfjs and its
 * own single-threaded wasm backend, and several runs can train side by side in one process. The
 * parent side is {@linkcode runInWorker}; this module is also the worker's entry point.
 *
 * Protocol: parent -> worker `{ type: "run", job, teacher }` then optionally `{ type: "abort" }`;
 * worker -> parent `{ type: "event", event }` for every training event and one final
 * `{ type: "record", record }`.
 *
 * @module
 */
import type { C2SEvent } from "../c2s/events.ts";
import type { RunRecord } from "../track/record.ts";
import type { RunJob } from "./job.ts";
import * as msg from "./messages.ts";
import type { ExecuteOptions } from "./run_job.ts";

/** Parent -> worker messages. */
export type ToWorker =
  | { type: "run"; job: RunJob; teacher: string | null }
  | { type: "abort" };

/** Worker -> parent messages. */
export type FromWorker =
  | { type: "event"; event: C2SEvent }
  | { type: "record"; record: RunRecord };

/**
 * Runs `job` in a new worker, forwarding its events to `onEvent`; aborting `signal` asks the
 * worker to stop after its current step. Resolves with the run's record and ends the worker.
 *
 * @example
 * ```ts ignore
 * const record = await runInWorker(job, { onEvent: (e) => console.log(e.type) });
 * ```
 */
export function runInWorker(job: RunJob, options: ExecuteOptions = {}): Promise<RunRecord> {
  const { onEvent, signal } = options;
  const worker = new Worker(new URL("./in_worker.ts", import.meta.url), { type: "module" });
  return new Promise<RunRecord>((resolve, reject) => {
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
      reject(new Error(msg.workerFailed(e.message)));
    };
    worker.postMessage({ type: "run", job, teacher: options.teacher ?? null } satisfies ToWorker);
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
    const { executeJob } = await import("./run_job.ts");
    const record = await executeJob(e.data.job, {
      ...(e.data.teacher === null ? {} : { teacher: e.data.teacher }),
      signal: controller.signal,
      onEvent: (event) => scope.postMessage({ type: "event", event }),
    });
    scope.postMessage({ type: "record", record });
  };
}

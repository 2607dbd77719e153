/**
 * A `run-one` child process, as the owner of a sweep sees it: its pid, the protocol messages on
 * its stdout, the tail of its stderr (for errors), how it ended, and a way to signal it. The
 * child runs `run_one_main.ts` with this repository's `deno.json`, in the owner's working
 * directory, with `--json`; the owner holds its stdin open and never writes to it. A child that
 * ends on SIGINT or SIGTERM the owner did not send it (someone signalled the worker) stops the
 * whole sweep, as if the owner had received that signal (`raiseInterrupt`).
 *
 * Before any child starts, {@linkcode checkBackend} refuses a backend that cannot work here.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { messages as tfMessages } from "../tf/messages.ts";
import * as msg from "./messages.ts";
import { type ChildMessage, decodeLine, readLines } from "./protocol.ts";
import { isStopSignal, raiseInterrupt, signalOfExitCode } from "./signals.ts";

/** How a child ended: its exit code, and the signal that killed it (or `null`). */
export interface WorkerExit {
  readonly code: number;
  readonly signal: string | null;
}

/** A running child. */
export interface WorkerProcess {
  readonly pid: number;
  /** The protocol messages it writes, in order (iterate once). */
  readonly messages: AsyncIterable<ChildMessage>;
  /** The last lines it wrote to stderr. */
  stderrTail(): string;
  /** Resolves when it has exited and its output is drained. */
  readonly exited: Promise<WorkerExit>;
  /** Sends `signal`; a child that already exited is left alone. */
  kill(signal: Deno.Signal): void;
}

/** Options of {@linkcode spawnRunOne}. */
export interface SpawnOptions {
  /** Where the child writes its record. */
  readonly records: string;
}

const DENO_JSON = fileURLToPath(new URL("../../deno.json", import.meta.url));
const RUN_ONE_MAIN = fileURLToPath(new URL("./run_one_main.ts", import.meta.url));

/** Bytes of stderr kept for error messages. */
export const STDERR_TAIL_BYTES = 2000;

/** Starts `run-one JOB --json --records DIR` as a child process. */
export function spawnRunOne(jobPath: string, options: SpawnOptions): WorkerProcess {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--config",
      DENO_JSON,
      RUN_ONE_MAIN,
      jobPath,
      "--json",
      "--records",
      options.records,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let tail = "";
  const stderrDone = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) {
      tail = (tail + decoder.decode(chunk, { stream: true })).slice(-STDERR_TAIL_BYTES);
    }
  })().catch(() => {});
  async function* messages(): AsyncGenerator<ChildMessage> {
    for await (const line of readLines(child.stdout)) {
      const message = decodeLine(line);
      if (message !== null) yield message;
    }
  }
  /** Whether the owner has signalled this child. */
  let signalled = false;
  const exited = child.status.then(async (status) => {
    const signal = isStopSignal(status.signal) ? status.signal : signalOfExitCode(status.code);
    if (signal !== null && !signalled) raiseInterrupt(signal);
    await stderrDone;
    try {
      await child.stdin.close();
    } catch { /* already closed */ }
    return { code: status.code, signal: status.signal };
  });
  return {
    pid: child.pid,
    messages: messages(),
    // deno-lint-ignore no-control-regex
    stderrTail: () => tail.replace(/\x1b\[[0-9;]*m/g, ""),
    exited,
    kill(signal) {
      signalled = true;
      try {
        child.kill(signal);
      } catch { /* it has exited */ }
    },
  };
}

/** Options of {@linkcode checkBackend}. */
export interface CheckBackendOptions {
  /**
   * Milliseconds to wait for a WebGPU adapter.
   * @default {10000}
   */
  readonly timeoutMs?: number;
}

/** A WebGPU adapter as far as the check reads it. */
interface Adapter {
  readonly info?: { readonly description?: string; readonly isFallbackAdapter?: boolean };
}

/**
 * Throws, with `run-one`'s message, when the tensor backend `backend` cannot train here: `webgpu`
 * without an adapter (or one that does not answer within `timeoutMs`), or with only a software
 * one (runs would crawl, and the workers' warnings are not on screen). Other backends pass: their
 * runs fail with their own message.
 */
export async function checkBackend(
  backend: string,
  options: CheckBackendOptions = {},
): Promise<void> {
  if (backend !== "webgpu") return;
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<Adapter | null> } })
    ?.gpu;
  if (gpu === undefined) throw new Error(tfMessages.noWebGpuAdapter("navigator.gpu is undefined"));
  const ms = options.timeoutMs ?? 10_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const answer = await Promise.race([
    gpu.requestAdapter().then((adapter) => ({ adapter }), (error: unknown) => ({ error })),
    new Promise<null>((resolve) => timer = setTimeout(() => resolve(null), ms)),
  ]);
  clearTimeout(timer);
  if (answer === null) throw new Error(msg.webGpuNoAnswer(ms));
  if ("error" in answer) {
    const detail = answer.error instanceof Error ? answer.error.message : String(answer.error);
    throw new Error(tfMessages.noWebGpuAdapter(detail));
  }
  const { adapter } = answer;
  if (adapter === null || adapter === undefined) {
    throw new Error(tfMessages.noWebGpuAdapter("navigator.gpu.requestAdapter() returned null"));
  }
  if (adapter.info?.isFallbackAdapter) {
    throw new Error(msg.softwareWebGpu(adapter.info.description ?? "unknown"));
  }
}

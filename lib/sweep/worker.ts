/**
 * A `run-one` child process, as the owner of a sweep sees it: its pid, the protocol messages on
 * its stdout, the tail of its stderr (for errors), how it ended, and a way to signal it. The
 * child runs `run_one_main.ts` with this repository's `deno.json`, in the owner's working
 * directory, with `--json`; the owner holds its stdin open and never writes to it.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { type ChildMessage, decodeLine, readLines } from "./protocol.ts";

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
  const exited = child.status.then(async (status) => {
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
      try {
        child.kill(signal);
      } catch { /* it has exited */ }
    },
  };
}

/**
 * The drill's processes: a task of this repository started as `deno task -q NAME ARGS` (the
 * command a user types), its output read line by line, its process tree found through `/proc`,
 * and signals sent to any process of it. Every wait has a deadline, so a hung process becomes a
 * finding instead of a hung drill.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { readLines } from "../sweep/protocol.ts";

/** The repository root (where `deno.json` and its tasks are). */
export const REPO: string = fileURLToPath(new URL("../../", import.meta.url));

/** How a process ended and what it printed. */
export interface Ended {
  /** Exit code; 124 when the drill killed it for running past its deadline. */
  readonly code: number;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Milliseconds from start to exit. */
  readonly ms: number;
  /** Whether it ran past its deadline (and was killed with its tree). */
  readonly hung: boolean;
}

/** Options of {@linkcode Proc}. */
export interface ProcOptions {
  /** Extra environment variables (for an argv; a `Deno.Command` carries its own). */
  readonly env?: Readonly<Record<string, string>>;
  /** Kill the tree with SIGKILL after this many milliseconds; `null`: never. @default {180000} */
  readonly deadlineMs?: number | null;
}

/** A running process whose stdout lines can be waited for. */
export class Proc {
  readonly child: Deno.ChildProcess;
  readonly lines: string[] = [];
  readonly started: number = Date.now();
  #stderr = "";
  #hung = false;
  #waiters: { pattern: RegExp; resolve: (match: RegExpMatchArray | null) => void }[] = [];
  readonly done: Promise<Ended>;

  /**
   * Starts `argv` in the repository without colour and with no stdin, or `command` as it is (its
   * stdout and stderr must be piped; a piped stdin is closed once the process ends).
   */
  constructor(argv: readonly string[] | Deno.Command, options: ProcOptions = {}) {
    const command = argv instanceof Deno.Command ? argv : new Deno.Command(argv[0]!, {
      args: argv.slice(1),
      cwd: REPO,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1", TERM: "dumb", ...options.env },
    });
    const child = command.spawn();
    this.child = child;
    const deadlineMs = options.deadlineMs === undefined ? 180_000 : options.deadlineMs;
    const deadline = deadlineMs === null ? undefined : setTimeout(() => {
      this.#hung = true;
      killTree(child.pid, "SIGKILL");
    }, deadlineMs);
    const decoder = new TextDecoder();
    const out = (async () => {
      for await (const line of readLines(child.stdout)) this.#line(line);
    })();
    const err = (async () => {
      for await (const chunk of child.stderr) {
        this.#stderr += decoder.decode(chunk, { stream: true });
      }
    })();
    this.done = (async () => {
      const status = await child.status;
      clearTimeout(deadline);
      await Promise.all([out, err]);
      await closeStdin(child);
      for (const w of this.#waiters) w.resolve(null);
      this.#waiters = [];
      return {
        code: this.#hung ? 124 : status.code,
        signal: status.signal,
        stdout: this.lines.join("\n"),
        stderr: this.#stderr,
        ms: Date.now() - this.started,
        hung: this.#hung,
      };
    })();
  }

  /** Process id of the started process. */
  get pid(): number {
    return this.child.pid;
  }

  #line(line: string): void {
    this.lines.push(line);
    this.#waiters = this.#waiters.filter((w) => {
      const match = line.match(w.pattern);
      if (match) w.resolve(match);
      return !match;
    });
  }

  /**
   * The first stdout line matching `pattern`; `null` when it exits or `ms` pass first (`null`:
   * no time limit).
   */
  waitFor(pattern: RegExp, ms: number | null = 60_000): Promise<RegExpMatchArray | null> {
    for (const line of this.lines) {
      const match = line.match(pattern);
      if (match) return Promise.resolve(match);
    }
    return new Promise((resolve) => {
      const timer = ms === null ? undefined : setTimeout(() => resolve(null), ms);
      this.#waiters.push({
        pattern,
        resolve: (match) => {
          clearTimeout(timer);
          resolve(match);
        },
      });
    });
  }
}

/** Closes the stdin of `child` when it was piped (reading it throws when it was not). */
async function closeStdin(child: Deno.ChildProcess): Promise<void> {
  let stdin: WritableStream<Uint8Array>;
  try {
    stdin = child.stdin;
  } catch {
    return;
  }
  await stdin.close().catch(() => {});
}

/** The argv of `deno task -q NAME ARGS`. */
export function taskArgv(name: string, args: readonly string[]): string[] {
  return [Deno.execPath(), "task", "-q", name, ...args];
}

/** Starts `deno task NAME ARGS` in the repository. */
export function startTask(name: string, args: readonly string[], options?: ProcOptions): Proc {
  return new Proc(taskArgv(name, args), options);
}

/** Runs `deno task NAME ARGS` to its end. */
export function runTask(
  name: string,
  args: readonly string[],
  options?: ProcOptions,
): Promise<Ended> {
  return startTask(name, args, options).done;
}

/** Runs a module of this folder as its own `deno run` process. */
export function runModule(
  module: URL,
  args: readonly string[],
  options?: ProcOptions,
): Promise<Ended> {
  const argv = [Deno.execPath(), "run", "-A", "--config", `${REPO}deno.json`];
  return new Proc([...argv, fileURLToPath(module), ...args], options).done;
}

/** The command line a user types for `deno task NAME ARGS` (for reproducing a row). */
export function shownCommand(name: string, args: readonly string[]): string {
  const quote = (a: string) => /^[\w./=:@,+-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`;
  return ["deno", "task", name, ...args].map(quote).join(" ");
}

/** The direct children of `pid` (Linux `/proc`); none when it is gone. */
export function childrenOf(pid: number): number[] {
  const found: number[] = [];
  try {
    for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
      const text = Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/children`).trim();
      if (text !== "") found.push(...text.split(/\s+/).map(Number));
    }
  } catch { /* gone */ }
  return found;
}

/** `pid` and every process below it. */
export function treeOf(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...childrenOf(all[i]!));
  return all;
}

/** Waits up to `ms` for `pid` to have a child, and returns the first one. */
export async function firstChild(pid: number, ms = 30_000): Promise<number | null> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const [child] = childrenOf(pid);
    if (child !== undefined) return child;
    if (!alive(pid)) return null;
    await sleep(10);
  }
  return null;
}

/** Whether `pid` is alive (not gone and not a zombie). */
export function alive(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) [ZX]/.test(Deno.readTextFileSync(`/proc/${pid}/stat`));
  } catch {
    return false;
  }
}

/** Sends `signal` to `pid`; a process already gone is not an error. */
export function signal(pid: number, sig: Deno.Signal): void {
  try {
    Deno.kill(pid, sig);
  } catch { /* gone */ }
}

/** Sends `sig` to `pid` and every process below it (children first found, then signalled). */
export function killTree(pid: number, sig: Deno.Signal): void {
  for (const p of treeOf(pid).reverse()) signal(p, sig);
}

/** Waits up to `ms` until every pid is gone; returns those still alive. */
export async function waitGone(pids: readonly number[], ms: number): Promise<number[]> {
  const until = Date.now() + ms;
  while (pids.some(alive) && Date.now() < until) await sleep(20);
  return pids.filter(alive);
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

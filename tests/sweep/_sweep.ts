/**
 * Fixtures of the sweep tests: a temporary database and working area, `ablate` and `run-one`
 * as real child processes (with the tiny teacher and the test ablations of `specs/`), a line
 * reader that waits for a line, and read-only looks into the database.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { RunStore } from "../../lib/track/store.ts";
import type { JsonValue } from "../../lib/track/store.ts";
import { readLines } from "../../lib/sweep/protocol.ts";

/** The repository root. */
export const REPO = fileURLToPath(new URL("../../", import.meta.url));
/** The tiny teacher module. */
export const TINY_TEACHER = fileURLToPath(new URL("./_tiny_teacher.ts", import.meta.url));
/** Test ablations: sweep-trio (IX), sweep-pair (XI, shares a run), sweep-masks (XIII). */
export const SPECS = fileURLToPath(new URL("./specs/", import.meta.url));
/** Test ablation sweep-nan (a run that diverges). */
export const SPECS_NAN = fileURLToPath(new URL("./specs_nan/", import.meta.url));

const DENO_JSON = join(REPO, "deno.json");

/** A temporary folder with a database path and a working area inside. */
export interface Area {
  readonly dir: string;
  readonly db: string;
  readonly work: string;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A fresh temporary area; `await using` removes it. */
export async function tempArea(): Promise<Area> {
  const dir = await Deno.makeTempDir({ prefix: "c2s-sweep-" });
  return {
    dir,
    db: join(dir, "runs.duckdb"),
    work: join(dir, "work"),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }).catch(() => {}),
  };
}

/**
 * `ablate` options for the smoke preset, the tiny teacher, `area` and the ablation files in
 * `specs` (`null`: the shipped ones).
 */
export function smokeArgs(area: Area, specs: string | null = SPECS): string[] {
  const args = [
    "--preset",
    "smoke",
    "--teacher",
    TINY_TEACHER,
    "--db",
    area.db,
    "--work",
    area.work,
  ];
  return specs === null ? args : [...args, "--specs", specs];
}

/** What a finished process printed. */
export interface Output {
  readonly code: number;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

function command(script: string, args: readonly string[]): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", DENO_JSON, join(REPO, script), ...args],
    cwd: REPO,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  });
}

/** A running `ablate` (or `run-one`) whose stdout lines can be waited for. */
export class Running {
  readonly process: Deno.ChildProcess;
  readonly lines: string[] = [];
  #stderr = "";
  #waiters: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];
  readonly #done: Promise<Output>;

  /** `deno run SCRIPT ARGS`, or `launch` (another way of starting it) when given. */
  constructor(script: string, args: readonly string[], launch?: Deno.Command) {
    const proc = (launch ?? command(script, args)).spawn();
    this.process = proc;
    const decoder = new TextDecoder();
    const out = (async () => {
      for await (const line of readLines(proc.stdout)) this.#line(line);
    })();
    const err = (async () => {
      for await (const chunk of proc.stderr) {
        this.#stderr += decoder.decode(chunk, { stream: true });
      }
    })();
    this.#done = (async () => {
      const status = await proc.status;
      await Promise.all([out, err]);
      await proc.stdin.close().catch(() => {});
      return {
        code: status.code,
        signal: status.signal,
        stdout: this.lines.join("\n"),
        stderr: this.#stderr,
      };
    })();
  }

  #line(line: string): void {
    this.lines.push(line);
    this.#waiters = this.#waiters.filter((w) => {
      const match = line.match(w.pattern);
      if (match) w.resolve(match);
      return !match;
    });
  }

  /** Resolves with the first line (already printed or to come) matching `pattern`. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
    for (const line of this.lines) {
      const match = line.match(pattern);
      if (match) return Promise.resolve(match);
    }
    return new Promise((resolve, reject) => {
      this.#waiters.push({ pattern, resolve });
      this.#done.then((output) =>
        reject(
          new Error(
            `Exited before printing ${pattern}:\n${output.stdout}\n--- stderr ---\n${output.stderr}`,
          ),
        )
      );
    });
  }

  /** Resolves when the process has exited and its output is read. */
  output(): Promise<Output> {
    return this.#done;
  }
}

/** Starts `deno task ablate ARGS` (as `deno run lib/cli/ablate.ts`, so signals reach it). */
export function startAblate(args: readonly string[]): Running {
  return new Running("lib/cli/ablate.ts", args);
}

/** Runs `ablate ARGS` to the end. */
export function ablate(args: readonly string[]): Promise<Output> {
  return startAblate(args).output();
}

/** Runs `run-one ARGS` to the end. */
export function runOne(args: readonly string[]): Promise<Output> {
  return new Running("lib/cli/run_one.ts", args).output();
}

/** Rows of `sql` in the database at `db`, opened read-only. */
export async function query(
  db: string,
  sql: string,
  values: (string | number)[] = [],
): Promise<Record<string, JsonValue>[]> {
  const store = await RunStore.open(db, { readOnly: true });
  try {
    return await store.queryObjects(sql, values);
  } finally {
    await store.close();
  }
}

/** `variant -> status` of an ablation's runs. */
export async function statuses(db: string, ablation: string): Promise<Record<string, string>> {
  const rows = await query(
    db,
    "SELECT rv.variant, r.status FROM run_variants rv JOIN runs r ON r.id = rv.run_id " +
      "WHERE rv.ablation = ? ORDER BY rv.variant",
    [ablation],
  );
  return Object.fromEntries(rows.map((r) => [String(r.variant), String(r.status)]));
}

/** Whether process `pid` is still alive (Linux: not gone and not a zombie). */
export function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return !/^\S+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

/** Waits until every pid in `pids` is gone (child processes that outlive a killed owner). */
export async function waitGone(pids: readonly number[]): Promise<void> {
  while (pids.some(alive)) await new Promise((r) => setTimeout(r, 100));
}

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
import { alive, type Ended, Proc, waitGone as waitUpTo } from "../../lib/drill/proc.ts";

export { alive };

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
export type Output = Ended;

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

/**
 * A running `ablate` (or `run-one`) whose stdout lines can be waited for: the drill's
 * {@linkcode Proc} without a deadline, whose `waitFor` throws, with the output, when the process
 * exits without printing the line.
 */
export class Running {
  readonly #proc: Proc;

  /** `deno run SCRIPT ARGS`, or `launch` (another way of starting it) when given. */
  constructor(script: string, args: readonly string[], launch?: Deno.Command) {
    this.#proc = new Proc(launch ?? command(script, args), { deadlineMs: null });
  }

  /** The child process. */
  get process(): Deno.ChildProcess {
    return this.#proc.child;
  }

  /** Its stdout lines so far. */
  get lines(): readonly string[] {
    return this.#proc.lines;
  }

  /** Resolves with the first line (already printed or to come) matching `pattern`. */
  async waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
    const match = await this.#proc.waitFor(pattern, null);
    if (match !== null) return match;
    const output = await this.#proc.done;
    throw new Error(
      `Exited before printing ${pattern}:\n${output.stdout}\n--- stderr ---\n${output.stderr}`,
    );
  }

  /** Resolves when the process has exited and its output is read. */
  output(): Promise<Output> {
    return this.#proc.done;
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

/** Waits until every pid in `pids` is gone (child processes that outlive a killed owner). */
export async function waitGone(pids: readonly number[]): Promise<void> {
  await waitUpTo(pids, Number.POSITIVE_INFINITY);
}

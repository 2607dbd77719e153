/**
 * Shared plumbing of the tracking tasks (query, runs, export, collect): argument parsing that
 * reports errors as `TypeError`s naming the task, and the top-level error printer.
 *
 * @module
 */

import { parseArgs } from "../_std.ts";
import * as msg from "./messages.ts";
import { RunStore, type RunStoreOptions } from "./store.ts";

/** Option declarations as `node:util` parseArgs takes them. */
export type OptionSpec = Record<
  string,
  { type: "string" | "boolean"; short?: string; multiple?: false }
>;

/** Parses `args` strictly; unknown options and missing values are `TypeError`s naming `task`. */
export function parseTaskArgs(
  task: string,
  args: readonly string[],
  options: OptionSpec,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return {
      values: parsed.values as Record<string, string | boolean | undefined>,
      positionals: parsed.positionals,
    };
  } catch (error) {
    // node:util explains at length how to pass positionals starting with "-"; keep the first
    // sentence ("Unknown option '--x'").
    const first = (error as Error).message.split(/\.(\s|$)/)[0] ?? "";
    throw new TypeError(msg.badArgs(task, first), { cause: error });
  }
}

/** `--wait SECONDS` as milliseconds (non-negative; absent = 0). */
export function parseWait(task: string, value: string | boolean | undefined): number {
  if (value === undefined) return 0;
  const text = String(value);
  const seconds = Number(text);
  if (text.trim() === "" || !Number.isFinite(seconds) || seconds < 0) {
    throw new TypeError(msg.badNumber(task, "wait", text, "a number of seconds >= 0"));
  }
  return Math.round(seconds * 1000);
}

/** A string option's value, or `fallback`. */
export function stringOption(value: string | boolean | undefined, fallback: string): string {
  return typeof value === "string" ? value : fallback;
}

/**
 * Runs a task's `main`, printing an error's message (not its stack) to stderr and returning the
 * exit code: 0 on success, what `main` returns, or 1 on an error. `C2S_DEBUG=1` adds stacks.
 */
export async function runTask(main: () => Promise<number>): Promise<number> {
  try {
    return await main();
  } catch (error) {
    const debug = Deno.env.get("C2S_DEBUG") === "1";
    const text = error instanceof Error ? (debug ? error.stack : error.message) : String(error);
    console.error(`error: ${text}`);
    return 1;
  }
}

/** Opens the store for a task; with a wait, says once on stderr whom it is waiting for. */
export function openForTask(
  path: string,
  options: Pick<RunStoreOptions, "readOnly" | "create" | "waitMs">,
): Promise<RunStore> {
  let told = false;
  return RunStore.open(path, {
    ...options,
    onBusy: (pid) => {
      if (told) return;
      told = true;
      console.error(msg.waitingFor(path, pid, options.waitMs ?? 0));
    },
  });
}

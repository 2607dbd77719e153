/**
 * What the tracking tasks (query, runs, export, collect) share: the `--db`, `--format` and
 * `--wait` flags (`report` and `ablate` take `--wait` too), opening the store for a task and
 * closing it after, and printing a result.
 *
 * @module
 */

import { type Arg, arg, choice, invalid, text } from "../_args.ts";
import { formatResult, OutputFormat } from "./format.ts";
import * as msg from "./messages.ts";
import { DEFAULT_DB_PATH, type QueryResult, RunStore, type RunStoreOptions } from "./store.ts";

/** `--db PATH`: a database file that must exist. */
export const DB_FLAG = text({
  value: "PATH",
  default: DEFAULT_DB_PATH,
  description: "Database file; it must exist",
});

/** `-f, --format`: how a result is printed. */
export const FORMAT_FLAG = choice(OutputFormat, {
  short: "f",
  default: "table",
  description: "table (aligned columns, 4 decimals), csv or json (full precision)",
});

/**
 * Seconds a task keeps retrying by default while another process holds the file: a sweep holds
 * it only while it writes (a few hundred milliseconds at a time), so a reader gets in within
 * that; five seconds leaves room for a loaded machine before saying whom it waited for.
 */
export const DEFAULT_WAIT_SECONDS = 5;

/**
 * `--wait SECONDS`, read as milliseconds: how long to retry while another process holds the
 * file.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { waitFlag } from "./_cli.ts";
 * const flag = waitFlag({ defaultSeconds: 0 });
 * assert.equal(flag.default, 0);
 * assert.equal(flag.read("2.5"), 2500);
 * ```
 */
export function waitFlag(
  options: {
    /** @default {DEFAULT_WAIT_SECONDS} */
    defaultSeconds?: number;
    /** The help section it is listed under. @default {"Options"} */
    group?: string;
  } = {},
): Arg<number> {
  const defaultSeconds = options.defaultSeconds ?? DEFAULT_WAIT_SECONDS;
  return arg({
    ...(options.group === undefined ? {} : { group: options.group }),
    name: "wait",
    value: "SECONDS",
    default: defaultSeconds * 1000,
    defaultText: String(defaultSeconds),
    description: "Keep retrying this long while another process holds the file",
    read: (text) => {
      const seconds = text.trim() === "" ? NaN : Number(text);
      return Number.isFinite(seconds) && seconds >= 0
        ? Math.round(seconds * 1000)
        : invalid(msg.WAIT_EXPECTED);
    },
  });
}

/** `--wait SECONDS` of the tasks that open the file for a moment (default 5). */
export const WAIT_FLAG = waitFlag();

/** After this long waiting for the file, a task says whom it waits for. */
const QUIET_WAIT_MS = 1000;

/**
 * Opens the store for a task (waiting over a second, says once on stderr whom it is waiting for),
 * hands it to `use` and closes it after.
 */
export async function withStore<T>(
  path: string,
  options: Pick<RunStoreOptions, "readOnly" | "create" | "waitMs">,
  use: (store: RunStore) => Promise<T>,
): Promise<T> {
  let told = false;
  const store = await RunStore.open(path, {
    ...options,
    onBusy: (pid, waitedMs) => {
      if (told || waitedMs < QUIET_WAIT_MS) return;
      told = true;
      console.error(msg.waitingFor(path, pid, options.waitMs ?? 0));
    },
  });
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

/** Prints `result` as `format` (a table with a final newline; CSV and JSON as written). */
export async function printResult(result: QueryResult, format: OutputFormat): Promise<void> {
  const text = formatResult(result, format);
  if (format === "table") console.log(text);
  else await Deno.stdout.write(new TextEncoder().encode(text));
}

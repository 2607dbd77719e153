/**
 * What the tracking tasks (query, runs, export, collect) share: the `--db`, `--format` and
 * `--wait` flags, opening the store for a task and closing it after, and printing a result.
 *
 * @module
 */

import { arg, choice, invalid, text } from "../_args.ts";
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

/** `--wait SECONDS`, read as milliseconds: how long to retry while another process holds the file. */
export const WAIT_FLAG = arg({
  name: "wait",
  value: "SECONDS",
  default: 0,
  description: "Keep retrying this long while another process holds the file",
  read: (text) => {
    const seconds = text.trim() === "" ? NaN : Number(text);
    return Number.isFinite(seconds) && seconds >= 0
      ? Math.round(seconds * 1000)
      : invalid(msg.WAIT_EXPECTED);
  },
});

/**
 * Opens the store for a task (with a wait, says once on stderr whom it is waiting for), hands it
 * to `use` and closes it after.
 */
export async function withStore<T>(
  path: string,
  options: Pick<RunStoreOptions, "readOnly" | "create" | "waitMs">,
  use: (store: RunStore) => Promise<T>,
): Promise<T> {
  let told = false;
  const store = await RunStore.open(path, {
    ...options,
    onBusy: (pid) => {
      if (told) return;
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

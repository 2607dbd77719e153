/**
 * `deno task export --parquet DIR`: every table and view of the run database as Parquet.
 *
 * @module
 */

import { openForTask, parseTaskArgs, parseWait, runTask, stringOption } from "../track/_cli.ts";
import { exportParquet } from "../track/export.ts";
import * as msg from "../track/messages.ts";
import { DEFAULT_DB_PATH } from "../track/store.ts";

const TASK = "export";

/** Parsed arguments of `deno task export`. */
export interface ExportArgs {
  help: boolean;
  parquet: string;
  db: string;
  waitMs: number;
}

/**
 * Parses and validates `deno task export` arguments (no I/O). Errors are `TypeError`s.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { parseExportArgs } from "./export.ts";
 * assert.equal(parseExportArgs(["--parquet", "out"]).parquet, "out");
 * ```
 */
export function parseExportArgs(args: readonly string[]): ExportArgs {
  const { values, positionals } = parseTaskArgs(TASK, args, {
    parquet: { type: "string" },
    db: { type: "string" },
    wait: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  const help = values.help === true;
  if (positionals.length > 0) {
    throw new TypeError(msg.badPositionals(TASK, "no positional arguments", positionals));
  }
  const parquet = typeof values.parquet === "string" ? values.parquet : "";
  if (!help && parquet === "") throw new TypeError(msg.missingOption(TASK, "parquet DIR"));
  return {
    help,
    parquet,
    db: stringOption(values.db, DEFAULT_DB_PATH),
    waitMs: parseWait(TASK, values.wait),
  };
}

/** Runs the task; returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  const parsed = parseExportArgs(args);
  if (parsed.help) {
    console.log(msg.EXPORT_HELP);
    return 0;
  }
  const store = await openForTask(parsed.db, { readOnly: true, waitMs: parsed.waitMs });
  try {
    for (const file of await exportParquet(store, parsed.parquet)) {
      console.log(msg.exportedOne(file.name, file.rows, file.path));
    }
  } finally {
    await store.close();
  }
  return 0;
}

if (import.meta.main) Deno.exit(await runTask(() => main(Deno.args)));

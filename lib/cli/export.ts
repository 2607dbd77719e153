/**
 * `deno task export --parquet DIR`: every table and view of the run database as Parquet.
 *
 * @module
 */

import { cliMain, defineTask, type RequestOf, text } from "../_args.ts";
import { DB_FLAG, WAIT_FLAG, withStore } from "../track/_cli.ts";
import { exportParquet } from "../track/export.ts";
import * as msg from "../track/messages.ts";

/** `export`: the database as Parquet files. */
export const EXPORT = defineTask({
  name: "export",
  summary: `Writes every table and view of the run database as Parquet files, one
    DIR/<table>.parquet each.`,
  flags: {
    parquet: text({ value: "DIR", required: true, description: "Output folder (created)" }),
    db: DB_FLAG,
    waitMs: WAIT_FLAG,
  },
  examples: `
    # export/runs.parquet, export/results.parquet, ..., export/variant_summary.parquet
    deno task export --parquet export/
    python3 -c "import pandas; print(pandas.read_parquet('export/variant_summary.parquet'))"`,
});

/**
 * Parses and validates `deno task export` arguments (no I/O; see `lib/_args.ts` for the errors).
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { parseExportArgs } from "./export.ts";
 * const args = parseExportArgs(["--parquet", "out"]);
 * assert.ok(!args.help && args.parquet === "out");
 * ```
 */
export const parseExportArgs = EXPORT.parse;

/** Writes the Parquet files, printing one line each. */
export function exportDatabase(args: RequestOf<typeof EXPORT>): Promise<void> {
  return withStore(args.db, { readOnly: true, waitMs: args.waitMs }, async (store) => {
    for (const file of await exportParquet(store, args.parquet)) {
      console.log(msg.exportedOne(file.name, file.rows, file.path));
    }
  });
}

/** Runs the task; returns the exit code. */
export const main = cliMain(EXPORT, exportDatabase);

if (import.meta.main) Deno.exit(await main(Deno.args));

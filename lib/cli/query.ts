/**
 * `deno task query "SQL"`: run SQL on the run database and print the result as an aligned table,
 * CSV or JSON. Opens the file read-only unless `--write` is given.
 *
 * @module
 */

import { cliMain, defineTask, flag, type RequestOf, text } from "../_args.ts";
import { DB_FLAG, FORMAT_FLAG, printResult, WAIT_FLAG, withStore } from "../track/_cli.ts";

/** `query`: SQL on the run database. */
export const QUERY = defineTask({
  name: "query",
  summary: `Runs SQL on the run database and prints the result. The file is opened read-only
    unless --write is given, so other readers may share it.`,
  positionals: { sql: text({ value: "SQL", required: true, description: "The SQL, quoted" }) },
  flags: {
    db: DB_FLAG,
    format: FORMAT_FLAG,
    write: flag({ description: "Open the file for writing" }),
    waitMs: WAIT_FLAG,
  },
  notes: [{
    title: "Tables",
    text: `runs, run_variants, params, metrics, results, class_iou, artifacts, paper_values;
      views: variant_summary (mean/std/95% CI over seeds vs the paper), run_eval (one row per
      run).`,
  }],
  examples: `
    # Table IX measured against the paper
    deno task query "SELECT variant, metric, n, mean, paper FROM variant_summary WHERE ablation = 'token-bank'"
    # Mean hIoU per variant as CSV
    deno task query "SELECT variant, avg(hIoU) FROM run_eval GROUP BY ALL" --format csv > hiou.csv`,
});

/**
 * Parses and validates `deno task query` arguments (no I/O; see `lib/_args.ts` for the errors).
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { parseQueryArgs } from "./query.ts";
 * const args = parseQueryArgs(["SELECT 1", "--format", "csv"]);
 * assert.ok(!args.help && args.sql === "SELECT 1" && args.format === "csv");
 * ```
 */
export const parseQueryArgs = QUERY.parse;

/** Runs the query and prints its result. */
export function query(args: RequestOf<typeof QUERY>): Promise<void> {
  const options = { readOnly: !args.write, create: false, waitMs: args.waitMs };
  return withStore(args.db, options, async (store) => {
    await printResult(await store.query(args.sql), args.format);
  });
}

/** Runs the task; returns the exit code. */
export const main = cliMain(QUERY, query);

if (import.meta.main) Deno.exit(await main(Deno.args));

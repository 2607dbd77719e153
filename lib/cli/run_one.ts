/**
 * `deno task run-one JOB`: train one planned run without the database and write its run record.
 * See `lib/sweep/run_one.ts` and `--help`.
 *
 * @module
 */
import { cliMain } from "../_args.ts";
import { runOne } from "../sweep/run_one.ts";
import { RUN_ONE } from "../sweep/run_one_args.ts";

/** Parses `args`, runs, and returns the exit code. */
export const main = cliMain(RUN_ONE, runOne);

if (import.meta.main) Deno.exit(await main(Deno.args));

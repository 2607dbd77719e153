/**
 * `deno task run-one JOB`: train one planned run without the database and write its run record.
 * See `lib/sweep/run_one.ts` and `--help`.
 *
 * @module
 */
import { runOne } from "../sweep/run_one.ts";
import { parseRunOneArgs, RUN_ONE_HELP } from "../sweep/run_one_args.ts";

/** Parses `args`, runs, and returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseRunOneArgs(args);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 2;
  }
  if (parsed.help) {
    console.log(RUN_ONE_HELP);
    return 0;
  }
  return await runOne(parsed);
}

if (import.meta.main) Deno.exit(await main(Deno.args));

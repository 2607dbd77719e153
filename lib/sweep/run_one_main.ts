/**
 * The program of a `run-one` process: what `deno task run-one JOB` runs and what a sweep starts
 * for each run (`worker.ts`), so the sweep starts its children without the CLI layer. See
 * `run_one.ts` and `--help`.
 *
 * @module
 */
import { cliMain } from "../_args.ts";
import { runOne } from "./run_one.ts";
import { RUN_ONE } from "./run_one_args.ts";

/** Parses `args`, runs, and returns the exit code. */
export const main: (args: readonly string[]) => Promise<number> = cliMain(RUN_ONE, runOne);

if (import.meta.main) Deno.exit(await main(Deno.args));

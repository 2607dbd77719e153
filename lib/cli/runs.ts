/**
 * `deno task runs`: recent runs, newest first, filtered by ablation and status.
 *
 * @module
 */

import { choice, cliMain, defineTask, integer, type RequestOf, text } from "../_args.ts";
import { DB_FLAG, FORMAT_FLAG, printResult, WAIT_FLAG, withStore } from "../track/_cli.ts";
import { listRuns } from "../track/list_runs.ts";
import { RunStatus } from "../track/schema.ts";

/** `runs`: the newest runs and their scores. */
export const RUNS = defineTask({
  name: "runs",
  summary: "Lists recent runs, newest first, with their eval hIoU / sIoU / uIoU.",
  flags: {
    ablation: text({
      value: "NAME",
      default: null,
      description: "Only runs serving this ablation (labels as in that ablation's table)",
    }),
    status: choice(RunStatus, { default: null, description: "Only runs in this state" }),
    limit: integer({ min: 1, default: 20, description: "At most N runs" }),
    db: DB_FLAG,
    format: FORMAT_FLAG,
    waitMs: WAIT_FLAG,
  },
  examples: `
    # The last five failed runs of Table IX
    deno task runs --ablation token-bank --status failed --limit 5`,
});

/**
 * Parses and validates `deno task runs` arguments (no I/O; see `lib/_args.ts` for the errors).
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { parseRunsArgs } from "./runs.ts";
 * const args = parseRunsArgs(["--ablation", "token-bank", "--limit", "5"]);
 * assert.ok(!args.help && args.limit === 5 && args.status === null);
 * ```
 */
export const parseRunsArgs = RUNS.parse;

/** Lists the runs asked for. */
export function runs(args: RequestOf<typeof RUNS>): Promise<void> {
  const { ablation, status, limit } = args;
  return withStore(args.db, { readOnly: true, waitMs: args.waitMs }, async (store) => {
    const filter = { limit, ...(ablation === null ? {} : { ablation }) };
    const result = await listRuns(store, status === null ? filter : { ...filter, status });
    await printResult(result, args.format);
  });
}

/** Runs the task; returns the exit code. */
export const main = cliMain(RUNS, runs);

if (import.meta.main) Deno.exit(await main(Deno.args));

/**
 * `deno task runs`: recent runs, newest first, filtered by ablation and status.
 *
 * @module
 */

import { openForTask, parseTaskArgs, parseWait, runTask, stringOption } from "../track/_cli.ts";
import { formatResult, isOutputFormat, OutputFormat } from "../track/format.ts";
import { listRuns } from "../track/list_runs.ts";
import * as msg from "../track/messages.ts";
import { isRunStatus, RunStatus } from "../track/schema.ts";
import { DEFAULT_DB_PATH } from "../track/store.ts";

const TASK = "runs";

/** Parsed arguments of `deno task runs`. */
export interface RunsArgs {
  help: boolean;
  ablation: string | null;
  status: RunStatus | null;
  limit: number;
  db: string;
  format: OutputFormat;
  waitMs: number;
}

/**
 * Parses and validates `deno task runs` arguments (no I/O). Errors are `TypeError`s.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { parseRunsArgs } from "./runs.ts";
 * const args = parseRunsArgs(["--ablation", "token-bank", "--limit", "5"]);
 * assert.deepEqual([args.ablation, args.limit, args.status], ["token-bank", 5, null]);
 * ```
 */
export function parseRunsArgs(args: readonly string[]): RunsArgs {
  const { values, positionals } = parseTaskArgs(TASK, args, {
    ablation: { type: "string" },
    status: { type: "string" },
    limit: { type: "string" },
    db: { type: "string" },
    format: { type: "string", short: "f" },
    wait: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (positionals.length > 0) {
    throw new TypeError(msg.badPositionals(TASK, "no positional arguments", positionals));
  }
  const status = typeof values.status === "string" ? values.status : null;
  if (status !== null && !isRunStatus(status)) {
    throw new TypeError(msg.badChoice(TASK, "status", status, RunStatus));
  }
  const limitText = stringOption(values.limit, "20");
  const limit = Number(limitText);
  if (!/^\d+$/.test(limitText) || !Number.isSafeInteger(limit) || limit < 1) {
    throw new TypeError(msg.badNumber(TASK, "limit", limitText, "a positive integer"));
  }
  const format = stringOption(values.format, "table");
  if (!isOutputFormat(format)) {
    throw new TypeError(msg.badChoice(TASK, "format", format, OutputFormat));
  }
  const ablation = typeof values.ablation === "string" ? values.ablation : null;
  return {
    help: values.help === true,
    ablation,
    status,
    limit,
    db: stringOption(values.db, DEFAULT_DB_PATH),
    format,
    waitMs: parseWait(TASK, values.wait),
  };
}

/** Runs the task; returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  const parsed = parseRunsArgs(args);
  if (parsed.help) {
    console.log(msg.RUNS_HELP);
    return 0;
  }
  const store = await openForTask(parsed.db, { readOnly: true, waitMs: parsed.waitMs });
  try {
    const result = await listRuns(store, {
      ...(parsed.ablation === null ? {} : { ablation: parsed.ablation }),
      ...(parsed.status === null ? {} : { status: parsed.status }),
      limit: parsed.limit,
    });
    const text = formatResult(result, parsed.format);
    if (parsed.format === "table") console.log(text);
    else await Deno.stdout.write(new TextEncoder().encode(text));
  } finally {
    await store.close();
  }
  return 0;
}

if (import.meta.main) Deno.exit(await runTask(() => main(Deno.args)));

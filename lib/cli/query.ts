/**
 * `deno task query "SQL"`: run SQL on the run database and print the result as an aligned table,
 * CSV or JSON. Opens the file read-only unless `--write` is given.
 *
 * @module
 */

import { openForTask, parseTaskArgs, parseWait, runTask, stringOption } from "../track/_cli.ts";
import { formatResult, isOutputFormat, OutputFormat } from "../track/format.ts";
import * as msg from "../track/messages.ts";
import { DEFAULT_DB_PATH } from "../track/store.ts";

const TASK = "query";

/** Parsed arguments of `deno task query`. */
export interface QueryArgs {
  help: boolean;
  sql: string;
  db: string;
  format: OutputFormat;
  write: boolean;
  waitMs: number;
}

/**
 * Parses and validates `deno task query` arguments (no I/O). Errors are `TypeError`s.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { parseQueryArgs } from "./query.ts";
 * const args = parseQueryArgs(["SELECT 1", "--format", "csv"]);
 * assert.deepEqual([args.sql, args.format, args.db], ["SELECT 1", "csv", "runs.duckdb"]);
 * ```
 */
export function parseQueryArgs(args: readonly string[]): QueryArgs {
  const { values, positionals } = parseTaskArgs(TASK, args, {
    db: { type: "string" },
    format: { type: "string", short: "f" },
    write: { type: "boolean" },
    wait: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  const help = values.help === true;
  const format = stringOption(values.format, "table");
  if (!isOutputFormat(format)) {
    throw new TypeError(msg.badChoice(TASK, "format", format, OutputFormat));
  }
  if (!help && (positionals.length !== 1 || positionals[0]!.trim() === "")) {
    throw new TypeError(msg.badPositionals(TASK, "one SQL string", positionals));
  }
  return {
    help,
    sql: positionals[0] ?? "",
    db: stringOption(values.db, DEFAULT_DB_PATH),
    format,
    write: values.write === true,
    waitMs: parseWait(TASK, values.wait),
  };
}

/** Runs the task; returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  const parsed = parseQueryArgs(args);
  if (parsed.help) {
    console.log(msg.QUERY_HELP);
    return 0;
  }
  const store = await openForTask(parsed.db, {
    readOnly: !parsed.write,
    create: false,
    waitMs: parsed.waitMs,
  });
  try {
    const result = await store.query(parsed.sql);
    const text = formatResult(result, parsed.format);
    if (parsed.format === "table") console.log(text);
    else await Deno.stdout.write(new TextEncoder().encode(text));
  } finally {
    await store.close();
  }
  return 0;
}

if (import.meta.main) Deno.exit(await runTask(() => main(Deno.args)));

/**
 * `deno task collect`: ingest per-run record files into the run database (idempotent; ingested
 * files move to `DIR/ingested/`).
 *
 * @module
 */

import { openForTask, parseTaskArgs, parseWait, runTask, stringOption } from "../track/_cli.ts";
import { collectRecords } from "../track/collect.ts";
import * as msg from "../track/messages.ts";
import { DEFAULT_RECORD_DIR } from "../track/record.ts";
import { DEFAULT_DB_PATH } from "../track/store.ts";

const TASK = "collect";

/** Parsed arguments of `deno task collect`. */
export interface CollectArgs {
  help: boolean;
  from: string;
  db: string;
  keep: boolean;
  waitMs: number;
}

/**
 * Parses and validates `deno task collect` arguments (no I/O). Errors are `TypeError`s.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { parseCollectArgs } from "./collect.ts";
 * const args = parseCollectArgs(["--keep"]);
 * assert.deepEqual([args.from, args.keep], [".cache/records", true]);
 * ```
 */
export function parseCollectArgs(args: readonly string[]): CollectArgs {
  const { values, positionals } = parseTaskArgs(TASK, args, {
    from: { type: "string" },
    db: { type: "string" },
    keep: { type: "boolean" },
    wait: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (positionals.length > 0) {
    throw new TypeError(msg.badPositionals(TASK, "no positional arguments", positionals));
  }
  return {
    help: values.help === true,
    from: stringOption(values.from, DEFAULT_RECORD_DIR),
    db: stringOption(values.db, DEFAULT_DB_PATH),
    keep: values.keep === true,
    waitMs: parseWait(TASK, values.wait),
  };
}

/** Runs the task; returns the exit code (1 when some record could not be ingested). */
export async function main(args: readonly string[]): Promise<number> {
  const parsed = parseCollectArgs(args);
  if (parsed.help) {
    console.log(msg.COLLECT_HELP);
    return 0;
  }
  // Fail on a missing directory before creating a database file.
  try {
    await Deno.stat(parsed.from);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Deno.errors.NotFound(msg.recordDirMissing(parsed.from));
    }
    throw error;
  }
  const store = await openForTask(parsed.db, { waitMs: parsed.waitMs });
  try {
    const result = await collectRecords(store, parsed.from, {
      move: !parsed.keep,
      onFile: (o) =>
        o.ok
          ? console.log(msg.collectedOne(o.path, o.id, o.status, o.movedTo))
          : console.error(msg.collectFailed(o.path, o.error.message)),
    });
    console.log(msg.collectSummary(result.ingested.length, result.failed.length, parsed.db));
    return result.failed.length > 0 ? 1 : 0;
  } finally {
    await store.close();
  }
}

if (import.meta.main) Deno.exit(await runTask(() => main(Deno.args)));

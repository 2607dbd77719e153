/**
 * `deno task collect`: ingest per-run record files into the run database (idempotent; ingested
 * files move to `DIR/ingested/`).
 *
 * @module
 */

import { cliMain, defineTask, flag, type RequestOf, text } from "../_args.ts";
import { DB_FLAG, WAIT_FLAG, withStore } from "../track/_cli.ts";
import { collectRecords } from "../track/collect.ts";
import * as msg from "../track/messages.ts";
import { DEFAULT_RECORD_DIR } from "../track/record.ts";

/** `collect`: record files into the database. */
export const COLLECT = defineTask({
  name: "collect",
  summary: `Ingests per-run record files (written by run-one or workers) into the run database.
    Ingesting is idempotent: a record replaces its run's rows. Files still being written
    (temporary dot-names) are skipped; a file that fails validation stays in place and is
    reported (exit 1).`,
  flags: {
    from: text({ value: "DIR", default: DEFAULT_RECORD_DIR, description: "Folder of records" }),
    db: { ...DB_FLAG, description: "Database file; created when missing" },
    keep: flag({ description: "Leave ingested files in place, not moved to DIR/ingested/" }),
    waitMs: WAIT_FLAG,
  },
  examples: `
    # ingested .cache/records/3f2a9c.run.json (run 3f2a9c, finished) -> .cache/records/ingested/...
    deno task collect --from .cache/records --db runs.duckdb`,
});

/**
 * Parses and validates `deno task collect` arguments (no I/O; see `lib/_args.ts` for the errors).
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { parseCollectArgs } from "./collect.ts";
 * const args = parseCollectArgs(["--keep"]);
 * assert.ok(!args.help && args.from === ".cache/records" && args.keep);
 * ```
 */
export const parseCollectArgs = COLLECT.parse;

/** Ingests the records; 1 when some record could not be ingested. */
export async function collect(args: RequestOf<typeof COLLECT>): Promise<number> {
  // Fail on a missing directory before creating a database file.
  try {
    await Deno.stat(args.from);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Deno.errors.NotFound(msg.recordDirMissing(args.from));
    }
    throw error;
  }
  return await withStore(args.db, { waitMs: args.waitMs }, async (store) => {
    const result = await collectRecords(store, args.from, {
      move: !args.keep,
      onFile: (o) =>
        o.ok
          ? console.log(msg.collectedOne(o.path, o.id, o.status, o.movedTo))
          : console.error(msg.collectFailed(o.path, o.error.message)),
    });
    console.log(msg.collectSummary(result.ingested.length, result.failed.length, args.db));
    return result.failed.length > 0 ? 1 : 0;
  });
}

/** Runs the task; returns the exit code. */
export const main = cliMain(COLLECT, collect);

if (import.meta.main) Deno.exit(await main(Deno.args));

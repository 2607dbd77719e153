/**
 * `deno task collect`: ingest per-run record files into the run database (idempotent; every file
 * read moves to `DIR/ingested/`, `DIR/not-applied/` or `DIR/rejected/`).
 *
 * @module
 */

import { cliMain, defineTask, flag, type RequestOf, text } from "../_args.ts";
import { settleSlurmTasksOf } from "../sweep/slurm.ts";
import { DB_FLAG, WAIT_FLAG, withStore } from "../track/_cli.ts";
import { collectRecords, type RecordFileOutcome } from "../track/collect.ts";
import * as msg from "../track/messages.ts";
import { DEFAULT_RECORD_DIR } from "../track/record.ts";

/** `collect`: record files into the database. */
export const COLLECT = defineTask({
  name: "collect",
  summary: `Ingests per-run record files (written by run-one or workers) into the run database
    and moves each to DIR/ingested/. Ingesting is idempotent: a record replaces its run's rows,
    except that a finished run is final: a later record of it (a run-one stopped with Ctrl-C, a
    failed attempt) is kept in DIR/not-applied/ and reported, and the run keeps its results
    (\`deno task ablate NAME --rerun\` retrains it). A file that is not a valid record (not JSON, a
    wrong field, a score that is NaN or Infinity, another run's record under this run's name) is
    moved to DIR/rejected/ with NAME.reason.txt (exit 1). Files still being written (temporary
    dot-names) are skipped. A file named like one already there gets the next free
    HASH.N.run.json, so every record read stays on disk.`,
  flags: {
    from: text({ value: "DIR", default: DEFAULT_RECORD_DIR, description: "Folder of records" }),
    db: { ...DB_FLAG, description: "Database file; created when missing" },
    keep: flag({ description: "Leave every file in place (none moved to DIR/ingested/, ...)" }),
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
  // Slurm tasks of this working area that ended without a record get one saying so.
  await settleSlurmTasksOf(args.from, (line) => console.log(line));
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
    const result = await collectRecords(store, args.from, { move: !args.keep, onFile: report });
    const rejected = result.failed.filter((f) => f.rejected).length;
    console.log(msg.collectSummary({
      ingested: result.ingested.length,
      kept: result.kept.length,
      rejected,
      failed: result.failed.length - rejected,
    }, args.db));
    return result.failed.length > 0 ? 1 : 0;
  });
}

/** Prints what became of one record file. */
function report(o: RecordFileOutcome): void {
  if (!o.ok) console.error(msg.collectFailed(o.path, o.error.message, o.movedTo));
  else if (!o.applied) console.log(msg.keptNotApplied(o.path, o.record.hash, o.movedTo));
  else console.log(msg.collectedOne(o.path, o.record.hash, o.record.status, o.movedTo));
}

/** Runs the task; returns the exit code. */
export const main = cliMain(COLLECT, collect);

if (import.meta.main) Deno.exit(await main(Deno.args));

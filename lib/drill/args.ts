/**
 * Arguments of `deno task drill`, declared once; `parseDrillArgs` is the pure parser.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { parseDrillArgs } from "./args.ts";
 * const args = parseDrillArgs(["--short", "--seed", "7", "--only", "kill"]);
 * assert.ok(!args.help && args.short && args.seed === 7 && args.only[0] === "kill");
 * ```
 *
 * @module
 */
import { choice, defineTask, flag, integer, many, type RequestOf, text } from "../_args.ts";

/** The scenario groups, in the order the drill runs them. */
export const Group = [
  "kill",
  "malformed",
  "records",
  "owners",
  "readers",
  "signals",
  "disk",
  "read-only",
] as const;
/** One of {@linkcode Group}. */
export type Group = typeof Group[number];

/** `drill`: the fault-injection suite. */
export const DRILL = defineTask({
  name: "drill",
  summary: `Runs a fault-injection suite against the real tasks (ablate, run-one, collect, query,
    report) on a throwaway database and working folder, never runs.duckdb: kill -9 of the owner
    and of workers at seeded random moments (while it ingests a record, while it closes the
    database), a full disk, a read-only working folder, stale and corrupt records, two owners,
    readers during a sweep, SIGTERM and SIGINT to every process of the tree, and malformed flags,
    specs, records and database files. Prints one row per scenario: runs finished, lost,
    duplicated, whether the database opens in a second client, whether the message names the
    culprit; then each failing row with the command that reproduces it. Exits 1 when anything
    was lost or duplicated (with --strict: when any row failed).`,
  flags: {
    short: flag({ description: "The CI version: a few kills, a handful of malformed inputs" }),
    seed: integer({ min: 0, default: 1, description: "Seed of the kill moments" }),
    dbDir: text({
      name: "db-dir",
      value: "DIR",
      default: null,
      defaultText: "the system's temporary folder",
      description: "Where the throwaway folder is made",
    }),
    only: many(choice(Group, { default: null, description: "Run only this scenario group" })),
    keep: flag({ description: "Keep the throwaway folder (its path is printed)" }),
    strict: flag({ description: "Exit 1 when any row failed, not only on a loss" }),
  },
  notes: [{
    title: "Lost and duplicated",
    text: `A run is lost when it was finished (or its record landed) before a fault and is not
      finished after it; a record is lost when it disappeared without being stored or set
      aside. A run is duplicated when some row of it is stored twice. The disk-full scenario
      mounts a tmpfs and needs root; elsewhere it is skipped with the reason.`,
  }],
  examples: `
    # The whole drill (about 5 minutes on 2 cores)
    deno task drill
    # What CI runs (under 3 minutes)
    deno task drill --short
    # Only the kills, at other moments, keeping the files to look at
    deno task drill --only kill --seed 7 --keep`,
});

/** `drill`'s request. */
export type DrillArgs = RequestOf<typeof DRILL>;

/** Parses `drill`'s arguments (no I/O; see `lib/_args.ts`). */
export const parseDrillArgs = DRILL.parse;

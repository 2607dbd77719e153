/**
 * Arguments of `deno task report`, declared once: `parseReportArgs` is the pure parser
 * (everything is checked before the database is opened; the ablation name itself is checked
 * against the database and the spec registry by `renderReport`).
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { parseReportArgs } from "./args.ts";
 * const args = parseReportArgs(["token-bank", "--db", "runs.duckdb"]);
 * assert.ok(!args.help && args.target === "token-bank" && args.out === "reports/out");
 * ```
 *
 * @module
 */
import { defineTask, number, text } from "../_args.ts";
import { ABLATION_TARGET, DEFAULT_DB } from "../spec/args.ts";
import { WAIT_FLAG } from "../track/_cli.ts";

/** Default output folder. */
export const DEFAULT_OUT = "reports/out";

/** `report`: one HTML page per ablation, paper beside measured. */
export const REPORT = defineTask({
  name: "report",
  summary: `Writes a self-contained HTML page (no network needed to open it) for the ablation
    NAME, one table of the paper: the paper's values beside the measured mean and 95% CI over
    seeds, the agreement of the two rankings (Kendall tau-b), each effect the paper claims judged
    on paired seeds (reproduced, reversed, equivalent or unresolved), training curves, per-class
    IoU, sample images and the runs. "all" writes every table's page
    and an index page linking them under one summary chart. The database is opened read-only.`,
  positionals: ABLATION_TARGET,
  flags: {
    db: text({ value: "PATH", default: DEFAULT_DB, description: "Run database" }),
    out: text({
      value: "DIR",
      default: DEFAULT_OUT,
      description: "Output folder; pages are DIR/NAME.html and DIR/index.html",
    }),
    waitMs: WAIT_FLAG,
    delta: number({
      value: "POINTS",
      min: 0,
      default: 1,
      description: "Equivalence margin of a claim: a paired 95% CI within +/- POINTS of 0 " +
        "reads equivalent",
    }),
  },
  notes: [{
    title: "No runs yet",
    text: `An ablation with no finished run yet still gets a page, showing the paper's values and
      saying "no runs yet"; a missing database file or an unknown name is an error.`,
  }],
  examples: `
    # reports/out/token-bank.html (Table IX)
    deno task report token-bank
    # Every table, plus reports/out/index.html
    deno task report all
    # Table IV from another database file
    deno task report module --db /tmp/w.duckdb
    # Write the pages somewhere else
    deno task report all --out /tmp/pages
    # Call a claim equivalent only when its paired CI is within +/- 0.5 points
    deno task report aggregation --delta 0.5`,
});

/** Parses `report`'s arguments (no I/O; see `lib/_args.ts` for the errors). */
export const parseReportArgs = REPORT.parse;

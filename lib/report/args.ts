/**
 * Arguments of `deno task report`: a pure parser returning a typed struct, and the help text.
 * Everything is checked here, before the database is opened; the ablation name itself is checked
 * against the database and the spec registry by `renderReport`.
 *
 * @example
 * ```ts
 * import { parseReportArgs } from "./args.ts";
 * const args = parseReportArgs(["token-bank", "--db", "runs.duckdb"]);
 * if (!args.help) console.log(args.target, args.db, args.out); // token-bank runs.duckdb reports/out
 * ```
 *
 * @module
 */
import { parseArgs } from "../_std.ts";
import { Msg } from "./messages.ts";

/** Default database file. */
export const DEFAULT_DB = "runs.duckdb";

/** Default output folder. */
export const DEFAULT_OUT = "reports/out";

/** What `report` was asked to do (when not `--help`). */
export interface ReportRequest {
  readonly help: false;
  /** An ablation name, or `"all"`. */
  readonly target: string;
  /** @default {"runs.duckdb"} */
  readonly db: string;
  /** @default {"reports/out"} */
  readonly out: string;
}

/** `report --help`. */
export interface ReportHelp {
  readonly help: true;
}

/** The parsed arguments of `report`. */
export type ReportArgs = ReportRequest | ReportHelp;

/** The help text of `report`, with worked examples. */
export const REPORT_HELP = `Usage: deno task report NAME|all [options]

Writes a self-contained HTML page (no network needed to open it) for the ablation NAME, one
table of the paper: the paper's values beside the measured mean and 95% CI over seeds, the
agreement of the two rankings (Kendall tau-b) and of each effect the paper claims, training
curves, per-class IoU, sample images and the runs. "all" writes every table's page and an index
page linking them under one summary chart. The database is opened read-only.

An ablation with no finished run yet still gets a page, showing the paper's values and saying
"no runs yet"; a missing database file or an unknown name is an error.

Options:
  --db PATH    Run database (default: ${DEFAULT_DB}).
  --out DIR    Output folder (default: ${DEFAULT_OUT}); pages are DIR/NAME.html, DIR/index.html.
  -h, --help   Show this help.

Examples:
  deno task report token-bank                    reports/out/token-bank.html (Table IX)
  deno task report all                           every table, plus reports/out/index.html
  deno task report module --db /tmp/w.duckdb     Table IV from another database file
  deno task report all --out /tmp/pages          write the pages somewhere else
`;

const OPTIONS = {
  db: { type: "string" },
  out: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/**
 * Parse `report`'s arguments. Unknown options, missing or empty values and a missing or extra
 * name are `TypeError`s whose message names the problem.
 */
export function parseReportArgs(argv: readonly string[]): ReportArgs {
  const { tokens } = parseArgs({
    args: [...argv],
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  if (tokens.some((t) => t.kind === "option" && t.name === "help")) return { help: true };
  const names: string[] = [];
  let db = DEFAULT_DB;
  let out = DEFAULT_OUT;
  for (const token of tokens) {
    if (token.kind === "positional") {
      names.push(token.value);
      continue;
    }
    if (token.kind !== "option") continue;
    if (!Object.hasOwn(OPTIONS, token.name) || token.name === "help") {
      throw new TypeError(Msg.cliUnknownFlag(token.rawName));
    }
    const value = token.value;
    if (value === undefined || (!token.inlineValue && /^--?[a-z]/i.test(value))) {
      throw new TypeError(Msg.cliMissingValue(token.rawName));
    }
    if (value.trim() === "") throw new TypeError(Msg.cliEmptyValue(token.rawName));
    if (token.name === "db") db = value;
    else out = value;
  }
  if (names.length === 0) throw new TypeError(Msg.cliMissingAblation());
  if (names.length > 1) throw new TypeError(Msg.cliExtraArgs(names));
  return { help: false, target: names[0]!, db, out };
}

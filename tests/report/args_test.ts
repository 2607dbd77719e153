import { assert } from "../../lib/_std.ts";
import { DEFAULT_OUT, parseReportArgs, REPORT } from "../../lib/report/args.ts";
import { DEFAULT_DB } from "../../lib/spec/args.ts";
import { assertUsageErrors } from "../_usage_errors.ts";

Deno.test("parseReportArgs() takes one name and defaults --db and --out", () => {
  assert.deepEqual(parseReportArgs(["token-bank"]), {
    help: false,
    target: "token-bank",
    db: DEFAULT_DB,
    out: DEFAULT_OUT,
    delta: 1,
    waitMs: 5000,
  });
  assert.deepEqual(parseReportArgs(["all", "--db", "/tmp/w.duckdb", "--out=/tmp/pages"]), {
    help: false,
    target: "all",
    db: "/tmp/w.duckdb",
    out: "/tmp/pages",
    delta: 1,
    waitMs: 5000,
  });
});

Deno.test("parseReportArgs() reads --delta, the equivalence margin of a claim", () => {
  const args = parseReportArgs(["aggregation", "--delta", "0.5"]);
  assert.ok(!args.help && args.delta === 0.5);
  assert.throws(() => parseReportArgs(["aggregation", "--delta", "-1"]), RangeError, "--delta");
  assert.throws(() => parseReportArgs(["aggregation", "--delta", "one"]), RangeError, "--delta");
});

Deno.test("parseReportArgs() answers --help and -h before checking anything else", () => {
  assert.deepEqual(parseReportArgs(["--help"]), { help: true });
  assert.deepEqual(parseReportArgs(["-h", "--bogus"]), { help: true });
  assert.ok(REPORT.help.includes("deno task report token-bank"));
  assert.ok(REPORT.help.includes("deno task report all"));
});

Deno.test("parseReportArgs() rejects unknown options, missing values and wrong name counts", () => {
  assertUsageErrors(
    parseReportArgs,
    `
    x --bd a               | TypeError  | Unknown flag "--bd" for deno task report (did you mean "--db"?)
    x --db                 | TypeError  | Flag "--db" of deno task report needs a value (--db PATH)
    x --db --out o         | TypeError  | Flag "--db" of deno task report needs a value (--db PATH)
    x --out=               | RangeError | Flag "--out" of deno task report must be non-empty, got ""
    x --out a --out b      | TypeError  | Flag "--out" of deno task report is given twice ("a", then "b"): give it once
    (none)                 | TypeError  | Argument NAME|all of deno task report is required
    a b                    | TypeError  | Unexpected argument "b" for deno task report, which takes NAME|all
  `,
  );
});

import { assert } from "../../lib/_std.ts";
import { parseCollectArgs } from "../../lib/cli/collect.ts";
import { parseExportArgs } from "../../lib/cli/export.ts";
import { parseQueryArgs } from "../../lib/cli/query.ts";
import { parseRunsArgs } from "../../lib/cli/runs.ts";
import { assertUsageErrors } from "../_usage_errors.ts";

Deno.test("parseQueryArgs() reads the SQL and applies defaults", () => {
  assert.deepEqual(parseQueryArgs(["SELECT 1"]), {
    help: false,
    sql: "SELECT 1",
    db: "runs.duckdb",
    format: "table",
    write: false,
    waitMs: 5000,
  });
  assert.deepEqual(
    parseQueryArgs(["--db", "x.duckdb", "SELECT 2", "-f", "json", "--write", "--wait", "2.5"]),
    { help: false, sql: "SELECT 2", db: "x.duckdb", format: "json", write: true, waitMs: 2500 },
  );
  assert.deepEqual(parseQueryArgs(["--help"]), { help: true });
});

Deno.test("parseQueryArgs() rejects a bad format, missing SQL, extra words and unknown options", () => {
  assertUsageErrors(
    parseQueryArgs,
    `
    "SELECT 1" --format xml   | RangeError | Flag "--format" of deno task query must be one of "table", "csv", "json", got "xml"
    "SELECT 1" -f jsn         | RangeError | Flag "-f" of deno task query must be one of "table", "csv", "json", got "jsn" (did you mean "json"?)
    (none)                    | TypeError  | Argument SQL of deno task query is required
    " "                       | RangeError | Argument SQL of deno task query must be non-empty, got " "
    SELECT 1                  | TypeError  | Unexpected argument "1" for deno task query, which takes SQL
    "SELECT 1" --bogus        | TypeError  | Unknown flag "--bogus" for deno task query
    "SELECT 1" --writ         | TypeError  | Unknown flag "--writ" for deno task query (did you mean "--write"?)
    "SELECT 1" --wait=-1      | RangeError | Flag "--wait" of deno task query must be a number of seconds >= 0, got "-1"
  `,
  );
});

Deno.test("parseQueryArgs() rejects --db given twice instead of taking the last", () => {
  assertUsageErrors(
    parseQueryArgs,
    `
    "SELECT 1" --db a.duckdb --db b.duckdb | TypeError | Flag "--db" of deno task query is given twice ("a.duckdb", then "b.duckdb"): give it once
    "SELECT 1" -f csv --format=json        | TypeError | Flag "--format" of deno task query is given twice ("csv", then "json"): give it once
  `,
  );
});

Deno.test("parseRunsArgs() reads filters and applies defaults", () => {
  assert.deepEqual(parseRunsArgs([]), {
    help: false,
    ablation: null,
    status: null,
    limit: 20,
    db: "runs.duckdb",
    format: "table",
    waitMs: 5000,
  });
  assert.deepEqual(
    parseRunsArgs(["--ablation", "token-bank", "--status", "failed", "--limit", "5", "-f", "csv"]),
    {
      help: false,
      ablation: "token-bank",
      status: "failed",
      limit: 5,
      db: "runs.duckdb",
      format: "csv",
      waitMs: 5000,
    },
  );
});

Deno.test("parseRunsArgs() rejects an unknown status and a limit that is not a positive integer", () => {
  assertUsageErrors(
    parseRunsArgs,
    `
    --status done    | RangeError | Flag "--status" of deno task runs must be one of "running", "finished", "failed", "interrupted", got "done"
    --limit=0        | RangeError | Flag "--limit" of deno task runs must be a positive integer, got "0"
    --limit=2.5      | RangeError | Flag "--limit" of deno task runs must be a positive integer, got "2.5"
    --limit=ten      | RangeError | Flag "--limit" of deno task runs must be a positive integer, got "ten"
    --limit=-3       | RangeError | Flag "--limit" of deno task runs must be a positive integer, got "-3"
    --limit -5       | RangeError | Flag "--limit" of deno task runs must be a positive integer, got "-5"
    token-bank       | TypeError  | Unexpected argument "token-bank" for deno task runs, which takes no arguments
  `,
  );
});

Deno.test("parseExportArgs() requires --parquet DIR", () => {
  assert.deepEqual(parseExportArgs(["--parquet", "out", "--db", "a.duckdb"]), {
    help: false,
    parquet: "out",
    db: "a.duckdb",
    waitMs: 5000,
  });
  assert.deepEqual(parseExportArgs(["--help"]), { help: true });
  assertUsageErrors(
    parseExportArgs,
    `
    (none)        | TypeError  | Flag "--parquet" of deno task export is required (--parquet DIR)
    --parquet=""  | RangeError | Flag "--parquet" of deno task export must be non-empty, got ""
  `,
  );
});

Deno.test("parseCollectArgs() defaults to .cache/records and moving ingested files", () => {
  assert.deepEqual(parseCollectArgs([]), {
    help: false,
    from: ".cache/records",
    db: "runs.duckdb",
    keep: false,
    waitMs: 5000,
  });
  assert.deepEqual(parseCollectArgs(["--from", "r", "--keep", "--wait", "10"]), {
    help: false,
    from: "r",
    db: "runs.duckdb",
    keep: true,
    waitMs: 10_000,
  });
});

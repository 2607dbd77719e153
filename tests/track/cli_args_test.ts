import { assert } from "../../lib/_std.ts";
import { parseCollectArgs } from "../../lib/cli/collect.ts";
import { parseExportArgs } from "../../lib/cli/export.ts";
import { parseQueryArgs } from "../../lib/cli/query.ts";
import { parseRunsArgs } from "../../lib/cli/runs.ts";
import { rejectsWith } from "./_helpers.ts";

Deno.test("parseQueryArgs() reads the SQL and applies defaults", () => {
  assert.deepEqual(parseQueryArgs(["SELECT 1"]), {
    help: false,
    sql: "SELECT 1",
    db: "runs.duckdb",
    format: "table",
    write: false,
    waitMs: 0,
  });
  assert.deepEqual(
    parseQueryArgs(["--db", "x.duckdb", "SELECT 2", "-f", "json", "--write", "--wait", "2.5"]),
    { help: false, sql: "SELECT 2", db: "x.duckdb", format: "json", write: true, waitMs: 2500 },
  );
  assert.equal(parseQueryArgs(["--help"]).help, true);
});

Deno.test("parseQueryArgs() rejects a bad format, missing SQL, extra words and unknown options", async () => {
  await rejectsWith(
    () => parseQueryArgs(["SELECT 1", "--format", "xml"]),
    TypeError,
    'deno task query: --format must be one of table, csv, json, got "xml" (see --help)',
  );
  await rejectsWith(
    () => parseQueryArgs([]),
    TypeError,
    "deno task query: expected one SQL string, got none (see --help)",
  );
  await rejectsWith(
    () => parseQueryArgs(["SELECT", "1"]),
    TypeError,
    'deno task query: expected one SQL string, got "SELECT" "1" (see --help)',
  );
  await rejectsWith(
    () => parseQueryArgs(["SELECT 1", "--bogus"]),
    TypeError,
    "deno task query: Unknown option '--bogus' (see --help)",
  );
  await rejectsWith(
    () => parseQueryArgs(["SELECT 1", "--wait=-1"]),
    TypeError,
    'deno task query: --wait must be a number of seconds >= 0, got "-1" (see --help)',
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
    waitMs: 0,
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
      waitMs: 0,
    },
  );
});

Deno.test("parseRunsArgs() rejects an unknown status and a limit that is not a positive integer", async () => {
  await rejectsWith(
    () => parseRunsArgs(["--status", "done"]),
    TypeError,
    'deno task runs: --status must be one of running, finished, failed, interrupted, got "done" ' +
      "(see --help)",
  );
  for (const limit of ["0", "2.5", "ten", "-3"]) {
    await rejectsWith(
      () => parseRunsArgs([`--limit=${limit}`]),
      TypeError,
      `deno task runs: --limit must be a positive integer, got "${limit}" (see --help)`,
    );
  }
  await rejectsWith(
    () => parseRunsArgs(["token-bank"]),
    TypeError,
    'deno task runs: expected no positional arguments, got "token-bank" (see --help)',
  );
});

Deno.test("parseExportArgs() requires --parquet DIR", async () => {
  assert.deepEqual(parseExportArgs(["--parquet", "out", "--db", "a.duckdb"]), {
    help: false,
    parquet: "out",
    db: "a.duckdb",
    waitMs: 0,
  });
  assert.equal(parseExportArgs(["--help"]).help, true);
  await rejectsWith(
    () => parseExportArgs([]),
    TypeError,
    "deno task export: --parquet DIR is required (see --help)",
  );
});

Deno.test("parseCollectArgs() defaults to .cache/records and moving ingested files", () => {
  assert.deepEqual(parseCollectArgs([]), {
    help: false,
    from: ".cache/records",
    db: "runs.duckdb",
    keep: false,
    waitMs: 0,
  });
  assert.deepEqual(parseCollectArgs(["--from", "r", "--keep", "--wait", "10"]), {
    help: false,
    from: "r",
    db: "runs.duckdb",
    keep: true,
    waitMs: 10_000,
  });
});

import { assert, assertThrows } from "../../lib/_std.ts";
import { DEFAULT_DB, DEFAULT_OUT, parseReportArgs, REPORT_HELP } from "../../lib/report/args.ts";
import { Msg } from "../../lib/report/messages.ts";

Deno.test("parseReportArgs() takes one name and defaults --db and --out", () => {
  assert.deepEqual(parseReportArgs(["token-bank"]), {
    help: false,
    target: "token-bank",
    db: DEFAULT_DB,
    out: DEFAULT_OUT,
  });
  assert.deepEqual(parseReportArgs(["all", "--db", "/tmp/w.duckdb", "--out=/tmp/pages"]), {
    help: false,
    target: "all",
    db: "/tmp/w.duckdb",
    out: "/tmp/pages",
  });
});

Deno.test("parseReportArgs() answers --help and -h before checking anything else", () => {
  assert.deepEqual(parseReportArgs(["--help"]), { help: true });
  assert.deepEqual(parseReportArgs(["-h", "--bogus"]), { help: true });
  assert.ok(REPORT_HELP.includes("deno task report token-bank"));
  assert.ok(REPORT_HELP.includes("deno task report all"));
});

Deno.test("parseReportArgs() rejects unknown options, missing values and wrong name counts", () => {
  assertThrows(() => parseReportArgs(["x", "--bd", "a"]), TypeError, Msg.cliUnknownFlag("--bd"));
  assertThrows(() => parseReportArgs(["x", "--db"]), TypeError, Msg.cliMissingValue("--db"));
  assertThrows(
    () => parseReportArgs(["x", "--db", "--out", "o"]),
    TypeError,
    Msg.cliMissingValue("--db"),
  );
  assertThrows(() => parseReportArgs(["x", "--out="]), TypeError, Msg.cliEmptyValue("--out"));
  assertThrows(() => parseReportArgs([]), TypeError, Msg.cliMissingAblation());
  assertThrows(() => parseReportArgs(["a", "b"]), TypeError, Msg.cliExtraArgs(["a", "b"]));
});

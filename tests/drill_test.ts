/**
 * The fault drill: its parser, its accounting and its table as units, and `deno task drill
 * --short` end to end (SLOW: about 3 minutes on 2 cores; the last test of this file).
 */
import { assert } from "../lib/_std.ts";
import { parseDrillArgs } from "../lib/drill/args.ts";
import { announcedFinished, Ledger, type SeenRecord } from "../lib/drill/ledger.ts";
import { namesCulprit } from "../lib/drill/look.ts";
import type { Probed } from "../lib/drill/probe.ts";
import { formatTable, passed, row, totals } from "../lib/drill/table.ts";

const HASH_A = "aaaaaaaaaaaa0000";
const HASH_B = "bbbbbbbbbbbb0000";

function probed(runs: [string, string, string?][], duplicated: string[] = []): Probed {
  return {
    path: "x.duckdb",
    opens: true,
    error: null,
    runs: runs.map(([hash, status, endedAt]) => ({
      id: hash,
      hash,
      status,
      error: null,
      endedAt: endedAt ?? null,
    })),
    duplicated,
  };
}

function records(entries: [string, string, string][]): Map<string, SeenRecord> {
  return new Map(entries.map(([digest, hash, status]) => [digest, {
    name: `${hash}.run.json`,
    hash,
    status,
  }]));
}

Deno.test("parseDrillArgs() reads --short, --seed, repeated --only and --db-dir", () => {
  assert.deepEqual(
    parseDrillArgs(["--short", "--seed", "3", "--only", "kill", "--only=disk", "--db-dir", "/t"]),
    {
      help: false,
      short: true,
      seed: 3,
      dbDir: "/t",
      only: ["kill", "disk"],
      keep: false,
      strict: false,
    },
  );
  assert.throws(() => parseDrillArgs(["--only", "kil"]), RangeError);
  assert.throws(() => parseDrillArgs(["--seed", "-1"]), RangeError);
});

Deno.test("announcedFinished() takes the short hashes of the runs a sweep says it finished", () => {
  const lines = [
    'start  token-bank "0" seed 0 (3df3bffd53e6) pid 29822',
    '[1/4] finished    token-bank "0" seed 0 (3df3bffd53e6) hIoU 0.0 in 2s',
    '[2/4] interrupted token-bank "2" seed 0 (b29063105af0): killed',
  ];
  assert.deepEqual([...announcedFinished(lines)], ["3df3bffd53e6"]);
});

Deno.test("Ledger counts a finished run that is no longer finished as lost", () => {
  const ledger = new Ledger();
  ledger.sawFinished([HASH_A]);
  const account = ledger.account(probed([[HASH_A, "interrupted"]]), new Map(), {
    settled: false,
  });
  assert.deepEqual(account.lost, ["run aaaaaaaaaaaa was finished, now interrupted"]);
  assert.equal(account.finished, 0);
});

Deno.test("Ledger counts a finished run that ended again as lost: its results were replaced", () => {
  const ledger = new Ledger();
  ledger.account(probed([[HASH_A, "finished", "2025-01-01 10:00:00"]]), new Map(), {
    settled: true,
  });
  const again = probed([[HASH_A, "finished", "2025-01-01 10:05:00"]]);
  assert.deepEqual(ledger.account(again, new Map(), { settled: true }).lost, [
    "run aaaaaaaaaaaa finished at 2025-01-01 10:00:00; its results were replaced by a run " +
    "that ended at 2025-01-01 10:05:00",
  ]);
});

Deno.test("Ledger counts a record that vanished unstored as lost, and not one that was stored", () => {
  const ledger = new Ledger();
  ledger.sawRecords(records([["d1", HASH_A, "finished"], ["d2", HASH_B, "interrupted"]]));
  const account = ledger.account(probed([[HASH_B, "interrupted"]]), new Map(), {
    settled: false,
  });
  assert.deepEqual(account.lost, [
    `record ${HASH_A}.run.json (finished) is gone and was never stored`,
  ]);
});

Deno.test("Ledger, once settled, wants the run of a finished record finished", () => {
  const ledger = new Ledger();
  const seen = records([["d1", HASH_A, "finished"]]);
  ledger.sawRecords(seen);
  const account = ledger.account(probed([[HASH_A, "running"]], [HASH_A]), seen, {
    settled: true,
  });
  assert.deepEqual(account.lost, [
    "run aaaaaaaaaaaa: its finished record landed, the run is running",
  ]);
  assert.equal(account.duplicated, 1);
});

Deno.test("namesCulprit() wants every culprit named and no stack trace; one location line is fine", () => {
  assert.equal(namesCulprit('error: Unknown flag "--frob"', ["--FROB"]), null);
  assert.match(namesCulprit("error: bad", ["--frob"])!, /does not name "--frob"/);
  const trace = "error: x --frob\n    at main (file:///a.ts:3:7)\n    at file:///b.ts:1:1";
  assert.match(namesCulprit(trace, ["--frob"])!, /stack trace/);
  const where =
    "error: Cannot load spec: SyntaxError: Expression expected\n    at file:///s.ts:3:40";
  assert.equal(namesCulprit(where, ["s.ts"]), null);
});

Deno.test("formatTable() aligns one line per row; totals() and passed() count the verdicts", () => {
  const rows = [
    row({
      group: "kill",
      scenario: "kill -9 owner at 1.0 s",
      finished: 3,
      opens: true,
      reproduce: "r",
    }),
    row({ group: "disk", scenario: "disk full", skipped: "not root", reproduce: "r" }),
    row({ group: "malformed", scenario: "bad", culprit: false, lost: ["x"], reproduce: "r" }),
  ];
  assert.deepEqual(formatTable(rows).split("\n"), [
    "scenario                finished  lost  dup  opens  culprit   result",
    "kill -9 owner at 1.0 s         3     0    0    yes        -       ok",
    "disk full                      -     0    0      -        -  skipped",
    "bad                            -     1    0      -       NO     FAIL",
  ]);
  assert.deepEqual(rows.map(passed), [true, true, false]);
  assert.deepEqual(totals(rows), {
    rows: 3,
    passed: 1,
    failed: 1,
    skipped: 1,
    lost: 1,
    duplicated: 0,
  });
});

/** A table line: scenario, then finished, lost, dup, opens, culprit and the verdict. */
const TABLE_ROW = /^.+?\s{2,}(-|\d+)\s+\d+\s+\d+\s+(yes|NO|-)\s+(yes|NO|-)\s+(ok|FAIL|skipped)$/;

Deno.test("SLOW (~3 min): deno task drill --short loses nothing and prints a row per scenario", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "drill", "--short"],
    cwd: new URL("../", import.meta.url),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  const [head, ...rest] = stdout.split("\n\n")[0]!.split("\n");
  assert.match(head!, /^scenario\s+finished\s+lost\s+dup\s+opens\s+culprit\s+result$/);
  for (const line of rest) assert.match(line, TABLE_ROW);
  for (const scenario of [/^kill -9 owner/m, /^resume after/m, /^two owners/m, /^SIGTERM/m]) {
    assert.match(rest.join("\n"), scenario);
  }
  assert.match(
    stdout,
    /^Drill: \d+ scenarios, \d+ passed, \d+ failed, \d+ skipped; 0 lost, 0 duplicated /m,
  );
  assert.equal(out.code, 0, `${stdout}\n${stderr}`);
});

/**
 * The arguments of `ablate` (the runner's options on top of the spec layer's) and of `run-one`.
 */
import { assert } from "../../lib/_std.ts";
import { ABLATE_HELP } from "../../lib/spec/args.ts";
import { parseSweepArgs, SWEEP_HELP } from "../../lib/sweep/args.ts";
import * as msg from "../../lib/sweep/messages.ts";
import { parseRunOneArgs, RUN_ONE_HELP } from "../../lib/sweep/run_one_args.ts";
import { DEFAULT_TEACHER_DIR } from "../../lib/teacher/load.ts";
import { assertThrowsExactly } from "../spec/_assert.ts";

Deno.test("parseSweepArgs() takes the runner's options and leaves the rest to parseAblateArgs", () => {
  assert.deepEqual(
    parseSweepArgs([
      "token-bank",
      "--teacher",
      "t.ts",
      "--workers",
      "3",
      "--data=/d",
      "--specs",
      "specs",
      "--work",
      "/w",
      "--plan",
    ]),
    {
      help: false,
      target: "token-bank",
      preset: "quick",
      seeds: null,
      workers: 3,
      db: "runs.duckdb",
      plan: true,
      backend: null,
      teacher: "t.ts",
      dataDir: "/d",
      specsDir: "specs",
      workDir: "/w",
    },
  );
});

Deno.test("parseSweepArgs() defaults to the shipped teacher and the .cache working area", () => {
  const args = parseSweepArgs(["all"]);
  assert.ok(!args.help);
  assert.equal(args.teacher, DEFAULT_TEACHER_DIR);
  assert.equal(args.dataDir, null);
  assert.equal(args.specsDir, null);
  assert.equal(args.workDir, ".cache");
});

Deno.test("parseSweepArgs() rejects a runner option without a value, naming it", () => {
  assertThrowsExactly(
    () => parseSweepArgs(["token-bank", "--teacher"]),
    TypeError,
    msg.badOption("ablate", "--teacher", "needs a value"),
  );
  assertThrowsExactly(
    () => parseSweepArgs(["token-bank", "--work", "--plan"]),
    TypeError,
    msg.badOption("ablate", "--work", "needs a value"),
  );
  assertThrowsExactly(
    () => parseSweepArgs(["token-bank", "--data="]),
    TypeError,
    msg.badOption("ablate", "--data", "needs a value"),
  );
});

Deno.test("ablate --help keeps the spec layer's text and adds the runner's options and examples", () => {
  assert.deepEqual(parseSweepArgs(["--help"]), { help: true });
  for (const line of ABLATE_HELP.split("\n")) assert.ok(SWEEP_HELP.includes(line), line);
  assert.ok(SWEEP_HELP.indexOf("Runner options:") < SWEEP_HELP.indexOf("Examples:"));
  assert.match(SWEEP_HELP, /^ {2}--teacher PATH/m);
  assert.match(SWEEP_HELP, /^ {2}deno task ablate module --teacher /m);
});

Deno.test("parseRunOneArgs() reads a job and its options, with .cache defaults", () => {
  assert.deepEqual(parseRunOneArgs(["3f2a9c1b"]), {
    help: false,
    job: "3f2a9c1b",
    jobs: ".cache/jobs",
    records: ".cache/records",
    teacher: null,
    json: false,
  });
  assert.deepEqual(
    parseRunOneArgs(["j.json", "--json", "--records", "/r", "--teacher", "t", "--jobs", "/j"]),
    { help: false, job: "j.json", jobs: "/j", records: "/r", teacher: "t", json: true },
  );
  assert.deepEqual(parseRunOneArgs(["-h"]), { help: true });
  assert.match(RUN_ONE_HELP, /^Examples:$/m);
});

Deno.test("parseRunOneArgs() rejects a missing or second job and unknown options", () => {
  assertThrowsExactly(
    () => parseRunOneArgs([]),
    TypeError,
    'run-one: give a job file or hash; see "run-one --help"',
  );
  assertThrowsExactly(
    () => parseRunOneArgs(["a", "b"]),
    TypeError,
    'run-one: one job at a time, got 2: "a", "b"',
  );
  assert.throws(() => parseRunOneArgs(["a", "--record", "/r"]), TypeError);
  assertThrowsExactly(
    () => parseRunOneArgs(["a", "--records", " "]),
    TypeError,
    msg.badOption("run-one", "--records", "needs a non-empty value"),
  );
});

/**
 * The arguments of `ablate` (the runner's options on top of the spec layer's) and of `run-one`.
 */
import { assert } from "../../lib/_std.ts";
import { ABLATE } from "../../lib/spec/args.ts";
import { parseSweepArgs, SWEEP } from "../../lib/sweep/args.ts";
import { parseRunOneArgs, RUN_ONE } from "../../lib/sweep/run_one_args.ts";
import { DEFAULT_TEACHER_DIR } from "../../lib/teacher/load.ts";
import { assertUsageErrors, shellWords } from "../_usage_errors.ts";

Deno.test("parseSweepArgs() takes the runner's options and leaves the rest to parseAblateArgs", () => {
  assert.deepEqual(
    parseSweepArgs(
      shellWords("token-bank --teacher t.ts --workers 3 --data=/d --specs specs --work /w --plan"),
    ),
    {
      help: false,
      target: "token-bank",
      preset: "quick",
      seeds: null,
      workers: 3,
      db: "runs.duckdb",
      plan: true,
      experiment: null,
      backend: null,
      teacher: "t.ts",
      dataDir: "/d",
      specsDir: "specs",
      workDir: "/w",
      waitMs: 0,
      delta: 1,
      untilResolved: false,
      maxSeeds: null,
      rerun: false,
      launcher: "local",
      status: false,
      partition: null,
      time: null,
      gpus: null,
      arrayLimit: null,
      module: [],
      slurmOption: [],
    },
  );
});

Deno.test("parseSweepArgs() reads --until-resolved and --max-seeds", () => {
  const args = parseSweepArgs(["module", "--until-resolved", "--max-seeds", "8"]);
  assert.ok(!args.help && args.untilResolved && args.maxSeeds === 8);
});

Deno.test("parseSweepArgs() reads --rerun", () => {
  const args = parseSweepArgs(["token-bank", "--rerun"]);
  assert.ok(!args.help && args.rerun);
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
  assertUsageErrors(
    parseSweepArgs,
    `
    token-bank --teachr t.ts    | TypeError  | Unknown flag "--teachr" for deno task ablate (did you mean "--teacher"?)
    token-bank --data=          | RangeError | Flag "--data" of deno task ablate must be non-empty, got ""
    token-bank --teacher        | TypeError  | Flag "--teacher" of deno task ablate needs a value (--teacher PATH)
    all --work --plan           | TypeError  | Flag "--work" of deno task ablate needs a value (--work DIR)
  `,
  );
});

Deno.test("ablate --help keeps the spec layer's text and adds the runner's options and examples", () => {
  assert.deepEqual(parseSweepArgs(["--help"]), { help: true });
  for (const line of ABLATE.help.split("\n")) assert.ok(SWEEP.help.includes(line), line);
  assert.ok(SWEEP.help.indexOf("\nOptions:") < SWEEP.help.indexOf("Runner options:"));
  assert.ok(SWEEP.help.indexOf("Runner options:") < SWEEP.help.indexOf("Examples:"));
  assert.match(SWEEP.help, /^ {2}--teacher PATH/m);
  assert.match(SWEEP.help, /^ {2}deno task ablate module --teacher /m);
});

Deno.test("parseRunOneArgs() reads a job and its options, with .cache defaults", () => {
  const cache = { jobs: ".cache/jobs", records: ".cache/records" };
  const expected = { help: false, job: "3f2a9c1b", ...cache, teacher: null, json: false };
  assert.deepEqual(parseRunOneArgs(["3f2a9c1b"]), expected);
  assert.deepEqual(
    parseRunOneArgs(shellWords("j.json --json --records /r --teacher t --jobs /j")),
    { help: false, job: "j.json", jobs: "/j", records: "/r", teacher: "t", json: true },
  );
  assert.deepEqual(parseRunOneArgs(["-h"]), { help: true });
  assert.match(RUN_ONE.help, /^Examples:$/m);
});

Deno.test("parseRunOneArgs() rejects a missing or second job and unknown options", () => {
  assertUsageErrors(
    parseRunOneArgs,
    `
    (none)                   | TypeError  | Argument JOB of deno task run-one is required
    a b                      | TypeError  | Unexpected argument "b" for deno task run-one, which takes JOB
    a --record /r            | TypeError  | Unknown flag "--record" for deno task run-one (did you mean "--records"?)
    a --records " "          | RangeError | Flag "--records" of deno task run-one must be non-empty, got " "
    a --jobs /j --jobs /k    | TypeError  | Flag "--jobs" of deno task run-one is given twice ("/j", then "/k"): give it once
  `,
  );
});

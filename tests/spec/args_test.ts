import { assert } from "../../lib/_std.ts";
import { ABLATE, parseAblateArgs } from "../../lib/spec/args.ts";
import { assertUsageErrors, shellWords } from "../_usage_errors.ts";

Deno.test("parseAblateArgs() gives the defaults for a bare name", () => {
  assert.deepEqual(parseAblateArgs(["token-bank"]), {
    help: false,
    target: "token-bank",
    preset: "quick",
    seeds: null,
    workers: 2,
    db: "runs.duckdb",
    plan: false,
    experiment: null,
    backend: null,
  });
});

Deno.test("parseAblateArgs() reads every option, spaced or with =", () => {
  assert.deepEqual(
    parseAblateArgs(
      shellWords(
        "all --preset=paper --seeds 5 --workers=1 --db /tmp/w.duckdb --dry-run --backend cpu " +
          "--experiment voc-clip",
      ),
    ),
    {
      help: false,
      target: "all",
      preset: "paper",
      seeds: 5,
      workers: 1,
      db: "/tmp/w.duckdb",
      plan: true,
      experiment: "voc-clip",
      backend: "cpu",
    },
  );
  assert.equal((parseAblateArgs(["module", "--plan"]) as { plan: boolean }).plan, true);
});

Deno.test("parseAblateArgs() returns help for -h or --help, whatever else is given", () => {
  assert.deepEqual(parseAblateArgs(["--help"]), { help: true });
  assert.deepEqual(parseAblateArgs(["x", "--bogus", "-h"]), { help: true });
});

Deno.test("parseAblateArgs() names an unknown flag with the nearest one", () => {
  assertUsageErrors(
    parseAblateArgs,
    `
    token-bank --sed 3 | TypeError | Unknown flag "--sed" for deno task ablate (did you mean "--seeds"?)
    token-bank -x      | TypeError | Unknown flag "-x" for deno task ablate
  `,
  );
});

Deno.test("parseAblateArgs() rejects a missing or empty value", () => {
  assertUsageErrors(
    parseAblateArgs,
    `
    token-bank --seeds           | TypeError  | Flag "--seeds" of deno task ablate needs a value (--seeds N)
    token-bank --workers --plan  | TypeError  | Flag "--workers" of deno task ablate needs a value (--workers N)
    token-bank --db=             | RangeError | Flag "--db" of deno task ablate must be non-empty, got ""
  `,
  );
});

Deno.test("parseAblateArgs() rejects a flag given twice, naming it and both values", () => {
  assertUsageErrors(
    parseAblateArgs,
    `
    token-bank --db a.duckdb --db=b.duckdb | TypeError | Flag "--db" of deno task ablate is given twice ("a.duckdb", then "b.duckdb"): give it once
  `,
  );
});

Deno.test("parseAblateArgs() rejects a value for a flag", () => {
  assertUsageErrors(
    parseAblateArgs,
    `
    token-bank --plan=yes | TypeError | Flag "--plan" of deno task ablate takes no value, got "yes"
  `,
  );
});

Deno.test("parseAblateArgs() wants positive integer seeds and workers", () => {
  assertUsageErrors(
    parseAblateArgs,
    `
    token-bank --seeds=0       | RangeError | Flag "--seeds" of deno task ablate must be a positive integer, got "0"
    token-bank --seeds=2.5     | RangeError | Flag "--seeds" of deno task ablate must be a positive integer, got "2.5"
    token-bank --workers=two   | RangeError | Flag "--workers" of deno task ablate must be a positive integer, got "two"
    token-bank --workers -2    | RangeError | Flag "--workers" of deno task ablate must be a positive integer, got "-2"
  `,
  );
});

Deno.test("parseAblateArgs() checks the preset and backend names", () => {
  assertUsageErrors(
    parseAblateArgs,
    `
    token-bank --preset quik  | RangeError | Flag "--preset" of deno task ablate must be one of "smoke", "quick", "paper", got "quik" (did you mean "quick"?)
    token-bank --backend gpu  | RangeError | Flag "--backend" of deno task ablate must be one of "wasm", "cpu", "webgpu", "tensorflow", got "gpu" (did you mean "cpu"?)
  `,
  );
});

Deno.test("parseAblateArgs() wants exactly one ablation name or all", () => {
  assertUsageErrors(
    parseAblateArgs,
    `
    --plan             | TypeError | Argument NAME|all of deno task ablate is required
    module token-bank  | TypeError | Unexpected argument "token-bank" for deno task ablate, which takes NAME|all
  `,
  );
});

Deno.test("the help text documents every option, with examples that parse", () => {
  for (
    const option of [
      "--preset",
      "--seeds",
      "--workers",
      "--db",
      "--plan",
      "--dry-run",
      "--backend",
      "--experiment",
      "--help",
    ]
  ) {
    assert.ok(ABLATE.help.includes(option), option);
  }
  const examples = ABLATE.help.split("\n")
    .filter((line) => line.trimStart().startsWith("deno task ablate "))
    .map((line) => line.trim().split(" ").slice(3));
  assert.equal(examples.length, 5);
  for (const argv of examples) assert.equal(parseAblateArgs(argv).help, false, argv.join(" "));
});

import { assert } from "../../lib/_std.ts";
import { ABLATE_HELP, parseAblateArgs } from "../../lib/spec/args.ts";
import { assertThrowsExactly } from "./_assert.ts";

Deno.test("parseAblateArgs() gives the defaults for a bare name", () => {
  assert.deepEqual(parseAblateArgs(["token-bank"]), {
    help: false,
    target: "token-bank",
    preset: "quick",
    seeds: null,
    workers: 2,
    db: "runs.duckdb",
    plan: false,
    backend: null,
  });
});

Deno.test("parseAblateArgs() reads every option, spaced or with =", () => {
  assert.deepEqual(
    parseAblateArgs([
      "all",
      "--preset=paper",
      "--seeds",
      "5",
      "--workers=1",
      "--db",
      "/tmp/w.duckdb",
      "--dry-run",
      "--backend",
      "cpu",
    ]),
    {
      help: false,
      target: "all",
      preset: "paper",
      seeds: 5,
      workers: 1,
      db: "/tmp/w.duckdb",
      plan: true,
      backend: "cpu",
    },
  );
  assert.equal((parseAblateArgs(["module", "--plan"]) as { plan: boolean }).plan, true);
});

Deno.test("parseAblateArgs() returns help for -h or --help, whatever else is given", () => {
  assert.deepEqual(parseAblateArgs(["--help"]), { help: true });
  assert.deepEqual(parseAblateArgs(["x", "--bogus", "-h"]), { help: true });
});

Deno.test("parseAblateArgs() names an unknown option with the nearest one", () => {
  assertThrowsExactly(
    () => parseAblateArgs(["token-bank", "--sed", "3"]),
    TypeError,
    `Unknown option "--sed" (did you mean "--seeds"?); see "ablate --help"`,
  );
  assertThrowsExactly(
    () => parseAblateArgs(["token-bank", "-x"]),
    TypeError,
    `Unknown option "-x"; see "ablate --help"`,
  );
});

Deno.test("parseAblateArgs() rejects a missing or empty value", () => {
  assertThrowsExactly(
    () => parseAblateArgs(["token-bank", "--seeds"]),
    TypeError,
    `Option "--seeds" needs a value`,
  );
  assertThrowsExactly(
    () => parseAblateArgs(["token-bank", "--workers", "--plan"]),
    TypeError,
    `Option "--workers" needs a value`,
  );
  assertThrowsExactly(
    () => parseAblateArgs(["token-bank", "--db="]),
    TypeError,
    `Option "--db" needs a non-empty value`,
  );
});

Deno.test("parseAblateArgs() rejects a value for a flag", () => {
  assertThrowsExactly(
    () => parseAblateArgs(["token-bank", "--plan=yes"]),
    TypeError,
    `Option "--plan" takes no value, got "yes"`,
  );
});

Deno.test("parseAblateArgs() wants positive integer seeds and workers", () => {
  for (const [option, value] of [["--seeds", "0"], ["--seeds", "2.5"], ["--workers", "two"]]) {
    assertThrowsExactly(
      () => parseAblateArgs(["token-bank", `${option}=${value}`]),
      RangeError,
      `Option "${option}" must be an integer >= 1, got "${value}"`,
    );
  }
});

Deno.test("parseAblateArgs() checks the preset and backend names", () => {
  assertThrowsExactly(
    () => parseAblateArgs(["token-bank", "--preset", "quik"]),
    RangeError,
    `Option "--preset" must be one of "smoke", "quick", "paper", got "quik" (did you mean ` +
      `"quick"?)`,
  );
  assertThrowsExactly(
    () => parseAblateArgs(["token-bank", "--backend", "gpu"]),
    RangeError,
    `Option "--backend" must be one of "wasm", "cpu", "webgpu", "tensorflow", got "gpu" (did ` +
      `you mean "cpu"?)`,
  );
});

Deno.test("parseAblateArgs() wants exactly one ablation name or all", () => {
  assertThrowsExactly(
    () => parseAblateArgs(["--plan"]),
    TypeError,
    `Missing ablation name: give one (see "ablate --help") or "all"`,
  );
  assertThrowsExactly(
    () => parseAblateArgs(["module", "token-bank"]),
    TypeError,
    `Give one ablation name or "all", got "module", "token-bank"`,
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
      "--help",
    ]
  ) {
    assert.ok(ABLATE_HELP.includes(option), option);
  }
  const examples = ABLATE_HELP.split("\n")
    .filter((line) => line.trimStart().startsWith("deno task ablate "))
    .map((line) => line.trim().split(" ").slice(3));
  assert.equal(examples.length, 5);
  for (const argv of examples) assert.equal(parseAblateArgs(argv).help, false, argv.join(" "));
});

import { assert } from "../../lib/_std.ts";
import { parseScenesArgs, runScenes, SCENES } from "../../lib/cli/scenes.ts";
import { EMBEDDED_DIR } from "../../lib/data/fashion_mnist.ts";
import { assertUsageErrors, shellWords } from "../_usage_errors.ts";

Deno.test("parseScenesArgs() fills every default", () => {
  assert.deepEqual(parseScenesArgs([]), {
    help: false,
    count: 8,
    out: "scenes/",
    seed: 1,
    unseen: ["Trouser", "Sneaker", "Bag"],
    data: null,
    split: "both",
  });
});

Deno.test("parseScenesArgs() reads every flag, in both --flag value and --flag=value forms", () => {
  const args = shellWords(
    '--count=3 --out /tmp/x --seed 42 --unseen "Ankle boot, T-shirt/top" --data /d --split eval',
  );
  const given = { count: 3, out: "/tmp/x", seed: 42, data: "/d", split: "eval" };
  const unseen = ["Ankle boot", "T-shirt/top"];
  assert.deepEqual(parseScenesArgs(args), { help: false, ...given, unseen });
});

Deno.test("parseScenesArgs() returns help even when other values are bad", () => {
  assert.equal(parseScenesArgs(["--count", "x", "-h"]).help, true);
  assert.equal(parseScenesArgs(["--help"]).help, true);
});

Deno.test("parseScenesArgs() rejects an unknown flag, a flag without its value or given twice", () => {
  assertUsageErrors(
    parseScenesArgs,
    `
    --cout 3               | TypeError | Unknown flag "--cout" for deno task scenes (did you mean "--count"?)
    --seed 1 --seed 2      | TypeError | Flag "--seed" of deno task scenes is given twice ("1", then "2"): give it once
    --count                | TypeError | Flag "--count" of deno task scenes needs a value (--count N)
  `,
  );
});

Deno.test("parseScenesArgs() rejects a stray argument", () => {
  assertUsageErrors(
    parseScenesArgs,
    `
    out/ | TypeError | Unexpected argument "out/" for deno task scenes, which takes no arguments
  `,
  );
});

Deno.test("parseScenesArgs() rejects counts and seeds that are not integers in range", () => {
  assertUsageErrors(
    parseScenesArgs,
    `
    --count=0       | RangeError | Flag "--count" of deno task scenes must be an integer in 1..10000, got "0"
    --count=10001   | RangeError | Flag "--count" of deno task scenes must be an integer in 1..10000, got "10001"
    --count=2.5     | RangeError | Flag "--count" of deno task scenes must be an integer in 1..10000, got "2.5"
    --count=abc     | RangeError | Flag "--count" of deno task scenes must be an integer in 1..10000, got "abc"
    --count=        | RangeError | Flag "--count" of deno task scenes must be an integer in 1..10000, got ""
    --seed=-1       | RangeError | Flag "--seed" of deno task scenes must be an integer >= 0, got "-1"
  `,
  );
});

Deno.test("parseScenesArgs() rejects an unknown split and empty paths", () => {
  assertUsageErrors(
    parseScenesArgs,
    `
    --split test   | RangeError | Flag "--split" of deno task scenes must be one of "train", "eval", "both", got "test"
    --out=         | RangeError | Flag "--out" of deno task scenes must be non-empty, got ""
    --data=        | RangeError | Flag "--data" of deno task scenes must be non-empty, got ""
  `,
  );
});

Deno.test("parseScenesArgs() rejects unknown class names, listing the valid ones", () => {
  assert.throws(() => parseScenesArgs(["--unseen", "Trouser,Hat"]), {
    name: "RangeError",
    message: /^Unknown class name "Hat"; valid names are "T-shirt\/top", "Trouser",/,
  });
  assert.throws(() => parseScenesArgs(["--unseen", ""]), {
    name: "RangeError",
    message: "The unseen class list is empty: a zero-shot split needs at least one unseen class",
  });
});

Deno.test("the scenes help text explains every flag and gives an example", () => {
  for (const flag of ["--count", "--out", "--seed", "--unseen", "--data", "--split", "--help"]) {
    assert.ok(SCENES.help.includes(flag), `help lacks ${flag}`);
  }
  assert.match(SCENES.help, /^Usage: deno task scenes \[options\]\n/);
  assert.match(SCENES.help, /\nExamples:\n(?: {2}#.*\n)? {2}deno task scenes /);
});

Deno.test("runScenes() writes one PNG per scene and set, and reports the data source", async () => {
  const out = await Deno.makeTempDir({ prefix: "c2s-scenes-" });
  const lines: string[] = [];
  const log = console.log;
  console.log = (...parts: unknown[]) => lines.push(parts.join(" "));
  try {
    const args = parseScenesArgs(["--count", "2"]);
    assert.ok(!args.help);
    const written = await runScenes({ ...args, data: EMBEDDED_DIR, out });
    assert.deepEqual(written, [
      `${out}/train-000.png`,
      `${out}/train-001.png`,
      `${out}/eval-000.png`,
      `${out}/eval-001.png`,
    ]);
    for (const path of written) {
      const bytes = await Deno.readFile(path);
      assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47]);
    }
  } finally {
    console.log = log;
    await Deno.remove(out, { recursive: true });
  }
  // The embedded folder named with --data is still the embedded data.
  assert.equal(lines[0], `data: embedded "${EMBEDDED_DIR}": t10k, 10000 items`);
  assert.equal(lines[2], "unseen: Trouser (1), Sneaker (7), Bag (8)");
});

/**
 * The one args/help helper every task uses (`lib/_args.ts`): what its parser accepts, the exact
 * wording of each usage error, and the help layout it generates.
 */
import {
  arg,
  choice,
  cliMain,
  defineTask,
  flag,
  integer,
  invalid,
  many,
  number,
  text,
} from "../lib/_args.ts";
import { assert } from "../lib/_std.ts";
import { assertUsageErrors } from "./_usage_errors.ts";

const SAMPLE = defineTask({
  name: "sample",
  summary: "Does a sample thing to NAME, to show every kind of argument.",
  positionals: {
    name: text({ value: "NAME", required: true, description: "What to work on" }),
    extra: text({ value: "EXTRA", default: null, description: "Something more" }),
  },
  flags: {
    count: integer({ min: 1, max: 9, default: 3, description: "How many" }),
    rate: number({ value: "R", min: 0, default: 0.5, description: "How fast" }),
    mode: choice(["fast", "slow"] as const, { short: "m", default: "fast", description: "How" }),
    outDir: text({ value: "DIR", default: "out", description: "Where" }),
    tag: many(text({ value: "TAG", default: null, description: "A label; repeat for more" })),
    dryRun: flag({ aliases: ["plan"], description: "Do nothing" }),
    key: text({ value: "KEY", required: true, group: "Access", description: "The key" }),
    even: arg({
      value: "N",
      default: 2,
      group: "Access",
      description: "An even number",
      read: (value) => Number(value) % 2 === 0 ? Number(value) : invalid("an even number"),
    }),
  },
  notes: [{ title: "Caveats", text: "None known." }],
  examples: `
    # The usual
    deno task sample thing --key k
    deno task sample x --key k -m slow`,
});

const KEY = ["--key", "k"];

Deno.test("parse() fills every field: given values read, the rest defaulted", () => {
  assert.deepEqual(SAMPLE.parse(["thing", ...KEY]), {
    help: false,
    name: "thing",
    extra: null,
    count: 3,
    rate: 0.5,
    mode: "fast",
    outDir: "out",
    tag: [],
    dryRun: false,
    key: "k",
    even: 2,
  });
  assert.deepEqual(
    SAMPLE.parse([
      "thing",
      "more",
      "--count=9",
      "--rate",
      "0",
      "-m",
      "slow",
      "--out-dir",
      "/o",
      "--tag",
      "a",
      "--tag=b",
      "--plan",
      "--key=-k",
      "--even",
      "-4",
    ]),
    {
      help: false,
      name: "thing",
      extra: "more",
      count: 9,
      rate: 0,
      mode: "slow",
      outDir: "/o",
      tag: ["a", "b"],
      dryRun: true,
      key: "-k",
      even: -4,
    },
  );
});

Deno.test("parse() answers help for -h or --help anywhere before --, whatever else is wrong", () => {
  assert.deepEqual(SAMPLE.parse(["--help"]), { help: true });
  assert.deepEqual(SAMPLE.parse(["--bogus", "--count", "x", "-h"]), { help: true });
  assert.equal((SAMPLE.parse([...KEY, "--", "-x"]) as { name: string }).name, "-x");
  assertUsageErrors(
    SAMPLE.parse,
    `
    thing --key k -- more --help | TypeError | Unexpected argument "--help" for deno task sample, which takes NAME [EXTRA]
  `,
  );
});

Deno.test("parse() names an unknown flag and the nearest one", () => {
  assertUsageErrors(
    SAMPLE.parse,
    `
    thing --cont 2   | TypeError | Unknown flag "--cont" for deno task sample (did you mean "--count"?)
    thing --zzzzzz   | TypeError | Unknown flag "--zzzzzz" for deno task sample
  `,
  );
});

Deno.test("parse() wants a value after a flag that takes one, and none after a switch", () => {
  assertUsageErrors(
    SAMPLE.parse,
    `
    thing --count              | TypeError | Flag "--count" of deno task sample needs a value (--count N)
    thing --out-dir --plan     | TypeError | Flag "--out-dir" of deno task sample needs a value (--out-dir DIR)
    thing --dry-run=yes        | TypeError | Flag "--dry-run" of deno task sample takes no value, got "yes"
  `,
  );
});

Deno.test("parse() rejects a flag given twice unless it is repeatable", () => {
  assertUsageErrors(
    SAMPLE.parse,
    `
    t --key k --out-dir A --out-dir B | TypeError | Flag "--out-dir" of deno task sample is given twice ("A", then "B"): give it once
    t --key k -m fast --mode=slow     | TypeError | Flag "--mode" of deno task sample is given twice ("fast", then "slow"): give it once
    t --key k --key=j                 | TypeError | Flag "--key" of deno task sample is given twice ("k", then "j"): give it once
  `,
  );
  const twice = SAMPLE.parse(["thing", ...KEY, "--plan", "--dry-run"]);
  assert.ok(!twice.help && twice.dryRun);
});

Deno.test("parse() says what a value must be, with the value given", () => {
  assertUsageErrors(
    SAMPLE.parse,
    `
    t --key k --count 0        | RangeError | Flag "--count" of deno task sample must be an integer in 1..9, got "0"
    t --key k --count=1.5      | RangeError | Flag "--count" of deno task sample must be an integer in 1..9, got "1.5"
    t --key k --rate -1        | RangeError | Flag "--rate" of deno task sample must be a number >= 0, got "-1"
    t --key k --rate x         | RangeError | Flag "--rate" of deno task sample must be a number >= 0, got "x"
    t --key k -m slwo          | RangeError | Flag "-m" of deno task sample must be one of "fast", "slow", got "slwo" (did you mean "slow"?)
    t --key k --out-dir=       | RangeError | Flag "--out-dir" of deno task sample must be non-empty, got ""
    t --key k --even 3         | RangeError | Flag "--even" of deno task sample must be an even number, got "3"
    " " --key k                | RangeError | Argument NAME of deno task sample must be non-empty, got " "
  `,
  );
});

Deno.test("parse() wants the required arguments and flags, and no more arguments", () => {
  assertUsageErrors(
    SAMPLE.parse,
    `
    --key k            | TypeError | Argument NAME of deno task sample is required
    thing              | TypeError | Flag "--key" of deno task sample is required (--key KEY)
    a b c --key k      | TypeError | Unexpected argument "c" for deno task sample, which takes NAME [EXTRA]
  `,
  );
});

Deno.test("the help reads: usage, summary, arguments, options with defaults, groups, notes, examples", () => {
  assert.equal(
    SAMPLE.help,
    `Usage: deno task sample NAME [EXTRA] --key KEY [options]

Does a sample thing to NAME, to show every kind of argument.

Arguments:
  NAME                  What to work on
  EXTRA                 Something more

Options:
  --count N             How many (default: 3)
  --rate R              How fast (default: 0.5)
  -m, --mode fast|slow  How (default: fast)
  --out-dir DIR         Where (default: out)
  --tag TAG             A label; repeat for more
  --dry-run, --plan     Do nothing
  -h, --help            Show this help and exit

Access:
  --key KEY             The key (required)
  --even N              An even number (default: 2)

Caveats:
  None known.

Examples:
  # The usual
  deno task sample thing --key k
  deno task sample x --key k -m slow`,
  );
});

Deno.test("the help wraps long descriptions under their column, keeping a default whole", () => {
  const task = defineTask({
    name: "wrap",
    summary: "S.",
    flags: {
      long: text({ value: "X", default: "the-default", description: "word ".repeat(20).trim() }),
      "a-flag-name-too-long-for-the-column": flag({ description: "Goes below" }),
    },
    examples: "deno task wrap",
  });
  const lines = task.help.split("\n");
  const first = lines.findIndex((line) => line.startsWith("  --long X "));
  const column = lines[first]!.indexOf("word");
  assert.equal(
    lines[first + 1],
    `${" ".repeat(column)}word word word word word word word ` +
      "(default: the-default)",
  );
  const below = lines.indexOf("  --a-flag-name-too-long-for-the-column");
  assert.equal(lines[below + 1], `${" ".repeat(column)}Goes below`);
  for (const line of lines) assert.ok(line.length <= 100, line);
});

Deno.test("cliMain() prints help (0), a usage error with a pointer to help (2), a failure (1)", async () => {
  const printed: string[][] = [[], []];
  const { log, error } = console;
  console.log = (...parts: unknown[]) => printed[0]!.push(parts.join(" "));
  console.error = (...parts: unknown[]) => printed[1]!.push(parts.join(" "));
  try {
    const ran: unknown[] = [];
    const main = cliMain(SAMPLE, (args) => {
      if (args.name === "fail") throw new Error("It failed");
      ran.push(args.name);
      return args.name === "three" ? 3 : undefined;
    });
    assert.deepEqual(
      [
        await main(["-h"]),
        await main(["thing", "--bogus"]),
        await main(["thing", ...KEY]),
        await main(["three", ...KEY]),
        await main(["fail", ...KEY]),
      ],
      [0, 2, 0, 3, 1],
    );
    assert.deepEqual(ran, ["thing", "three"]);
  } finally {
    Object.assign(console, { log, error });
  }
  assert.deepEqual(printed, [
    [SAMPLE.help],
    [
      'error: Unknown flag "--bogus" for deno task sample',
      'Run "deno task sample --help" for its usage and examples.',
      "error: It failed",
    ],
  ]);
});

/**
 * Every task of deno.json speaks the one command-line shape of `lib/_args.ts`: `--help` prints the
 * common layout (usage line, one-paragraph summary, options with `-h, --help`, worked examples) to
 * stdout and exits 0; an unknown flag is a usage error on stderr, worded alike, exit 2. Each is
 * run as users run it, `deno task NAME`; and every worked example in any help parses.
 */
import { fileURLToPath } from "node:url";
import { assert } from "../lib/_std.ts";
import { COLLECT } from "../lib/cli/collect.ts";
import { EXPORT } from "../lib/cli/export.ts";
import { QUERY } from "../lib/cli/query.ts";
import { RUNS } from "../lib/cli/runs.ts";
import { SCENES } from "../lib/cli/scenes.ts";
import { TEACHER } from "../lib/cli/teacher.ts";
import { DRILL } from "../lib/drill/args.ts";
import { REPORT } from "../lib/report/args.ts";
import { SWEEP } from "../lib/sweep/args.ts";
import { RUN_ONE } from "../lib/sweep/run_one_args.ts";
import { BENCH } from "./bench.ts";
import { shellWords } from "./_usage_errors.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Every task, by its name in deno.json. */
const TASKS: Readonly<Record<string, { help: string; parse(argv: readonly string[]): unknown }>> = {
  ablate: SWEEP,
  report: REPORT,
  query: QUERY,
  runs: RUNS,
  export: EXPORT,
  collect: COLLECT,
  "run-one": RUN_ONE,
  scenes: SCENES,
  teacher: TEACHER,
  bench: BENCH,
  drill: DRILL,
};

async function denoTask(name: string, ...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", name, ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

/** Checks `help` against the common layout; returns its sections by title. */
function checkLayout(name: string, help: string): Map<string, string[]> {
  const [usage, blank, ...rest] = help.split("\n");
  assert.match(usage!, new RegExp(`^Usage: deno task ${name}( [^ ].*)? \\[options\\]$`), name);
  assert.equal(blank, "", name);
  const summaryEnd = rest.indexOf("");
  assert.ok(summaryEnd > 0, `${name}: a summary paragraph follows the usage line`);
  const sections = new Map<string, string[]>();
  for (const block of rest.slice(summaryEnd + 1).join("\n").split("\n\n")) {
    const [title, ...lines] = block.split("\n");
    assert.match(title!, /^[A-Z][A-Za-z ]*:$/, `${name}: section title "${title}"`);
    assert.ok(lines.length > 0 && lines.every((l) => l.startsWith("  ")), `${name}: ${title}`);
    sections.set(title!.slice(0, -1), lines);
  }
  const titles = [...sections.keys()];
  assert.ok(titles.includes("Options"), `${name}: an Options section`);
  assert.equal(titles.at(-1), "Examples", `${name}: examples come last`);
  assert.ok(
    sections.get("Options")!.some((line) => /^ {2}-h, --help +Show this help and exit$/.test(line)),
    `${name}: -h, --help is listed`,
  );
  assert.ok(
    sections.get("Examples")!.some((line) => line.startsWith(`  deno task ${name}`)),
    `${name}: a worked example`,
  );
  for (const line of help.split("\n")) {
    if (!/^ {2}(deno task|python3) /.test(line)) assert.ok(line.length <= 100, `${name}: ${line}`);
  }
  return sections;
}

for (const [name, task] of Object.entries(TASKS)) {
  Deno.test(`deno task ${name} --help prints the common layout and exits 0`, async () => {
    const out = await denoTask(name, "--help");
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, `${task.help}\n`);
    checkLayout(name, out.stdout.trimEnd());
  });

  Deno.test(`deno task ${name} rejects an unknown flag with the common wording and exit 2`, async () => {
    const out = await denoTask(name, "--no-such-flag");
    assert.deepEqual(out, {
      code: 2,
      stdout: "",
      stderr: `error: Unknown flag "--no-such-flag" for deno task ${name}\n` +
        `Run "deno task ${name} --help" for its usage and examples.\n`,
    });
  });
}

Deno.test("every worked example in every help parses with its task's parser", () => {
  let checked = 0;
  for (const task of Object.values(TASKS)) {
    for (const line of task.help.split("\n")) {
      const [deno, word, name, ...argv] = shellWords(line.trim());
      if (deno !== "deno" || word !== "task") continue;
      const parser = TASKS[name!];
      assert.ok(parser !== undefined, `no task "${name}" (${line})`);
      assert.doesNotThrow(() => parser.parse(argv), line);
      checked++;
    }
  }
  assert.ok(checked >= Object.keys(TASKS).length, `${checked} examples`);
});

Deno.test("the layout check rejects a help without examples or --help", () => {
  assert.throws(() =>
    checkLayout("x", "Usage: deno task x [options]\n\nDoes x.\n\nOptions:\n  -a")
  );
  assert.throws(() => checkLayout("x", "x: does x\n\nUsage: deno task x"));
});

import { assert } from "../../lib/_std.ts";
import { assertUsageErrors } from "../_usage_errors.ts";
import { DEFAULT_STEPS, parseTeacherArgs } from "../../lib/cli/teacher.ts";
import { DEFAULT_TEACHER_DIR } from "../../lib/teacher/load.ts";
import { Running } from "../sweep/_sweep.ts";

Deno.test("parseTeacherArgs() fills the defaults: wasm, the shipped teacher directory and run", () => {
  const a = parseTeacherArgs(["train"]);
  assert.deepEqual(a, {
    help: false,
    command: "train",
    backend: "wasm",
    out: DEFAULT_TEACHER_DIR,
    steps: DEFAULT_STEPS,
    seed: 0,
    batch: 32,
    workers: 1,
    checkpointMinutes: 3,
    data: null,
    measure: false,
    teacher: null,
  });
});

Deno.test("parseTeacherArgs() reads every flag", () => {
  const a = parseTeacherArgs([
    "train",
    "--steps",
    "10",
    "--seed",
    "4",
    "--out",
    "/tmp/t",
    "--backend",
    "cpu",
    "--batch",
    "2",
    "--checkpoint-minutes",
    "0.5",
    "--data",
    "/d",
    "--workers",
    "2",
  ]);
  assert.ok(!a.help);
  assert.ok(a.steps === 10 && a.seed === 4 && a.out === "/tmp/t" && a.backend === "cpu");
  assert.ok(a.batch === 2 && a.checkpointMinutes === 0.5 && a.data === "/d" && a.workers === 2);
  const evaluate = parseTeacherArgs(["eval", "--measure"]);
  assert.ok(!evaluate.help && evaluate.measure);
  assert.deepEqual(parseTeacherArgs(["--help"]), { help: true });
  assert.deepEqual(parseTeacherArgs(["train", "-h"]), { help: true });
});

Deno.test("parseTeacherArgs() rejects bad input with messages that name it", () => {
  assertUsageErrors(
    parseTeacherArgs,
    `
    (none)                       | TypeError  | Argument COMMAND of deno task teacher is required
    fit                          | RangeError | Argument COMMAND of deno task teacher must be one of "train", "eval", got "fit"
    train --stpes 3              | TypeError  | Unknown flag "--stpes" for deno task teacher (did you mean "--steps"?)
    train --steps 0              | RangeError | Flag "--steps" of deno task teacher must be a positive integer, got "0"
    train --workers 0            | RangeError | Flag "--workers" of deno task teacher must be a positive integer, got "0"
    train --seed 1.5             | RangeError | Flag "--seed" of deno task teacher must be an integer >= 0, got "1.5"
    train --checkpoint-minutes -1 | RangeError | Flag "--checkpoint-minutes" of deno task teacher must be a number >= 0, got "-1"
    train --backend gpu          | RangeError | Flag "--backend" of deno task teacher must be one of "wasm", "cpu", "webgpu", "tensorflow", got "gpu" (did you mean "cpu"?)
    train --out                  | TypeError  | Flag "--out" of deno task teacher needs a value (--out DIR)
    train --steps 5 --steps 6    | TypeError  | Flag "--steps" of deno task teacher is given twice ("5", then "6"): give it once
    eval x                       | TypeError  | Unexpected argument "x" for deno task teacher, which takes COMMAND
  `,
  );
});

/** `deno task teacher ARGS` as a process: exit code, stdout and stderr. */
async function teacherTask(...args: string[]) {
  const { code, stdout, stderr } = await new Running("lib/cli/teacher.ts", args).output();
  return { code, stdout, stderr };
}

/** A copy of the shipped teacher in a temporary folder, removed after. */
async function teacherCopy() {
  const dir = await Deno.makeTempDir({ prefix: "c2s-teacher-cli-" });
  for await (const entry of Deno.readDir(DEFAULT_TEACHER_DIR)) {
    if (entry.isFile) {
      await Deno.copyFile(`${DEFAULT_TEACHER_DIR}/${entry.name}`, `${dir}/${entry.name}`);
    }
  }
  return { dir, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

Deno.test("teacher eval says in one line which file is missing or corrupt, prints no card and exits 1", async () => {
  await using copy = await teacherCopy();
  const { dir } = copy;
  const missing = await teacherTask("eval", "--out", `${dir}/none`);
  assert.deepEqual(missing, {
    code: 1,
    stdout: "",
    stderr:
      `error: No teacher card "${dir}/none/card.json" (train a teacher first, or pass --measure)\n`,
  });

  const bytes = await Deno.readFile(`${dir}/teacher.safetensors`);
  await Deno.writeFile(`${dir}/teacher.safetensors`, bytes.subarray(0, 1000));
  const corrupt = await teacherTask("eval", "--out", dir);
  assert.equal(corrupt.code, 1);
  assert.equal(corrupt.stdout, "", "the card must not be printed for other weights");
  assert.match(
    corrupt.stderr,
    new RegExp(
      `^error: Teacher weights "${dir}/teacher\\.safetensors" do not match the card ` +
        `"${dir}/card\\.json": their sha256 is [0-9a-f]{64}, the card's [0-9a-f]{64}, .+\\n$`,
    ),
  );
  const measured = await teacherTask("eval", "--out", dir, "--measure");
  assert.equal(measured.code, 1);
  assert.equal(measured.stdout, "");
  const lines = measured.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 2, measured.stderr);
  assert.match(lines[0]!, /^warning: Teacher weights ".+" do not match the card /);
  assert.match(lines[1]!, /^error: .*teacher\.safetensors/);

  await Deno.remove(`${dir}/teacher.safetensors`);
  const gone = await teacherTask("eval", "--out", dir);
  assert.deepEqual([gone.code, gone.stdout], [1, ""]);
  assert.match(gone.stderr, /^error: Teacher weights ".+teacher\.safetensors" are missing: .+\n$/);

  await Deno.writeTextFile(`${dir}/card.json`, '{"name": ');
  const badCard = await teacherTask("eval", "--out", dir);
  assert.deepEqual([badCard.code, badCard.stdout], [1, ""]);
  assert.match(
    badCard.stderr,
    new RegExp(
      `^error: Cannot read teacher card "${dir}/card\\.json": not valid JSON \\(.+\\)\\n$`,
    ),
  );
  await Deno.writeTextFile(`${dir}/card.json`, '{"name": "x"}');
  const partial = await teacherTask("eval", "--out", dir);
  assert.deepEqual(partial, {
    code: 1,
    stdout: "",
    stderr: `error: Cannot read teacher card "${dir}/card.json": field "sha256" must be a string\n`,
  });
});

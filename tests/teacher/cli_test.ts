import { assert } from "../../lib/_std.ts";
import { assertUsageErrors } from "../_usage_errors.ts";
import { DEFAULT_STEPS, parseTeacherArgs } from "../../lib/cli/teacher.ts";
import { DEFAULT_TEACHER_DIR } from "../../lib/teacher/load.ts";

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
    checkpointMinutes: 3,
    data: null,
    measure: false,
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
  ]);
  assert.ok(!a.help);
  assert.ok(a.steps === 10 && a.seed === 4 && a.out === "/tmp/t" && a.backend === "cpu");
  assert.ok(a.batch === 2 && a.checkpointMinutes === 0.5 && a.data === "/d");
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
    train --seed 1.5             | RangeError | Flag "--seed" of deno task teacher must be an integer >= 0, got "1.5"
    train --checkpoint-minutes -1 | RangeError | Flag "--checkpoint-minutes" of deno task teacher must be a number >= 0, got "-1"
    train --backend gpu          | RangeError | Flag "--backend" of deno task teacher must be one of "wasm", "cpu", "webgpu", "tensorflow", got "gpu" (did you mean "cpu"?)
    train --out                  | TypeError  | Flag "--out" of deno task teacher needs a value (--out DIR)
    train --steps 5 --steps 6    | TypeError  | Flag "--steps" of deno task teacher is given twice ("5", then "6"): give it once
    eval x                       | TypeError  | Unexpected argument "x" for deno task teacher, which takes COMMAND
  `,
  );
});

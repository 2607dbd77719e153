import { assert } from "../../lib/_std.ts";
import { DEFAULT_STEPS, parseTeacherArgs } from "../../lib/cli/teacher.ts";
import { DEFAULT_TEACHER_DIR } from "../../lib/teacher/load.ts";
import * as msg from "../../lib/teacher/messages.ts";

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
  assert.ok(a.steps === 10 && a.seed === 4 && a.out === "/tmp/t" && a.backend === "cpu");
  assert.ok(a.batch === 2 && a.checkpointMinutes === 0.5 && a.data === "/d");
  assert.ok(parseTeacherArgs(["eval", "--measure"]).measure);
  assert.ok(parseTeacherArgs(["--help"]).help);
});

Deno.test("parseTeacherArgs() rejects bad input with messages that name it", () => {
  assert.throws(() => parseTeacherArgs([]), TypeError, msg.cliNoCommand(["train", "eval"]));
  assert.throws(
    () => parseTeacherArgs(["fit"]),
    TypeError,
    msg.cliUnknownCommand("fit", ["train", "eval"]),
  );
  assert.throws(
    () => parseTeacherArgs(["train", "--stpes", "3"]),
    TypeError,
    msg.cliUnknownFlag("--stpes"),
  );
  assert.throws(
    () => parseTeacherArgs(["train", "--steps", "0"]),
    RangeError,
    msg.cliBadNumber("--steps", "0", "an integer >= 1"),
  );
  assert.throws(
    () => parseTeacherArgs(["train", "--seed", "1.5"]),
    RangeError,
    msg.cliBadNumber("--seed", "1.5", "an integer >= 0"),
  );
  assert.throws(
    () => parseTeacherArgs(["train", "--backend", "gpu"]),
    RangeError,
    msg.cliBadBackend("gpu", ["wasm", "cpu", "webgpu", "tensorflow"]),
  );
  assert.throws(() => parseTeacherArgs(["eval", "x"]), TypeError, msg.cliUnexpectedArgument("x"));
});

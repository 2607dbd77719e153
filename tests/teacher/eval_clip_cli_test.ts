/**
 * `deno task teacher eval --teacher DIR` on a Hugging Face CLIPModel folder (the random fixture
 * `tests/fixtures/clip-tiny/`, so the figures mean nothing: the tests check what is printed, not
 * how good it is), and its one-line errors for a broken folder.
 */
import { assert } from "../../lib/_std.ts";
import { parseTeacherArgs, TEACHER } from "../../lib/cli/teacher.ts";
import { sha256Hex } from "../../lib/teacher/safetensors.ts";
import * as msg from "../../lib/teacher/messages.ts";
import { Running } from "../sweep/_sweep.ts";

const FIXTURE = "tests/fixtures/clip-tiny";

/** `deno task teacher ARGS` as a process: exit code, stdout and stderr. */
async function teacherTask(...args: string[]) {
  const { code, stdout, stderr } = await new Running("lib/cli/teacher.ts", args).output();
  return { code, stdout, stderr };
}

/** A copy of the CLIP fixture in a temporary folder, removed after. */
async function clipCopy() {
  const dir = await Deno.makeTempDir({ prefix: "c2s-clip-eval-" });
  for await (const entry of Deno.readDir(FIXTURE)) {
    if (entry.isFile) await Deno.copyFile(`${FIXTURE}/${entry.name}`, `${dir}/${entry.name}`);
  }
  return { dir, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

async function fixtureHash(): Promise<string> {
  return await sha256Hex(await Deno.readFile(`${FIXTURE}/model.safetensors`));
}

/** The lines `eval` prints for the fixture, as patterns. */
async function descriptionLines(): Promise<RegExp[]> {
  return [
    /^teacher clip-vit-64w2l-p16$/,
    /^model type: clip \(Hugging Face CLIPModel\)$/,
    /^image size: 64 x 64, patch size 16 \(4 x 4 patches\)$/,
    /^image tower: width 64, 2 layers, 4 heads, quick_gelu$/,
    /^text tower: width 64, 2 layers, 4 heads, vocabulary 673$/,
    /^projection dim: 32$/,
    /^parameters: [\d,]+$/,
    /^dense grid as loaded: 4 x 4$/,
    new RegExp(`^sha256: ${await fixtureHash()}$`),
  ];
}

function assertLines(text: string, patterns: readonly RegExp[]) {
  const lines = text.trimEnd().split("\n");
  assert.equal(lines.length, patterns.length, text);
  patterns.forEach((p, i) => assert.match(lines[i]!, p));
}

Deno.test("parseTeacherArgs() takes --teacher for eval and rejects it for train", () => {
  const a = parseTeacherArgs(["eval", "--teacher", FIXTURE, "--measure"]);
  assert.ok(!a.help && a.command === "eval" && a.teacher === FIXTURE && a.measure);
  assert.throws(
    () => parseTeacherArgs(["train", "--teacher", FIXTURE]),
    TypeError,
    msg.teacherFlagOnTrain(FIXTURE),
  );
  assert.match(TEACHER.help, /--teacher PATH +eval: .+wins over --out/s);
  assert.match(TEACHER.help, /deno task teacher eval --teacher \S+ --measure/);
});

Deno.test("teacher eval --teacher on a CLIP folder prints what it is and its sha256, and --teacher wins over --out", async () => {
  const printed = await teacherTask("eval", "--out", "/nonexistent", "--teacher", FIXTURE);
  assert.equal(printed.code, 0, printed.stderr);
  assert.equal(printed.stderr, "");
  assertLines(printed.stdout, await descriptionLines());
});

Deno.test("teacher eval --teacher on a CLIP folder --measure prints the three held-out figures at 64 x 64", async () => {
  const measured = await teacherTask("eval", "--teacher", FIXTURE, "--measure");
  assert.equal(measured.code, 0, measured.stderr);
  assert.equal(measured.stderr, "");
  assertLines(measured.stdout, [
    ...await descriptionLines(),
    /^measured on .+ \(64 x 64 grey images, 4 x 4 grid\):$/,
    /^ {2}zero-shot \d+\.\d %, masked \d+\.\d %, dense \d+\.\d %$/,
  ]);
});

Deno.test("teacher eval --teacher says in one line which file of a CLIP folder is missing or corrupt, and exits 1", async () => {
  await using copy = await clipCopy();
  const { dir } = copy;
  const oneLine = async (pattern: RegExp, path = dir) => {
    const run = await teacherTask("eval", "--teacher", path);
    assert.deepEqual([run.code, run.stdout], [1, ""], run.stderr);
    assert.match(run.stderr, pattern);
    assert.equal(run.stderr.split("\n").length, 2, run.stderr); // one line and its newline
  };
  const weights = await Deno.readFile(`${dir}/model.safetensors`);
  await Deno.writeFile(`${dir}/model.safetensors`, weights.subarray(0, 1000));
  await oneLine(
    new RegExp(`^error: Cannot read safetensors file "${dir}/model\\.safetensors": truncated`),
  );
  await Deno.remove(`${dir}/model.safetensors`);
  const missing = await teacherTask("eval", "--teacher", dir, "--measure");
  assert.deepEqual(missing, {
    code: 1,
    stdout: "",
    stderr: `error: ${msg.clipFileMissing(dir, "model.safetensors")}\n`,
  });
  await Deno.writeFile(`${dir}/model.safetensors`, weights);
  await Deno.remove(`${dir}/merges.txt`);
  await oneLine(new RegExp(`^error: CLIP folder "${dir}" has no merges\\.txt `));
  await Deno.copyFile(`${FIXTURE}/merges.txt`, `${dir}/merges.txt`);
  await Deno.writeTextFile(`${dir}/config.json`, '{"model_type": "clip", ');
  await oneLine(new RegExp(`^error: .*"${dir}/config\\.json"`));
  await oneLine(/^error: No teacher at ".+\/none": /, `${dir}/none`);
});

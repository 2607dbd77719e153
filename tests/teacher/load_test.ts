import * as tf from "@tensorflow/tfjs-core";
import { assert, assertRejects } from "../../lib/_std.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { FILES, saveTeacher } from "../../lib/teacher/checkpoint.ts";
import { DEFAULT_TEACHER_DIR, loadTeacher, teacherCardPath } from "../../lib/teacher/load.ts";
import { miniClipConfig } from "../../lib/teacher/train.ts";
import { initWeights } from "../../lib/teacher/weights.ts";
import { sha256Hex } from "../../lib/teacher/safetensors.ts";
import * as msg from "../../lib/teacher/messages.ts";

await initBackend("wasm");

async function savedTeacher(): Promise<{ dir: string; hash: string }> {
  const dir = await Deno.makeTempDir();
  const config = miniClipConfig();
  const weights = initWeights(config, 2);
  const hash = await saveTeacher(dir, config, weights);
  for (const v of weights.values()) v.dispose();
  return { dir, hash };
}

Deno.test("loadTeacher() returns the saved weights with their sha256 as the teacher's hash", async () => {
  const { dir, hash } = await savedTeacher();
  const teacher = await loadTeacher(dir);
  assert.equal(teacher.hash, hash);
  assert.equal(hash, await sha256Hex(await Deno.readFile(`${dir}/${FILES.weights}`)));
  assert.equal(teacher.dim, 64);
  teacher.dispose();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadTeacher() of weights with one tampered byte fails with the sha256 mismatch naming the file", async () => {
  const { dir, hash } = await savedTeacher();
  const path = `${dir}/${FILES.weights}`;
  const bytes = await Deno.readFile(path);
  bytes[bytes.length - 10]! ^= 1;
  await Deno.writeFile(path, bytes);
  const actual = await sha256Hex(bytes);
  await assert.rejects(() => loadTeacher(dir), Error, msg.hashMismatch(path, hash, actual));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadTeacher() of truncated weights fails and names the file", async () => {
  const { dir, hash } = await savedTeacher();
  const path = `${dir}/${FILES.weights}`;
  const bytes = (await Deno.readFile(path)).subarray(0, 1000);
  await Deno.writeFile(path, bytes);
  await assert.rejects(
    () => loadTeacher(dir),
    Error,
    msg.hashMismatch(path, hash, await sha256Hex(bytes)),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadTeacher() refuses a card that describes other weights", async () => {
  const { dir, hash } = await savedTeacher();
  await Deno.writeTextFile(`${dir}/${FILES.card}`, JSON.stringify({ sha256: "0".repeat(64) }));
  await assert.rejects(
    () => loadTeacher(dir),
    Error,
    msg.cardHashMismatch(`${dir}/${FILES.card}`, "0".repeat(64), hash),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadTeacher() of a directory without a teacher says how to train one", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(() => loadTeacher(dir), Error, msg.noTeacher(dir));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the shipped teacher loads, matches its card and leaks nothing", async () => {
  const before = tf.memory().numTensors;
  const teacher = await loadTeacher();
  const card = JSON.parse(await Deno.readTextFile(`${DEFAULT_TEACHER_DIR}/${FILES.card}`));
  assert.equal(teacher.hash, card.sha256);
  teacher.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("loadTeacher() of a module path makes the teacher its default export returns", async () => {
  const path = new URL("../c2s/_tiny_teacher_module.ts", import.meta.url).pathname;
  const teacher = await loadTeacher(path);
  assert.equal(`${teacher.name}@${teacher.hash}`, "tiny-random@tiny-1-16");
  teacher.dispose();
});

Deno.test("loadTeacher() names a module that makes no teacher", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/not_a_teacher.ts`;
  await Deno.writeTextFile(path, "export default 42;\n");
  await assertRejects(() => loadTeacher(path), TypeError, msg.teacherModuleNoFactory(path));
  const other = `${dir}/half_a_teacher.ts`;
  await Deno.writeTextFile(other, "export default () => ({ name: 'x' });\n");
  await assertRejects(() => loadTeacher(other), TypeError, msg.teacherModuleNotTeacher(other));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadTeacher() of a path where nothing is says how to get a teacher", async () => {
  await assertRejects(
    () => loadTeacher("/nonexistent/teacher"),
    Deno.errors.NotFound,
    msg.teacherMissing("/nonexistent/teacher"),
  );
});

Deno.test("teacherCardPath() finds a checkpoint's card.json, and none for a module", async () => {
  const { dir } = await savedTeacher();
  assert.equal(await teacherCardPath(dir), null);
  await Deno.writeTextFile(`${dir}/${FILES.card}`, "{}");
  assert.equal(await teacherCardPath(dir), `${dir}/${FILES.card}`);
  assert.equal(await teacherCardPath(`${dir}/teacher.ts`), null);
  await Deno.remove(dir, { recursive: true });
});

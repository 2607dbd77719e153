import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../../lib/_std.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { FASHION_CLASSES } from "../../lib/data/types.ts";
import { partitionItems } from "../../lib/data/split.ts";
import { miniClipConfig, teacherSchedule, trainTeacher } from "../../lib/teacher/train.ts";
import { FILES } from "../../lib/teacher/checkpoint.ts";
import { cellLabels, makeBatch } from "../../lib/teacher/batches.ts";
import { forwardBackward } from "../../lib/teacher/train_step.ts";
import { AdamW } from "../../lib/tf/adamw.ts";
import { learningRate } from "../../lib/tf/schedule.ts";
import { initWeights, weightSpecs } from "../../lib/teacher/weights.ts";
import { tokenize } from "../../lib/teacher/tokenizer.ts";
import * as msg from "../../lib/teacher/messages.ts";
import { syntheticItems } from "./_fixtures.ts";

await initBackend("wasm");
const items = syntheticItems();
const tiny = { steps: 4, batch: 2, checkpointMinutes: 60 } as const;

async function hashOf(dir: string): Promise<string> {
  return JSON.parse(await Deno.readTextFile(`${dir}/${FILES.config}`)).sha256;
}

Deno.test("an interrupted tiny run resumed in a new call ends with the same weights as an uninterrupted one", async () => {
  const a = await Deno.makeTempDir();
  const b = await Deno.makeTempDir();
  const whole = await trainTeacher(items, { ...tiny, outDir: a, seed: 3 });
  assert.ok(whole.done && whole.resumedFrom === null);
  const half = await trainTeacher(items, { ...tiny, outDir: b, seed: 3, stopAt: 2 });
  assert.ok(!half.done && half.step === 2 && half.sha256 === null);
  const rest = await trainTeacher(items, { ...tiny, outDir: b, seed: 3 });
  assert.equal(rest.resumedFrom, 2);
  assert.ok(rest.done && rest.step === 4);
  assert.equal(rest.sha256, whole.sha256);
  assert.equal(await hashOf(b), await hashOf(a));
  await Deno.remove(a, { recursive: true });
  await Deno.remove(b, { recursive: true });
});

Deno.test("the same seed gives the same weights hash and another seed another one", async () => {
  const dirs = [await Deno.makeTempDir(), await Deno.makeTempDir(), await Deno.makeTempDir()];
  const r = [
    await trainTeacher(items, { ...tiny, steps: 2, outDir: dirs[0]!, seed: 5 }),
    await trainTeacher(items, { ...tiny, steps: 2, outDir: dirs[1]!, seed: 5 }),
    await trainTeacher(items, { ...tiny, steps: 2, outDir: dirs[2]!, seed: 6 }),
  ];
  assert.equal(r[0]!.sha256, r[1]!.sha256);
  assert.notEqual(r[0]!.sha256, r[2]!.sha256);
  for (const d of dirs) await Deno.remove(d, { recursive: true });
});

Deno.test("resuming with other settings is refused, naming the state file and the setting", async () => {
  const dir = await Deno.makeTempDir();
  await trainTeacher(items, { ...tiny, outDir: dir, seed: 1, stopAt: 1 });
  await assert.rejects(
    () => trainTeacher(items, { ...tiny, outDir: dir, seed: 2 }),
    Error,
    msg.stateMismatch(`${dir}/${FILES.state}`, "seed", "1", "2"),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a training step (forward, backward, AdamW, running statistics) leaks no tensor", () => {
  const config = miniClipConfig();
  const weights = initWeights(config, 0);
  const specs = weightSpecs(config);
  const trainable = specs.filter((s) => s.trainable).map((s) => s.name);
  const decays = new Set(specs.filter((s) => s.decay).map((s) => s.name));
  const opt = new AdamW(new Map(trainable.map((name) => [name, weights.get(name)!])), {
    weightDecay: 0.05,
    decay: (name) => decays.has(name),
  });
  const ids = tokenize(FASHION_CLASSES, config.vocabulary, config.textLength);
  const pool = partitionItems(items, { seed: 1 }).train;
  const step = (i: number) => {
    const r = forwardBackward(weights, config, ids, makeBatch(items, pool, 0, i, { n: 2 }));
    opt.step(r.grads, 1e-3);
    tf.dispose([...r.grads.values()]);
    for (const s of r.stats.values()) tf.dispose([s.mean, s.variance]);
    return r.losses.total;
  };
  step(0);
  const before = tf.memory().numTensors;
  const loss = step(1);
  assert.ok(Number.isFinite(loss));
  assert.equal(tf.memory().numTensors, before);
  opt.dispose();
  for (const v of weights.values()) v.dispose();
});

Deno.test("a whole training run frees every tensor it made", async () => {
  const dir = await Deno.makeTempDir();
  const before = tf.memory().numTensors;
  await trainTeacher(items, { ...tiny, steps: 1, outDir: dir });
  assert.equal(tf.memory().numTensors, before);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the teacher's schedule warms up linearly over 5 % of the steps, then decays by cosine to 0", () => {
  const schedule = teacherSchedule(100, 1, 0.05);
  assert.equal(learningRate(0, schedule), 1 / 5);
  assert.equal(learningRate(4, schedule), 1);
  assert.ok(Math.abs(learningRate(5 + 47.5, schedule) - 0.5) < 1e-9);
  assert.ok(learningRate(99, schedule) > 0 && learningRate(99, schedule) < 0.001);
  // Short runs still warm up for one step.
  assert.equal(learningRate(0, teacherSchedule(8, 1, 0.05)), 1);
});

Deno.test("makeBatch() depends only on (seed, step); scene shares sum to 1", () => {
  const pool = partitionItems(items, { seed: 1 }).train;
  const a = makeBatch(items, pool, 4, 9, { n: 2 });
  const b = makeBatch(items, pool, 4, 9, { n: 2 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(makeBatch(items, pool, 4, 10, { n: 2 }).images, a.images);
  assert.equal(a.images.length, 6 * 64 * 64);
  for (let i = 0; i < 2; i++) {
    const shares = a.sceneShares.slice(i * 10, i * 10 + 10);
    assert.ok(Math.abs(shares.reduce((x, y) => x + y, 0) - 1) < 1e-5);
  }
});

Deno.test("cellLabels() gives a cell its majority label only when it covers at least half the cell", () => {
  // One 8 x 8 map, 2 x 2 cells of 4 x 4 pixels.
  const labels = new Uint8Array(64).fill(255);
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) labels[y * 8 + x] = y < 2 ? 3 : 5; // 8 + 8
  for (let y = 0; y < 4; y++) for (let x = 4; x < 8; x++) labels[y * 8 + x] = y < 1 ? 2 : 255; // 4 of 16
  for (let y = 4; y < 8; y++) for (let x = 0; x < 4; x++) labels[y * 8 + x] = x < 3 ? 7 : 1; // 12 + 4
  const out = new Int16Array(4);
  cellLabels(labels, 8, 2, out, 0);
  assert.deepEqual([...out], [3, -1, 7, -1]);
});

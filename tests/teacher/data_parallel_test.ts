import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../../lib/_std.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { FASHION_CLASSES } from "../../lib/data/types.ts";
import { partitionItems } from "../../lib/data/split.ts";
import { makeBatch } from "../../lib/teacher/batches.ts";
import { batchPart, DataParallelSteps } from "../../lib/teacher/data_parallel.ts";
import { miniClipConfig, trainTeacher } from "../../lib/teacher/train.ts";
import { FILES } from "../../lib/teacher/checkpoint.ts";
import { forwardBackward, type StepResult } from "../../lib/teacher/train_step.ts";
import { tokenize } from "../../lib/teacher/tokenizer.ts";
import { initWeights } from "../../lib/teacher/weights.ts";
import * as msg from "../../lib/teacher/messages.ts";
import { syntheticItems } from "./_fixtures.ts";

await initBackend("wasm");
const items = syntheticItems();
const pool = partitionItems(items, { seed: 1 }).train;
const config = miniClipConfig();
const ids = tokenize(FASHION_CLASSES, config.vocabulary, config.textLength, config.prompt);

function release(r: StepResult): void {
  tf.dispose([...r.grads.values()]);
  for (const s of r.stats.values()) tf.dispose([s.mean, s.variance]);
}

Deno.test("batchPart() takes the same share of singles, scenes and masked items", () => {
  const batch = makeBatch(items, pool, 0, 0, { n: 4 });
  const a = batchPart(batch, 0, 2), b = batchPart(batch, 1, 2);
  const px = batch.side * batch.side;
  assert.equal(a.n, 2);
  // Scene 3 of the batch (image 4 + 3 = 7) is scene 1 of the second part (image 2 + 1 = 3).
  assert.deepEqual(b.images.subarray(3 * px, 4 * px), batch.images.subarray(7 * px, 8 * px));
  assert.deepEqual([...a.singleLabels, ...b.singleLabels], [...batch.singleLabels]);
  assert.deepEqual([...a.maskedLabels, ...b.maskedLabels], [...batch.maskedLabels]);
  assert.deepEqual([...a.sceneShares, ...b.sceneShares], [...batch.sceneShares]);
  assert.throws(() => batchPart(batch, 0, 3), RangeError, msg.batchSplit(4, 3));
});

Deno.test("two step workers give the mean of the two halves' gradients", async () => {
  const weights = initWeights(config, 5);
  const parallel = await DataParallelSteps.start(2, { items, pool, seed: 7, n: 4 });
  try {
    const r = await parallel.step(weights, 3);
    const batch = makeBatch(items, pool, 7, 3, { n: 4 });
    const halves = [0, 1].map((p) => forwardBackward(weights, config, ids, batchPart(batch, p, 2)));
    assert.ok(
      Math.abs(r.losses.total - (halves[0]!.losses.total + halves[1]!.losses.total) / 2) < 1e-6,
    );
    assert.equal(r.grads.size, halves[0]!.grads.size);
    for (const [name, g] of r.grads) {
      const expected = tf.tidy(() =>
        tf.div(tf.add(halves[0]!.grads.get(name)!, halves[1]!.grads.get(name)!), 2).dataSync()
      );
      const actual = g.dataSync();
      let err = 0, scale = 0;
      expected.forEach((v, i) => {
        err = Math.max(err, Math.abs(actual[i]! - v));
        scale = Math.max(scale, Math.abs(v));
      });
      assert.ok(err <= 1e-6 * scale, `${name}: off by ${err} at scale ${scale}`);
    }
    const [name, stats] = [...r.stats][0]!;
    const both = tf.tidy(() =>
      tf.div(tf.add(halves[0]!.stats.get(name)!.mean, halves[1]!.stats.get(name)!.mean), 2)
        .dataSync()
    );
    assert.ok(stats.mean.dataSync().every((v, i) => Math.abs(v - both[i]!) < 1e-6));
    release(r);
    halves.forEach(release);
  } finally {
    parallel.close();
    for (const v of weights.values()) v.dispose();
  }
});

Deno.test("trainTeacher() on two workers resumes to the same weights and keeps its worker count", async () => {
  const tiny = { steps: 3, batch: 2, checkpointMinutes: 60, workers: 2 } as const;
  const a = await Deno.makeTempDir(), b = await Deno.makeTempDir();
  const sha = async (dir: string) =>
    JSON.parse(await Deno.readTextFile(`${dir}/${FILES.config}`)).sha256 as string;
  try {
    const whole = await trainTeacher(items, { ...tiny, outDir: a });
    assert.ok(whole.done && Number.isFinite(whole.lastLoss!.total));
    await trainTeacher(items, { ...tiny, outDir: b, stopAt: 1 });
    await assert.rejects(
      () => trainTeacher(items, { ...tiny, outDir: b, workers: 1 }),
      Error,
      msg.stateMismatch(`${b}/${FILES.state}`, "workers", "2", "1"),
    );
    const resumed = await trainTeacher(items, { ...tiny, outDir: b });
    assert.equal(resumed.resumedFrom, 1);
    assert.equal(await sha(b), await sha(a));
  } finally {
    await Deno.remove(a, { recursive: true });
    await Deno.remove(b, { recursive: true });
  }
});

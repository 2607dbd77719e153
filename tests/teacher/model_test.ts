import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../../lib/_std.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { FASHION_CLASSES } from "../../lib/data/types.ts";
import { MiniClip } from "../../lib/teacher/mini_clip.ts";
import { miniClipConfig } from "../../lib/teacher/train.ts";
import { initWeights, weightSpecs } from "../../lib/teacher/weights.ts";
import { imageForwardMacs } from "../../lib/teacher/flops.ts";
import * as msg from "../../lib/teacher/messages.ts";

await initBackend("wasm");

function model(seed = 1): MiniClip {
  const config = miniClipConfig();
  return new MiniClip(config, initWeights(config, seed), "test");
}

function rowNorms(t: tf.Tensor): number[] {
  return Array.from(tf.tidy(() => tf.sqrt(tf.sum(tf.square(t), -1))).dataSync());
}

Deno.test("the mini-CLIP is the calibrated tower: ~80k image parameters, 22.4 MMAC per 64x64 image", () => {
  const config = miniClipConfig();
  const image = weightSpecs(config).filter((s) => s.trainable && s.name.startsWith("image."));
  const params = image.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0);
  assert.equal(params, 79800);
  assert.equal(imageForwardMacs(config), 22377536);
});

Deno.test("encodeImages() gives CLS [B, 64] and dense [B, 16, 16, 64], L2-normalised along the last axis", () => {
  const teacher = model();
  const images = tf.randomUniform([3, 64, 64, 1]) as tf.Tensor4D;
  const out = teacher.encodeImages(images);
  assert.deepEqual(out.cls.shape, [3, 64]);
  assert.deepEqual(out.dense.shape, [3, 16, 16, 64]);
  assert.deepEqual(teacher.denseSize, [16, 16]);
  for (const n of [...rowNorms(out.cls), ...rowNorms(out.dense)]) {
    assert.ok(Math.abs(n - 1) < 1e-4, `norm ${n}`);
  }
  tf.dispose([images, out.cls, out.dense]);
  teacher.dispose();
});

Deno.test("encodeImages() leaks no tensor: only the two outputs outlive the call", () => {
  const teacher = model();
  const images = tf.randomUniform([2, 64, 64, 1]) as tf.Tensor4D;
  const warm = teacher.encodeImages(images);
  tf.dispose([warm.cls, warm.dense]);
  const before = tf.memory().numTensors;
  const out = teacher.encodeImages(images);
  assert.equal(tf.memory().numTensors, before + 2);
  tf.dispose([out.cls, out.dense]);
  assert.equal(tf.memory().numTensors, before);
  const text = teacher.textEmbeddings(FASHION_CLASSES);
  assert.equal(tf.memory().numTensors, before + 1);
  text.dispose();
  images.dispose();
  teacher.dispose();
});

Deno.test("encodeImages() rejects images of another size or channel count, naming the shape", () => {
  const teacher = model();
  const images = tf.zeros([1, 32, 32, 1]) as tf.Tensor4D;
  assert.throws(
    () => teacher.encodeImages(images),
    RangeError,
    msg.badImageShape([1, 32, 32, 1], 64),
  );
  images.dispose();
  teacher.dispose();
});

Deno.test("textEmbeddings() reads the prompt: [N, 64], unit rows, one distinct embedding per class", () => {
  const teacher = model();
  const text = teacher.textEmbeddings(FASHION_CLASSES);
  assert.deepEqual(text.shape, [10, 64]);
  for (const n of rowNorms(text)) assert.ok(Math.abs(n - 1) < 1e-4);
  const sims = tf.tidy(() => tf.matMul(text, text, false, true)).arraySync() as number[][];
  for (let i = 0; i < 10; i++) for (let j = 0; j < i; j++) assert.ok(sims[i]![j]! < 0.9999);
  // The same name gives the same embedding whatever else is asked for.
  const one = teacher.textEmbeddings(["Bag"]);
  const diff = tf.tidy(() =>
    tf.max(tf.abs(tf.sub(one, tf.slice(text, [8, 0], [1, 64])))).dataSync()[0]!
  );
  assert.ok(diff < 1e-5);
  tf.dispose([text, one]);
  teacher.dispose();
});

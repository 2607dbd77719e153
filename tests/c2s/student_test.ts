import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../../lib/_std.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { Student } from "../../lib/c2s/student.ts";
import { batchNormTraining, BN_EPSILON } from "../../lib/c2s/batch_norm.ts";

await initBackend("wasm");

Deno.test("the default student has the reference size: 0.27M parameters, ~39 MMAC on 64 x 64", () => {
  const s = new Student();
  assert.equal(s.parameterCount, 270_352);
  assert.equal(Math.round(s.macsPerImage(64, 64) / 1e3), 38_945);
  s.dispose();
});

Deno.test("Student.forward() maps [B, H, W, 1] to features [B, H/4, W/4, D] and frees its intermediates", () => {
  const s = new Student({ width: 4, dim: 8, seed: 3 });
  const x = tf.rand([2, 32, 32, 1], Math.random) as tf.Tensor4D;
  const before = tf.memory().numTensors;
  const f = s.forward(x);
  assert.deepEqual(f.shape, [2, 8, 8, 8]);
  assert.equal(tf.memory().numTensors, before + 1);
  tf.dispose([x, f]);
  const n = tf.memory().numTensors;
  s.dispose();
  assert.equal(tf.memory().numTensors, n - s.variables.length - s.runningStats.length);
});

Deno.test("Student training updates the BN running averages; inference reads them and changes nothing", () => {
  const s = new Student({ width: 4, dim: 8, seed: 3 });
  const x = tf.randomUniform([2, 32, 32, 1], 0, 1, "float32", 1) as tf.Tensor4D;
  const stats = () => s.runningStats.map((v) => Array.from(v.dataSync()).join());
  const before = stats();
  const a = s.forward(x, false), b = s.forward(x, false);
  assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  assert.deepEqual(stats(), before);
  const t = s.forward(x, true);
  assert.notDeepEqual(stats(), before);
  // The first running mean moved 10 % of the way to the batch mean of the first conv.
  const batchMean = tf.tidy(() => {
    const y = tf.conv2d(
      tf.div(tf.sub(x, 0.3), 0.35) as tf.Tensor4D,
      s.variables[0] as tf.Tensor4D,
      2,
      "same",
    );
    return tf.moments(y, [0, 1, 2]).mean;
  });
  const expected = Array.from(batchMean.dataSync()).map((m) => 0.1 * m);
  const got = Array.from(s.runningStats[0]!.dataSync());
  assert.ok(got.every((v, i) => Math.abs(v - expected[i]!) < 1e-5));
  tf.dispose([x, a, b, t, batchMean]);
  s.dispose();
});

Deno.test("Student initialisation is deterministic in its seed", () => {
  const a = new Student({ width: 4, dim: 8, seed: 1 });
  const b = new Student({ width: 4, dim: 8, seed: 1 });
  const c = new Student({ width: 4, dim: 8, seed: 2 });
  const first = (s: Student) => Array.from(s.variables[0]!.dataSync());
  assert.deepEqual(first(a), first(b));
  assert.notDeepEqual(first(a), first(c));
  [a, b, c].forEach((s) => s.dispose());
});

Deno.test("batchNormTraining() has the value and gradients of tf.batchNorm over batch moments", () => {
  const x = tf.randomNormal([4, 6, 6, 3], 3, 2, "float32", 1);
  const gamma = tf.randomUniform([3], 0.5, 1.5, "float32", 2);
  const beta = tf.randomNormal([3], 0, 1, "float32", 3);
  const w = tf.randomNormal([4, 6, 6, 3], 0, 1, "float32", 4);
  const ref = tf.grads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
    const { mean, variance } = tf.moments(xx, [0, 1, 2]);
    return tf.sum(tf.mul(tf.batchNorm(xx, mean, variance, bb, gg, BN_EPSILON), w));
  })([x, gamma, beta]);
  const bn = {
    gamma: tf.variable(gamma),
    beta: tf.variable(beta),
    mean: tf.variable(tf.zeros([3]), false),
    variance: tf.variable(tf.ones([3]), false),
  };
  const ours = tf.variableGrads(
    () => tf.sum(tf.mul(batchNormTraining(x as tf.Tensor4D, bn), w)) as tf.Scalar,
    [bn.gamma, bn.beta],
  );
  const [dx] = tf.grads((xx: tf.Tensor) =>
    tf.sum(tf.mul(batchNormTraining(xx as tf.Tensor4D, bn), w))
  )([x]);
  const diff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
  const yRef = tf.tidy(() => {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    return tf.batchNorm(x, mean, variance, beta, gamma, BN_EPSILON);
  });
  const y = batchNormTraining(x as tf.Tensor4D, bn);
  assert.ok(diff(y, yRef) < 1e-5);
  tf.dispose([y, yRef]);
  assert.ok(diff(dx!, ref[0]!) < 1e-4, `dx ${diff(dx!, ref[0]!)}`);
  assert.ok(diff(ours.grads[bn.gamma.name]!, ref[1]!) < 1e-3);
  assert.ok(diff(ours.grads[bn.beta.name]!, ref[2]!) < 1e-4);
  tf.dispose([x, gamma, beta, w, ...ref, dx!, ours.value, ...Object.values(ours.grads)]);
  Object.values(bn).forEach((v) => v.dispose());
});

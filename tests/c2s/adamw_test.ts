import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../../lib/_std.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { AdamW } from "../../lib/c2s/adamw.ts";

await initBackend("wasm");

Deno.test("AdamW's first step moves by lr * sign(g) plus decoupled decay on matrices only", () => {
  const w = tf.variable(tf.tensor2d([[2, -1]]));
  const b = tf.variable(tf.tensor1d([3]));
  const opt = new AdamW([w, b], { weightDecay: 0.5, epsilon: 0 });
  const grads = { [w.name]: tf.tensor2d([[0.3, -4]]), [b.name]: tf.tensor1d([1]) };
  opt.step(grads, 0.1);
  // m_hat = g, v_hat = g^2: update = lr * sign(g); decay multiplies the matrix by 1 - 0.1 * 0.5.
  const wv = Array.from(w.dataSync());
  assert.ok(Math.abs(wv[0]! - (2 * 0.95 - 0.1)) < 1e-6);
  assert.ok(Math.abs(wv[1]! - (-1 * 0.95 + 0.1)) < 1e-6);
  assert.ok(Math.abs(b.dataSync()[0]! - (3 - 0.1)) < 1e-6);
  assert.equal(opt.iterations, 1);
  tf.dispose([w, b, ...Object.values(grads)]);
  opt.dispose();
});

Deno.test("AdamW leaves variables without a gradient unchanged and leaks no tensors", () => {
  const w = tf.variable(tf.tensor2d([[1]]));
  const other = tf.variable(tf.tensor2d([[5]]));
  const opt = new AdamW([w, other], { weightDecay: 0.1 });
  const g = tf.ones([1, 1]);
  const before = tf.memory().numTensors;
  opt.step(new Map([[w.name, g]]), 0.01);
  assert.equal(tf.memory().numTensors, before);
  assert.equal(other.dataSync()[0], 5);
  assert.ok(w.dataSync()[0]! < 1);
  tf.dispose([w, other, g]);
  opt.dispose();
});

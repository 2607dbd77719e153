/**
 * The hand-written backward passes against central finite differences of their forward passes
 * (and of a plain batch-norm written with tfjs ops): a wrong gradient fails these.
 */
import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../../lib/_std.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import {
  batchNormRelu,
  batchNormReluBackward,
  conv3x3,
  conv3x3FilterGrad,
  conv3x3InputGrad,
} from "../../lib/teacher/_ops.ts";
import { attentionPool, attentionPoolBackward } from "../../lib/teacher/_attention_pool.ts";

await initBackend("wasm");

/** Directional derivative of f at x along a random u, by central differences, and the analytic one. */
function check(
  f: (x: tf.Tensor) => number,
  x: tf.Tensor,
  grad: tf.Tensor,
  eps = 1e-2,
): [number, number] {
  return tf.tidy(() => {
    const u = tf.randomNormal(x.shape, 0, 1, "float32", 5);
    const fd = (f(tf.add(x, tf.mul(u, eps))) - f(tf.sub(x, tf.mul(u, eps)))) / (2 * eps);
    return [fd, tf.sum(tf.mul(grad, u)).dataSync()[0]!];
  });
}

function close([fd, an]: [number, number], tol = 2e-3): void {
  assert.ok(
    Math.abs(fd - an) <= tol * Math.max(1, Math.abs(fd)),
    `finite difference ${fd} vs analytic ${an}`,
  );
}

for (const stride of [1, 2] as const) {
  Deno.test(`conv3x3() stride ${stride}: filter and input gradients match finite differences`, () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 8, 8, 3], 0, 1, "float32", 1) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, 3, 4], 0, 1, "float32", 2) as tf.Tensor4D;
      const r = tf.randomNormal(
        stride === 1 ? [2, 8, 8, 4] : [2, 4, 4, 4],
        0,
        1,
        "float32",
        3,
      ) as tf.Tensor4D;
      const loss = (xx: tf.Tensor, ww: tf.Tensor) =>
        tf.sum(tf.mul(conv3x3(xx as tf.Tensor4D, ww as tf.Tensor4D, stride), r)).dataSync()[0]!;
      close(check((ww) => loss(x, ww), w, conv3x3FilterGrad(x, r, stride)));
      close(check((xx) => loss(xx, w), x, conv3x3InputGrad(r, w, stride)));
    });
  });
}

Deno.test("batchNormRelu() with a residual matches batch-norm + add + ReLU in tfjs ops, values and gradients", () => {
  tf.tidy(() => {
    const shape: [number, number, number, number] = [4, 3, 3, 5];
    const x = tf.randomNormal(shape, 0, 1, "float32", 11) as tf.Tensor4D;
    const g = tf.randomNormal([5], 1, 0.3, "float32", 12) as tf.Tensor1D;
    const b = tf.randomNormal([5], 0, 1, "float32", 13) as tf.Tensor1D;
    const res = tf.randomNormal(shape, 0, 1, "float32", 14) as tf.Tensor4D;
    const dy = tf.randomNormal(shape, 0, 1, "float32", 15) as tf.Tensor4D;
    const m = 36;
    const mom = tf.moments(x, [0, 1, 2]);
    const rstd = tf.rsqrt(tf.add(mom.variance, 1e-5));
    const xhat = tf.mul(tf.sub(x, mom.mean), rstd);
    const z = tf.add(tf.add(tf.mul(xhat, g), b), res);
    const dz = tf.mul(dy, tf.step(z));
    const dbeta = tf.sum(dz, [0, 1, 2]);
    const dgamma = tf.sum(tf.mul(dz, xhat), [0, 1, 2]);
    const dx = tf.mul(
      tf.mul(g, rstd),
      tf.sub(tf.sub(dz, tf.div(dbeta, m)), tf.mul(xhat, tf.div(dgamma, m))),
    );
    const fw = batchNormRelu(x, g, b, res);
    const bw = batchNormReluBackward(fw.cache, dy);
    const maxDiff = (a: tf.Tensor, c: tf.Tensor) => tf.max(tf.abs(tf.sub(a, c))).dataSync()[0]!;
    assert.ok(maxDiff(tf.relu(z), fw.y) < 1e-5);
    assert.ok(maxDiff(mom.variance, fw.variance) < 1e-5);
    assert.ok(maxDiff(dx, bw.dx) < 1e-5);
    assert.ok(maxDiff(dgamma, bw.dgamma) < 1e-4);
    assert.ok(maxDiff(dbeta, bw.dbeta) < 1e-4);
    assert.ok(maxDiff(dz, bw.dres!) < 1e-6);
  });
});

Deno.test("attentionPool() backward matches finite differences for tokens, positions and projections", () => {
  tf.tidy(() => {
    const tokens = tf.randomNormal([2, 5, 8], 0, 1, "float32", 21) as tf.Tensor3D;
    const mk = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 0.5, "float32", seed);
    const w = {
      pos: mk([6, 8], 22) as tf.Tensor2D,
      wq: mk([8, 8], 23) as tf.Tensor2D,
      bq: mk([8], 24) as tf.Tensor1D,
      wk: mk([8, 8], 25) as tf.Tensor2D,
      bk: mk([8], 26) as tf.Tensor1D,
      wv: mk([8, 8], 27) as tf.Tensor2D,
      bv: mk([8], 28) as tf.Tensor1D,
    };
    const mask = tf.tensor2d([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]]);
    const rp = mk([2, 8], 29);
    const rv = mk([2, 5, 8], 30);
    const loss = (t: tf.Tensor, ww: typeof w) => {
      const o = attentionPool(t as tf.Tensor3D, ww, 2, mask);
      return tf.add(tf.sum(tf.mul(o.pooled, rp)), tf.sum(tf.mul(o.values, rv))).dataSync()[0]!;
    };
    const o = attentionPool(tokens, w, 2, mask);
    const g = attentionPoolBackward(o.cache, rp as tf.Tensor2D, rv as tf.Tensor3D);
    close(check((t) => loss(t, w), tokens, g.tokens, 1e-3), 5e-3);
    close(check((p) => loss(tokens, { ...w, pos: p as tf.Tensor2D }), w.pos, g.pos, 1e-3), 5e-3);
    close(check((q) => loss(tokens, { ...w, wq: q as tf.Tensor2D }), w.wq, g.wq, 1e-3), 5e-3);
    close(check((k) => loss(tokens, { ...w, wk: k as tf.Tensor2D }), w.wk, g.wk, 1e-3), 5e-3);
    close(check((v) => loss(tokens, { ...w, wv: v as tf.Tensor2D }), w.wv, g.wv, 1e-3), 5e-3);
  });
});

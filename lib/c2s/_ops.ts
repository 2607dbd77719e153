/**
 * Small tensor helpers shared by the C2S losses (private to `lib/c2s`).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** `x / max(||x||, 1e-6)` along the last axis. */
export function l2Normalize<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.maximum(tf.sum(tf.square(x), -1, true), 1e-12));
    return tf.div(x, norm) as T;
  });
}

/** Large negative logit offset that removes a class from a softmax without producing NaN. */
export const MASKED_LOGIT = -1e4;

/**
 * Cross-entropy of `logits` `[..., K]` against integer targets given as a one-hot `[..., K]`,
 * per row (no reduction): `-sum(onehot * logSoftmax(logits))`.
 */
export function softmaxCrossEntropyRows(logits: tf.Tensor, onehot: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), -1)));
}

/** `sum(values * weights) / max(sum(weights), 1)` as a scalar. */
export function weightedMean(values: tf.Tensor, weights: tf.Tensor): tf.Scalar {
  return tf.tidy(() =>
    tf.div(tf.sum(tf.mul(values, weights)), tf.maximum(tf.sum(weights), 1)) as tf.Scalar
  );
}

/**
 * `a b` for 2-D `a` `[M, K]` and `b` `[K, N]` whose gradients are plain matMuls of explicitly
 * transposed operands. tfjs's own matMul gradient uses `transposeA` / `transposeB`, which the wasm
 * backend runs in a slow reference loop (about 8x slower than its XNNPACK path at these shapes).
 */
export const matMul2d: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D = tf.customGrad(
  (...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([a, b]);
    return {
      value: tf.matMul(a, b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
        return [
          tf.matMul(dy as tf.Tensor2D, tf.transpose(sb)),
          tf.matMul(tf.transpose(sa), dy as tf.Tensor2D),
        ];
      },
    };
  },
) as unknown as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/** A linear layer `x W + b` over the last axis of `x` (any rank). */
export function linear(x: tf.Tensor, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor {
  return tf.tidy(() => {
    const shape = x.shape;
    const flat = tf.reshape(x, [-1, shape[shape.length - 1]!]) as tf.Tensor2D;
    const y = b === undefined ? matMul2d(flat, w) : tf.add(matMul2d(flat, w), b);
    return tf.reshape(y, [...shape.slice(0, -1), w.shape[1]]);
  });
}

/** Layer normalisation over the last axis with gain `g` and bias `b`. */
export function layerNorm(x: tf.Tensor, g: tf.Tensor1D, b: tf.Tensor1D): tf.Tensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), g), b);
  });
}

/** A seeded Glorot-uniform matrix variable `[rows, cols]`. */
export function glorotVariable(rows: number, cols: number, seed: number): tf.Variable {
  const limit = Math.sqrt(6 / (rows + cols));
  return tf.tidy(() => tf.variable(tf.randomUniform([rows, cols], -limit, limit, "float32", seed)));
}

/** A trainable variable of zeros (the initial tensor is freed). */
export function zerosVariable(shape: number[]): tf.Variable {
  return tf.tidy(() => tf.variable(tf.zeros(shape), true));
}

/** A trainable variable of ones (the initial tensor is freed). */
export function onesVariable(shape: number[]): tf.Variable {
  return tf.tidy(() => tf.variable(tf.ones(shape), true));
}

/**
 * The mini-CLIP's layers as plain tfjs-core ops. Training differentiates them with tfjs autodiff
 * over the registered kernels (`lib/tf`: the fast convolution and matMul gradients on wasm), the
 * same gradient path as the student. All functions run inside the caller's `tf.tidy` or gradient
 * function.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** `x w + b`. */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  return tf.add(tf.matMul(x, w), b);
}

/** A 3x3 'same' convolution without bias. */
export function conv3x3(x: tf.Tensor4D, w: tf.Tensor4D, stride: 1 | 2): tf.Tensor4D {
  return tf.conv2d(x, w, stride, "same");
}

/** Batch-norm epsilon (as PyTorch). */
export const BN_EPSILON = 1e-5;

/**
 * Per-channel mean over batch and space of a `[N, H, W, C]` tensor as `[1, C]`: a global average
 * pool (one fast XNNPACK pass) and a mean over the batch. Much faster on wasm than `tf.mean` over
 * axes 0-2 (a transpose of the whole tensor).
 */
function channelMean(x: tf.Tensor4D): tf.Tensor2D {
  const [n, h, w, c] = x.shape;
  const pooled = tf.reshape(tf.avgPool(x, [h, w], 1, "valid"), [n, c]);
  return tf.reshape(tf.mean(pooled, 0), [1, c]) as tf.Tensor2D;
}

/**
 * Training-mode `relu(batchNorm(x) + residual)` over a `[N, H, W, C]` batch with its own
 * statistics; returns the output and the batch mean and biased variance (`[C]`).
 */
export function batchNormRelu(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  residual: tf.Tensor4D | null,
): { y: tf.Tensor4D; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const c = x.shape[3];
  const mean = channelMean(x);
  const variance = tf.relu(tf.sub(channelMean(tf.square(x)), tf.square(mean))) as tf.Tensor2D;
  const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, BN_EPSILON)));
  const shift = tf.sub(beta, tf.mul(mean, scale));
  let z = tf.add(tf.mul(x, tf.reshape(scale, [c])), tf.reshape(shift, [c])) as tf.Tensor4D;
  if (residual) z = tf.add(z, residual);
  return {
    y: tf.relu(z),
    mean: tf.reshape(mean, [c]),
    variance: tf.reshape(variance, [c]),
  };
}

/** Inference-mode `relu(batchNorm(x) + residual)` with running statistics. */
export function batchNormReluEval(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  mean: tf.Tensor1D,
  variance: tf.Tensor1D,
  residual: tf.Tensor4D | null,
): tf.Tensor4D {
  let z = tf.batchNorm(x, mean, variance, beta, gamma, BN_EPSILON) as tf.Tensor4D;
  if (residual) z = tf.add(z, residual);
  return tf.relu(z);
}

/** L2-normalises the rows of a `[M, D]` matrix. */
export function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  return tf.div(x, tf.sqrt(tf.add(tf.sum(tf.square(x), -1, true), 1e-12)));
}

/**
 * The mini-CLIP's layers as explicit forward/backward pairs of plain tfjs-core ops. tfjs-core 4.22
 * ships no gradient registrations in its bundles, and the wasm backend runs only untransposed
 * `matMul` and forward `conv2d` fast (XNNPACK), so the teacher's backward pass is written out by
 * hand in those two kernels: conv gradients are forward convs (batch and channels swap roles for
 * the filter gradient), column sums are `ones x X` products, and batch-norm + residual + ReLU is
 * one backward step. All functions must run inside the caller's `tf.tidy`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** Column sums of a `[M, C]` matrix as a `[1, C]` product with a row of ones (fast on wasm). */
export function colSum(x: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(tf.ones([1, x.shape[0]]), x);
}

/**
 * Per-channel mean over batch and space of a `[N, H, W, C]` tensor as `[1, C]`: a global average
 * pool (one fast XNNPACK pass) and a sum over the batch. Much faster on wasm than `tf.mean` over
 * axes 0-2 (a transpose) or a `ones x X` product (XNNPACK re-packs the big operand every call).
 */
export function channelMean(x: tf.Tensor4D): tf.Tensor2D {
  const [n, h, w, c] = x.shape;
  const pooled = tf.reshape(tf.avgPool(x, [h, w], 1, "valid"), [n, c]);
  return tf.reshape(tf.mean(pooled, 0), [1, c]) as tf.Tensor2D;
}

/** Gradients of `y = x w + b` for `[M, K] x [K, N]`. */
export function linearBackward(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  dy: tf.Tensor2D,
): { dx: tf.Tensor2D; dw: tf.Tensor2D; db: tf.Tensor1D } {
  return {
    dx: tf.matMul(dy, tf.transpose(w)),
    dw: tf.matMul(tf.transpose(x), dy),
    db: tf.reshape(colSum(dy), [dy.shape[1]]),
  };
}

/** `x w + b`. */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  return tf.add(tf.matMul(x, w), b);
}

/** Input of a 3x3 conv padded the way tf's 'same' pads it (stride 2 on even sizes: 0 before, 1 after). */
function padSame(x: tf.Tensor4D, stride: number): tf.Tensor4D {
  return stride === 1
    ? tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]])
    : tf.pad(x, [[0, 0], [0, 1], [0, 1], [0, 0]]);
}

/** Filter in the layout that turns a 3x3 conv's input gradient into a forward conv. */
function flipFilter(w: tf.Tensor4D): tf.Tensor4D {
  return tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]);
}

/** A 3x3 'same' convolution without bias. */
export function conv3x3(x: tf.Tensor4D, w: tf.Tensor4D, stride: 1 | 2): tf.Tensor4D {
  return tf.conv2d(x, w, stride, "same");
}

/** Filter gradient of {@linkcode conv3x3}: one forward conv with batch and channels swapped. */
export function conv3x3FilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, stride: 1 | 2): tf.Tensor4D {
  const xt = tf.transpose(padSame(x, stride), [3, 1, 2, 0]) as tf.Tensor4D; // [ci, H', W', n]
  const dyt = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [h, w, n, co]
  const g = stride === 1
    ? tf.conv2d(xt, dyt, 1, "valid")
    : tf.conv2d(xt, dyt, 1, "valid", "NHWC", [stride, stride]);
  return tf.transpose(g, [1, 2, 0, 3]); // [3, 3, ci, co]
}

/** Input gradient of {@linkcode conv3x3}, computed with forward convs only. */
export function conv3x3InputGrad(dy: tf.Tensor4D, w: tf.Tensor4D, stride: 1 | 2): tf.Tensor4D {
  if (stride === 1) return tf.conv2d(dy, flipFilter(w), 1, "same");
  // Stride 2: spread dy onto the even positions of the input grid, then a full correlation.
  const [n, h, wd, co] = dy.shape;
  const spread = tf.reshape(
    tf.pad(tf.reshape(dy, [n, h, 1, wd, 1, co]), [[0, 0], [0, 0], [0, 1], [0, 0], [0, 1], [0, 0]]),
    [n, 2 * h, 2 * wd, co],
  );
  const padded = tf.pad(spread, [[0, 0], [2, 0], [2, 0], [0, 0]]) as tf.Tensor4D;
  return tf.conv2d(padded, flipFilter(w), 1, "valid") as tf.Tensor4D;
}

/** `x * scale + shift` per channel (`[1, C]` each) in one pass: the fused batch-norm kernel. */
function affine(x: tf.Tensor2D, scale: tf.Tensor2D, shift: tf.Tensor2D): tf.Tensor2D {
  const c = x.shape[1];
  return tf.batchNorm(
    x,
    tf.zeros([c]) as tf.Tensor1D,
    tf.ones([c]) as tf.Tensor1D,
    tf.reshape(shift, [c]) as tf.Tensor1D,
    tf.reshape(scale, [c]) as tf.Tensor1D,
    0,
  ) as tf.Tensor2D;
}

/** What {@linkcode batchNormRelu} keeps for its backward step. */
export interface BatchNormCache {
  x: tf.Tensor2D;
  y: tf.Tensor2D;
  mean: tf.Tensor2D;
  rstd: tf.Tensor2D;
  gamma: tf.Tensor1D;
  shape: [number, number, number, number];
  hasResidual: boolean;
}

/** Batch-norm epsilon (as PyTorch). */
export const BN_EPSILON = 1e-5;

/**
 * Training-mode `relu(batchNorm(x) + residual)` over a `[N, H, W, C]` batch with batch statistics.
 * Returns the output, the batch mean and biased variance (`[C]`) and the cache for the backward step.
 */
export function batchNormRelu(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  residual: tf.Tensor4D | null,
): { y: tf.Tensor4D; mean: tf.Tensor1D; variance: tf.Tensor1D; cache: BatchNormCache } {
  const shape = x.shape;
  const c = shape[3];
  const m = shape[0] * shape[1] * shape[2];
  const x2 = tf.reshape(x, [m, c]) as tf.Tensor2D;
  const mean = channelMean(x);
  const ex2 = channelMean(tf.square(x));
  const variance = tf.relu(tf.sub(ex2, tf.square(mean))) as tf.Tensor2D;
  const rstd = tf.rsqrt(tf.add(variance, BN_EPSILON)) as tf.Tensor2D;
  const scale = tf.mul(gamma, rstd);
  const shift = tf.sub(beta, tf.mul(mean, scale));
  let z = affine(x2, scale as tf.Tensor2D, shift as tf.Tensor2D);
  if (residual) z = tf.add(z, tf.reshape(residual, [m, c]));
  const y = tf.relu(z) as tf.Tensor2D;
  return {
    y: tf.reshape(y, shape),
    mean: tf.reshape(mean, [c]),
    variance: tf.reshape(variance, [c]),
    cache: { x: x2, y, mean, rstd, gamma, shape, hasResidual: residual !== null },
  };
}

/** Backward step of {@linkcode batchNormRelu}: gradients of x, gamma, beta and the residual. */
export function batchNormReluBackward(
  cache: BatchNormCache,
  dy: tf.Tensor4D,
): { dx: tf.Tensor4D; dgamma: tf.Tensor1D; dbeta: tf.Tensor1D; dres: tf.Tensor4D | null } {
  const { x, y, mean, rstd, gamma, shape } = cache;
  const c = shape[3];
  const m = shape[0] * shape[1] * shape[2];
  const dz = tf.mul(tf.reshape(dy, [m, c]), tf.step(y)) as tf.Tensor2D;
  // sum(dz) and sum(dz * xhat) = rstd * (sum(dz * x) - mean * sum(dz)), without forming xhat.
  const dbeta = tf.mul(channelMean(tf.reshape(dz, shape)), m) as tf.Tensor2D;
  const sumDzX = tf.mul(channelMean(tf.reshape(tf.mul(dz, x), shape)), m);
  const dgamma = tf.mul(rstd, tf.sub(sumDzX, tf.mul(mean, dbeta))) as tf.Tensor2D;
  // dx = a dz + b xhat + c with a = gamma rstd, b = -a dgamma / m, c = -a dbeta / m;
  // b xhat + c = (b rstd) x + (c - b rstd mean): one fused affine pass over x.
  const a = tf.mul(gamma, rstd);
  const bRstd = tf.mul(tf.mul(a, tf.mul(dgamma, -1 / m)), rstd);
  const cc = tf.sub(tf.mul(a, tf.mul(dbeta, -1 / m)), tf.mul(bRstd, mean));
  const dx = tf.add(tf.mul(dz, a), affine(x, bRstd as tf.Tensor2D, cc as tf.Tensor2D));
  return {
    dx: tf.reshape(dx, shape),
    dgamma: tf.reshape(dgamma, [c]),
    dbeta: tf.reshape(dbeta, [c]),
    dres: cache.hasResidual ? tf.reshape(dz, shape) : null,
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

/** L2-normalises the rows of a `[M, D]` matrix; returns the result and the norms for the backward step. */
export function l2Normalize(x: tf.Tensor2D): { y: tf.Tensor2D; norm: tf.Tensor2D } {
  const norm = tf.sqrt(tf.add(tf.sum(tf.square(x), -1, true), 1e-12)) as tf.Tensor2D;
  return { y: tf.div(x, norm), norm };
}

/** Backward step of {@linkcode l2Normalize}: `dx = (dy - y <dy, y>) / |x|`. */
export function l2NormalizeBackward(
  y: tf.Tensor2D,
  norm: tf.Tensor2D,
  dy: tf.Tensor2D,
): tf.Tensor2D {
  return tf.div(tf.sub(dy, tf.mul(y, tf.sum(tf.mul(dy, y), -1, true))), norm);
}

/**
 * Batch normalisation for the student (Ioffe & Szegedy), training mode: normalise over the batch
 * and spatial axes of an NHWC activation with the batch's statistics, scale and shift per channel,
 * and move the running averages (used at inference) towards the batch statistics.
 *
 * The gradient is the closed form dx = gamma rstd / N (N dy - sum dy - x_hat sum(dy x_hat)),
 * dgamma = sum(dy x_hat), dbeta = sum(dy): a handful of passes over the activation. tfjs's own
 * `batchNorm` gradient tiles the per-channel factors to the full activation shape, and `Tile` is
 * a slow generic loop on wasm (it took a quarter of a training step).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** Momentum of the running averages. */
export const BN_MOMENTUM = 0.1;
/** Variance epsilon. */
export const BN_EPSILON = 1e-5;

/** One BN layer's parameters (trained) and running averages (state). */
export interface BatchNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly mean: tf.Variable;
  readonly variance: tf.Variable;
}

/**
 * Training-mode BN of `x` `[B, H, W, C]` with `bn`'s gain and offset; updates `bn`'s running
 * averages (biased batch variance) as a side effect.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { assertEquals } from "../_std.ts";
 * import { initBackend } from "../tf/backend.ts";
 * import { batchNormTraining } from "./batch_norm.ts";
 * await initBackend("cpu");
 * const bn = {
 *   gamma: tf.variable(tf.ones([1])), beta: tf.variable(tf.zeros([1])),
 *   mean: tf.variable(tf.zeros([1]), false), variance: tf.variable(tf.ones([1]), false),
 * };
 * const y = batchNormTraining(tf.tensor4d([1, 3], [2, 1, 1, 1]), bn);
 * assertEquals(Array.from(y.dataSync(), Math.round), [-1, 1]); // (x - 2) / ~1
 * ```
 */
export function batchNormTraining(x: tf.Tensor4D, bn: BatchNorm): tf.Tensor4D {
  const channels = x.shape[3];
  const n = x.size / channels;
  const axes = [0, 1, 2];
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, gamma, beta, save] = args as [
      tf.Tensor4D,
      tf.Tensor1D,
      tf.Tensor1D,
      tf.GradSaveFunc,
    ];
    const { mean, variance } = tf.moments(input, axes);
    const m = BN_MOMENTUM;
    bn.mean.assign(tf.add(tf.mul(bn.mean, 1 - m), tf.mul(mean, m)));
    bn.variance.assign(tf.add(tf.mul(bn.variance, 1 - m), tf.mul(variance, m)));
    const rstd = tf.rsqrt(tf.add(variance, BN_EPSILON));
    const xhat = tf.mul(tf.sub(input, mean), rstd);
    save([xhat, rstd, gamma]);
    return {
      value: tf.add(tf.mul(xhat, gamma), beta),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sxhat, srstd, sgamma] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
        const dbeta = tf.sum(dy, axes);
        const dgamma = tf.sum(tf.mul(dy, sxhat), axes);
        const inner = tf.sub(tf.sub(tf.mul(dy, n), dbeta), tf.mul(sxhat, dgamma));
        const dx = tf.mul(inner, tf.div(tf.mul(sgamma, srstd), n));
        return [dx, dgamma, dbeta];
      },
    };
  });
  return f(x, bn.gamma, bn.beta) as tf.Tensor4D;
}

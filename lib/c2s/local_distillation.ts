/**
 * Local distillation, paper Sec. III-C, Eqs. 5-6: the student's dense features are averaged inside
 * each class region of the pseudo mask Ỹ (seen classes from the labels, latent classes from the
 * pseudo masks), giving local features F_l, and each is contrasted with the local CLS tokens C_l of
 * the same image (the teacher's CLS of I ⊙ 1(Ỹ = l), see `tokens.ts`).
 *
 * Batched layout: every image has S class slots (the seen classes in order, then its latent
 * classes), so regions are a one-hot `[B, L, S]` and tokens `[B, S, D]`; a slot takes part when its
 * token exists and its region covers at least one feature position. Eq. 6 is implemented as the
 * usual negative log of the printed ratio, -log softmax_j(f_i^T c_j / tau) at j = i over the valid
 * slots j of the same image, averaged over all valid (image, slot) pairs of the batch. An image
 * with a single valid slot contributes 0 (its only candidate is the positive).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { l2Normalize, MASKED_LOGIT, softmaxCrossEntropyRows, weightedMean } from "./_ops.ts";

/**
 * Eq. 5: masked average pooling of `f` `[B, L, D]` over the regions `masks` `[B, L, S]` (0/1).
 * Returns the pooled features `[B, S, D]` (zero for empty regions) and the region sizes `[B, S]`.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { assertEquals } from "../_std.ts";
 * import { maskedAveragePool } from "./local_distillation.ts";
 * await tf.setBackend("cpu");
 * const f = tf.tensor3d([[[1], [3], [5]]]);
 * const m = tf.tensor3d([[[1, 0], [1, 0], [0, 1]]]);
 * assertEquals(maskedAveragePool(f, m).pooled.arraySync(), [[[2], [5]]]);
 * ```
 */
export function maskedAveragePool(
  f: tf.Tensor3D,
  masks: tf.Tensor3D,
): { pooled: tf.Tensor3D; counts: tf.Tensor2D } {
  return tf.tidy(() => {
    const counts = tf.sum(masks, 1) as tf.Tensor2D; // [B, S]
    const sums = tf.matMul(masks, f, true, false); // [B, S, D]
    const pooled = tf.div(sums, tf.expandDims(tf.maximum(counts, 1), 2)) as tf.Tensor3D;
    return { pooled, counts };
  });
}

/**
 * Eq. 6 over a batch: `fl` `[B, S, D]` and `cl` `[B, S, D]` (both L2-normalised), `valid` `[B, S]`
 * (0/1). Returns the mean InfoNCE over valid slots (0 when none is valid).
 */
export function localInfoNce(
  fl: tf.Tensor3D,
  cl: tf.Tensor3D,
  valid: tf.Tensor2D,
  temperature: number,
): tf.Scalar {
  return tf.tidy(() => {
    const s = fl.shape[1];
    const logits = tf.div(tf.matMul(fl, cl, false, true), temperature); // [B, S(i), S(j)]
    const masked = tf.add(logits, tf.expandDims(tf.mul(tf.sub(1, valid), MASKED_LOGIT), 1));
    const eye = tf.expandDims(tf.eye(s), 0);
    const rows = softmaxCrossEntropyRows(masked, eye); // [B, S]
    return weightedMean(rows, valid);
  });
}

/**
 * L_l for raw dense features `f` `[B, L, D]`, regions `masks` `[B, L, S]`, local CLS tokens `cl`
 * `[B, S, D]` (normalised) and their existence `tokenValid` `[B, S]`.
 */
export function localDistillationLoss(
  f: tf.Tensor3D,
  masks: tf.Tensor3D,
  cl: tf.Tensor3D,
  tokenValid: tf.Tensor2D,
  temperature: number,
): tf.Scalar {
  return tf.tidy(() => {
    const { pooled, counts } = maskedAveragePool(f, masks);
    const valid = tf.mul(tokenValid, tf.cast(tf.greater(counts, 0), "float32")) as tf.Tensor2D;
    return localInfoNce(l2Normalize(pooled), cl, valid, temperature);
  });
}

/**
 * The pixel loss L_s, paper Sec. III-D and Eq. 7. Class scores at every feature position:
 * X_s = alpha F^T A_s against the seen text embeddings and X_u = beta cos(F, A'_u) against the
 * image's generated latent embeddings, concatenated. The target is Ỹ = Y_s + Ỹ_u on the feature
 * grid. The text embeddings A_s are unit vectors, so X_s and a cosine differ only by |F| per
 * position: `loss.seenScore` "dot" is Eq. 7 as written (F as the student gives it, so seen scores
 * grow with the feature norm while X_u stays within +-beta: the asymmetry the paper intends), and
 * "cosine" normalises F first (X_s = alpha cos(F, A_s)). Both rank the classes at a position the
 * same way, so inference is the same function of F; only the training signal differs.
 * The default is "cosine", kept because the paired comparison says so: Table IV's extra row (full
 * method, quick preset, seeds 0-4) with "dot" lost to "cosine" in every seed, with both teachers:
 * shipped 110 TFLOP teacher, hIoU -10.6 (paired 95 % CI [-15.9, -5.2]; per seed -15.9, -4.0,
 * -11.7, -11.1, -10.2), sIoU -10.9, uIoU -8.3; 75 TFLOP teacher, hIoU -10.4 [-14.6, -6.2], sIoU
 * -12.4, uIoU -7.2. With alpha = 1/0.07 on an unnormalised F the seen logits grow with |F| and
 * saturate the softmax, so the latent slots (bounded by beta) lose the competition.
 *
 * L_s = focal * L_focal + dice * L_dice + ce * L_ce (weights from `loss.*`):
 * - L_ce: softmax cross-entropy, mean over labelled positions; positions unlabelled in Ỹ are
 *   ignored everywhere;
 * - L_focal: (1 - p_t)^gamma * CE (Lin et al.), mean over labelled positions;
 * - L_dice: per image and class slot, 1 - (2 sum p y + 1) / (sum p + sum y + 1) over labelled
 *   positions, averaged over the slots that exist (all seen classes; latent slots of the image).
 * Latent slots an image lacks get a logit of -1e4, i.e. they drop out of the softmax.
 *
 * Without latent embeddings (`latent.enabled` false, the paper's baseline rows) there is no Ỹ_u and
 * no X_u: L_s is the base segmentation model's plain cross-entropy on the seen labels Y_s, weighted
 * by `loss.ce` (focal and dice belong to Eq. 7's latent supervision).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { MASKED_LOGIT, matMul2d, softmaxCrossEntropyRows, weightedMean } from "./_ops.ts";

/** Eq. 7 weights and scales (the config's `loss` block). */
export interface PixelLossOptions {
  readonly alpha: number;
  readonly beta: number;
  readonly focal: number;
  readonly dice: number;
  readonly ce: number;
  readonly focalGamma: number;
}

/** The terms of L_s. */
export interface PixelLossTerms {
  readonly total: tf.Scalar;
  readonly focal: tf.Scalar;
  readonly dice: tf.Scalar;
  readonly ce: tf.Scalar;
}

/**
 * X_logits = cat(X_s, X_u) `[B, L, Ns (+ U)]` for normalised features `fn` `[B, L, D]`, seen text
 * embeddings `textSeen` `[Ns, D]` and optionally latent embeddings `[B, U, D]` (normalised) with
 * their existence `[B, U]`. X_s is scored on `seenFeatures` (default `fn`; the raw features for
 * `loss.seenScore` "dot").
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { assertEquals } from "../_std.ts";
 * import { classLogits } from "./pixel_loss.ts";
 * await tf.setBackend("cpu");
 * const x = classLogits(tf.tensor3d([[[1, 0]]]), tf.tensor2d([[1, 0], [0, 1]]), 10);
 * assertEquals(x.arraySync(), [[[10, 0]]]);
 * ```
 */
export function classLogits(
  fn: tf.Tensor3D,
  textSeen: tf.Tensor2D,
  alpha: number,
  latent?: { embeddings: tf.Tensor3D; valid: tf.Tensor2D; beta: number },
  seenFeatures: tf.Tensor3D = fn,
): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, l, d] = fn.shape;
    const flat = tf.reshape(seenFeatures, [b * l, d]) as tf.Tensor2D;
    const xs = tf.reshape(
      tf.mul(matMul2d(flat, tf.transpose(textSeen)), alpha),
      [b, l, textSeen.shape[0]],
    );
    if (latent === undefined) return xs as tf.Tensor3D;
    const xu = tf.add(
      tf.mul(tf.matMul(fn, latent.embeddings, false, true), latent.beta), // [B, L, U]
      tf.expandDims(tf.mul(tf.sub(1, latent.valid), MASKED_LOGIT), 1),
    );
    return tf.concat([xs, xu], 2) as tf.Tensor3D;
  });
}

/**
 * Eq. 7 on `logits` `[B, L, K]` against `target` `[B, L, K]` (one-hot rows; all-zero rows are
 * unlabelled and ignored). `classValid` `[B, K]` says which slots exist (dice averages over them).
 */
export function pixelLoss(
  logits: tf.Tensor3D,
  target: tf.Tensor3D,
  classValid: tf.Tensor2D,
  options: PixelLossOptions,
): PixelLossTerms {
  return tf.tidy(() => {
    const labelled = tf.sum(target, -1); // [B, L]
    const logp = tf.logSoftmax(logits);
    const cePos = tf.neg(tf.sum(tf.mul(target, logp), -1)); // [B, L]
    const ce = weightedMean(cePos, labelled);
    const pt = tf.exp(tf.neg(cePos));
    const focalPos = tf.mul(tf.pow(tf.sub(1, pt), options.focalGamma), cePos);
    const focal = weightedMean(focalPos, labelled);
    const p = tf.mul(tf.exp(logp), tf.expandDims(labelled, -1));
    const inter = tf.sum(tf.mul(p, target), 1); // [B, K]
    const denom = tf.add(tf.sum(p, 1), tf.sum(target, 1));
    const diceBk = tf.sub(1, tf.div(tf.add(tf.mul(inter, 2), 1), tf.add(denom, 1)));
    const dice = weightedMean(diceBk, classValid);
    const total = tf.addN([
      tf.mul(focal, options.focal),
      tf.mul(dice, options.dice),
      tf.mul(ce, options.ce),
    ]) as tf.Scalar;
    return { total, focal, dice, ce };
  });
}

/** The baseline L_s: `weight` times the cross-entropy of seen-only logits on seen labels. */
export function seenCrossEntropy(
  logits: tf.Tensor3D,
  target: tf.Tensor3D,
  weight: number,
): tf.Scalar {
  return tf.tidy(() => {
    const rows = softmaxCrossEntropyRows(logits, target);
    return tf.mul(weightedMean(rows, tf.sum(target, -1)), weight) as tf.Scalar;
  });
}

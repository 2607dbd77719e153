/**
 * The teacher's four losses, weighted 1:1:1:1 (DESIGN.md, "Calibration"), on the logits (scale x
 * cosine against the text embeddings), as tfjs ops so that training differentiates them with the
 * rest of the model:
 *
 * - single items: symmetric image-text InfoNCE = mean of the image->text CE over the class texts
 *   and the text->image CE over the batch's single items (each class present in the batch; its
 *   target is uniform over the items of that class);
 * - scenes: soft CE against the visible-area shares;
 * - masked items: CE;
 * - dense: CE of each 16 x 16 cell with a majority label (>= 50 %), averaged over those cells.
 *
 * Each term is `-sum(W * logSoftmax(logits))` with a target matrix `W` built on the host from the
 * batch (rows of a mean already divided by their count).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { TeacherBatch } from "./batches.ts";

/** The loss terms of one batch (scalars; `total` is their sum). */
export interface TeacherLosses {
  total: tf.Scalar;
  single: tf.Scalar;
  scene: tf.Scalar;
  masked: tf.Scalar;
  dense: tf.Scalar;
}

/** `[rows, classes]` target matrix: `weight` at each row's label (rows labelled < 0 stay 0). */
function oneHot(labels: ArrayLike<number>, classes: number, weight: number): Float32Array {
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (y >= 0) out[i * classes + y] = weight;
  }
  return out;
}

/** Text->image targets `[classes, n]`: uniform over the items of each present class. */
function textTargets(labels: Int32Array, classes: number): Float32Array {
  const n = labels.length;
  const counts = new Array<number>(classes).fill(0);
  for (const y of labels) counts[y]!++;
  const present = counts.filter((k) => k > 0).length;
  const out = new Float32Array(classes * n);
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    out[y * n + i] = 1 / counts[y]! / present;
  }
  return out;
}

/** `-sum(targets * logSoftmax(logits))` over a `[rows, k]` matrix. */
function crossEntropy(logits: tf.Tensor2D, targets: Float32Array): tf.Scalar {
  return tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), tf.tensor2d(targets, logits.shape))));
}

/**
 * Losses of one batch. `cls`: `[3n, classes]` logits (singles, scenes, masked); `dense`:
 * `[3n * cells^2, classes]` logits. Call inside `tf.tidy` or a gradient function.
 */
export function teacherLosses(
  batch: TeacherBatch,
  cls: tf.Tensor2D,
  dense: tf.Tensor2D,
): TeacherLosses {
  const n = batch.n;
  const classes = cls.shape[1];
  const [singles, scenes, masks] = tf.split(cls, 3, 0) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const imageText = crossEntropy(singles, oneHot(batch.singleLabels, classes, 1 / n));
  const textImage = crossEntropy(tf.transpose(singles), textTargets(batch.singleLabels, classes));
  const single = tf.mul(tf.add(imageText, textImage), 0.5) as tf.Scalar;
  const scene = crossEntropy(scenes, batch.sceneShares.map((t) => t / n));
  const masked = crossEntropy(masks, oneHot(batch.maskedLabels, classes, 1 / n));
  const cells = batch.cellLabels.reduce((k, y) => k + (y >= 0 ? 1 : 0), 0);
  const denseLoss = crossEntropy(dense, oneHot(batch.cellLabels, classes, 1 / Math.max(1, cells)));
  return {
    total: tf.addN([single, scene, masked, denseLoss]) as tf.Scalar,
    single,
    scene,
    masked,
    dense: denseLoss,
  };
}

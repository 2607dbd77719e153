/**
 * One forward/backward pass of the mini-CLIP on a {@linkcode TeacherBatch}: the image tower in
 * training mode on all `3n` images at once (one set of batch statistics), the text tower on the
 * class prompts, the four losses, and their gradients by tfjs autodiff (`tf.variableGrads`) over
 * the registered kernels: the student's gradient path.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { TeacherBatch } from "./batches.ts";
import type { MiniClipConfig } from "./config.ts";
import { imageForwardTrain } from "./image_tower.ts";
import { teacherLosses } from "./losses.ts";
import { textForward } from "./text_tower.ts";

/** Loss values of one step. */
export interface StepLosses {
  total: number;
  single: number;
  scene: number;
  masked: number;
  dense: number;
}

/** Gradients by weight name and batch statistics by batch-norm prefix; all owned by the caller. */
export interface StepResult {
  losses: StepLosses;
  grads: Map<string, tf.Tensor>;
  stats: Map<string, { mean: tf.Tensor1D; variance: tf.Tensor1D; count: number }>;
}

/** Gradients of the total loss of `batch` with respect to every trainable weight of `w`. */
export function forwardBackward(
  w: ReadonlyMap<string, tf.Variable>,
  config: MiniClipConfig,
  textIds: Int32Array[],
  batch: TeacherBatch,
): StepResult {
  const trainable = [...w].filter(([, v]) => v.trainable);
  let terms: tf.Tensor1D | null = null;
  const stats: StepResult["stats"] = new Map();
  const { value, grads } = tf.variableGrads(() => {
    const images = tf.tensor4d(batch.images, [3 * batch.n, batch.side, batch.side, 1]);
    const image = imageForwardTrain(w, config, images);
    const tT = tf.transpose(textForward(w, config, textIds));
    const s = config.logitScale;
    const cls = tf.mul(tf.matMul(image.features.cls, tT), s) as tf.Tensor2D;
    const dense = tf.reshape(image.features.dense, [-1, config.dim]) as tf.Tensor2D;
    const losses = teacherLosses(batch, cls, tf.mul(tf.matMul(dense, tT), s));
    const { total, single, scene, masked } = losses;
    terms = tf.keep(tf.stack([total, single, scene, masked, losses.dense]) as tf.Tensor1D);
    for (const { name, mean, variance, count } of image.stats) {
      stats.set(name, { mean: tf.keep(mean), variance: tf.keep(variance), count });
    }
    return total;
  }, trainable.map(([, v]) => v));
  value.dispose();
  const [total, single, scene, masked, dense] = terms!.dataSync();
  terms!.dispose();
  const byName = new Map<string, tf.Tensor>();
  for (const [name, v] of trainable) {
    const g = grads[v.name];
    if (g !== undefined) byName.set(name, g);
  }
  return {
    losses: { total: total!, single: single!, scene: scene!, masked: masked!, dense: dense! },
    grads: byName,
    stats,
  };
}

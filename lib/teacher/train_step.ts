/**
 * One forward/backward pass of the mini-CLIP on a {@linkcode TeacherBatch}: the image tower in
 * training mode on all `3n` images at once (one set of batch statistics), the text tower on the
 * class prompts, the four losses on the host, then the hand-written backward passes.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { TeacherBatch } from "./batches.ts";
import type { MiniClipConfig } from "./config.ts";
import { imageBackward, imageForwardTrain, type WeightMap } from "./image_tower.ts";
import { type TeacherLosses, teacherLosses } from "./losses.ts";
import { textBackward, textForward } from "./text_tower.ts";

/** Gradients by weight name and batch statistics by batch-norm prefix; all owned by the caller. */
export interface StepResult {
  losses: Omit<TeacherLosses, "dCls" | "dDense">;
  grads: Map<string, tf.Tensor>;
  stats: Map<string, { mean: tf.Tensor1D; variance: tf.Tensor1D; count: number }>;
}

/** Gradients of the total loss of `batch` with respect to every trainable weight. */
export function forwardBackward(
  w: WeightMap,
  config: MiniClipConfig,
  textIds: Int32Array[],
  batch: TeacherBatch,
): StepResult {
  let losses: TeacherLosses | null = null;
  const names: string[] = [];
  const statNames: string[] = [];
  const statCounts: number[] = [];
  const kept = tf.tidy(() => {
    const total = 3 * batch.n;
    const s = config.logitScale;
    const images = tf.tensor4d(batch.images, [total, batch.side, batch.side, 1]);
    const fwd = imageForwardTrain(w, config, images);
    const text = textForward(w, config, textIds);
    const t = text.embeddings;
    const tT = tf.transpose(t);
    const classes = t.shape[0];
    const cls = fwd.features.cls;
    const dense = fwd.cache.dense.y;
    const clsLogits = tf.mul(tf.matMul(cls, tT), s);
    const denseLogits = tf.mul(tf.matMul(dense, tT), s);
    losses = teacherLosses(
      batch,
      clsLogits.dataSync() as Float32Array,
      denseLogits.dataSync() as Float32Array,
      classes,
    );
    const dLc = tf.mul(tf.tensor2d(losses.dCls, [total, classes]), s) as tf.Tensor2D;
    const dLd = tf.mul(tf.tensor2d(losses.dDense, [dense.shape[0], classes]), s) as tf.Tensor2D;
    const grads = new Map<string, tf.Tensor>();
    imageBackward(w, fwd.cache, tf.matMul(dLc, t), tf.matMul(dLd, t), grads);
    const dText = tf.add(
      tf.matMul(tf.transpose(dLc), cls),
      tf.matMul(tf.transpose(dLd), dense),
    ) as tf.Tensor2D;
    textBackward(w, config, text.cache, dText, grads);
    const out: tf.Tensor[] = [];
    for (const [name, g] of grads) {
      names.push(name);
      out.push(g);
    }
    for (const st of fwd.stats) {
      statNames.push(st.name);
      statCounts.push(st.count);
      out.push(st.mean, st.variance);
    }
    return out;
  });
  const grads = new Map<string, tf.Tensor>();
  names.forEach((name, i) => grads.set(name, kept[i]!));
  const stats = new Map<string, { mean: tf.Tensor1D; variance: tf.Tensor1D; count: number }>();
  statNames.forEach((name, i) => {
    stats.set(name, {
      mean: kept[names.length + 2 * i] as tf.Tensor1D,
      variance: kept[names.length + 2 * i + 1] as tf.Tensor1D,
      count: statCounts[i]!,
    });
  });
  const { dCls: _c, dDense: _d, ...values } = losses!;
  return { losses: values, grads, stats };
}

/**
 * The mini-CLIP's image tower (DESIGN.md, "Calibration"): a CLIP-ResNet-style conv tower. Input
 * `(x - 0.3) / 0.35`; stem conv3x3 s2 1->8 and conv3x3 8->16 (BN + ReLU); basic residual blocks at
 * 32 x 32; conv3x3 s2 16->32; basic residual blocks at 16 x 16; CLIP attention pooling (mean token +
 * 256 positions, learned positional embedding, query from the mean token). CLS = `c_proj(pooled)`;
 * the dense feature of a position is `c_proj(v(token))`; both L2-normalised in the joint space.
 *
 * Inference mode uses the running statistics; training mode uses batch statistics and returns
 * them for the running averages. Training differentiates the training-mode pass with tfjs autodiff.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { batchNormRelu, batchNormReluEval, conv3x3, l2Normalize, linear } from "./_ops.ts";
import { attentionPool, type AttentionPoolWeights } from "./_attention_pool.ts";
import type { MiniClipConfig } from "./config.ts";
import { bnNames, type ConvSpec, towerLayout } from "./weights.ts";

/** Named weights (variables or plain tensors). */
export type WeightMap = ReadonlyMap<string, tf.Tensor>;

/** Looks a weight up; a missing name is a programming error in this folder. */
export function weight<T extends tf.Tensor>(w: WeightMap, name: string): T {
  const t = w.get(name);
  if (!t) throw new RangeError(`Weight "${name}" is missing`);
  return t as T;
}

/** The pool weights under `prefix`. */
export function poolWeights(w: WeightMap, prefix: string): AttentionPoolWeights {
  return {
    pos: weight(w, `${prefix}.positional_embedding`),
    wq: weight(w, `${prefix}.q_proj.weight`),
    bq: weight(w, `${prefix}.q_proj.bias`),
    wk: weight(w, `${prefix}.k_proj.weight`),
    bk: weight(w, `${prefix}.k_proj.bias`),
    wv: weight(w, `${prefix}.v_proj.weight`),
    bv: weight(w, `${prefix}.v_proj.bias`),
  };
}

/** One conv + BN + ReLU step; `residualFrom` = index of the step whose input is added. */
interface ConvStep {
  name: string;
  stride: 1 | 2;
  residualFrom: number | null;
}

/** The tower as a flat list of conv+BN+ReLU steps. */
function steps(config: MiniClipConfig): ConvStep[] {
  const layout = towerLayout(config);
  const out: ConvStep[] = [];
  const plain = (c: ConvSpec) => out.push({ name: c.name, stride: c.stride, residualFrom: null });
  for (const c of layout.stem) plain(c);
  const block = (name: string) => {
    const start = out.length;
    out.push({ name: `${name}.conv1`, stride: 1, residualFrom: null });
    out.push({ name: `${name}.conv2`, stride: 1, residualFrom: start });
  };
  for (const b of layout.blocks1) block(b);
  plain(layout.down);
  for (const b of layout.blocks2) block(b);
  return out;
}

/** Inference outputs (both L2-normalised). */
export interface ImageFeatures {
  cls: tf.Tensor2D;
  dense: tf.Tensor4D;
}

/** Batch statistics of one batch-norm layer, for the running averages. */
export interface BatchNormUpdate {
  name: string;
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
  /** Values per channel the statistics were taken over (N * H * W). */
  count: number;
}

/** BN + residual + ReLU of one step's conv output `c`, named by its batch-norm prefix. */
type Norm = (c: tf.Tensor4D, bn: string, residual: tf.Tensor4D | null) => tf.Tensor4D;

/** The tower on `[N, H, W, 1]` images in [0, 1], normalising each conv output with `norm`. */
function tower(w: WeightMap, config: MiniClipConfig, images: tf.Tensor4D, norm: Norm) {
  let h = tf.div(tf.sub(images, config.inputMean), config.inputStd) as tf.Tensor4D;
  const inputs: tf.Tensor4D[] = [];
  for (const s of steps(config)) {
    inputs.push(h);
    const c = conv3x3(h, weight(w, `${s.name}.weight`), s.stride);
    h = norm(c, `${s.name}.bn`, s.residualFrom === null ? null : inputs[s.residualFrom]!);
  }
  const n = images.shape[0];
  const side = h.shape[1];
  const tokens = tf.reshape(h, [n, side * side, config.width]) as tf.Tensor3D;
  const pool = attentionPool(tokens, poolWeights(w, "image.attnpool"), config.heads, null);
  const pw = weight<tf.Tensor2D>(w, "image.attnpool.c_proj.weight");
  const pb = weight<tf.Tensor1D>(w, "image.attnpool.c_proj.bias");
  const valuesFlat = tf.reshape(pool.values, [n * side * side, config.width]) as tf.Tensor2D;
  const dense = l2Normalize(linear(valuesFlat, pw, pb));
  return {
    cls: l2Normalize(linear(pool.pooled, pw, pb)),
    dense: tf.reshape(dense, [n, side, side, config.dim]) as tf.Tensor4D,
  };
}

/** Inference-mode forward pass of `[N, H, W, 1]` images in [0, 1]. Call inside `tf.tidy`. */
export function imageForward(
  w: WeightMap,
  config: MiniClipConfig,
  images: tf.Tensor4D,
): ImageFeatures {
  return tower(w, config, images, (c, bn, residual) => {
    const names = bnNames(bn);
    return batchNormReluEval(
      c,
      weight(w, names.gamma),
      weight(w, names.beta),
      weight(w, names.mean),
      weight(w, names.variance),
      residual,
    );
  });
}

/**
 * Training-mode forward pass (batch statistics), differentiable with tfjs autodiff; also returns
 * each batch-norm layer's statistics. Call inside `tf.tidy` or a gradient function.
 */
export function imageForwardTrain(
  w: WeightMap,
  config: MiniClipConfig,
  images: tf.Tensor4D,
): { features: ImageFeatures; stats: BatchNormUpdate[] } {
  const stats: BatchNormUpdate[] = [];
  const features = tower(w, config, images, (c, bn, residual) => {
    const names = bnNames(bn);
    const r = batchNormRelu(c, weight(w, names.gamma), weight(w, names.beta), residual);
    const count = c.shape[0] * c.shape[1] * c.shape[2];
    stats.push({ name: bn, mean: r.mean, variance: r.variance, count });
    return r.y;
  });
  return { features, stats };
}

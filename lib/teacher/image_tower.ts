/**
 * The mini-CLIP's image tower (DESIGN.md, "Calibration"): a CLIP-ResNet-style conv tower. Input
 * `(x - 0.3) / 0.35`; stem conv3x3 s2 1->8 and conv3x3 8->16 (BN + ReLU); basic residual blocks at
 * 32 x 32; conv3x3 s2 16->32; basic residual blocks at 16 x 16; CLIP attention pooling (mean token +
 * 256 positions, learned positional embedding, query from the mean token). CLS = `c_proj(pooled)`;
 * the dense feature of a position is `c_proj(v(token))`; both L2-normalised in the joint space.
 *
 * Training mode uses batch statistics and returns a cache for {@linkcode imageBackward}; inference
 * mode uses the running statistics.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import {
  type BatchNormCache,
  batchNormRelu,
  batchNormReluBackward,
  batchNormReluEval,
  conv3x3,
  conv3x3FilterGrad,
  conv3x3InputGrad,
  l2Normalize,
  l2NormalizeBackward,
  linear,
  linearBackward,
} from "./_ops.ts";
import {
  attentionPool,
  attentionPoolBackward,
  type AttentionPoolCache,
  type AttentionPoolWeights,
} from "./_attention_pool.ts";
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

/** One conv + BN + ReLU step of the tower, in either mode. */
interface Layer {
  name: string;
  stride: 1 | 2;
}

type ConvStep = { kind: "conv"; layer: Layer; residualFrom: number | null };

/** The tower as a flat list of conv+BN+ReLU steps; `residualFrom` = index of the step whose input is added. */
function steps(config: MiniClipConfig): ConvStep[] {
  const layout = towerLayout(config);
  const out: ConvStep[] = [];
  const plain = (c: ConvSpec) =>
    out.push({ kind: "conv", layer: { name: c.name, stride: c.stride }, residualFrom: null });
  for (const c of layout.stem) plain(c);
  const block = (name: string) => {
    const start = out.length;
    out.push({ kind: "conv", layer: { name: `${name}.conv1`, stride: 1 }, residualFrom: null });
    out.push({ kind: "conv", layer: { name: `${name}.conv2`, stride: 1 }, residualFrom: start });
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

/** Inference-mode forward pass of `[N, H, W, 1]` images in [0, 1]. Call inside `tf.tidy`. */
export function imageForward(
  w: WeightMap,
  config: MiniClipConfig,
  images: tf.Tensor4D,
): ImageFeatures {
  let h = tf.div(tf.sub(images, config.inputMean), config.inputStd) as tf.Tensor4D;
  const inputs: tf.Tensor4D[] = [];
  for (const s of steps(config)) {
    inputs.push(h);
    const bn = bnNames(`${s.layer.name}.bn`);
    const c = conv3x3(h, weight(w, `${s.layer.name}.weight`), s.layer.stride);
    h = batchNormReluEval(
      c,
      weight(w, bn.gamma),
      weight(w, bn.beta),
      weight(w, bn.mean),
      weight(w, bn.variance),
      s.residualFrom === null ? null : inputs[s.residualFrom]!,
    );
  }
  return head(w, config, h, images.shape[0]).features;
}

function head(w: WeightMap, config: MiniClipConfig, h: tf.Tensor4D, n: number) {
  const side = h.shape[1];
  const tokens = tf.reshape(h, [n, side * side, config.width]) as tf.Tensor3D;
  const pool = attentionPool(tokens, poolWeights(w, "image.attnpool"), config.heads, null);
  const pw = weight<tf.Tensor2D>(w, "image.attnpool.c_proj.weight");
  const pb = weight<tf.Tensor1D>(w, "image.attnpool.c_proj.bias");
  const valuesFlat = tf.reshape(pool.values, [n * side * side, config.width]) as tf.Tensor2D;
  const cls = l2Normalize(linear(pool.pooled, pw, pb));
  const dense = l2Normalize(linear(valuesFlat, pw, pb));
  return {
    features: {
      cls: cls.y,
      dense: tf.reshape(dense.y, [n, side, side, config.dim]) as tf.Tensor4D,
    },
    pool,
    valuesFlat,
    cls,
    dense,
    tokens,
  };
}

/** What {@linkcode imageBackward} needs. */
export interface ImageCache {
  config: MiniClipConfig;
  n: number;
  side: number;
  steps: ConvStep[];
  inputs: tf.Tensor4D[];
  bn: BatchNormCache[];
  pool: AttentionPoolCache;
  pooled: tf.Tensor2D;
  valuesFlat: tf.Tensor2D;
  cls: { y: tf.Tensor2D; norm: tf.Tensor2D };
  dense: { y: tf.Tensor2D; norm: tf.Tensor2D };
}

/** Batch statistics per batch-norm layer, for the running averages. */
export interface BatchNormUpdate {
  name: string;
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
  /** Values per channel the statistics were taken over (N * H * W). */
  count: number;
}

/** Training-mode forward pass (batch statistics). Call inside `tf.tidy`. */
export function imageForwardTrain(
  w: WeightMap,
  config: MiniClipConfig,
  images: tf.Tensor4D,
): { features: ImageFeatures; cache: ImageCache; stats: BatchNormUpdate[] } {
  let h = tf.div(tf.sub(images, config.inputMean), config.inputStd) as tf.Tensor4D;
  const all = steps(config);
  const inputs: tf.Tensor4D[] = [];
  const bn: BatchNormCache[] = [];
  const stats: BatchNormUpdate[] = [];
  for (const s of all) {
    inputs.push(h);
    const names = bnNames(`${s.layer.name}.bn`);
    const c = conv3x3(h, weight(w, `${s.layer.name}.weight`), s.layer.stride);
    const r = batchNormRelu(
      c,
      weight(w, names.gamma),
      weight(w, names.beta),
      s.residualFrom === null ? null : inputs[s.residualFrom]!,
    );
    bn.push(r.cache);
    stats.push({
      name: `${s.layer.name}.bn`,
      mean: r.mean,
      variance: r.variance,
      count: c.shape[0] * c.shape[1] * c.shape[2],
    });
    h = r.y;
  }
  const n = images.shape[0];
  const hd = head(w, config, h, n);
  return {
    features: hd.features,
    stats,
    cache: {
      config,
      n,
      side: h.shape[1],
      steps: all,
      inputs,
      bn,
      pool: hd.pool.cache,
      pooled: hd.pool.pooled,
      valuesFlat: hd.valuesFlat,
      cls: hd.cls,
      dense: hd.dense,
    },
  };
}

/**
 * Backward pass of the image tower for gradients of the normalised CLS `[N, D]` and dense
 * `[N * side * side, D]` outputs. Adds each weight's gradient to `grads` (by name).
 */
export function imageBackward(
  w: WeightMap,
  cache: ImageCache,
  dCls: tf.Tensor2D,
  dDense: tf.Tensor2D,
  grads: Map<string, tf.Tensor>,
): void {
  const { config, n, side } = cache;
  const pw = weight<tf.Tensor2D>(w, "image.attnpool.c_proj.weight");
  const dClsRaw = l2NormalizeBackward(cache.cls.y, cache.cls.norm, dCls);
  const dDenseRaw = l2NormalizeBackward(cache.dense.y, cache.dense.norm, dDense);
  const gc = linearBackward(cache.pooled, pw, dClsRaw);
  const gd = linearBackward(cache.valuesFlat, pw, dDenseRaw);
  grads.set("image.attnpool.c_proj.weight", tf.add(gc.dw, gd.dw));
  grads.set("image.attnpool.c_proj.bias", tf.add(gc.db, gd.db));
  const gp = attentionPoolBackward(
    cache.pool,
    gc.dx,
    tf.reshape(gd.dx, [n, side * side, config.width]) as tf.Tensor3D,
  );
  const p = "image.attnpool";
  grads.set(`${p}.positional_embedding`, gp.pos);
  grads.set(`${p}.q_proj.weight`, gp.wq);
  grads.set(`${p}.q_proj.bias`, gp.bq);
  grads.set(`${p}.k_proj.weight`, gp.wk);
  grads.set(`${p}.k_proj.bias`, gp.bk);
  grads.set(`${p}.v_proj.weight`, gp.wv);
  grads.set(`${p}.v_proj.bias`, gp.bv);
  let dh = tf.reshape(gp.tokens, [n, side, side, config.width]) as tf.Tensor4D;
  // Residual gradients waiting to be added to a step's input gradient, by step index.
  const pending = new Map<number, tf.Tensor4D>();
  for (let i = cache.steps.length - 1; i >= 0; i--) {
    const s = cache.steps[i]!;
    const extra = pending.get(i + 1);
    if (extra) {
      dh = tf.add(dh, extra);
      pending.delete(i + 1);
    }
    const b = batchNormReluBackward(cache.bn[i]!, dh);
    const names = bnNames(`${s.layer.name}.bn`);
    grads.set(names.gamma, b.dgamma);
    grads.set(names.beta, b.dbeta);
    if (b.dres && s.residualFrom !== null) {
      const prev = pending.get(s.residualFrom);
      pending.set(s.residualFrom, prev ? tf.add(prev, b.dres) : b.dres);
    }
    const x = cache.inputs[i]!;
    grads.set(`${s.layer.name}.weight`, conv3x3FilterGrad(x, b.dx, s.layer.stride));
    if (i > 0) dh = conv3x3InputGrad(b.dx, weight(w, `${s.layer.name}.weight`), s.layer.stride);
  }
}

/**
 * CLIP-style attention pooling (CLIP's `AttentionPool2d`): the mean token is prepended to the
 * tokens, a learned positional embedding is added, and multi-head attention with the query taken
 * from the mean token pools them. The values of the tokens are returned too: the mini-CLIP's dense
 * features are `c_proj(v(token))` (MaskCLIP's trick). Used by the image tower (256 positions) and
 * the text tower (word tokens with a padding mask). Runs inside the caller's `tf.tidy` or gradient
 * function.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { linear } from "./_ops.ts";

/** Weights of one attention pool over `length` tokens of width `width`. */
export interface AttentionPoolWeights {
  /** `[length + 1, width]` (position 0 = the mean token). */
  pos: tf.Tensor2D;
  wq: tf.Tensor2D;
  bq: tf.Tensor1D;
  wk: tf.Tensor2D;
  bk: tf.Tensor1D;
  wv: tf.Tensor2D;
  bv: tf.Tensor1D;
}

/** Pooled `[N, C]` and token values `[N, L, C]` (positions 1..L). */
export interface AttentionPoolOutput {
  pooled: tf.Tensor2D;
  values: tf.Tensor3D;
}

/**
 * Pools `tokens` (`[N, L, C]`). `mask` (`[N, L]`, 1 = token, 0 = padding) excludes padding from the
 * mean token and from the attention; `null` uses every token.
 */
export function attentionPool(
  tokens: tf.Tensor3D,
  weights: AttentionPoolWeights,
  heads: number,
  mask: tf.Tensor2D | null,
): AttentionPoolOutput {
  const [n, l, c] = tokens.shape;
  const d = c / heads;
  const meanWeights = mask
    ? tf.reshape(tf.div(mask, tf.sum(mask, 1, true)), [n, l, 1])
    : tf.fill([n, l, 1], 1 / l);
  const mean = tf.sum(tf.mul(tokens, meanWeights), 1, true);
  const z = tf.add(tf.concat([mean, tokens], 1), weights.pos) as tf.Tensor3D;
  const zf = tf.reshape(z, [n * (l + 1), c]) as tf.Tensor2D;
  const z0 = tf.reshape(tf.slice(z, [0, 0, 0], [n, 1, c]), [n, c]) as tf.Tensor2D;
  const q = tf.reshape(tf.mul(linear(z0, weights.wq, weights.bq), 1 / Math.sqrt(d)), [
    n,
    1,
    heads,
    d,
  ]);
  const k = tf.reshape(linear(zf, weights.wk, weights.bk), [n, l + 1, heads, d]);
  const v = tf.reshape(linear(zf, weights.wv, weights.bv), [n, l + 1, heads, d]);
  let scores = tf.sum(tf.mul(q, k), -1) as tf.Tensor3D; // [N, L+1, H]
  if (mask) {
    const bias = tf.mul(tf.sub(tf.concat([tf.ones([n, 1]), mask], 1), 1), 1e9);
    scores = tf.add(scores, tf.reshape(bias, [n, l + 1, 1]));
  }
  const shifted = tf.sub(scores, tf.max(scores, 1, true));
  const e = tf.exp(shifted);
  const attn = tf.div(e, tf.sum(e, 1, true));
  const pooled = tf.reshape(tf.sum(tf.mul(tf.reshape(attn, [n, l + 1, heads, 1]), v), 1), [
    n,
    c,
  ]) as tf.Tensor2D;
  const values = tf.reshape(tf.slice(v, [0, 1, 0, 0], [n, l, heads, d]), [n, l, c]) as tf.Tensor3D;
  return { pooled, values };
}

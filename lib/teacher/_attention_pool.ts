/**
 * CLIP-style attention pooling (CLIP's `AttentionPool2d`) with its backward step: the mean token is
 * prepended to the tokens, a learned positional embedding is added, and multi-head attention with
 * the query taken from the mean token pools them. The values of the tokens are returned too: the
 * mini-CLIP's dense features are `c_proj(v(token))` (MaskCLIP's trick). Used by the image tower
 * (256 positions) and the text tower (word tokens with a padding mask). Runs inside the caller's
 * `tf.tidy`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { linear, linearBackward } from "./_ops.ts";

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

/** What the backward step needs. */
export interface AttentionPoolCache {
  heads: number;
  z0: tf.Tensor2D;
  zf: tf.Tensor2D;
  q: tf.Tensor4D;
  k: tf.Tensor4D;
  v: tf.Tensor4D;
  attn: tf.Tensor3D;
  /** `[N, L, 1]` weights of the tokens in the mean token (mask / count, or 1 / L). */
  meanWeights: tf.Tensor3D;
  weights: AttentionPoolWeights;
}

/** Forward result: pooled `[N, C]`, token values `[N, L, C]` (positions 1..L) and the cache. */
export interface AttentionPoolOutput {
  pooled: tf.Tensor2D;
  values: tf.Tensor3D;
  cache: AttentionPoolCache;
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
  const meanWeights =
    (mask
      ? tf.reshape(tf.div(mask, tf.sum(mask, 1, true)), [n, l, 1])
      : tf.fill([n, l, 1], 1 / l)) as tf.Tensor3D;
  const mean = tf.sum(tf.mul(tokens, meanWeights), 1, true);
  const z = tf.add(tf.concat([mean, tokens], 1), weights.pos) as tf.Tensor3D;
  const zf = tf.reshape(z, [n * (l + 1), c]) as tf.Tensor2D;
  const z0 = tf.reshape(tf.slice(z, [0, 0, 0], [n, 1, c]), [n, c]) as tf.Tensor2D;
  const q = tf.reshape(tf.mul(linear(z0, weights.wq, weights.bq), 1 / Math.sqrt(d)), [
    n,
    1,
    heads,
    d,
  ]) as tf.Tensor4D;
  const k = tf.reshape(linear(zf, weights.wk, weights.bk), [n, l + 1, heads, d]) as tf.Tensor4D;
  const v = tf.reshape(linear(zf, weights.wv, weights.bv), [n, l + 1, heads, d]) as tf.Tensor4D;
  let scores = tf.sum(tf.mul(q, k), -1) as tf.Tensor3D; // [N, L+1, H]
  if (mask) {
    const bias = tf.mul(tf.sub(tf.concat([tf.ones([n, 1]), mask], 1), 1), 1e9);
    scores = tf.add(scores, tf.reshape(bias, [n, l + 1, 1]));
  }
  const shifted = tf.sub(scores, tf.max(scores, 1, true));
  const e = tf.exp(shifted);
  const attn = tf.div(e, tf.sum(e, 1, true)) as tf.Tensor3D;
  const pooled = tf.reshape(tf.sum(tf.mul(tf.reshape(attn, [n, l + 1, heads, 1]), v), 1), [
    n,
    c,
  ]) as tf.Tensor2D;
  const values = tf.reshape(tf.slice(v, [0, 1, 0, 0], [n, l, heads, d]), [n, l, c]) as tf.Tensor3D;
  return {
    pooled,
    values,
    cache: { heads, z0, zf, q, k, v, attn, meanWeights, weights },
  };
}

/** Gradients of the pool's weights and of its input tokens. */
export interface AttentionPoolGrads {
  tokens: tf.Tensor3D;
  pos: tf.Tensor2D;
  wq: tf.Tensor2D;
  bq: tf.Tensor1D;
  wk: tf.Tensor2D;
  bk: tf.Tensor1D;
  wv: tf.Tensor2D;
  bv: tf.Tensor1D;
}

/** Backward step of {@linkcode attentionPool} for `dPooled` `[N, C]` and `dValues` `[N, L, C]` (or null). */
export function attentionPoolBackward(
  cache: AttentionPoolCache,
  dPooled: tf.Tensor2D,
  dValues: tf.Tensor3D | null,
): AttentionPoolGrads {
  const { heads, z0, zf, q, k, v, attn, meanWeights, weights } = cache;
  const [n, l1, , d] = k.shape;
  const l = l1 - 1;
  const c = heads * d;
  const dOut = tf.reshape(dPooled, [n, 1, heads, d]);
  const attn4 = tf.reshape(attn, [n, l1, heads, 1]);
  let dv = tf.mul(attn4, dOut) as tf.Tensor4D;
  if (dValues) {
    dv = tf.add(
      dv,
      tf.pad(tf.reshape(dValues, [n, l, heads, d]), [[0, 0], [1, 0], [0, 0], [0, 0]]),
    );
  }
  const dAttn = tf.sum(tf.mul(dOut, v), -1); // [N, L+1, H]
  const dScores = tf.mul(attn, tf.sub(dAttn, tf.sum(tf.mul(attn, dAttn), 1, true)));
  const dScores4 = tf.reshape(dScores, [n, l1, heads, 1]);
  const dq = tf.mul(tf.reshape(tf.sum(tf.mul(dScores4, k), 1), [n, c]), 1 / Math.sqrt(d));
  const dk = tf.mul(dScores4, q);
  const gq = linearBackward(z0, weights.wq, dq as tf.Tensor2D);
  const gk = linearBackward(zf, weights.wk, tf.reshape(dk, [n * l1, c]));
  const gv = linearBackward(zf, weights.wv, tf.reshape(dv, [n * l1, c]));
  const dz = tf.add(
    tf.reshape(tf.add(gk.dx, gv.dx), [n, l1, c]),
    tf.pad(tf.reshape(gq.dx, [n, 1, c]), [[0, 0], [0, l], [0, 0]]),
  ) as tf.Tensor3D;
  const dMean = tf.slice(dz, [0, 0, 0], [n, 1, c]);
  const dTokens = tf.add(tf.slice(dz, [0, 1, 0], [n, l, c]), tf.mul(dMean, meanWeights));
  return {
    tokens: dTokens as tf.Tensor3D,
    pos: tf.sum(dz, 0) as tf.Tensor2D,
    wq: gq.dw,
    bq: gq.db,
    wk: gk.dw,
    bk: gk.db,
    wv: gv.dw,
    bv: gv.db,
  };
}

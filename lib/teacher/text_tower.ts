/**
 * The mini-CLIP's text tower: it reads the prompt "a photo of a {class}" word by word. Token
 * embeddings + learned positions, CLIP-style attention pooling over the words (query from the mean
 * word, padding masked), a projection into the joint space, L2-normalised. Words are shared across
 * prompts ("a photo of a" and, e.g., "boot"), so a class embedding is composed, not looked up.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { l2Normalize, l2NormalizeBackward, linear, linearBackward } from "./_ops.ts";
import {
  attentionPool,
  attentionPoolBackward,
  type AttentionPoolCache,
} from "./_attention_pool.ts";
import type { MiniClipConfig } from "./config.ts";
import { poolWeights, weight, type WeightMap } from "./image_tower.ts";

/** Cache of a text forward pass for {@linkcode textBackward}. */
export interface TextCache {
  ids: Int32Array[];
  pool: AttentionPoolCache;
  pooled: tf.Tensor2D;
  out: { y: tf.Tensor2D; norm: tf.Tensor2D };
}

/** Embeds tokenised prompts (`ids`, each `textLength` long, 0 = padding). Call inside `tf.tidy`. */
export function textForward(
  w: WeightMap,
  config: MiniClipConfig,
  ids: Int32Array[],
): { embeddings: tf.Tensor2D; cache: TextCache } {
  const n = ids.length;
  const l = config.textLength;
  const flat = new Int32Array(n * l);
  const mask = new Float32Array(n * l);
  ids.forEach((row, i) => {
    flat.set(row, i * l);
    row.forEach((id, j) => mask[i * l + j] = id > 0 ? 1 : 0);
  });
  const tokens = tf.reshape(
    tf.gather(weight(w, "text.token_embedding"), tf.tensor1d(flat, "int32")),
    [n, l, config.textWidth],
  ) as tf.Tensor3D;
  const pool = attentionPool(
    tokens,
    poolWeights(w, "text.attnpool"),
    config.textHeads,
    tf.tensor2d(mask, [n, l]),
  );
  const out = l2Normalize(
    linear(pool.pooled, weight(w, "text.projection.weight"), weight(w, "text.projection.bias")),
  );
  return { embeddings: out.y, cache: { ids, pool: pool.cache, pooled: pool.pooled, out } };
}

/** Backward pass of the text tower for the gradient of the normalised embeddings `[N, D]`. */
export function textBackward(
  w: WeightMap,
  config: MiniClipConfig,
  cache: TextCache,
  dEmbeddings: tf.Tensor2D,
  grads: Map<string, tf.Tensor>,
): void {
  const dRaw = l2NormalizeBackward(cache.out.y, cache.out.norm, dEmbeddings);
  const gproj = linearBackward(cache.pooled, weight(w, "text.projection.weight"), dRaw);
  grads.set("text.projection.weight", gproj.dw);
  grads.set("text.projection.bias", gproj.db);
  const gp = attentionPoolBackward(cache.pool, gproj.dx, null);
  const p = "text.attnpool";
  grads.set(`${p}.positional_embedding`, gp.pos);
  grads.set(`${p}.q_proj.weight`, gp.wq);
  grads.set(`${p}.q_proj.bias`, gp.bq);
  grads.set(`${p}.k_proj.weight`, gp.wk);
  grads.set(`${p}.k_proj.bias`, gp.bk);
  grads.set(`${p}.v_proj.weight`, gp.wv);
  grads.set(`${p}.v_proj.bias`, gp.bv);
  // Embedding gradient: scatter-add of the token gradients (tiny: a few prompts x 8 tokens).
  const dTok = gp.tokens.dataSync();
  const width = config.textWidth;
  const vocab = config.vocabulary.length;
  const dEmb = new Float32Array(vocab * width);
  cache.ids.forEach((row, i) =>
    row.forEach((id, j) => {
      if (id === 0) return;
      const src = (i * config.textLength + j) * width;
      for (let k = 0; k < width; k++) dEmb[id * width + k]! += dTok[src + k]!;
    })
  );
  grads.set("text.token_embedding", tf.tensor2d(dEmb, [vocab, width]));
}

/**
 * The mini-CLIP's text tower: it reads the prompt "a photo of a {class}" word by word. Token
 * embeddings + learned positions, CLIP-style attention pooling over the words (query from the mean
 * word, padding masked), a projection into the joint space, L2-normalised. Words are shared across
 * prompts ("a photo of a" and, e.g., "boot"), so a class embedding is composed, not looked up.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { l2Normalize, linear } from "./_ops.ts";
import { attentionPool } from "./_attention_pool.ts";
import type { MiniClipConfig } from "./config.ts";
import { poolWeights, weight, type WeightMap } from "./image_tower.ts";

/**
 * Embeds tokenised prompts (`ids`, each `textLength` long, 0 = padding) as `[N, D]` unit rows.
 * Call inside `tf.tidy` or a gradient function.
 */
export function textForward(
  w: WeightMap,
  config: MiniClipConfig,
  ids: Int32Array[],
): tf.Tensor2D {
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
  return l2Normalize(
    linear(pool.pooled, weight(w, "text.projection.weight"), weight(w, "text.projection.bias")),
  );
}

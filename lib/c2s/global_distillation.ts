/**
 * Global distillation, paper Sec. III-C and Eq. 4: the student's dense features F are aggregated
 * into a global feature F_g, which is aligned with the teacher's global CLS token C_g.
 *
 * - Aggregation (Table XI): `attention` W = softmax(C_g^T F / sqrt(D)) over the L = h*w positions,
 *   F_g = W F^T; `mean`; `max` (per channel). F is the student's raw (unnormalised) projection, as
 *   in the paper, so the student can sharpen the attention by the scale of its features.
 * - Loss (Table VI): `infonce` (ours, Eq. 4, written as the usual negative log of the printed
 *   ratio): -log softmax_j(F_g^T C_j / tau) at the positive j = C_g of the same image, the
 *   candidates being the batch's C_g rows (so every other image is a negative, also with B = 0)
 *   followed by the B bank tokens of earlier steps (see `token_bank.ts`); `cosine`: 1 - cos(F_g,
 *   C_g); `l2`: ||F_g - C_g||^2 on the raw aggregate; `residual`: FROSTER-style residual feature
 *   distillation, z = F_g + a MLP(F_g) with a two-layer projector (a = 0.1), then 1 - cos(z, C_g).
 *   For the cosine losses F_g and C_g enter L2-normalised.
 * Each loss is averaged over the batch.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Aggregation, DistillLoss } from "./config.ts";
import {
  glorotVariable,
  l2Normalize,
  linear,
  softmaxCrossEntropyRows,
  zerosVariable,
} from "./_ops.ts";

/** The residual branch's balance coefficient (FROSTER's identity + scaled projector). */
export const RESIDUAL_ALPHA = 0.1;

/**
 * F_g from F `[B, L, D]` and C_g `[B, D]` (used by `attention` only): `[B, D]`, not normalised.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { assertEquals } from "../_std.ts";
 * import { aggregate } from "./global_distillation.ts";
 * await tf.setBackend("cpu");
 * const f = tf.tensor3d([[[1, 0], [3, 2]]]);
 * assertEquals(aggregate(f, tf.tensor2d([[1, 0]]), "max").arraySync(), [[3, 2]]);
 * ```
 */
export function aggregate(f: tf.Tensor3D, cg: tf.Tensor2D, how: Aggregation): tf.Tensor2D {
  return tf.tidy(() => {
    if (how === "mean") return tf.mean(f, 1) as tf.Tensor2D;
    if (how === "max") return tf.max(f, 1) as tf.Tensor2D;
    const dim = f.shape[2];
    // [B, L, D] x [B, D, 1] -> [B, L, 1]; softmax over L.
    const scores = tf.div(tf.matMul(f, tf.expandDims(cg, 2)), Math.sqrt(dim));
    const w = tf.softmax(tf.squeeze(scores, [2]), -1); // [B, L]
    return tf.squeeze(tf.matMul(tf.expandDims(w, 1), f), [1]) as tf.Tensor2D;
  });
}

/**
 * The InfoNCE of Eq. 4: `fg` `[B, D]` and `cg` `[B, D]` (both L2-normalised), `bank` `[K, D]` of
 * earlier tokens or null; the positive of row i is `cg[i]`.
 */
export function globalInfoNce(
  fg: tf.Tensor2D,
  cg: tf.Tensor2D,
  bank: tf.Tensor2D | null,
  temperature: number,
): tf.Scalar {
  return tf.tidy(() => {
    const keys = bank === null || bank.shape[0] === 0 ? cg : tf.concat([cg, bank], 0);
    const logits = tf.div(tf.matMul(fg, keys, false, true), temperature); // [B, B + K]
    const n = fg.shape[0];
    const onehot = tf.oneHot(tf.range(0, n, 1, "int32"), keys.shape[0]);
    return tf.mean(softmaxCrossEntropyRows(logits, onehot)) as tf.Scalar;
  });
}

/** Options of {@linkcode GlobalDistillation}. */
export interface GlobalDistillationOptions {
  readonly aggregation: Aggregation;
  readonly loss: DistillLoss;
  readonly temperature: number;
  /** Feature width D (sizes the residual projector). */
  readonly dim: number;
  /** Seed of the residual projector's initialisation. @default 0 */
  readonly seed?: number;
}

/**
 * L_g with its configured aggregation and loss. Owns the residual projector's weights (loss
 * `residual` only; a training-time head, never part of the student).
 */
export class GlobalDistillation {
  readonly options: GlobalDistillationOptions;
  readonly #proj: tf.Variable[] = [];

  constructor(options: GlobalDistillationOptions) {
    this.options = options;
    if (options.loss === "residual") {
      const d = options.dim, seed = options.seed ?? 0;
      this.#proj.push(
        glorotVariable(d, d, seed * 7919 + 1),
        zerosVariable([d]),
        glorotVariable(d, d, seed * 7919 + 2),
        zerosVariable([d]),
      );
    }
  }

  /** Trainable variables (the residual projector, else none). */
  get variables(): tf.Variable[] {
    return [...this.#proj];
  }

  /**
   * L_g for dense features `f` `[B, L, D]` (raw), teacher tokens `cg` `[B, D]` (normalised) and
   * the bank `[K, D]` (or null).
   */
  loss(f: tf.Tensor3D, cg: tf.Tensor2D, bank: tf.Tensor2D | null): tf.Scalar {
    return tf.tidy(() => {
      const { aggregation, loss, temperature } = this.options;
      const fg = aggregate(f, cg, aggregation);
      switch (loss) {
        case "infonce":
          return globalInfoNce(l2Normalize(fg), cg, bank, temperature);
        case "cosine":
          return cosineDistance(fg, cg);
        case "l2":
          return tf.mean(tf.sum(tf.square(tf.sub(fg, cg)), -1)) as tf.Scalar;
        case "residual": {
          const [w1, b1, w2, b2] = this.#proj as unknown as [
            tf.Tensor2D,
            tf.Tensor1D,
            tf.Tensor2D,
            tf.Tensor1D,
          ];
          const branch = linear(tf.relu(linear(fg, w1, b1)), w2, b2);
          return cosineDistance(tf.add(fg, tf.mul(branch, RESIDUAL_ALPHA)) as tf.Tensor2D, cg);
        }
      }
    });
  }

  /** Frees the projector. */
  dispose(): void {
    for (const v of this.#proj) v.dispose();
  }
}

/** Mean of `1 - cos(a_i, b_i)` over rows. */
function cosineDistance(a: tf.Tensor2D, b: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() =>
    tf.mean(tf.sub(1, tf.sum(tf.mul(l2Normalize(a), l2Normalize(b)), -1))) as tf.Scalar
  );
}

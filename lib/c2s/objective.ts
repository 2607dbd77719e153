/**
 * The training objective, paper Eq. 8: L = L_g + L_l + L_s, with the ablation switches
 * `distill.global.enabled` (L_g, Eq. 4), `distill.local.enabled` (L_l, Eqs. 5-6) and
 * `latent.enabled` (latent embeddings and Eq. 7 on Ỹ; without them L_s is the seen-only
 * cross-entropy, see `pixel_loss.ts`). All three off is the paper's baseline: the student trained
 * with cross-entropy on the seen labels only. Owns the training-time heads (residual projector,
 * latent embedding generator); the student and the text embeddings belong to the caller.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { C2SConfig } from "./config.ts";
import type { Batch } from "./batch.ts";
import { GlobalDistillation } from "./global_distillation.ts";
import { localInfoNce, maskedAveragePool } from "./local_distillation.ts";
import { LatentEmbeddingGenerator } from "./latent_embeddings.ts";
import { classLogits, pixelLoss, seenCrossEntropy } from "./pixel_loss.ts";
import { l2Normalize } from "./_ops.ts";

/** The loss terms of one step (scalars). */
export interface ObjectiveTerms {
  readonly total: tf.Scalar;
  readonly global: tf.Scalar;
  readonly local: tf.Scalar;
  readonly pixel: tf.Scalar;
}

/** Sizes the objective needs. */
export interface ObjectiveDims {
  /** Feature width D. */
  readonly dim: number;
  readonly numSeen: number;
  /** Latent slots U. */
  readonly maxLatent: number;
}

/** Eq. 8 with its switches. */
export class C2SObjective {
  readonly config: C2SConfig;
  readonly dims: ObjectiveDims;
  readonly #global: GlobalDistillation | null;
  readonly #latent: LatentEmbeddingGenerator | null;

  constructor(config: C2SConfig, dims: ObjectiveDims, seed = config.train.seed) {
    this.config = config;
    this.dims = dims;
    const g = config.distill.global;
    this.#global = g.enabled
      ? new GlobalDistillation({
        aggregation: g.aggregation,
        loss: g.loss,
        temperature: g.temperature,
        dim: dims.dim,
        seed,
      })
      : null;
    const l = config.latent;
    this.#latent = l.enabled
      ? new LatentEmbeddingGenerator({
        features: l.features,
        calibrator: l.calibrator,
        useGlobalCls: l.useGlobalCls,
        useLocalCls: l.useLocalCls,
        layers: l.layers,
        heads: l.heads,
        dim: dims.dim,
        seed,
      })
      : null;
  }

  /** Trainable variables of the heads. */
  get variables(): tf.Variable[] {
    return [...(this.#global?.variables ?? []), ...(this.#latent?.variables ?? [])];
  }

  /**
   * The terms for raw student features `features` `[B, h, w, D]` on `batch`, with the token bank
   * `bank` `[K, D]` (or null) and the seen text embeddings `textSeen` `[Ns, D]`.
   */
  terms(
    features: tf.Tensor4D,
    batch: Batch,
    bank: tf.Tensor2D | null,
    textSeen: tf.Tensor2D,
  ): ObjectiveTerms {
    return tf.tidy(() => {
      const { numSeen: ns, maxLatent: u, dim: d } = this.dims;
      const [b, h, w] = features.shape;
      const f = tf.reshape(features, [b, h * w, d]) as tf.Tensor3D;
      const fn = l2Normalize(f);
      const zero = tf.scalar(0);
      const global = this.#global === null ? zero : this.#global.loss(f, batch.globalCls, bank);
      const needPool = this.config.distill.local.enabled || this.#latent !== null;
      const pool = needPool ? maskedAveragePool(f, batch.regions) : null;
      let local: tf.Scalar = zero;
      if (this.config.distill.local.enabled && pool !== null) {
        const valid = tf.mul(batch.localValid, tf.cast(tf.greater(pool.counts, 0), "float32"));
        local = localInfoNce(
          l2Normalize(pool.pooled),
          batch.localCls,
          valid as tf.Tensor2D,
          this.config.distill.local.temperature,
        );
      }
      let pixel: tf.Scalar;
      const loss = this.config.loss;
      const seenFeatures = loss.seenScore === "dot" ? f : fn;
      if (this.#latent !== null && pool !== null) {
        const prototypes = l2Normalize(tf.slice(pool.pooled, [0, ns, 0], [b, u, d]));
        const latentCls = tf.slice(batch.localCls, [0, ns, 0], [b, u, d]);
        const embeddings = this.#latent.generate({
          prototypes,
          latentCls,
          latentValid: batch.latentValid,
          globalCls: batch.globalCls,
          localCls: batch.localCls,
          localValid: batch.localValid,
        });
        const logits = classLogits(fn, textSeen, loss.alpha, {
          embeddings,
          valid: batch.latentValid,
          beta: loss.beta,
        }, seenFeatures);
        const classValid = tf.concat([tf.ones([b, ns]), batch.latentValid], 1) as tf.Tensor2D;
        pixel = pixelLoss(logits, batch.regions, classValid, loss).total;
      } else {
        const seen = classLogits(fn, textSeen, loss.alpha, undefined, seenFeatures);
        pixel = seenCrossEntropy(seen, batch.seenTarget, loss.ce);
      }
      const total = tf.addN([global, local, pixel]) as tf.Scalar;
      return { total, global, local, pixel };
    });
  }

  /** Frees the heads. */
  dispose(): void {
    this.#global?.dispose();
    this.#latent?.dispose();
  }
}

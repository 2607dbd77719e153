/**
 * Latent embedding generation, paper Sec. III-D and Fig. 3 (bottom): synthetic text embeddings
 * A'_u for the latent classes of an image, which then classify the latent regions beside the seen
 * text embeddings (`pixel_loss.ts`, X_u = beta cos(F, A'_u)).
 *
 * Inputs per image: the latent local features F_u ("prototypes", Eq. 5 over the latent regions,
 * normalised), the latent classes' local CLS tokens C_l,u, and the global / local CLS tokens.
 * Switches:
 * - `features` (Table VIII) chooses what the generator sees: `prototypes` = F_u only; `cls` = CLS
 *   tokens only (queries C_l,u); `both` = queries F_u with CLS tokens as keys/values (ours).
 * - `calibrator` (Table VIII): `none` passes the query through (for `both`: the normalised sum
 *   F_u + C_l,u); `mlp` adds a two-layer MLP of it (for `both`: of the concatenation [F_u, C_l,u],
 *   on top of the mean of the two); `transformer` = `layers` pre-norm decoder layers (self-attention
 *   among the image's latent queries, cross-attention to the keys/values, a 2D-wide FFN), `heads`
 *   heads.
 * - `useGlobalCls` / `useLocalCls` (Table VII) choose the keys/values of the transformer for `cls`
 *   and `both`: C_g and/or all valid local CLS tokens C_l (seen and latent) of the same image. With
 *   `prototypes` the transformer attends to the image's prototypes (no CLS token at all).
 * Padding slots (images with fewer latent classes than the cap) are masked in every attention and
 * their outputs are never used.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Calibrator, LatentFeatures } from "./config.ts";
import {
  glorotVariable,
  l2Normalize,
  layerNorm,
  linear,
  MASKED_LOGIT,
  onesVariable,
  zerosVariable,
} from "./_ops.ts";
import { messages } from "./messages.ts";

/** Options of {@linkcode LatentEmbeddingGenerator}. */
export interface LatentOptions {
  readonly features: LatentFeatures;
  readonly calibrator: Calibrator;
  readonly useGlobalCls: boolean;
  readonly useLocalCls: boolean;
  readonly layers: number;
  readonly heads: number;
  /** Feature width D. */
  readonly dim: number;
  /** @default 0 */
  readonly seed?: number;
}

/** The per-batch inputs of the generator. */
export interface LatentInputs {
  /** Latent prototypes F_u `[B, U, D]`, normalised. */
  readonly prototypes: tf.Tensor3D;
  /** Latent local CLS tokens C_l,u `[B, U, D]`, normalised (zero rows where absent). */
  readonly latentCls: tf.Tensor3D;
  /** Which latent slots exist `[B, U]` (0/1). */
  readonly latentValid: tf.Tensor2D;
  /** Global CLS tokens C_g `[B, D]`. */
  readonly globalCls: tf.Tensor2D;
  /** All local CLS tokens C_l `[B, S, D]` and their existence `[B, S]`. */
  readonly localCls: tf.Tensor3D;
  readonly localValid: tf.Tensor2D;
}

interface AttentionParams {
  readonly q: tf.Variable;
  readonly k: tf.Variable;
  readonly v: tf.Variable;
  readonly o: tf.Variable;
}

interface DecoderLayer {
  readonly norms: tf.Variable[]; // g1 b1 g2 b2 g3 b3
  readonly self: AttentionParams;
  readonly cross: AttentionParams;
  readonly ffn: tf.Variable[]; // w1 b1 w2 b2
}

/**
 * A'_u from the configured features and calibrator. Owns its weights (a training-time head, never
 * part of the student); call `dispose()` when done.
 */
export class LatentEmbeddingGenerator {
  readonly options: LatentOptions;
  readonly #mlp: tf.Variable[] = [];
  readonly #layers: DecoderLayer[] = [];

  constructor(options: LatentOptions) {
    this.options = options;
    const { dim: d, calibrator, features } = options;
    let seed = (options.seed ?? 0) * 104729 + 11;
    const next = () => seed++;
    if (calibrator === "mlp") {
      const din = features === "both" ? 2 * d : d;
      this.#mlp.push(
        glorotVariable(din, 2 * d, next()),
        zerosVariable([2 * d]),
        glorotVariable(2 * d, d, next()),
        zerosVariable([d]),
      );
    }
    if (calibrator === "transformer") {
      if (d % options.heads !== 0) throw new RangeError(messages.headsDivide(d, options.heads));
      if (features !== "prototypes" && !options.useGlobalCls && !options.useLocalCls) {
        throw new RangeError(messages.noLatentKeys());
      }
      const attention = (): AttentionParams => ({
        q: glorotVariable(d, d, next()),
        k: glorotVariable(d, d, next()),
        v: glorotVariable(d, d, next()),
        o: glorotVariable(d, d, next()),
      });
      for (let i = 0; i < options.layers; i++) {
        const norms = [];
        for (let j = 0; j < 3; j++) {
          norms.push(onesVariable([d]), zerosVariable([d]));
        }
        this.#layers.push({
          norms,
          self: attention(),
          cross: attention(),
          ffn: [
            glorotVariable(d, 2 * d, next()),
            zerosVariable([2 * d]),
            glorotVariable(2 * d, d, next()),
            zerosVariable([d]),
          ],
        });
      }
    }
  }

  /** Trainable variables. */
  get variables(): tf.Variable[] {
    const out = [...this.#mlp];
    for (const l of this.#layers) {
      out.push(...l.norms, ...Object.values(l.self), ...Object.values(l.cross), ...l.ffn);
    }
    return out;
  }

  /** A'_u `[B, U, D]`, L2-normalised. */
  generate(inputs: LatentInputs): tf.Tensor3D {
    return tf.tidy(() => {
      const { features, calibrator } = this.options;
      const { prototypes, latentCls } = inputs;
      const query = features === "cls" ? latentCls : prototypes;
      if (calibrator === "none") {
        return l2Normalize(
          features === "both" ? tf.add(prototypes, latentCls) : query,
        ) as tf.Tensor3D;
      }
      if (calibrator === "mlp") {
        const [w1, b1, w2, b2] = this.#mlp as unknown as [
          tf.Tensor2D,
          tf.Tensor1D,
          tf.Tensor2D,
          tf.Tensor1D,
        ];
        const input = features === "both" ? tf.concat([prototypes, latentCls], 2) : query;
        const base = features === "both" ? tf.mul(tf.add(prototypes, latentCls), 0.5) : query;
        const out = tf.add(base, linear(tf.relu(linear(input, w1, b1)), w2, b2));
        return l2Normalize(out) as tf.Tensor3D;
      }
      const { tokens, valid } = this.#keys(inputs);
      let x: tf.Tensor3D = query;
      for (const layer of this.#layers) {
        x = this.#decoderLayer(layer, x, inputs.latentValid, tokens, valid);
      }
      return l2Normalize(x);
    });
  }

  /** Keys/values of the transformer and their validity. */
  #keys(inputs: LatentInputs): { tokens: tf.Tensor3D; valid: tf.Tensor2D } {
    if (this.options.features === "prototypes") {
      return { tokens: inputs.prototypes, valid: inputs.latentValid };
    }
    const tokens: tf.Tensor3D[] = [], valid: tf.Tensor2D[] = [];
    if (this.options.useGlobalCls) {
      tokens.push(tf.expandDims(inputs.globalCls, 1) as tf.Tensor3D);
      valid.push(tf.ones([inputs.globalCls.shape[0], 1]));
    }
    if (this.options.useLocalCls) {
      tokens.push(inputs.localCls);
      valid.push(inputs.localValid);
    }
    return { tokens: tf.concat(tokens, 1), valid: tf.concat(valid, 1) };
  }

  #decoderLayer(
    layer: DecoderLayer,
    x: tf.Tensor3D,
    queryValid: tf.Tensor2D,
    kv: tf.Tensor3D,
    kvValid: tf.Tensor2D,
  ): tf.Tensor3D {
    const [g1, b1, g2, b2, g3, b3] = layer.norms as unknown as tf.Tensor1D[];
    let h = layerNorm(x, g1!, b1!) as tf.Tensor3D;
    x = tf.add(x, this.#attention(layer.self, h, h, queryValid));
    h = layerNorm(x, g2!, b2!) as tf.Tensor3D;
    x = tf.add(x, this.#attention(layer.cross, h, kv, kvValid));
    h = layerNorm(x, g3!, b3!) as tf.Tensor3D;
    const [w1, c1, w2, c2] = layer.ffn as unknown as [
      tf.Tensor2D,
      tf.Tensor1D,
      tf.Tensor2D,
      tf.Tensor1D,
    ];
    return tf.add(x, linear(tf.relu(linear(h, w1, c1)), w2, c2));
  }

  /** Multi-head attention of `q` `[B, Q, D]` over `kv` `[B, T, D]` with key mask `[B, T]`. */
  #attention(p: AttentionParams, q: tf.Tensor3D, kv: tf.Tensor3D, valid: tf.Tensor2D): tf.Tensor3D {
    const [b, nq, d] = q.shape;
    const nk = kv.shape[1];
    const heads = this.options.heads, dh = d / heads;
    const split = (t: tf.Tensor, n: number): tf.Tensor3D =>
      tf.reshape(tf.transpose(tf.reshape(t, [b, n, heads, dh]), [0, 2, 1, 3]), [b * heads, n, dh]);
    const qh = split(linear(q, p.q as tf.Tensor2D), nq);
    const kh = split(linear(kv, p.k as tf.Tensor2D), nk);
    const vh = split(linear(kv, p.v as tf.Tensor2D), nk);
    const scores = tf.div(tf.matMul(qh, kh, false, true), Math.sqrt(dh)); // [B*H, Q, T]
    const bias = tf.reshape(
      tf.tile(tf.expandDims(tf.mul(tf.sub(1, valid), MASKED_LOGIT), 1), [1, heads, 1]),
      [b * heads, 1, nk],
    );
    const attn = tf.softmax(tf.add(scores, bias), -1);
    const out = tf.reshape(
      tf.transpose(tf.reshape(tf.matMul(attn, vh), [b, heads, nq, dh]), [0, 2, 1, 3]),
      [b, nq, d],
    );
    return linear(out, p.o as tf.Tensor2D) as tf.Tensor3D;
  }

  /** Frees the weights. */
  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

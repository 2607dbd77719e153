/**
 * A Segformer student (Xie et al., "SegFormer: Simple and Efficient Design for Semantic
 * Segmentation with Transformers", NeurIPS 2021), the family of the paper's Segformer-B4: a Mix
 * Transformer encoder (MiT) and the all-MLP decoder, closed-set, no CLIP inside. At base width
 * w = 32 it is MiT-B0 (`student.arch` "segformer-b0"): four stages of widths [w, 2w, 5w, 8w] =
 * [32, 64, 160, 256], depths [2, 2, 2, 2], heads [1, 2, 5, 8], spatial-reduction ratios
 * [8, 4, 2, 1], MLP ratio 4, decoder width 8w = 256; 3.7M parameters, sized for 512 x 512 inputs
 * (strides 4, 8, 16, 32: 128 x 128 ... 16 x 16 grids).
 *
 * - Overlapping patch embedding: conv 7x7 stride 4 (stage 1) or 3x3 stride 2, then LayerNorm.
 * - Block: x + Attn(LN(x)) with efficient self-attention (keys and values from the tokens reduced
 *   by a `sr x sr` stride-`sr` conv and a LayerNorm), then x + MixFFN(LN(x)), MixFFN = fc1 ->
 *   depthwise 3x3 conv -> GELU -> fc2. A LayerNorm ends each stage.
 * - Decoder: each stage's features -> linear to 8w -> brought to the output grid -> concatenated
 *   -> linear 32w -> 8w, batch norm, ReLU -> linear 8w -> D: the dense features F.
 *
 * The output grid is the teacher's dense grid (the C2S losses compare F with C_d cell by cell): a
 * stage finer than the grid is average-pooled to it, a coarser one resized bilinearly (for ViT-B/16
 * at 512: 32 x 32, stride 16; the original decoder fuses at stride 4). Dropout and stochastic depth
 * are left out (short schedules). The depthwise convolution is written as nine shifted
 * multiply-adds, so its gradient needs no depthwise-backprop kernel (wasm has none).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { hashSeed } from "../data/rng.ts";
import { type BatchNorm, batchNormTraining, BN_EPSILON } from "./batch_norm.ts";
import { messages } from "./messages.ts";

/** Options of {@linkcode Segformer}. */
export interface SegformerOptions {
  /** Base width w (32: MiT-B0). @default 32 */
  readonly width?: number;
  /** Output feature width D. @default 64 */
  readonly dim?: number;
  /** Input channels. @default 3 */
  readonly channels?: number;
  /** Output grid `[h, w]`. @default {input / 4} */
  readonly grid?: readonly [number, number];
  /** Seed of the weight initialisation. @default 0 */
  readonly seed?: number;
}

const DEPTHS = [2, 2, 2, 2];
const WIDTHS = [1, 2, 5, 8];
const HEADS = [1, 2, 5, 8];
const REDUCTIONS = [8, 4, 2, 1];
const MLP_RATIO = 4;

/**
 * A Segformer over `[B, H, W, C]` images in [0, 1] (H, W multiples of 32) giving F `[B, h, w, D]`
 * on its output grid. Owns its variables; call `dispose()`.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { assertEquals } from "../_std.ts";
 * import { initBackend } from "../tf/backend.ts";
 * import { Segformer } from "./segformer.ts";
 * await initBackend("cpu");
 * const s = new Segformer({ width: 4, dim: 8, grid: [4, 4] });
 * const f = s.forward(tf.zeros([1, 64, 64, 3]) as tf.Tensor4D, false);
 * assertEquals(f.shape, [1, 4, 4, 8]);
 * f.dispose(); s.dispose();
 * ```
 */
export class Segformer {
  readonly width: number;
  readonly dim: number;
  readonly channels: number;
  readonly grid: readonly [number, number] | null;
  readonly #weights = new Map<string, tf.Variable>();
  readonly #norm: BatchNorm;
  #seed: number;

  constructor(options: SegformerOptions = {}) {
    this.width = options.width ?? 32;
    this.dim = options.dim ?? 64;
    this.channels = options.channels ?? 3;
    this.grid = options.grid ?? null;
    this.#seed = options.seed ?? 0;
    let cin = this.channels;
    WIDTHS.forEach((mult, s) => {
      const c = mult * this.width, k = s === 0 ? 7 : 3;
      this.#he(`s${s}.embed.kernel`, [k, k, cin, c], k * k * cin);
      this.#zeros(`s${s}.embed.bias`, [c]);
      this.#layerNorm(`s${s}.embed.norm`, c);
      for (let b = 0; b < DEPTHS[s]!; b++) {
        const p = `s${s}.b${b}`, r = REDUCTIONS[s]!, hidden = MLP_RATIO * c;
        this.#layerNorm(`${p}.norm1`, c);
        for (const name of ["q", "k", "v", "proj"]) this.#linear(`${p}.${name}`, c, c);
        if (r > 1) {
          this.#he(`${p}.sr.kernel`, [r, r, c, c], r * r * c);
          this.#zeros(`${p}.sr.bias`, [c]);
          this.#layerNorm(`${p}.sr.norm`, c);
        }
        this.#layerNorm(`${p}.norm2`, c);
        this.#linear(`${p}.fc1`, c, hidden);
        this.#he(`${p}.dw.kernel`, [3, 3, hidden], 9);
        this.#zeros(`${p}.dw.bias`, [hidden]);
        this.#linear(`${p}.fc2`, hidden, c);
      }
      this.#layerNorm(`s${s}.norm`, c);
      cin = c;
    });
    const e = 8 * this.width;
    WIDTHS.forEach((mult, s) => this.#linear(`head.s${s}`, mult * this.width, e));
    this.#he("head.fuse.kernel", [4 * e, e], 4 * e);
    this.#norm = {
      gamma: this.#variable("head.fuse.gamma", tf.ones([e])),
      beta: this.#variable("head.fuse.beta", tf.zeros([e])),
      mean: tf.variable(tf.zeros([e]), false),
      variance: tf.variable(tf.ones([e]), false),
    };
    this.#linear("head.out", e, this.dim);
  }

  #variable(name: string, init: tf.Tensor): tf.Variable {
    const v = tf.variable(init, true);
    init.dispose();
    this.#weights.set(name, v);
    return v;
  }

  #he(name: string, shape: number[], fanIn: number): void {
    const seed = hashSeed(this.#seed, this.#weights.size);
    this.#variable(name, tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), "float32", seed));
  }

  #zeros(name: string, shape: number[]): void {
    this.#variable(name, tf.zeros(shape));
  }

  #linear(name: string, cin: number, cout: number): void {
    // Segformer's init: truncated normal, std 0.02; a plain normal here.
    const seed = hashSeed(this.#seed, this.#weights.size);
    this.#variable(`${name}.kernel`, tf.randomNormal([cin, cout], 0, 0.02, "float32", seed));
    this.#zeros(`${name}.bias`, [cout]);
  }

  #layerNorm(name: string, c: number): void {
    this.#variable(`${name}.gamma`, tf.ones([c]));
    this.#zeros(`${name}.beta`, [c]);
  }

  #w(name: string): tf.Tensor {
    return this.#weights.get(name)!;
  }

  /** All trainable variables. */
  get variables(): tf.Variable[] {
    return [...this.#weights.values()];
  }

  /** Every weight by name (trained and the decoder's batch-norm running averages). */
  get namedWeights(): Map<string, tf.Variable> {
    const out = new Map(this.#weights);
    out.set("head.fuse.mean", this.#norm.mean);
    out.set("head.fuse.variance", this.#norm.variance);
    return out;
  }

  /** The decoder's batch-norm running averages (state, not trained). */
  get runningStats(): tf.Variable[] {
    return [this.#norm.mean, this.#norm.variance];
  }

  get parameterCount(): number {
    return this.variables.reduce((n, v) => n + v.size, 0);
  }

  #dense(x: tf.Tensor, name: string): tf.Tensor {
    const shape = x.shape, c = shape[shape.length - 1]!;
    const w = this.#w(`${name}.kernel`) as tf.Tensor2D;
    const y = tf.add(tf.matMul(tf.reshape(x, [-1, c]) as tf.Tensor2D, w), this.#w(`${name}.bias`));
    return tf.reshape(y, [...shape.slice(0, -1), w.shape[1]]);
  }

  #ln(x: tf.Tensor, name: string): tf.Tensor {
    const { mean, variance } = tf.moments(x, -1, true);
    const xhat = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-6)));
    return tf.add(tf.mul(xhat, this.#w(`${name}.gamma`)), this.#w(`${name}.beta`));
  }

  #conv(x: tf.Tensor4D, name: string, stride: number, pad: number): tf.Tensor4D {
    const padded = pad > 0 ? tf.pad(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]]) : x;
    const y = tf.conv2d(padded, this.#w(`${name}.kernel`) as tf.Tensor4D, stride, "valid");
    return tf.add(y, this.#w(`${name}.bias`));
  }

  /** Depthwise 3x3, stride 1, zero padding: nine shifted copies times per-channel weights. */
  #depthwise(x: tf.Tensor4D, name: string): tf.Tensor4D {
    const [b, h, w, c] = x.shape;
    const padded = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]);
    const kernel = this.#w(`${name}.kernel`);
    let out: tf.Tensor = tf.reshape(this.#w(`${name}.bias`), [1, 1, 1, c]);
    for (let dy = 0; dy < 3; dy++) {
      for (let dx = 0; dx < 3; dx++) {
        const tap = tf.reshape(tf.slice(kernel, [dy, dx, 0], [1, 1, c]), [1, 1, 1, c]);
        out = tf.add(out, tf.mul(tf.slice(padded, [0, dy, dx, 0], [b, h, w, c]), tap));
      }
    }
    return out as tf.Tensor4D;
  }

  #attention(x: tf.Tensor4D, p: string, heads: number, r: number): tf.Tensor4D {
    const [b, h, w, c] = x.shape, n = h * w, d = c / heads;
    const tokens = this.#ln(x, `${p}.norm1`);
    let kv: tf.Tensor = tokens;
    if (r > 1) kv = this.#ln(this.#conv(tokens as tf.Tensor4D, `${p}.sr`, r, 0), `${p}.sr.norm`);
    const m = kv.shape[1]! * kv.shape[2]!;
    const split = (t: tf.Tensor, len: number) =>
      tf.transpose(tf.reshape(t, [b, len, heads, d]), [0, 2, 1, 3]);
    const q = split(tf.mul(this.#dense(tokens, `${p}.q`), 1 / Math.sqrt(d)), n);
    const k = split(this.#dense(kv, `${p}.k`), m), v = split(this.#dense(kv, `${p}.v`), m);
    const out = tf.matMul(tf.softmax(tf.matMul(q, k, false, true)), v);
    const merged = tf.reshape(tf.transpose(out, [0, 2, 1, 3]), [b, h, w, c]);
    return this.#dense(merged, `${p}.proj`) as tf.Tensor4D;
  }

  #mixFfn(x: tf.Tensor4D, p: string): tf.Tensor4D {
    const hidden = this.#depthwise(
      this.#dense(this.#ln(x, `${p}.norm2`), `${p}.fc1`) as tf.Tensor4D,
      `${p}.dw`,
    );
    const gelu = tf.mul(tf.mul(hidden, 0.5), tf.add(1, tf.erf(tf.mul(hidden, Math.SQRT1_2))));
    return this.#dense(gelu, `${p}.fc2`) as tf.Tensor4D;
  }

  /** Brings `x` to the output grid: average pooling by an integer factor, else bilinear. */
  #toGrid(x: tf.Tensor4D, grid: readonly [number, number]): tf.Tensor4D {
    const [, h, w] = x.shape, [gh, gw] = grid;
    if (h === gh && w === gw) return x;
    if (h % gh === 0 && w % gw === 0) {
      return tf.avgPool(x, [h / gh, w / gw], [h / gh, w / gw], "valid");
    }
    return tf.image.resizeBilinear(x, [gh, gw], false, true);
  }

  /** F `[B, h, w, D]` of `images`; `training` uses batch statistics in the decoder's norm. */
  forward(images: tf.Tensor4D, training = true): tf.Tensor4D {
    const [, height, width, channels] = images.shape;
    if (height % 32 !== 0 || width % 32 !== 0 || channels !== this.channels) {
      throw new RangeError(messages.segformerInput(images.shape, this.channels));
    }
    const grid = this.grid ?? [height / 4, width / 4];
    return tf.tidy(() => {
      let x = tf.div(tf.sub(images, 0.45), 0.27) as tf.Tensor4D;
      const stages: tf.Tensor4D[] = [];
      WIDTHS.forEach((_, s) => {
        x = s === 0 ? this.#conv(x, "s0.embed", 4, 3) : this.#conv(x, `s${s}.embed`, 2, 1);
        x = this.#ln(x, `s${s}.embed.norm`) as tf.Tensor4D;
        for (let b = 0; b < DEPTHS[s]!; b++) {
          const p = `s${s}.b${b}`;
          x = tf.add(x, this.#attention(x, p, HEADS[s]!, REDUCTIONS[s]!));
          x = tf.add(x, this.#mixFfn(x, p));
        }
        x = this.#ln(x, `s${s}.norm`) as tf.Tensor4D;
        stages.push(x);
      });
      const fused = tf.concat(
        stages.map((f, s) => this.#toGrid(this.#dense(f, `head.s${s}`) as tf.Tensor4D, grid))
          .reverse(),
        3,
      );
      const [b, gh, gw] = fused.shape;
      const e = 8 * this.width;
      const mixed = tf.reshape(
        tf.matMul(
          tf.reshape(fused, [-1, 4 * e]) as tf.Tensor2D,
          this.#w("head.fuse.kernel") as tf.Tensor2D,
        ),
        [b, gh, gw, e],
      ) as tf.Tensor4D;
      const bn = this.#norm;
      const normed = training
        ? batchNormTraining(mixed, bn)
        : tf.batchNorm(mixed, bn.mean, bn.variance, bn.beta, bn.gamma, BN_EPSILON) as tf.Tensor4D;
      return this.#dense(tf.relu(normed), "head.out") as tf.Tensor4D;
    });
  }

  /** Multiply-accumulates of one forward pass (matmuls and convolutions; a close estimate). */
  macsPerImage(height: number, width: number): number {
    let macs = 0, cin = this.channels, h = height, w = width;
    const [gh, gw] = this.grid ?? [height / 4, width / 4];
    WIDTHS.forEach((mult, s) => {
      const c = mult * this.width, k = s === 0 ? 7 : 3;
      h = Math.ceil(h / (s === 0 ? 4 : 2));
      w = Math.ceil(w / (s === 0 ? 4 : 2));
      const n = h * w, r = REDUCTIONS[s]!, m = n / (r * r), hidden = MLP_RATIO * c;
      macs += n * k * k * cin * c;
      macs += DEPTHS[s]! * (n * c * c * 2 + m * c * c * 2 + (r > 1 ? m * r * r * c * c : 0) +
        2 * n * m * c + 2 * n * c * hidden + 9 * n * hidden);
      macs += n * c * 8 * this.width;
      cin = c;
    });
    const e = 8 * this.width;
    return macs + gh * gw * (4 * e * e + e * this.dim);
  }

  /** Frees every variable. */
  dispose(): void {
    for (const v of this.namedWeights.values()) v.dispose();
  }
}

/**
 * The student: a closed-set conv segmentation network with no CLIP inside (Sec. III, f_s). It maps
 * a grey `H x W` scene to dense features F at `H/4 x W/4 x D` (D = the teacher's joint width), which
 * the C2S losses align with CLIP tokens and a cosine classifier scores against text embeddings.
 *
 * Architecture for base width w (default 16), a small encoder-decoder:
 * - input (x - 0.3) / 0.35;
 * - stem: conv3x3 stride 2 (1 -> w) + conv3x3 (w -> w) at H/2;
 * - conv3x3 stride 2 (w -> 2w) and two residual blocks at H/4 (the skip);
 * - conv3x3 stride 2 (2w -> 4w) and two residual blocks at H/8 (context);
 * - nearest x2 upsampling, concatenation with the skip, conv3x3 (6w -> 4w) at H/4 (one conv over
 *   the concatenation measured faster on wasm than two convs over its channel blocks);
 * - a 1x1 projection 4w -> D: the dense features F (not normalised here; the losses normalise
 *   where the paper's cosines do).
 * Every conv but the projection is followed by batch normalisation and ReLU (residual blocks: the
 * second BN's gain starts at 0, so each block starts as the identity, and ReLU follows the sum).
 * Batch norm is not optional here: without it the cosine classifier's scale invariance lets Adam
 * grow the weights of all 14 layers until F's norm is ~1000x its start (measured: 15 -> 13,000 in
 * 20 steps) and training stalls at chance. Training normalises with batch statistics and updates
 * running averages (momentum 0.1); inference (`forward(x, false)`) uses the running averages.
 * At w = 16, D = 64 on 64 x 64 scenes: 270,352 parameters and 38.9 MMAC per image, the size of the
 * reference student (0.26M parameters, 37 MMAC) that separated the variants in 800 steps.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { hashSeed } from "../data/rng.ts";
import { zerosVariable } from "./_ops.ts";
import { type BatchNorm, batchNormTraining, BN_EPSILON } from "./batch_norm.ts";

/** Options of {@linkcode Student}. */
export interface StudentOptions {
  /** Base channel width w. @default 16 */
  readonly width?: number;
  /** Output feature width D (the teacher's joint width). @default 64 */
  readonly dim?: number;
  /** Seed of the weight initialisation. @default 0 */
  readonly seed?: number;
  /** Input channels (1 grey, 3 RGB). @default 1 */
  readonly channels?: number;
}

interface ConvSpec {
  readonly name: string;
  readonly k: number;
  readonly cin: number;
  readonly cout: number;
  /** Resolution divisor of the output relative to the input image. */
  readonly scale: number;
  readonly stride: 1 | 2;
  /** Initial BN gain (0 for the last conv of a residual block; the projection has no BN). */
  readonly gain: number;
}

function convSpecs(w: number, dim: number, channels: number): ConvSpec[] {
  const c = (
    name: string,
    k: number,
    cin: number,
    cout: number,
    scale: number,
    stride: 1 | 2,
    gain = 1,
  ): ConvSpec => ({ name, k, cin, cout, scale, stride, gain });
  return [
    c("stem1", 3, channels, w, 2, 2),
    c("stem2", 3, w, w, 2, 1),
    c("down1", 3, w, 2 * w, 4, 2),
    c("res1a", 3, 2 * w, 2 * w, 4, 1),
    c("res1b", 3, 2 * w, 2 * w, 4, 1, 0),
    c("res2a", 3, 2 * w, 2 * w, 4, 1),
    c("res2b", 3, 2 * w, 2 * w, 4, 1, 0),
    c("down2", 3, 2 * w, 4 * w, 8, 2),
    c("res3a", 3, 4 * w, 4 * w, 8, 1),
    c("res3b", 3, 4 * w, 4 * w, 8, 1, 0),
    c("res4a", 3, 4 * w, 4 * w, 8, 1),
    c("res4b", 3, 4 * w, 4 * w, 8, 1, 0),
    c("fuse", 3, 6 * w, 4 * w, 4, 1),
    c("proj", 1, 4 * w, dim, 4, 1),
  ];
}

/**
 * The conv student. Owns its weights and BN running averages as `tf.Variable`s; call `dispose()`
 * when done.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { assertEquals } from "../_std.ts";
 * import { initBackend } from "../tf/backend.ts";
 * import { Student } from "./student.ts";
 * await initBackend("cpu");
 * const s = new Student({ width: 4, dim: 8 });
 * const f = s.forward(tf.zeros([1, 16, 16, 1]) as tf.Tensor4D, false);
 * assertEquals(f.shape, [1, 4, 4, 8]);
 * f.dispose(); s.dispose();
 * ```
 */
export class Student {
  readonly width: number;
  readonly dim: number;
  readonly #specs: ConvSpec[];
  readonly #kernels = new Map<string, tf.Variable>();
  readonly #norms = new Map<string, BatchNorm>();

  constructor(options: StudentOptions = {}) {
    this.width = options.width ?? 16;
    this.dim = options.dim ?? 64;
    const seed = options.seed ?? 0;
    this.#specs = convSpecs(this.width, this.dim, options.channels ?? 1);
    this.#specs.forEach((s, i) => {
      const std = Math.sqrt(2 / (s.k * s.k * s.cin));
      const init = tf.randomNormal([s.k, s.k, s.cin, s.cout], 0, std, "float32", hashSeed(seed, i));
      this.#kernels.set(s.name, tf.variable(init, true));
      init.dispose();
      if (s.name === "proj") return;
      this.#norms.set(s.name, {
        gamma: tf.tidy(() => tf.variable(tf.fill([s.cout], s.gain), true)),
        beta: zerosVariable([s.cout]),
        mean: tf.tidy(() => tf.variable(tf.zeros([s.cout]), false)),
        variance: tf.tidy(() => tf.variable(tf.ones([s.cout]), false)),
      });
    });
  }

  /** All trainable variables: conv kernels, BN gains and offsets. */
  get variables(): tf.Variable[] {
    const norms = [...this.#norms.values()];
    return [...this.#kernels.values(), ...norms.map((n) => n.gamma), ...norms.map((n) => n.beta)];
  }

  /**
   * Every weight by name, as a checkpoint holds them: `<layer>.kernel` for each convolution and
   * `<layer>.gamma`, `.beta`, `.mean`, `.variance` for its batch norm (trained and running).
   */
  get namedWeights(): Map<string, tf.Variable> {
    const weights = new Map<string, tf.Variable>();
    for (const [name, kernel] of this.#kernels) {
      weights.set(`${name}.kernel`, kernel);
      const bn = this.#norms.get(name);
      if (bn === undefined) continue;
      for (const key of ["gamma", "beta", "mean", "variance"] as const) {
        weights.set(`${name}.${key}`, bn[key]);
      }
    }
    return weights;
  }

  /** The BN running averages (state, not trained). */
  get runningStats(): tf.Variable[] {
    return [...this.#norms.values()].flatMap((n) => [n.mean, n.variance]);
  }

  /** Number of trainable parameters. */
  get parameterCount(): number {
    return this.variables.reduce((n, v) => n + v.size, 0);
  }

  /** Multiply-accumulates of the convolutions of one forward pass on a `height x width` image. */
  macsPerImage(height: number, width: number): number {
    return this.#specs.reduce(
      (n, s) => n + (height / s.scale) * (width / s.scale) * s.k * s.k * s.cin * s.cout,
      0,
    );
  }

  /**
   * Dense features F, `[B, H/4, W/4, D]`, of `images` `[B, H, W, 1]` in [0, 1]. `training` (the
   * default) normalises with the batch's statistics and updates the running averages; false uses
   * the running averages (inference). Sync and taped: call inside `tf.tidy` or a gradient function.
   */
  forward(images: tf.Tensor4D, training = true): tf.Tensor4D {
    return tf.tidy(() => {
      const x = tf.div(tf.sub(images, 0.3), 0.35) as tf.Tensor4D;
      let h = this.#conv("stem1", x, training, true);
      h = this.#conv("stem2", h, training, true);
      h = this.#conv("down1", h, training, true);
      h = this.#residual("res1", h, training);
      const skip = this.#residual("res2", h, training);
      let c = this.#conv("down2", skip, training, true);
      c = this.#residual("res3", c, training);
      c = this.#residual("res4", c, training);
      const up = tf.image.resizeNearestNeighbor(c, [skip.shape[1], skip.shape[2]]);
      const fused = this.#conv("fuse", tf.concat([up, skip], 3), training, true);
      return tf.conv2d(fused, this.#kernels.get("proj") as tf.Tensor4D, 1, "same") as tf.Tensor4D;
    });
  }

  /** conv (no bias: BN has the offset) -> BN -> optional ReLU. */
  #conv(name: string, x: tf.Tensor4D, training: boolean, relu: boolean): tf.Tensor4D {
    const spec = this.#specs.find((s) => s.name === name)!;
    const y = tf.conv2d(x, this.#kernels.get(name) as tf.Tensor4D, spec.stride, "same");
    const bn = this.#norms.get(name)!;
    const out = training
      ? batchNormTraining(y, bn)
      : tf.batchNorm(y, bn.mean, bn.variance, bn.beta, bn.gamma, BN_EPSILON) as tf.Tensor4D;
    return relu ? tf.relu(out) : out;
  }

  #residual(prefix: string, x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const h = this.#conv(`${prefix}a`, x, training, true);
    return tf.relu(tf.add(x, this.#conv(`${prefix}b`, h, training, false)));
  }

  /** Frees the weights and running averages. */
  dispose(): void {
    for (const v of [...this.variables, ...this.runningStats]) v.dispose();
  }
}

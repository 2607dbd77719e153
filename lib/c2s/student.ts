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
 * Every conv but the projection has a bias and ReLU (residual blocks: ReLU after the sum). No batch
 * norm: the second conv of each residual block starts at half the He scale instead, which keeps the
 * net trainable at 800 steps and makes evaluation identical to training.
 * At w = 16, D = 64 on 64 x 64 scenes: 269,776 parameters and 38.9 MMAC per image, the size of the
 * reference student (0.26M parameters, 37 MMAC) that separated the variants in 800 steps.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { hashSeed } from "../data/rng.ts";
import { zerosVariable } from "./_ops.ts";

/** Options of {@linkcode Student}. */
export interface StudentOptions {
  /** Base channel width w. @default 16 */
  readonly width?: number;
  /** Output feature width D (the teacher's joint width). @default 64 */
  readonly dim?: number;
  /** Seed of the weight initialisation. @default 0 */
  readonly seed?: number;
}

interface ConvSpec {
  readonly name: string;
  readonly k: number;
  readonly cin: number;
  readonly cout: number;
  /** Resolution divisor of the output relative to the input image. */
  readonly scale: number;
  readonly stride: 1 | 2;
  /** Multiplier of the He standard deviation. */
  readonly gain: number;
}

function convSpecs(w: number, dim: number): ConvSpec[] {
  const c = (
    name: string,
    k: number,
    cin: number,
    cout: number,
    scale: number,
    stride: 1 | 2,
    gain = 1,
  ): ConvSpec => ({
    name,
    k,
    cin,
    cout,
    scale,
    stride,
    gain,
  });
  return [
    c("stem1", 3, 1, w, 2, 2),
    c("stem2", 3, w, w, 2, 1),
    c("down1", 3, w, 2 * w, 4, 2),
    c("res1a", 3, 2 * w, 2 * w, 4, 1),
    c("res1b", 3, 2 * w, 2 * w, 4, 1, 0.5),
    c("res2a", 3, 2 * w, 2 * w, 4, 1),
    c("res2b", 3, 2 * w, 2 * w, 4, 1, 0.5),
    c("down2", 3, 2 * w, 4 * w, 8, 2),
    c("res3a", 3, 4 * w, 4 * w, 8, 1),
    c("res3b", 3, 4 * w, 4 * w, 8, 1, 0.5),
    c("res4a", 3, 4 * w, 4 * w, 8, 1),
    c("res4b", 3, 4 * w, 4 * w, 8, 1, 0.5),
    c("fuse", 3, 6 * w, 4 * w, 4, 1),
    c("proj", 1, 4 * w, dim, 4, 1),
  ];
}

/**
 * The conv student. Owns its weights as `tf.Variable`s; call `dispose()` when done.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { Student } from "./student.ts";
 * await tf.setBackend("cpu");
 * const s = new Student({ width: 4, dim: 8 });
 * const f = s.forward(tf.zeros([1, 16, 16, 1]) as tf.Tensor4D);
 * console.assert(f.shape.join() === "1,4,4,8");
 * f.dispose(); s.dispose();
 * ```
 */
export class Student {
  readonly width: number;
  readonly dim: number;
  readonly #specs: ConvSpec[];
  readonly #kernels = new Map<string, tf.Variable>();
  readonly #biases = new Map<string, tf.Variable>();

  constructor(options: StudentOptions = {}) {
    this.width = options.width ?? 16;
    this.dim = options.dim ?? 64;
    const seed = options.seed ?? 0;
    this.#specs = convSpecs(this.width, this.dim);
    this.#specs.forEach((s, i) => {
      const std = s.gain * Math.sqrt(2 / (s.k * s.k * s.cin));
      const init = tf.randomNormal([s.k, s.k, s.cin, s.cout], 0, std, "float32", hashSeed(seed, i));
      this.#kernels.set(s.name, tf.variable(init, true));
      init.dispose();
      if (s.name !== "proj" && s.name !== "fuseUp") {
        this.#biases.set(s.name, zerosVariable([s.cout]));
      }
    });
  }

  /** All trainable variables. */
  get variables(): tf.Variable[] {
    return [...this.#kernels.values(), ...this.#biases.values()];
  }

  /** Number of trainable parameters. */
  get parameterCount(): number {
    return this.variables.reduce((n, v) => n + v.size, 0);
  }

  /** Multiply-accumulates of one forward pass on a `height x width` image. */
  macsPerImage(height: number, width: number): number {
    return this.#specs.reduce(
      (n, s) => n + (height / s.scale) * (width / s.scale) * s.k * s.k * s.cin * s.cout,
      0,
    );
  }

  /**
   * Dense features F, `[B, H/4, W/4, D]`, of `images` `[B, H, W, 1]` in [0, 1]. Sync and taped:
   * call inside `tf.tidy` or a gradient function.
   */
  forward(images: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const x = tf.div(tf.sub(images, 0.3), 0.35) as tf.Tensor4D;
      let h = this.#conv("stem1", x, true);
      h = this.#conv("stem2", h, true);
      h = this.#conv("down1", h, true);
      h = this.#residual("res1", h);
      const skip = this.#residual("res2", h);
      let c = this.#conv("down2", skip, true);
      c = this.#residual("res3", c);
      c = this.#residual("res4", c);
      const [sh, sw] = [skip.shape[1], skip.shape[2]];
      const up = tf.image.resizeNearestNeighbor(c, [sh, sw]);
      const fused = this.#conv("fuse", tf.concat([up, skip], 3), true);
      return tf.conv2d(fused, this.#kernels.get("proj") as tf.Tensor4D, 1, "same") as tf.Tensor4D;
    });
  }

  #conv(name: string, x: tf.Tensor4D, relu: boolean): tf.Tensor4D {
    const spec = this.#specs.find((s) => s.name === name)!;
    const filter = this.#kernels.get(name) as tf.Tensor4D;
    const bias = this.#biases.get(name);
    if (bias === undefined) return tf.conv2d(x, filter, spec.stride, "same");
    return tf.fused.conv2d({
      x,
      filter,
      strides: spec.stride,
      pad: "same",
      bias,
      activation: relu ? "relu" : "linear",
    });
  }

  #residual(prefix: string, x: tf.Tensor4D): tf.Tensor4D {
    const h = this.#conv(`${prefix}a`, x, true);
    return tf.relu(tf.add(x, this.#conv(`${prefix}b`, h, false)));
  }

  /** Frees the weights. */
  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

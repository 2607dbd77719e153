/**
 * The mini-CLIP: image tower + text tower in one joint space, as a frozen {@linkcode Teacher}. Its
 * weights are named tensors (see `weights.ts`), read from and written to safetensors.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Teacher, TeacherOutput } from "./teacher.ts";
import type { MiniClipConfig } from "./config.ts";
import { denseSide } from "./config.ts";
import { imageForward } from "./image_tower.ts";
import { textForward } from "./text_tower.ts";
import { tokenize } from "./tokenizer.ts";
import * as msg from "./messages.ts";

/** A mini-CLIP over named weights (owned: `dispose()` frees them). */
export class MiniClip implements Teacher {
  readonly name: string;
  readonly dim: number;
  readonly denseSize: readonly [number, number];
  readonly hash: string;
  readonly config: MiniClipConfig;
  readonly weights: Map<string, tf.Variable>;

  constructor(
    config: MiniClipConfig,
    weights: Map<string, tf.Variable>,
    hash: string,
    name = "mini-clip",
  ) {
    this.config = config;
    this.weights = weights;
    this.hash = hash;
    this.name = name;
    this.dim = config.dim;
    const side = denseSide(config);
    this.denseSize = [side, side];
  }

  /** CLS and dense features of `[B, H, W, 1]` images in [0, 1] (inference mode, running BN stats). */
  encodeImages(images: tf.Tensor4D): TeacherOutput {
    const [, h, w, c] = images.shape;
    const s = this.config.imageSize;
    if (h !== s || w !== s || c !== 1) {
      throw new RangeError(msg.badImageShape(images.shape, s));
    }
    const [cls, dense] = tf.tidy(() => {
      const f = imageForward(this.weights, this.config, images);
      return [f.cls, f.dense];
    });
    return { cls: cls as tf.Tensor2D, dense: dense as tf.Tensor4D };
  }

  /** Text embeddings of "a photo of a {class}" per name, `[N, D]`, L2-normalised. */
  textEmbeddings(classNames: readonly string[]): tf.Tensor2D {
    const ids = tokenize(
      classNames,
      this.config.vocabulary,
      this.config.textLength,
      this.config.prompt,
    );
    return tf.tidy(() => textForward(this.weights, this.config, ids));
  }

  /** Frees the weights. */
  dispose(): void {
    for (const v of this.weights.values()) v.dispose();
  }
}

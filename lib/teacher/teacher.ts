/**
 * The `Teacher` seam: what the C2S core needs from a CLIP-like model. The project's mini-CLIP
 * implements it; a real CLIP (weights read from a local safetensors file) could too.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";

/** Image-tower outputs for a batch, both L2-normalised along the last axis. */
export interface TeacherOutput {
  /** Global CLS tokens, `[B, D]`. */
  readonly cls: tf.Tensor2D;
  /** Dense features C_d, `[B, h, w, D]` (h, w >= 16 for 64 x 64 scenes). */
  readonly dense: tf.Tensor4D;
}

/** A frozen CLIP-like teacher in one joint image-text space of width `dim`. */
export interface Teacher {
  readonly name: string;
  /** Joint-space width D. */
  readonly dim: number;
  /** Dense grid `[h, w]` for the configured input size. */
  readonly denseSize: readonly [number, number];
  /** sha256 of the weights file: part of every cache key built on this teacher. */
  readonly hash: string;
  /** `images`: `[B, H, W, 1]`, intensities in [0, 1]. Caller disposes the outputs. */
  encodeImages(images: tf.Tensor4D): TeacherOutput;
  /** Text embeddings of "a photo of a {class}" per name, `[N, D]`, L2-normalised. */
  textEmbeddings(classNames: readonly string[]): tf.Tensor2D;
  dispose(): void;
}

/**
 * The students of `student.arch` behind one interface: the small conv student of the embedded
 * benchmark (`student.ts`, features at a quarter of the image) and the Segformer of the paper's
 * setting (`segformer.ts`, "segformer-b0" at `student.width` 32, features on any grid). The
 * trainer, evaluation and checkpoints see only {@linkcode StudentNet}.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { C2SConfig } from "./config.ts";
import { messages } from "./messages.ts";
import { Segformer } from "./segformer.ts";
import { Student } from "./student.ts";

/** What the C2S core needs from a student network. */
export interface StudentNet {
  /** Dense features F `[B, h, w, D]` of `[B, H, W, C]` images in [0, 1]. Sync, taped. */
  forward(images: tf.Tensor4D, training?: boolean): tf.Tensor4D;
  readonly variables: tf.Variable[];
  readonly namedWeights: Map<string, tf.Variable>;
  readonly runningStats: tf.Variable[];
  readonly parameterCount: number;
  macsPerImage(height: number, width: number): number;
  dispose(): void;
}

/** What a student is built for. */
export interface StudentShape {
  /** Feature width D (the teacher's). */
  readonly dim: number;
  /** Image `[height, width, channels]`. */
  readonly image: readonly [number, number, number];
  /** Feature grid `[h, w]` (the teacher's dense grid). */
  readonly grid: readonly [number, number];
  readonly seed: number;
}

/**
 * The student of `student` for images and a feature grid of `shape`.
 *
 * @throws {RangeError} When the architecture cannot give features on that grid (the conv student:
 *   a grid other than a quarter of the image; the Segformer: a side that is not a multiple of 32).
 */
export function createStudent(student: C2SConfig["student"], shape: StudentShape): StudentNet {
  const [height, width, channels] = shape.image, [h, w] = shape.grid;
  const { dim, seed } = shape;
  if (student.arch === "conv") {
    if (height % 4 !== 0 || width % 4 !== 0) {
      throw new RangeError(messages.imageSize(height, width));
    }
    if (h !== height / 4 || w !== width / 4) {
      throw new RangeError(messages.denseGrid(h, w, height / 4, width / 4));
    }
    return new Student({ width: student.width, dim, seed, channels });
  }
  if (student.arch === "segformer-b0") {
    if (height % 32 !== 0 || width % 32 !== 0) {
      throw new RangeError(messages.studentGrid(student.arch, shape.grid, height, width));
    }
    return new Segformer({ width: student.width, dim, seed, channels, grid: [h, w] });
  }
  throw new RangeError(messages.unsupportedArch(student.arch));
}

/**
 * Inference and evaluation, paper Sec. III-E ("Inference"): the student alone, its normalised dense
 * features scored against the text embeddings of ALL classes (no teacher, no latent path). Logits
 * on the feature grid are upsampled bilinearly (half-pixel centres) to the scene size and the
 * argmax is scored against the full ground truth with `metrics.ts` (background ignored).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { SegmentationDataset } from "../data/types.ts";
import type { StudentNet } from "./students.ts";
import { ConfusionMatrix, type SegmentationScores, segmentationScores } from "./metrics.ts";
import { l2Normalize } from "./_ops.ts";

/** Scenes to score, in host memory. */
export interface EvalSet {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  /** Image channels (1 grey, 3 RGB). */
  readonly channels: number;
  /** `count * H * W * channels` values. */
  readonly images: Float32Array;
  /** Ground truth over all classes, `count * H * W`. */
  readonly labels: Uint8Array;
}

/** Reads every scene of `dataset` (scored on `fullLabels`). */
export function materializeEvalSet(dataset: SegmentationDataset): EvalSet {
  const { height: H, width: W, length: n } = dataset;
  const C = dataset.channels ?? 1;
  const images = new Float32Array(n * H * W * C);
  const labels = new Uint8Array(n * H * W);
  for (let i = 0; i < n; i++) {
    const s = dataset.get(i);
    images.set(s.image, i * H * W * C);
    labels.set(s.fullLabels, i * H * W);
  }
  return { count: n, height: H, width: W, channels: C, images, labels };
}

/** Images per inference call. */
export const EVAL_BATCH = 64;

/**
 * Class ids (argmax over `text` `[N, D]`) at every pixel of `count` images, `count * H * W`.
 */
export async function predict(
  student: StudentNet,
  text: tf.Tensor2D,
  images: Float32Array,
  count: number,
  height: number,
  width: number,
  channels = 1,
): Promise<Uint8Array> {
  const out = new Uint8Array(count * height * width);
  const px = height * width;
  // As many pixels per call as EVAL_BATCH scenes of 64 x 64 (one image at 512 x 512).
  const batch = Math.max(1, Math.floor((EVAL_BATCH * 64 * 64) / px));
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const classes = tf.tidy(() => {
      const x = tf.tensor4d(images.subarray(start * px * channels, (start + n) * px * channels), [
        n,
        height,
        width,
        channels,
      ]);
      const f = l2Normalize(student.forward(x, false));
      const [, h, w, d] = f.shape;
      const logits = tf.reshape(tf.matMul(tf.reshape(f, [n * h * w, d]), text, false, true), [
        n,
        h,
        w,
        text.shape[0],
      ]) as tf.Tensor4D;
      const up = tf.image.resizeBilinear(logits, [height, width], false, true);
      return tf.argMax(up, -1);
    });
    const ids = await classes.data();
    classes.dispose();
    for (let i = 0; i < ids.length; i++) out[start * px + i] = ids[i]!;
  }
  return out;
}

/** Scores of the student on `set` under the class split. */
export async function evaluateStudent(
  student: StudentNet,
  text: tf.Tensor2D,
  set: EvalSet,
  split: { readonly seen: readonly number[]; readonly unseen: readonly number[] },
): Promise<{ scores: SegmentationScores; predictions: Uint8Array }> {
  const { images, count, height, width, channels } = set;
  const predictions = await predict(student, text, images, count, height, width, channels);
  const matrix = new ConfusionMatrix(text.shape[0]);
  matrix.accumulate(predictions, set.labels);
  return { scores: segmentationScores(matrix, split), predictions };
}

/**
 * Zero-shot segmentation metrics (paper Sec. IV-A, "Evaluation Metrics"): a confusion matrix over
 * ALL classes accumulated from predicted and ground-truth label maps (pixels whose ground truth is
 * the ignore label, i.e. background, are skipped), per-class IoU = TP / (TP + FP + FN), sIoU = mean
 * IoU over seen classes, uIoU = mean IoU over unseen classes, hIoU = 2 sIoU uIoU / (sIoU + uIoU)
 * (0 when both are 0) and mIoU = mean IoU over all classes.
 *
 * All scores are PERCENTAGES (0..100), as in the paper's tables.
 *
 * A class absent from both prediction and ground truth (TP + FP + FN = 0) has an undefined IoU:
 * it is `null` and left out of every mean. Scoring it 0 would punish a class that could not be
 * scored at all (e.g. an evaluation subset without that class); scoring it 100 would reward it for
 * nothing. A class present in the ground truth but never predicted scores 0, and so does a class
 * predicted but absent from the ground truth (all its pixels are false positives). A mean over a
 * group with no scored class is `null`, and so is an hIoU built from a `null` mean.
 *
 * @module
 */
import { IGNORE_LABEL } from "../data/types.ts";

/** Messages of this module (to join `lib/c2s/messages.ts`). */
export const metricsMessages = {
  badClassCount: (value: number): string =>
    `A confusion matrix needs an integer number of classes in 1..255, got ${value}`,
  lengthMismatch: (pred: number, gt: number): string =>
    `Prediction and ground truth differ in length: ${pred} vs ${gt} pixels`,
  badGroundTruth: (pixel: number, value: number, classes: number, ignore: number): string =>
    `Ground truth pixel ${pixel} is ${value}, expected a class id 0..${
      classes - 1
    } or the ignore label ${ignore}`,
  badPrediction: (pixel: number, value: number, classes: number): string =>
    `Prediction pixel ${pixel} is ${value}, expected a class id 0..${classes - 1}`,
  badClassId: (id: number, classes: number): string =>
    `Class id ${id} in the class split is not in 0..${classes - 1}`,
  classCountMismatch: (a: number, b: number): string =>
    `Cannot merge confusion matrices over ${a} and ${b} classes`,
};

/** Options of {@linkcode ConfusionMatrix}. */
export interface ConfusionMatrixOptions {
  /** Ground-truth value that is skipped (background). @default IGNORE_LABEL (255) */
  ignoreLabel?: number;
}

/**
 * Pixel counts by (ground truth, prediction) over `numClasses` classes.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { ConfusionMatrix } from "./metrics.ts";
 * const m = new ConfusionMatrix(3);
 * m.accumulate(new Uint8Array([0, 1, 1, 2]), new Uint8Array([0, 1, 2, 255]));
 * assert.ok(m.count(0, 0) === 1 && m.count(2, 1) === 1 && m.total === 3);
 * ```
 */
export class ConfusionMatrix {
  readonly numClasses: number;
  readonly ignoreLabel: number;
  /** `counts[gt * numClasses + pred]`. */
  readonly counts: Float64Array;

  /** @throws {RangeError} When `numClasses` is not an integer in 1..255. */
  constructor(numClasses: number, options: ConfusionMatrixOptions = {}) {
    if (!Number.isInteger(numClasses) || numClasses < 1 || numClasses > 255) {
      throw new RangeError(metricsMessages.badClassCount(numClasses));
    }
    this.numClasses = numClasses;
    this.ignoreLabel = options.ignoreLabel ?? IGNORE_LABEL;
    this.counts = new Float64Array(numClasses * numClasses);
  }

  /**
   * Adds one label map pair. Pixels whose ground truth is `ignoreLabel` are skipped; every other
   * pixel must carry class ids in both maps.
   *
   * @throws {RangeError} On different lengths or a value that is not a class id (the first bad
   *   pixel is named; nothing is added then).
   */
  accumulate(pred: Uint8Array, gt: Uint8Array): void {
    if (pred.length !== gt.length) {
      throw new RangeError(metricsMessages.lengthMismatch(pred.length, gt.length));
    }
    const n = this.numClasses, ignore = this.ignoreLabel;
    for (let p = 0; p < gt.length; p++) {
      const g = gt[p]!;
      if (g === ignore) continue;
      if (g >= n) throw new RangeError(metricsMessages.badGroundTruth(p, g, n, ignore));
      if (pred[p]! >= n) throw new RangeError(metricsMessages.badPrediction(p, pred[p]!, n));
    }
    const counts = this.counts;
    for (let p = 0; p < gt.length; p++) {
      const g = gt[p]!;
      if (g !== ignore) counts[g * n + pred[p]!]!++;
    }
  }

  /** Adds another matrix's counts (e.g. from a worker). */
  merge(other: ConfusionMatrix): void {
    if (other.numClasses !== this.numClasses) {
      throw new RangeError(metricsMessages.classCountMismatch(this.numClasses, other.numClasses));
    }
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += other.counts[i]!;
  }

  /** Pixels of ground-truth class `gt` predicted as `pred`. */
  count(gt: number, pred: number): number {
    return this.counts[gt * this.numClasses + pred] ?? 0;
  }

  /** Scored pixels (ground truth not ignored). */
  get total(): number {
    let sum = 0;
    for (const c of this.counts) sum += c;
    return sum;
  }
}

/**
 * IoU of each class in percent, `null` where the class is absent from both prediction and ground
 * truth.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { ConfusionMatrix, classIou } from "./metrics.ts";
 * const m = new ConfusionMatrix(3);
 * m.accumulate(new Uint8Array([0, 0, 1]), new Uint8Array([0, 1, 1]));
 * assert.ok(classIou(m).join() === "50,50,"); // class 2: null
 * ```
 */
export function classIou(matrix: ConfusionMatrix): (number | null)[] {
  const n = matrix.numClasses;
  const ious: (number | null)[] = [];
  for (let c = 0; c < n; c++) {
    let rowSum = 0, colSum = 0;
    for (let k = 0; k < n; k++) {
      rowSum += matrix.count(c, k);
      colSum += matrix.count(k, c);
    }
    const tp = matrix.count(c, c);
    const union = rowSum + colSum - tp;
    ious.push(union === 0 ? null : (100 * tp) / union);
  }
  return ious;
}

/** Mean of the non-null values, `null` when there are none. */
export function meanIou(values: readonly (number | null)[]): number | null {
  let sum = 0, n = 0;
  for (const v of values) {
    if (v !== null) {
      sum += v;
      n++;
    }
  }
  return n === 0 ? null : sum / n;
}

/**
 * Harmonic mean of sIoU and uIoU: `2 s u / (s + u)`, 0 when both are 0, `null` when either is.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { harmonicIou } from "./metrics.ts";
 * assert.ok(harmonicIou(60, 30) === 40 && harmonicIou(0, 0) === 0);
 * ```
 */
export function harmonicIou(seen: number | null, unseen: number | null): number | null {
  if (seen === null || unseen === null) return null;
  return seen + unseen === 0 ? 0 : (2 * seen * unseen) / (seen + unseen);
}

/** Scores of one evaluation, percentages. */
export interface SegmentationScores {
  /** Per class id; `null` = absent from prediction and ground truth. */
  classIou: (number | null)[];
  sIoU: number | null;
  uIoU: number | null;
  hIoU: number | null;
  mIoU: number | null;
  /** Correct / scored pixels, `null` when no pixel was scored. */
  pixelAccuracy: number | null;
}

/**
 * All scores of a confusion matrix under a seen/unseen class split.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { ConfusionMatrix, segmentationScores } from "./metrics.ts";
 * const m = new ConfusionMatrix(2);
 * m.accumulate(new Uint8Array([0, 0, 1, 1]), new Uint8Array([0, 0, 1, 0]));
 * const s = segmentationScores(m, { seen: [0], unseen: [1] });
 * assert.ok(s.sIoU! === 200 / 3 && s.uIoU === 50 && s.pixelAccuracy === 75);
 * ```
 * @throws {RangeError} When a class id of the split is not a class of the matrix.
 */
export function segmentationScores(
  matrix: ConfusionMatrix,
  split: { readonly seen: readonly number[]; readonly unseen: readonly number[] },
): SegmentationScores {
  const n = matrix.numClasses;
  for (const id of [...split.seen, ...split.unseen]) {
    if (!Number.isInteger(id) || id < 0 || id >= n) {
      throw new RangeError(metricsMessages.badClassId(id, n));
    }
  }
  const ious = classIou(matrix);
  const sIoU = meanIou(split.seen.map((id) => ious[id]!));
  const uIoU = meanIou(split.unseen.map((id) => ious[id]!));
  let correct = 0;
  for (let c = 0; c < n; c++) correct += matrix.count(c, c);
  const total = matrix.total;
  return {
    classIou: ious,
    sIoU,
    uIoU,
    hIoU: harmonicIou(sIoU, uIoU),
    mIoU: meanIou(ious),
    pixelAccuracy: total === 0 ? null : (100 * correct) / total,
  };
}

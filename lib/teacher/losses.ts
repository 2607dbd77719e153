/**
 * The teacher's four losses, weighted 1:1:1:1 (DESIGN.md, "Calibration"), computed on the host from
 * the logits (scale x cosine against the text embeddings) with their gradients:
 *
 * - single items: symmetric image-text InfoNCE = mean of the image->text CE over the class texts
 *   and the text->image CE over the batch's single items (each class present in the batch; its
 *   target is uniform over the items of that class);
 * - scenes: soft CE against the visible-area shares;
 * - masked items: CE;
 * - dense: CE of each 16 x 16 cell with a majority label (>= 50 %), averaged over those cells.
 *
 * @module
 */
import type { TeacherBatch } from "./batches.ts";

/** Loss values and the gradients of the total with respect to the logits. */
export interface TeacherLosses {
  total: number;
  single: number;
  scene: number;
  masked: number;
  dense: number;
  /** d total / d cls logits, `[3n, classes]`. */
  dCls: Float32Array;
  /** d total / d dense logits, `[3n * cells^2, classes]`. */
  dDense: Float32Array;
}

/** Log-softmax of `k` values at `x[off..off+k)` (stride `stride`) into `out`; returns nothing. */
function logSoftmax(
  x: Float32Array,
  off: number,
  k: number,
  stride: number,
  out: Float64Array,
): void {
  let max = -Infinity;
  for (let j = 0; j < k; j++) max = Math.max(max, x[off + j * stride]!);
  let sum = 0;
  for (let j = 0; j < k; j++) sum += Math.exp(x[off + j * stride]! - max);
  const lse = max + Math.log(sum);
  for (let j = 0; j < k; j++) out[j] = x[off + j * stride]! - lse;
}

/**
 * Losses of one batch. `cls`: `[3n, classes]` logits; `dense`: `[3n * cells^2, classes]` logits.
 */
export function teacherLosses(
  batch: TeacherBatch,
  cls: Float32Array,
  dense: Float32Array,
  classes: number,
): TeacherLosses {
  const n = batch.n;
  const dCls = new Float32Array(cls.length);
  const dDense = new Float32Array(dense.length);
  const lp = new Float64Array(Math.max(classes, n));
  // Single items, image -> text.
  let it = 0;
  for (let i = 0; i < n; i++) {
    logSoftmax(cls, i * classes, classes, 1, lp);
    const y = batch.singleLabels[i]!;
    it -= lp[y]!;
    for (let c = 0; c < classes; c++) {
      dCls[i * classes + c]! += (Math.exp(lp[c]!) - (c === y ? 1 : 0)) / n / 2;
    }
  }
  it /= n;
  // Single items, text -> image (classes present in the batch).
  const present: number[] = [];
  for (let c = 0; c < classes; c++) if (batch.singleLabels.includes(c)) present.push(c);
  let ti = 0;
  for (const c of present) {
    logSoftmax(cls, c, n, classes, lp);
    let count = 0;
    for (let i = 0; i < n; i++) if (batch.singleLabels[i] === c) count++;
    for (let i = 0; i < n; i++) {
      const target = batch.singleLabels[i] === c ? 1 / count : 0;
      ti -= target * lp[i]!;
      dCls[i * classes + c]! += (Math.exp(lp[i]!) - target) / present.length / 2;
    }
  }
  ti /= present.length;
  // Scenes: soft CE on visible-area shares.
  let scene = 0;
  for (let i = 0; i < n; i++) {
    const row = (n + i) * classes;
    logSoftmax(cls, row, classes, 1, lp);
    for (let c = 0; c < classes; c++) {
      const t = batch.sceneShares[i * classes + c]!;
      scene -= t * lp[c]!;
      dCls[row + c] = (Math.exp(lp[c]!) - t) / n;
    }
  }
  scene /= n;
  // Masked items.
  let masked = 0;
  for (let i = 0; i < n; i++) {
    const row = (2 * n + i) * classes;
    logSoftmax(cls, row, classes, 1, lp);
    const y = batch.maskedLabels[i]!;
    masked -= lp[y]!;
    for (let c = 0; c < classes; c++) dCls[row + c] = (Math.exp(lp[c]!) - (c === y ? 1 : 0)) / n;
  }
  masked /= n;
  // Dense cells.
  let denseLoss = 0;
  let cells = 0;
  for (const l of batch.cellLabels) if (l >= 0) cells++;
  const positions = batch.cellLabels.length;
  for (let p = 0; p < positions; p++) {
    const y = batch.cellLabels[p]!;
    if (y < 0) continue;
    logSoftmax(dense, p * classes, classes, 1, lp);
    denseLoss -= lp[y]!;
    for (let c = 0; c < classes; c++) {
      dDense[p * classes + c] = (Math.exp(lp[c]!) - (c === y ? 1 : 0)) / cells;
    }
  }
  denseLoss = cells > 0 ? denseLoss / cells : 0;
  const single = (it + ti) / 2;
  return {
    total: single + scene + masked + denseLoss,
    single,
    scene,
    masked,
    dense: denseLoss,
    dCls,
    dDense,
  };
}

import { assert } from "../../lib/_std.ts";
import {
  classIou,
  ConfusionMatrix,
  harmonicIou,
  meanIou,
  segmentationScores,
} from "../../lib/c2s/metrics.ts";

const close = (actual: number | null, expected: number) =>
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${actual} != ${expected}`);

// gt rows x pred cols, hand-counted from the maps below:
//   gt 0: [2, 1, 0]   gt 1: [0, 1, 1]   gt 2: [1, 0, 2]   (the two 255 pixels are skipped)
const GT = new Uint8Array([0, 0, 0, 1, 1, 2, 2, 2, 255, 255]);
const PRED = new Uint8Array([0, 0, 1, 1, 2, 2, 2, 0, 1, 2]);

function handMatrix(): ConfusionMatrix {
  const m = new ConfusionMatrix(3);
  m.accumulate(PRED, GT);
  return m;
}

Deno.test("ConfusionMatrix.accumulate() counts (gt, pred) pairs and skips ignored ground truth", () => {
  const m = handMatrix();
  assert.deepEqual([...m.counts], [2, 1, 0, 0, 1, 1, 1, 0, 2]);
  assert.equal(m.total, 8);
  assert.equal(m.count(2, 0), 1);
});

Deno.test("classIou() is TP / (TP + FP + FN) per class, in percent", () => {
  // class 0: 2 / (3 + 3 - 2); class 1: 1 / (2 + 2 - 1); class 2: 2 / (3 + 3 - 2)
  const ious = classIou(handMatrix());
  close(ious[0]!, 50);
  close(ious[1]!, 100 / 3);
  close(ious[2]!, 50);
});

Deno.test("segmentationScores() gives sIoU, uIoU, hIoU, mIoU and pixel accuracy of a hand-computed matrix", () => {
  const s = segmentationScores(handMatrix(), { seen: [0, 1], unseen: [2] });
  close(s.sIoU, 125 / 3); // (50 + 33.3) / 2
  close(s.uIoU, 50);
  close(s.hIoU, 12500 / 275); // 2 * (125/3) * 50 / (125/3 + 50)
  close(s.mIoU, 400 / 9); // (50 + 33.3 + 50) / 3
  close(s.pixelAccuracy, 62.5); // 5 of 8
});

Deno.test("a class absent from prediction and ground truth has IoU null and is left out of the means", () => {
  const m = new ConfusionMatrix(4);
  // class 3 never occurs; class 2 occurs in gt only (never predicted); class 1 is predicted only.
  m.accumulate(new Uint8Array([0, 0, 1, 0]), new Uint8Array([0, 0, 0, 2]));
  const ious = classIou(m);
  // class 0: TP 2, FN 1 (pred 1), FP 1 (gt 2 predicted 0) -> 2 / 4
  assert.deepEqual(ious, [50, 0, 0, null]);
  const s = segmentationScores(m, { seen: [0, 1], unseen: [2, 3] });
  close(s.sIoU, 25);
  close(s.uIoU, 0); // only class 2 counts; class 3 is not scored
  close(s.hIoU, 0);
  close(s.mIoU, 50 / 3);
});

Deno.test("a group with no scored class has a null mean, and hIoU is null then", () => {
  const m = new ConfusionMatrix(3);
  m.accumulate(new Uint8Array([0, 0]), new Uint8Array([0, 0]));
  const s = segmentationScores(m, { seen: [0], unseen: [1, 2] });
  assert.equal(s.sIoU, 100);
  assert.equal(s.uIoU, null);
  assert.equal(s.hIoU, null);
  const empty = segmentationScores(new ConfusionMatrix(2), { seen: [0], unseen: [1] });
  assert.deepEqual(empty, {
    classIou: [null, null],
    sIoU: null,
    uIoU: null,
    hIoU: null,
    mIoU: null,
    pixelAccuracy: null,
  });
});

Deno.test("harmonicIou() is 2su / (s + u), 0 when both are 0, null when either is null", () => {
  assert.equal(harmonicIou(60, 30), 40);
  assert.equal(harmonicIou(0, 0), 0);
  assert.equal(harmonicIou(50, 0), 0);
  assert.equal(harmonicIou(null, 10), null);
  assert.equal(meanIou([null, 10, 20]), 15);
  assert.equal(meanIou([null]), null);
});

Deno.test("ConfusionMatrix.accumulate() rejects mismatched lengths and non-class values, adding nothing", () => {
  const m = new ConfusionMatrix(3);
  assert.throws(() => m.accumulate(new Uint8Array(2), new Uint8Array(3)), {
    name: "RangeError",
    message: "Prediction and ground truth differ in length: 2 vs 3 pixels",
  });
  assert.throws(() => m.accumulate(new Uint8Array([0, 0]), new Uint8Array([1, 7])), {
    name: "RangeError",
    message: "Ground truth pixel 1 is 7, expected a class id 0..2 or the ignore label 255",
  });
  assert.throws(() => m.accumulate(new Uint8Array([0, 255]), new Uint8Array([0, 1])), {
    name: "RangeError",
    message: "Prediction pixel 1 is 255, expected a class id 0..2",
  });
  assert.equal(m.total, 0);
  // A prediction on an ignored pixel is not checked: it is not scored.
  m.accumulate(new Uint8Array([0, 255]), new Uint8Array([0, 255]));
  assert.equal(m.total, 1);
});

Deno.test("ConfusionMatrix honours a custom ignore label", () => {
  const m = new ConfusionMatrix(3, { ignoreLabel: 2 });
  m.accumulate(new Uint8Array([0, 1, 1]), new Uint8Array([0, 2, 1]));
  assert.deepEqual([...m.counts], [1, 0, 0, 0, 1, 0, 0, 0, 0]);
});

Deno.test("ConfusionMatrix.merge() adds counts, and only over the same classes", () => {
  const a = handMatrix(), b = handMatrix();
  a.merge(b);
  assert.deepEqual([...a.counts], [4, 2, 0, 0, 2, 2, 2, 0, 4]);
  assert.throws(() => a.merge(new ConfusionMatrix(4)), {
    name: "RangeError",
    message: "Cannot merge confusion matrices over 3 and 4 classes",
  });
});

Deno.test("ConfusionMatrix and segmentationScores() reject impossible class counts and ids", () => {
  assert.throws(() => new ConfusionMatrix(0), {
    name: "RangeError",
    message: "A confusion matrix needs an integer number of classes in 1..255, got 0",
  });
  assert.throws(() => segmentationScores(new ConfusionMatrix(3), { seen: [0], unseen: [3] }), {
    name: "RangeError",
    message: "Class id 3 in the class split is not in 0..2",
  });
});

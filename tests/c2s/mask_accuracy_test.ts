import { assert } from "../../lib/_std.ts";
import {
  type MaskMatch,
  matchMasks,
  summarizeMaskAccuracy,
  upsampleNearest,
} from "../../lib/c2s/mask_accuracy.ts";

Deno.test("upsampleNearest() repeats each cell into its block", () => {
  const out = upsampleNearest(Int16Array.from([0, 1, -1, 2]), [2, 2], [4, 4]);
  assert.deepEqual([...out], [0, 0, 1, 1, 0, 0, 1, 1, -1, -1, 2, 2, -1, -1, 2, 2]);
});

Deno.test("upsampleNearest() takes source floor(X w / W) for ratios that are not whole", () => {
  assert.deepEqual([...upsampleNearest(Int16Array.from([5, 6, 7]), [1, 3], [1, 4])], [5, 5, 6, 7]);
});

Deno.test("upsampleNearest() rejects a map of the wrong length or a bad size", () => {
  assert.throws(() => upsampleNearest(new Int16Array(3), [2, 2], [4, 4]), {
    name: "RangeError",
    message: "Id map holds 3 values, expected 4",
  });
  assert.throws(() => upsampleNearest(new Int16Array(4), [2, 2], [0, 4]), {
    name: "RangeError",
    message: "Cannot upsample a 2 x 2 map to 0 x 4",
  });
});

Deno.test("matchMasks() matches each ground-truth class to the generated mask of highest IoU", () => {
  // 2 x 4 labels: class 3 (unseen) on the left 4 pixels, class 1 (seen) on 2, ignore on 2.
  const gt = Uint8Array.from([3, 3, 1, 255, 3, 3, 1, 255]);
  // Latent 0: half of class 3 plus an ignore pixel (IoU 2/5); latent 1: the other half (IoU 2/4).
  const gen = Int16Array.from([0, 1, -1, 0, 0, 1, -1, -1]);
  const m = matchMasks(gen, gt, { unseenIds: [3] });
  assert.deepEqual(m, [
    { classId: 1, seen: true, area: 2, iou: 0, latent: -1 },
    { classId: 3, seen: false, area: 4, iou: 2 / 4, latent: 1 },
  ]);
});

Deno.test("matchMasks() prefers the mask of highest IoU, not the one of largest overlap", () => {
  const gt = Uint8Array.from([3, 3, 3, 0, 0, 0, 0, 0]);
  // Latent 0 overlaps 3 pixels but spans everything (IoU 3/8); latent 1 overlaps 2 exactly (2/3).
  const gen = Int16Array.from([1, 1, 0, 0, 0, 0, 0, 0]);
  const m = matchMasks(gen, gt, { unseenIds: [3] }).find((x) => x.classId === 3)!;
  assert.equal(m.latent, 1);
  assert.equal(m.iou, 2 / 3);
});

Deno.test("matchMasks() rejects generated masks of another resolution", () => {
  assert.throws(() => matchMasks(new Int16Array(4), new Uint8Array(16), { unseenIds: [] }), {
    name: "RangeError",
    message: "Generated mask holds 4 values, expected 16",
  });
});

Deno.test("summarizeMaskAccuracy() averages unseen, seen and all masks pooled", () => {
  const m = (seen: boolean, iou: number): MaskMatch => ({
    classId: 0,
    seen,
    area: 1,
    iou,
    latent: 0,
  });
  const s = summarizeMaskAccuracy([m(false, 0.9), m(false, 0.5), m(true, 0.1)]);
  assert.ok(Math.abs(s.unseen! - 0.7) < 1e-12);
  assert.equal(s.seen, 0.1);
  assert.ok(Math.abs(s.all! - 0.5) < 1e-12);
  assert.deepEqual(s.counts, { unseen: 2, seen: 1, all: 3 });
  assert.deepEqual(summarizeMaskAccuracy([m(true, 1)]).unseen, null);
  assert.deepEqual(summarizeMaskAccuracy([]).all, null);
});

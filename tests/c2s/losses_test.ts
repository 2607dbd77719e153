import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../../lib/_std.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { aggregate, GlobalDistillation, globalInfoNce } from "../../lib/c2s/global_distillation.ts";
import { localInfoNce, maskedAveragePool } from "../../lib/c2s/local_distillation.ts";
import { classLogits, pixelLoss, seenCrossEntropy } from "../../lib/c2s/pixel_loss.ts";
import { matMul2d } from "../../lib/c2s/_ops.ts";

await initBackend("wasm");

const close = (a: number, b: number, eps = 1e-5) =>
  assert.ok(Math.abs(a - b) <= eps * Math.max(1, Math.abs(b)), `${a} != ${b}`);
const value = (t: tf.Tensor) => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};
const lse = (xs: number[]) => Math.log(xs.reduce((s, x) => s + Math.exp(x), 0));

Deno.test("globalInfoNce() equals a hand computation with batch and bank negatives (Eq. 4)", () => {
  const fg = tf.tensor2d([[1, 0], [0, 1]]);
  const cg = tf.tensor2d([[1, 0], [0.6, 0.8]]);
  const bank = tf.tensor2d([[0, -1]]);
  // Row 0: logits [1, 0.6, 0] / 0.5, positive 0; row 1: [0, 0.8, -1] / 0.5, positive 1.
  const l0 = lse([2, 1.2, 0]) - 2;
  const l1 = lse([0, 1.6, -2]) - 1.6;
  close(value(globalInfoNce(fg, cg, bank, 0.5)), (l0 + l1) / 2);
  // Without a bank the other image of the batch is still a negative.
  close(value(globalInfoNce(fg, cg, null, 0.5)), ((lse([2, 1.2]) - 2) + (lse([0, 1.6]) - 1.6)) / 2);
  tf.dispose([fg, cg, bank]);
});

Deno.test("GlobalDistillation with mean aggregation and InfoNCE matches the hand computation", () => {
  // Means [1, 0] and [0, 2] normalise to the fg rows of the test above.
  const f = tf.tensor3d([[[2, 0], [0, 0]], [[0, 1], [0, 3]]]);
  const cg = tf.tensor2d([[1, 0], [0.6, 0.8]]);
  const g = new GlobalDistillation({
    aggregation: "mean",
    loss: "infonce",
    temperature: 0.5,
    dim: 2,
  });
  close(value(g.loss(f, cg, null)), ((lse([2, 1.2]) - 2) + (lse([0, 1.6]) - 1.6)) / 2);
  tf.dispose([f, cg]);
  g.dispose();
});

Deno.test("aggregate() attention weighs positions by softmax(C_g^T F / sqrt(D))", () => {
  const f = tf.tensor3d([[[4, 0], [0, 2], [1, 1]]]);
  const cg = tf.tensor2d([[1, 0]]);
  const s = [4, 0, 1].map((x) => x / Math.SQRT2);
  const z = s.reduce((a, x) => a + Math.exp(x), 0);
  const w = s.map((x) => Math.exp(x) / z);
  const expected = [4 * w[0]! + w[2]!, 2 * w[1]! + w[2]!];
  const got = aggregate(f, cg, "attention");
  const v = got.dataSync();
  close(v[0]!, expected[0]!);
  close(v[1]!, expected[1]!);
  tf.dispose([f, cg, got]);
});

Deno.test("aggregate() mean, max and attention give different global features", () => {
  const f = tf.tensor3d([[[4, 0], [0, 2], [1, 1]]]);
  const cg = tf.tensor2d([[0, 1]]);
  const out = (["mean", "max", "attention"] as const).map((how) => {
    const t = aggregate(f, cg, how);
    const v = Array.from(t.dataSync());
    t.dispose();
    return v;
  });
  assert.deepEqual(out[0], [Math.fround(5 / 3), 1]);
  assert.deepEqual(out[1], [4, 2]);
  assert.notDeepEqual(out[2], out[0]);
  assert.notDeepEqual(out[2], out[1]);
  tf.dispose([f, cg]);
});

Deno.test("GlobalDistillation loss types compute different losses; cosine is 1 - cos by hand", () => {
  const f = tf.tensor3d([[[2, 1], [0, 1]], [[1, 3], [1, 1]]]);
  const cg = tf.tensor2d([[0.6, 0.8], [1, 0]]);
  const losses = (["infonce", "cosine", "l2", "residual"] as const).map((loss) => {
    const g = new GlobalDistillation({ aggregation: "mean", loss, temperature: 0.07, dim: 2 });
    const v = value(g.loss(f, cg, null));
    g.dispose();
    return v;
  });
  assert.equal(new Set(losses).size, 4);
  // Means [1, 1] and [1, 2].
  const cos0 = (0.6 + 0.8) / Math.SQRT2, cos1 = 1 / Math.sqrt(5);
  close(losses[1]!, ((1 - cos0) + (1 - cos1)) / 2);
  // l2 on the raw mean: |[0.4, 0.2]|^2 and |[0, 2]|^2.
  close(losses[2]!, (0.2 + 4) / 2);
  tf.dispose([f, cg]);
});

Deno.test("GlobalDistillation owns a residual projector only for the residual loss", () => {
  const a = new GlobalDistillation({
    aggregation: "mean",
    loss: "residual",
    temperature: 1,
    dim: 4,
  });
  const b = new GlobalDistillation({ aggregation: "mean", loss: "cosine", temperature: 1, dim: 4 });
  assert.equal(a.variables.length, 4);
  assert.equal(b.variables.length, 0);
  a.dispose();
  b.dispose();
});

Deno.test("maskedAveragePool() averages features inside each region (Eq. 5)", () => {
  const f = tf.tensor3d([[[1, 10], [3, 30], [5, 50], [7, 70]]]);
  const masks = tf.tensor3d([[[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 0]]]);
  const { pooled, counts } = maskedAveragePool(f, masks);
  assert.deepEqual(Array.from(pooled.dataSync()), [2, 20, 5, 50, 0, 0]);
  assert.deepEqual(Array.from(counts.dataSync()), [2, 1, 0]);
  tf.dispose([f, masks, pooled, counts]);
});

Deno.test("localInfoNce() contrasts each region with the valid local tokens of its own image (Eq. 6)", () => {
  const fl = tf.tensor3d([[[1, 0], [0, 1], [1, 0]]]);
  const cl = tf.tensor3d([[[1, 0], [0.6, 0.8], [0, 1]]]);
  // Slot 2 is invalid: neither a query nor a candidate.
  const valid = tf.tensor2d([[1, 1, 0]]);
  const l0 = lse([1, 0.6]) - 1, l1 = lse([0, 0.8]) - 0.8;
  close(value(localInfoNce(fl, cl, valid, 1)), (l0 + l1) / 2);
  // A single valid slot has only its positive: loss 0.
  const one = tf.tensor2d([[1, 0, 0]]);
  close(value(localInfoNce(fl, cl, one, 1)), 0);
  tf.dispose([fl, cl, valid, one]);
});

Deno.test("pixelLoss() sums focal, dice and cross-entropy over labelled positions only (Eq. 7)", () => {
  const logits = tf.tensor3d([[[2, 0], [0, 5]]]);
  // Position 1 is unlabelled.
  const target = tf.tensor3d([[[1, 0], [0, 0]]]);
  const valid = tf.tensor2d([[1, 1]]);
  const p = 1 / (1 + Math.exp(-2));
  const ce = -Math.log(p);
  const focal = (1 - p) ** 2 * ce;
  const dice0 = 1 - (2 * p + 1) / (p + 1 + 1);
  const dice1 = 1 - 1 / ((1 - p) + 1);
  const dice = (dice0 + dice1) / 2;
  const terms = pixelLoss(logits, target, valid, {
    alpha: 1,
    beta: 1,
    focal: 1,
    dice: 1,
    ce: 1,
    focalGamma: 2,
  });
  close(value(terms.ce), ce);
  close(value(terms.focal), focal);
  close(value(terms.dice), dice);
  close(value(terms.total), ce + focal + dice);
  close(value(seenCrossEntropy(logits, target, 0.5)), 0.5 * ce);
  tf.dispose([logits, target, valid]);
});

Deno.test("classLogits() adds X_u only with latent embeddings and masks absent latent slots", () => {
  const fn = tf.tensor3d([[[1, 0], [0, 1]]]);
  const text = tf.tensor2d([[1, 0]]);
  const seenOnly = classLogits(fn, text, 10);
  assert.deepEqual(seenOnly.shape, [1, 2, 1]);
  assert.deepEqual(Array.from(seenOnly.dataSync()), [10, 0]);
  const embeddings = tf.tensor3d([[[0, 1], [1, 0]]]);
  const valid = tf.tensor2d([[1, 0]]);
  const both = classLogits(fn, text, 10, { embeddings, valid, beta: 2 });
  assert.deepEqual(both.shape, [1, 2, 3]);
  assert.deepEqual(Array.from(both.dataSync()), [10, 0, 2 - 1e4, 0, 2, -1e4]);
  tf.dispose([fn, text, seenOnly, embeddings, valid, both]);
});

Deno.test("classLogits() scores X_s on the raw features when given them, X_u stays a cosine", () => {
  const raw = tf.tensor3d([[[3, 0], [0, 2]]]);
  const fn = tf.tensor3d([[[1, 0], [0, 1]]]);
  const text = tf.tensor2d([[1, 0]]);
  const embeddings = tf.tensor3d([[[1, 0]]]);
  const valid = tf.tensor2d([[1]]);
  const x = classLogits(fn, text, 10, { embeddings, valid, beta: 2 }, raw);
  assert.deepEqual(Array.from(x.dataSync()), [30, 2, 0, 0]);
  tf.dispose([raw, fn, text, embeddings, valid, x]);
});

Deno.test("matMul2d() has the value and gradients of tf.matMul", () => {
  const a = tf.randomNormal([5, 3], 0, 1, "float32", 1) as tf.Tensor2D;
  const b = tf.randomNormal([3, 4], 0, 1, "float32", 2) as tf.Tensor2D;
  const w = tf.randomNormal([5, 4], 0, 1, "float32", 3);
  const ours = tf.grads((x, y) => tf.sum(tf.mul(matMul2d(x as tf.Tensor2D, y as tf.Tensor2D), w)));
  const ref = tf.grads((x, y) => tf.sum(tf.mul(tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D), w)));
  const [ga, gb] = ours([a, b]), [ra, rb] = ref([a, b]);
  const diff = (x: tf.Tensor, y: tf.Tensor) => value(tf.max(tf.abs(tf.sub(x, y))));
  assert.ok(diff(ga!, ra!) < 1e-5 && diff(gb!, rb!) < 1e-5);
  const va = matMul2d(a, b), vb = tf.matMul(a, b);
  assert.ok(diff(va, vb) < 1e-5);
  tf.dispose([a, b, w, ga!, gb!, ra!, rb!, va, vb]);
});

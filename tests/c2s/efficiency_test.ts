import * as tf from "@tensorflow/tfjs-core";
import { assert, assertRejects } from "../../lib/_std.ts";
import { type C2SConfig, DEFAULT_CONFIG } from "../../lib/c2s/config.ts";
import {
  efficiencyMessages,
  efficiencyRows,
  kernelMacs,
  measureEfficiency,
  median,
} from "../../lib/c2s/efficiency.ts";
import { Student } from "../../lib/c2s/student.ts";
import { initBackend } from "../../lib/tf/backend.ts";

await initBackend("wasm");

/** A student of base width 2 (the sizes are what the tests check; the weights do not matter). */
function tinyConfig(): C2SConfig {
  const config = structuredClone(DEFAULT_CONFIG) as C2SConfig;
  config.student.width = 2;
  return config;
}

const TINY = { dim: 8, classes: 3, height: 16, width: 16, warmup: 1, repeats: 2 } as const;

Deno.test("measureEfficiency() counts exactly the student's trainable variables", async () => {
  const m = await measureEfficiency(tinyConfig(), TINY);
  const student = new Student({ width: 2, dim: 8 });
  const expected = student.variables.reduce((n, v) => n + v.size, 0);
  student.dispose();
  assert.equal(m.parameters, expected);
  assert.ok(m.parameters > 0);
  const rows = efficiencyRows(m);
  assert.equal(rows.find((r) => r.metric === "params")?.value, expected);
  assert.equal(rows.find((r) => r.metric === "params_M")?.value, expected / 1e6);
});

Deno.test("measureEfficiency() reports 2 x the analytic MACs of the conv layers and the classifier as GFLOPs", async () => {
  const m = await measureEfficiency(tinyConfig(), TINY);
  const student = new Student({ width: 2, dim: 8 });
  // The student's convolutions (its own shape-based count) plus the classifier: one D-dot per
  // class at each of the (H/4) x (W/4) feature cells.
  const analytic = student.macsPerImage(16, 16) + (16 / 4) * (16 / 4) * 8 * 3;
  student.dispose();
  assert.equal(m.macsPerImage, analytic);
  assert.ok(m.gflopsPerImage > 0);
  assert.equal(m.gflopsPerImage, (2 * analytic) / 1e9);
  assert.equal(efficiencyRows(m).find((r) => r.metric === "GFLOPs")?.value, (2 * analytic) / 1e9);
});

Deno.test("measureEfficiency() times every batch size and names the rows as Table III's columns", async () => {
  const m = await measureEfficiency(tinyConfig(), { ...TINY, batchSizes: [1, 4] });
  assert.deepEqual(m.throughput.map((t) => t.batch), [1, 4]);
  for (const t of m.throughput) {
    assert.ok(Number.isFinite(t.fps) && t.fps > 0, `fps ${t.fps}`);
    assert.equal(t.fps, (1000 * t.batch) / t.medianMs);
  }
  assert.equal(m.backend, "wasm");
  const rows = efficiencyRows(m);
  assert.deepEqual(rows.map((r) => r.metric), [
    "params_M",
    "GFLOPs",
    "FPS",
    "params",
    "MMACs",
    "FPS_batch1",
    "ms_batch1",
    "FPS_batch4",
    "ms_batch4",
  ]);
  assert.ok(rows.every((r) => r.split === "eval" && Number.isFinite(r.value)));
  assert.equal(rows.find((r) => r.metric === "FPS")?.value, m.throughput[0]!.fps);
});

Deno.test("measureEfficiency() leaves no tensors behind", async () => {
  await measureEfficiency(tinyConfig(), TINY); // first call: backend-side constants
  const before = tf.memory().numTensors;
  await measureEfficiency(tinyConfig(), TINY);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("measureEfficiency() rejects bad batch sizes, counts and architectures", async () => {
  await assertRejects(
    () => measureEfficiency(tinyConfig(), { ...TINY, batchSizes: [] }),
    RangeError,
    efficiencyMessages.badBatches([]),
  );
  await assertRejects(
    () => measureEfficiency(tinyConfig(), { ...TINY, repeats: 0 }),
    RangeError,
    efficiencyMessages.badCount("repeats", 0),
  );
  const config = tinyConfig();
  (config.student as { arch: string }).arch = "vit";
  await assertRejects(
    () => measureEfficiency(config, TINY),
    RangeError,
    efficiencyMessages.unsupportedArch("vit"),
  );
});

Deno.test("kernelMacs() counts convolutions, depthwise convolutions and matrix products from their shapes", () => {
  const k = (name: string, inputs: number[][], out: number[]) =>
    kernelMacs({ name, inputShapes: inputs, outputShapes: [out] });
  // 3x3 conv 1 -> 16 channels at stride 2: 32 x 32 x 16 outputs, 9 x 1 MACs each.
  assert.equal(k("Conv2D", [[1, 64, 64, 1], [3, 3, 1, 16]], [1, 32, 32, 16]), 32 * 32 * 16 * 9);
  // Batch 2 doubles it.
  assert.equal(k("Conv2D", [[2, 64, 64, 1], [3, 3, 1, 16]], [2, 32, 32, 16]), 2 * 32 * 32 * 16 * 9);
  // Depthwise 3x3 over 8 channels, multiplier 1: one 9-tap filter per output.
  assert.equal(
    k("DepthwiseConv2dNative", [[1, 8, 8, 8], [3, 3, 8, 1]], [1, 8, 8, 8]),
    8 * 8 * 8 * 9,
  );
  // [1, 256, 64] x [1, 10, 64]^T -> [1, 256, 10]: 64 MACs per output, either operand order.
  assert.equal(k("BatchMatMul", [[1, 256, 64], [1, 10, 64]], [1, 256, 10]), 256 * 10 * 64);
  assert.equal(k("BatchMatMul", [[1, 64, 256], [1, 64, 10]], [1, 256, 10]), 256 * 10 * 64);
  // Everything else is not counted.
  assert.equal(k("Relu", [[1, 8, 8, 8]], [1, 8, 8, 8]), 0);
  assert.equal(k("FusedBatchNorm", [[1, 8, 8, 8], [8], [8]], [1, 8, 8, 8]), 0);
});

Deno.test("median() takes the middle value, or the mean of the two middle values", () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
});

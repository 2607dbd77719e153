import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../../lib/_std.ts";
import { createRng } from "../../lib/data/rng.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { POOL_RESIZE_BACKENDS } from "../../lib/tf/pool_resize_gradients.ts";
import { assertNoLeaks } from "./_leaks.ts";

function random(shape: number[], seed: number): tf.Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => rng() - 0.5), shape);
}

/**
 * The adjoint test: for f linear (or positively homogeneous, like max pooling) the gradient g of
 * <f(x), w> satisfies <x, g> = <f(x), w>. Returns the relative mismatch.
 */
function adjointMismatch(f: (x: tf.Tensor) => tf.Tensor, xShape: number[]): number {
  return tf.tidy(() => {
    const x = random(xShape, 1);
    const w = random(f(x).shape, 7);
    const lhs = tf.sum(tf.mul(f(x), w)).dataSync()[0]!;
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v), w)))(x);
    const rhs = tf.sum(tf.mul(x, g)).dataSync()[0]!;
    return Math.abs(lhs - rhs) / Math.abs(lhs);
  });
}

const ops: [string, (x: tf.Tensor) => tf.Tensor][] = [
  ["maxPool 2x2 stride 2 valid", (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, "valid")],
  ["maxPool 3x3 stride 2 same", (x) => tf.maxPool(x as tf.Tensor4D, 3, 2, "same")],
  ["maxPool 3x3 stride 1 same", (x) => tf.maxPool(x as tf.Tensor4D, 3, 1, "same")],
  ["avgPool 2x2 stride 2 valid", (x) => tf.avgPool(x as tf.Tensor4D, 2, 2, "valid")],
  ["avgPool 3x3 stride 2 same", (x) => tf.avgPool(x as tf.Tensor4D, 3, 2, "same")],
  ["avgPool 3x3 stride 1 same", (x) => tf.avgPool(x as tf.Tensor4D, 3, 1, "same")],
  ["avgPool 8x8 (global, per-channel means)", (x) => tf.avgPool(x as tf.Tensor4D, 8, 1, "valid")],
  ["avgPool 8x8 stride 8 same (global)", (x) => tf.avgPool(x as tf.Tensor4D, 8, 8, "same")],
];
for (
  const [size, alignCorners, halfPixelCenters] of [
    [16, false, false],
    [16, true, false],
    [16, false, true],
    [12, false, true],
    [5, false, false],
    [5, true, false],
    [5, false, true],
  ] as const
) {
  const label =
    `${size}x${size}, alignCorners ${alignCorners}, halfPixelCenters ${halfPixelCenters}`;
  ops.push([
    `resizeBilinear 8x8 -> ${label}`,
    (x) => tf.image.resizeBilinear(x as tf.Tensor4D, [size, size], alignCorners, halfPixelCenters),
  ]);
  ops.push([
    `resizeNearestNeighbor 8x8 -> ${label}`,
    (x) =>
      tf.image.resizeNearestNeighbor(
        x as tf.Tensor4D,
        [size, size],
        alignCorners,
        halfPixelCenters,
      ),
  ]);
}

for (const backend of POOL_RESIZE_BACKENDS) {
  for (const [label, f] of ops) {
    Deno.test(`${label} on ${backend}: the gradient is the adjoint of the forward pass`, async () => {
      await initBackend(backend);
      const mismatch = adjointMismatch(f, [2, 8, 8, 3]);
      assert.ok(mismatch < 1e-5, `<x, grad> differs from <f(x), w> by ${mismatch}`);
    });
  }
}

Deno.test("maxPool on wasm passes the gradient of an all-negative window to its maximum", async () => {
  await initBackend("wasm");
  const x = tf.tensor4d([-4, -1, -3, -2, 5, 6, 7, 8], [2, 2, 2, 1]);
  const g = tf.grad((v: tf.Tensor) =>
    tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, 2, 2, "valid"), tf.tensor4d([10, 20], [2, 1, 1, 1])))
  )(x);
  assert.deepEqual(Array.from(g.dataSync()), [0, 10, 0, 0, 0, 0, 0, 20]);
  tf.dispose([x, g]);
});

Deno.test("avgPool with same padding divides border gradients by the in-bounds pixel count", async () => {
  for (const backend of POOL_RESIZE_BACKENDS) {
    await initBackend(backend);
    // 2x2 input, 3x3 window, stride 2, same: one output averaging the 4 in-bounds pixels.
    const x = tf.ones([1, 2, 2, 1]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.avgPool(v as tf.Tensor4D, 3, 2, "same")))(x);
    assert.deepEqual(Array.from(g.dataSync()), [0.25, 0.25, 0.25, 0.25], backend);
    tf.dispose([x, g]);
  }
});

Deno.test("a pooling gradient kernel leaks no tensors and no backend buffers", async () => {
  await initBackend("wasm");
  const x = random([2, 8, 8, 3], 3);
  assertNoLeaks(() => {
    const g = tf.grad((v: tf.Tensor) =>
      tf.sum(tf.image.resizeBilinear(tf.maxPool(v as tf.Tensor4D, 2, 2, "same"), [8, 8]))
    )(x);
    g.dispose();
  });
  x.dispose();
});

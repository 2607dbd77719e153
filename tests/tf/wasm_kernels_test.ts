import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../../lib/_std.ts";
import { createRng } from "../../lib/data/rng.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { wasmKernels } from "../../lib/tf/wasm_kernels.ts";
import { assertNoLeaks } from "./_leaks.ts";

function values(shape: number[], seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng() - 0.5);
}

/** `f` of fixed random inputs on `backend`: the result's values and shape. */
async function on(
  backend: "wasm" | "cpu",
  shapes: number[][],
  f: (...xs: tf.Tensor[]) => tf.Tensor,
): Promise<{ data: Float32Array; shape: number[] }> {
  await initBackend(backend);
  const xs = shapes.map((s, i) => tf.tensor(values(s, i + 1), s));
  const y = f(...xs);
  const out = { data: (await y.data()) as Float32Array, shape: y.shape };
  tf.dispose([...xs, y]);
  return out;
}

/** `f` on wasm matches `f` on cpu: same shape, max error <= 1e-5 of the largest value. */
async function assertMatchesCpu(shapes: number[][], f: (...xs: tf.Tensor[]) => tf.Tensor) {
  const wasm = await on("wasm", shapes, f);
  const cpu = await on("cpu", shapes, f);
  assert.deepEqual(wasm.shape, cpu.shape);
  let err = 0, scale = 0;
  cpu.data.forEach((v, i) => {
    err = Math.max(err, Math.abs(wasm.data[i]! - v));
    scale = Math.max(scale, Math.abs(v));
  });
  assert.ok(err <= 1e-5 * scale, `off by ${err} at scale ${scale}`);
}

const matMuls: [string, number[], number[], boolean, boolean][] = [
  ["[300, 40]^T x [300, 20]", [300, 40], [300, 20], true, false],
  ["[300, 40] x [20, 40]^T", [300, 40], [20, 40], false, true],
  ["[40, 300]^T x [20, 40]^T", [40, 300], [20, 40], true, true],
  ["batched [3, 50, 40]^T x [3, 50, 30]", [3, 50, 40], [3, 50, 30], true, false],
  ["broadcast batch [2, 64, 40] x [30, 40]^T", [2, 64, 40], [30, 40], false, true],
  ["small [3, 4]^T x [3, 5] (tfjs's kernel)", [3, 4], [3, 5], true, false],
  ["untransposed [200, 30] x [30, 20]", [200, 30], [30, 20], false, false],
];
for (const [label, a, b, ta, tb] of matMuls) {
  Deno.test(`matMul on wasm matches cpu: ${label}`, async () => {
    await assertMatchesCpu([a, b], (x, y) => tf.matMul(x!, y!, ta, tb));
  });
}

Deno.test("matMul gradients on wasm match cpu (they ask for transposed products)", async () => {
  await assertMatchesCpu([[120, 30], [30, 40]], (x, y) => {
    const [dx, dy] = tf.grads((p: tf.Tensor, q: tf.Tensor) =>
      tf.sum(tf.mul(tf.matMul(p, q), tf.sin(tf.reshape(tf.range(0, 4800), [120, 40]))))
    )([x!, y!]);
    return tf.concat([tf.reshape(dx!, [-1]), tf.reshape(dy!, [-1])]);
  });
});

const reductions: [string, number[], (x: tf.Tensor) => tf.Tensor][] = [
  ["sum over N, H, W of NHWC", [6, 8, 8, 5], (x) => tf.sum(x, [0, 1, 2])],
  ["sum over N, H, W, keepDims", [6, 8, 8, 5], (x) => tf.sum(x, [0, 1, 2], true)],
  ["sum over rows of a matrix", [600, 7], (x) => tf.sum(x, 0)],
  ["sum over leading axes given as [1, 0]", [12, 10, 3], (x) => tf.sum(x, [1, 0])],
  ["sum over a prime number of rows (tfjs's kernel)", [13, 4], (x) => tf.sum(x, 0)],
  ["sum over the last axis (tfjs's kernel)", [6, 8, 5], (x) => tf.sum(x, -1)],
  ["sum over a middle axis (tfjs's kernel)", [6, 8, 5], (x) => tf.sum(x, 1)],
  ["sum of everything (tfjs's kernel)", [6, 8, 5], (x) => tf.sum(x)],
  ["mean over N, H, W", [6, 8, 8, 5], (x) => tf.mean(x, [0, 1, 2])],
  ["mean over rows, keepDims", [600, 7], (x) => tf.mean(x, 0, true)],
  ["moments over N, H, W", [4, 6, 6, 3], (x) => tf.moments(x, [0, 1, 2]).variance],
  [
    "sum of int32 over rows (tfjs's kernel)",
    [6, 4],
    (x) => tf.cast(tf.sum(tf.cast(x, "int32"), 0), "float32"),
  ],
];
for (const [label, shape, f] of reductions) {
  Deno.test(`reduction on wasm matches cpu: ${label}`, async () => {
    await assertMatchesCpu([shape], (x) => f(tf.mul(x!, 10)));
  });
}

Deno.test("clone() and cast() to the same dtype share the data on wasm: no copy, no leak", async () => {
  await initBackend("wasm");
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const x = tf.tensor2d([[1.5, -2], [3, 4.25]]);
  const bytes = tf.memory().numBytes;
  const buffers = backend.numDataIds();
  const copy = tf.clone(x);
  const same = tf.cast(x, "float32");
  assert.equal(backend.numDataIds(), buffers);
  x.dispose();
  assert.deepEqual(Array.from(copy.dataSync()), [1.5, -2, 3, 4.25]);
  assert.deepEqual(Array.from(same.dataSync()), [1.5, -2, 3, 4.25]);
  const ints = tf.cast(copy, "int32");
  assert.equal(ints.dtype, "int32");
  assert.deepEqual(Array.from(ints.dataSync()), [1, -2, 3, 4]);
  tf.dispose([copy, same, ints]);
  assert.ok(tf.memory().numBytes < bytes);
  assert.equal(backend.numDataIds(), buffers - 1);
});

Deno.test("a variable keeps its value when the tensor it was cloned from is disposed", async () => {
  await initBackend("wasm");
  const x = tf.tensor1d([1, 2, 3]);
  const v = tf.variable(tf.clone(x));
  x.dispose();
  v.assign(tf.add(v, 1));
  assert.deepEqual(Array.from(v.dataSync()), [2, 3, 4]);
  v.dispose();
});

Deno.test("the kernels leak no tensors and no backend buffers around a gradient", async () => {
  await initBackend("wasm");
  const a = tf.tensor(values([96, 32], 1), [96, 32]);
  const b = tf.tensor(values([32, 24], 2), [32, 24]);
  assertNoLeaks(() => {
    const gs = tf.grads((p: tf.Tensor, q: tf.Tensor) =>
      tf.sum(tf.mean(tf.relu(tf.matMul(p, q)), 0))
    )([a, b]);
    tf.dispose(gs);
  });
  tf.dispose([a, b]);
});

Deno.test("initBackend('wasm') registers every kernel; unregistering puts tfjs's back", async () => {
  await initBackend("wasm");
  for (const [name, kernelFunc] of Object.entries(wasmKernels.kernels)) {
    assert.equal(tf.getKernel(name, "wasm")?.kernelFunc, kernelFunc, name);
  }
  wasmKernels.unregister();
  for (const [name, kernelFunc] of Object.entries(wasmKernels.kernels)) {
    const own = tf.getKernel(name, "wasm");
    assert.ok(own !== undefined && own.kernelFunc !== kernelFunc, name);
  }
  const check = tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([2, 4]), true).dataSync()[0]);
  assert.equal(check, 2);
  assert.deepEqual(wasmKernels.register(), Object.keys(wasmKernels.kernels));
  assert.equal(tf.getKernel("BatchMatMul", "wasm")?.kernelFunc, wasmKernels.kernels["BatchMatMul"]);
});

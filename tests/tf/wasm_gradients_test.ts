import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../../lib/_std.ts";
import { createRng } from "../../lib/data/rng.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { messages } from "../../lib/tf/messages.ts";
import {
  conv2dBackpropFilter,
  conv2dBackpropInput,
  registerWasmGradients,
  WASM_GRADIENT_KERNELS,
} from "../../lib/tf/wasm_gradients.ts";
import { assertNoLeaks } from "./_leaks.ts";

type Pad = "same" | "valid" | number | [[0, 0], [number, number], [number, number], [0, 0]];
type Stride = number | [number, number];

function random(shape: number[], seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng() - 0.5);
}

/** max |a - b| / max |b|: the gradient's error relative to its scale. */
function relativeError(actual: Float32Array, expected: Float32Array): number {
  assert.equal(actual.length, expected.length);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    err = Math.max(err, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  assert.ok(scale > 0, "the reference gradient is all zeros");
  return err / scale;
}

/** Gradients of sum(op(x, w) * fixed weights) w.r.t. x and w, computed on `backend`. */
async function gradients(
  backend: "wasm" | "cpu",
  xShape: number[],
  wShape: number[],
  op: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D,
): Promise<[Float32Array, Float32Array]> {
  await initBackend(backend);
  const x = tf.tensor4d(random(xShape, 1), xShape as [number, number, number, number]);
  const w = tf.tensor4d(random(wShape, 2), wShape as [number, number, number, number]);
  const loss = (a: tf.Tensor, b: tf.Tensor) => {
    const y = op(a as tf.Tensor4D, b as tf.Tensor4D);
    const weights = tf.sin(tf.reshape(tf.range(0, y.size), y.shape));
    return tf.sum(tf.mul(y, weights));
  };
  const [dx, dw] = tf.grads(loss)([x, w]);
  const out: [Float32Array, Float32Array] = [
    (await dx!.data()) as Float32Array,
    (await dw!.data()) as Float32Array,
  ];
  tf.dispose([x, w, dx!, dw!]);
  return out;
}

async function assertMatchesCpu(
  xShape: number[],
  wShape: number[],
  op: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D,
): Promise<void> {
  const [dxWasm, dwWasm] = await gradients("wasm", xShape, wShape, op);
  const [dxCpu, dwCpu] = await gradients("cpu", xShape, wShape, op);
  const dxErr = relativeError(dxWasm, dxCpu);
  const dwErr = relativeError(dwWasm, dwCpu);
  assert.ok(dxErr < 1e-4, `input gradient off by ${dxErr}`);
  assert.ok(dwErr < 1e-4, `filter gradient off by ${dwErr}`);
}

const convCases: [string, number[], number[], Stride, Pad][] = [
  ["3x3 stride 1 same", [2, 5, 7, 3], [3, 3, 3, 4], 1, "same"],
  ["3x3 stride 1 valid", [3, 6, 5, 2], [3, 3, 2, 5], 1, "valid"],
  ["3x3 stride 2 same, odd size", [2, 7, 9, 3], [3, 3, 3, 4], 2, "same"],
  ["3x3 stride 2 same, even size", [2, 8, 6, 3], [3, 3, 3, 4], 2, "same"],
  ["3x3 stride 2 valid, odd size", [2, 9, 7, 3], [3, 3, 3, 4], 2, "valid"],
  ["3x3 stride 2 valid, even size (unused last row)", [2, 8, 8, 2], [3, 3, 2, 3], 2, "valid"],
  ["1x1 stride 1", [2, 5, 5, 3], [1, 1, 3, 4], 1, "valid"],
  ["1x1 stride 2 same", [2, 6, 7, 3], [1, 1, 3, 4], 2, "same"],
  ["1x1 stride 2 valid, odd size", [3, 5, 5, 2], [1, 1, 2, 3], 2, "valid"],
  ["3x3 stride 3", [2, 10, 9, 2], [3, 3, 2, 3], 3, "same"],
  ["5x3 strides [2, 1]", [2, 9, 8, 3], [5, 3, 3, 2], [2, 1], "same"],
  ["numeric pad 2, stride 2", [2, 8, 9, 3], [3, 3, 3, 4], 2, 2],
  ["explicit asymmetric pads", [2, 8, 9, 3], [3, 3, 3, 4], 1, [[0, 0], [2, 0], [0, 1], [0, 0]]],
];

for (const [label, xShape, wShape, stride, pad] of convCases) {
  Deno.test(`conv2d gradients on wasm match cpu: ${label}`, async () => {
    await assertMatchesCpu(xShape, wShape, (x, w) => tf.conv2d(x, w, stride, pad));
  });
}

Deno.test("conv2d gradients on wasm match cpu at the conv tower's stride-2 width (32x32, 16->32)", async () => {
  await assertMatchesCpu([4, 32, 32, 16], [3, 3, 16, 32], (x, w) => tf.conv2d(x, w, 2, "same"));
});

Deno.test("conv2dTranspose gradients on wasm match cpu (its filter gradient is Conv2DBackpropFilter)", async () => {
  await assertMatchesCpu(
    [2, 5, 6, 4],
    [3, 3, 3, 4],
    (x, w) => tf.conv2dTranspose(x, w, [2, 10, 12, 3], 2, "same"),
  );
});

const depthwiseCases: [string, number[], number[], Stride, Pad][] = [
  ["3x3 stride 1 same", [2, 7, 6, 3], [3, 3, 3, 1], 1, "same"],
  ["3x3 stride 2 same, multiplier 2", [2, 7, 6, 3], [3, 3, 3, 2], 2, "same"],
  ["3x3 stride 2 valid", [2, 8, 7, 2], [3, 3, 2, 1], 2, "valid"],
];

for (const [label, xShape, wShape, stride, pad] of depthwiseCases) {
  Deno.test(`depthwiseConv2d gradients on wasm match cpu: ${label}`, async () => {
    await assertMatchesCpu(
      xShape,
      wShape,
      (x, w) => tf.depthwiseConv2d(x, w, stride, pad as "same" | "valid"),
    );
  });
}

Deno.test("gather gradients on wasm match cpu (UnsortedSegmentSum, repeated and unused rows)", async () => {
  const run = async (backend: "wasm" | "cpu") => {
    await initBackend(backend);
    const table = tf.tensor2d(random([6, 5], 3), [6, 5]);
    const ids = tf.tensor1d([4, 0, 4, 2, 4, 1], "int32");
    const g = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.mul(tf.gather(t, ids), tf.reshape(tf.range(0, 30), [6, 5])))
    )(table);
    const out = (await g.data()) as Float32Array;
    tf.dispose([table, ids, g]);
    return out;
  };
  const wasm = await run("wasm");
  const cpu = await run("cpu");
  assert.deepEqual(Array.from(wasm), Array.from(cpu));
  assert.deepEqual(Array.from(wasm.slice(25, 30)), [0, 0, 0, 0, 0]);
});

Deno.test("initBackend('wasm') registers every fast gradient kernel and replaces tfjs's Conv2DBackpropInput", async () => {
  await initBackend("wasm");
  for (const [name, kernelFunc] of Object.entries(WASM_GRADIENT_KERNELS)) {
    assert.equal(tf.getKernel(name, "wasm")?.kernelFunc, kernelFunc, name);
  }
  assert.equal(tf.getKernel(tf.Conv2DBackpropInput, "wasm")?.kernelFunc, conv2dBackpropInput);
  assert.equal(tf.getKernel(tf.Conv2DBackpropFilter, "wasm")?.kernelFunc, conv2dBackpropFilter);
});

Deno.test("registerWasmGradients() is idempotent and logs no re-registration warning", () => {
  const warnings: unknown[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args);
  try {
    registerWasmGradients();
    registerWasmGradients();
  } finally {
    console.warn = original;
  }
  assert.deepEqual(warnings, []);
  assert.equal(tf.getKernel(tf.Conv2DBackpropFilter, "wasm")?.kernelFunc, conv2dBackpropFilter);
});

Deno.test("a conv2d gradient on wasm leaks no tensors and no backend buffers", async () => {
  await initBackend("wasm");
  const x = tf.tensor4d(random([3, 9, 9, 4], 4), [3, 9, 9, 4]);
  const w = tf.tensor4d(random([3, 3, 4, 6], 5), [3, 3, 4, 6]);
  assertNoLeaks(() => {
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, "same"))
    )([x, w]);
    tf.dispose([dx!, dw!]);
  }, 3);
  tf.dispose([x, w]);
});

Deno.test("a gradient kernel that throws midway frees its intermediates", async () => {
  await initBackend("wasm");
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const conv = tf.getKernel(tf.Conv2D, "wasm")!;
  const dy = tf.zeros([1, 4, 4, 2]);
  const filter = tf.zeros([3, 3, 3, 2]);
  const before = backend.numDataIds();
  // The packed filter exists by the time the inner Conv2D runs; make that call fail.
  tf.unregisterKernel(tf.Conv2D, "wasm");
  tf.registerKernel({
    kernelName: tf.Conv2D,
    backendName: "wasm",
    kernelFunc: () => {
      throw new Error("inner failure");
    },
  });
  try {
    assert.throws(
      () =>
        tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, {
          strides: 1,
          pad: "same",
          dataFormat: "NHWC",
          inputShape: [1, 4, 4, 3],
        }),
      new Error("inner failure"),
    );
  } finally {
    tf.unregisterKernel(tf.Conv2D, "wasm");
    tf.registerKernel(conv);
  }
  assert.equal(backend.numDataIds(), before);
  tf.dispose([dy, filter]);
});

/** A kernel call with a bad attribute or shape (inputs as shapes of zeros) and its error. */
interface Rejection {
  label: string;
  kernel: string;
  inputs: Record<string, number[]>;
  attrs: tf.NamedAttrMap;
  error: Error;
}

const nchw = (kernel: string, inputs: Record<string, number[]>, shape: tf.NamedAttrMap) => ({
  label: "NCHW with a RangeError naming the attribute",
  kernel,
  inputs,
  attrs: { strides: 1, pad: "same", dataFormat: "NCHW", ...shape },
  error: new RangeError(messages.unsupportedAttr(kernel, "dataFormat", "NCHW")),
});

const rejections: Rejection[] = [
  nchw(tf.Conv2DBackpropInput, { dy: [1, 2, 4, 4], filter: [3, 3, 3, 2] }, {
    inputShape: [1, 3, 4, 4],
  }),
  nchw(tf.Conv2DBackpropFilter, { x: [1, 2, 4, 4], dy: [1, 2, 4, 4] }, {
    filterShape: [3, 3, 2, 2],
  }),
  {
    label: "a dy whose shape does not fit x and the filter",
    kernel: tf.Conv2DBackpropFilter,
    inputs: { x: [2, 8, 8, 3], dy: [2, 8, 8, 5] },
    attrs: { strides: 2, pad: "same", dataFormat: "NHWC", filterShape: [3, 3, 3, 4] },
    error: new TypeError(
      messages.shapeMismatch("Conv2DBackpropFilter", "dy", [2, 8, 8, 5], [2, 4, 4, 4]),
    ),
  },
  {
    label: "dilations with a RangeError naming the attribute",
    kernel: tf.DepthwiseConv2dNativeBackpropFilter,
    inputs: { x: [1, 6, 6, 2], dy: [1, 2, 2, 2] },
    attrs: { strides: 1, dilations: 2, pad: "valid", filterShape: [3, 3, 2, 1] },
    error: new RangeError(
      messages.unsupportedAttr(tf.DepthwiseConv2dNativeBackpropFilter, "dilations", "2"),
    ),
  },
];
for (const { label, kernel, inputs, attrs, error } of rejections) {
  Deno.test(`${kernel} on wasm rejects ${label}`, async () => {
    await initBackend("wasm");
    const tensors: tf.NamedTensorMap = {};
    for (const [name, shape] of Object.entries(inputs)) tensors[name] = tf.zeros(shape);
    assert.throws(() => tf.engine().runKernel(kernel, tensors, attrs), error);
    tf.dispose(Object.values(tensors));
  });
}

Deno.test("conv2d gradients on wasm satisfy the adjoint identity <conv(x, w), dy> = <x, dx> = <w, dw>", async () => {
  await initBackend("wasm");
  for (const stride of [1, 2]) {
    tf.tidy(() => {
      const x = tf.tensor4d(random([3, 9, 8, 4], 11), [3, 9, 8, 4]);
      const w = tf.tensor4d(random([3, 3, 4, 5], 12), [3, 3, 4, 5]);
      const y = tf.conv2d(x, w, stride, "same");
      const dy = tf.tensor(random(y.shape, 13), y.shape);
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, "same"), dy))
      )([x, w]);
      const value = tf.sum(tf.mul(y, dy)).dataSync()[0]!;
      const viaX = tf.sum(tf.mul(x, dx!)).dataSync()[0]!;
      const viaW = tf.sum(tf.mul(w, dw!)).dataSync()[0]!;
      assert.ok(
        Math.abs(viaX - value) < 1e-4 * Math.abs(value),
        `stride ${stride}: ${viaX} vs ${value}`,
      );
      assert.ok(
        Math.abs(viaW - value) < 1e-4 * Math.abs(value),
        `stride ${stride}: ${viaW} vs ${value}`,
      );
    });
  }
});

Deno.test("a small conv net trains on wasm: the loss falls and the tensor count stays flat", async () => {
  await initBackend("wasm");
  const x = tf.tensor4d(random([8, 12, 12, 2], 21), [8, 12, 12, 2]);
  const target = tf.tensor4d(random([8, 6, 6, 3], 22), [8, 6, 6, 3]);
  const w1 = tf.variable(tf.mul(tf.tensor4d(random([3, 3, 2, 8], 23), [3, 3, 2, 8]), 0.5));
  const w2 = tf.variable(tf.mul(tf.tensor4d(random([1, 1, 8, 3], 24), [1, 1, 8, 3]), 0.5));
  const optimizer = tf.train.adam(0.01);
  const loss = () =>
    tf.tidy(() => {
      const h = tf.relu(tf.conv2d(x, w1 as tf.Variable<tf.Rank.R4>, 2, "same"));
      const y = tf.conv2d(h, w2 as tf.Variable<tf.Rank.R4>, 1, "same");
      return tf.mean(tf.square(tf.sub(y, target))) as tf.Scalar;
    });
  const first = optimizer.minimize(loss, true)!;
  const start = first.dataSync()[0]!;
  first.dispose();
  const tensors = tf.memory().numTensors;
  let last = start;
  for (let i = 0; i < 30; i++) {
    const value = optimizer.minimize(loss, true)!;
    last = value.dataSync()[0]!;
    value.dispose();
  }
  assert.equal(tf.memory().numTensors, tensors);
  assert.ok(last < 0.9 * start, `loss went from ${start} to ${last}`);
  optimizer.dispose();
  tf.dispose([x, target, w1, w2]);
});

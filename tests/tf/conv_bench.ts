/**
 * `deno task bench conv`: GFLOP/s of conv2d and its two gradients on the wasm backend, with tfjs's
 * own kernels ("tfjs") and with lib/tf/wasm_gradients.ts ("ours"), each also as a ratio to a
 * 1024^3 matMul timed in the same run (the machine is shared: compare ratios across runs).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { backendInfo, initBackend } from "../../lib/tf/backend.ts";
import { registerWasmGradients, unregisterWasmGradients } from "../../lib/tf/wasm_gradients.ts";

type Shape4 = [number, number, number, number];

interface Timing {
  medianMs: number;
  minMs: number;
}

function time(run: () => tf.Tensor, reps: number): Timing {
  for (let i = 0; i < 2; i++) run().dispose();
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const out = run();
    out.dataSync();
    ms.push(performance.now() - t0);
    out.dispose();
  }
  ms.sort((a, b) => a - b);
  return { medianMs: ms[Math.floor(reps / 2)]!, minMs: ms[0]! };
}

const gflops = (flops: number, ms: number) => flops / ms / 1e6;

function row(label: string, flops: number, t: Timing | null, reference: number): string {
  if (t === null) return `  ${label.padEnd(34)} ${"missing (no kernel)".padStart(38)}`;
  const rate = gflops(flops, t.medianMs);
  return `  ${label.padEnd(34)} ${t.medianMs.toFixed(1).padStart(8)} ms (min ${
    t.minMs.toFixed(1).padStart(6)
  }) ${rate.toFixed(1).padStart(6)} GFLOP/s  ${(rate / reference).toFixed(2).padStart(5)}x matmul`;
}

/** Times one layer: forward, input gradient and filter gradient, tfjs's kernels then ours. */
function benchLayer(
  label: string,
  xShape: Shape4,
  filterShape: Shape4,
  stride: number,
  reference: number,
): void {
  const x = tf.randomNormal(xShape) as tf.Tensor4D;
  const filter = tf.randomNormal(filterShape) as tf.Tensor4D;
  const y = tf.conv2d(x, filter, stride, "same");
  const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
  const [kh, kw, cin] = filterShape;
  const flops = 2 * y.size * kh * kw * cin;
  const attrs = { strides: stride, pad: "same", dataFormat: "NHWC" };
  const inputGrad = () =>
    tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, {
      ...attrs,
      inputShape: xShape,
    }) as tf.Tensor;
  const filterGrad = () =>
    tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
      ...attrs,
      filterShape,
    }) as tf.Tensor;
  console.log(`${label}: ${(flops / 1e6).toFixed(0)} MFLOP per pass`);
  console.log(
    row("conv2d forward", flops, time(() => tf.conv2d(x, filter, stride, "same"), 9), reference),
  );
  unregisterWasmGradients();
  try {
    console.log(row("input gradient, tfjs", flops, time(inputGrad, 3), reference));
    const hasFilterGrad = tf.getKernel(tf.Conv2DBackpropFilter, "wasm") !== undefined;
    console.log(
      row("filter gradient, tfjs", flops, hasFilterGrad ? time(filterGrad, 3) : null, reference),
    );
  } finally {
    registerWasmGradients();
  }
  console.log(row("input gradient, ours", flops, time(inputGrad, 9), reference));
  console.log(row("filter gradient, ours", flops, time(filterGrad, 9), reference));
  tf.dispose([x, filter, y, dy]);
}

/** The conv layers of DESIGN.md's CLIP-ResNet-style teacher tower: [label, x, filter, stride, count]. */
const TOWER: [string, Shape4, Shape4, number, number][] = [
  ["stem 64x64 1->8 stride 2", [96, 64, 64, 1], [3, 3, 1, 8], 2, 1],
  ["32x32 8->16", [96, 32, 32, 8], [3, 3, 8, 16], 1, 1],
  ["block 32x32 16->16", [96, 32, 32, 16], [3, 3, 16, 16], 1, 2],
  ["32x32 -> 16x16 16->32 stride 2", [96, 32, 32, 16], [3, 3, 16, 32], 2, 1],
  ["blocks 16x16 32->32", [96, 16, 16, 32], [3, 3, 32, 32], 1, 6],
];

/** Conv time of one 96-image training step of that tower (the stem needs no input gradient). */
function benchTower(): void {
  console.log("CLIP-ResNet-style tower (DESIGN.md), 3x3 convs of one 96-image step, ours:");
  const total = { forward: 0, input: 0, filter: 0, flops: 0 };
  for (const [label, xShape, filterShape, stride, count] of TOWER) {
    const x = tf.randomNormal(xShape) as tf.Tensor4D;
    const filter = tf.randomNormal(filterShape) as tf.Tensor4D;
    const y = tf.conv2d(x, filter, stride, "same");
    const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
    const attrs = { strides: stride, pad: "same", dataFormat: "NHWC" };
    const forward = time(() => tf.conv2d(x, filter, stride, "same"), 5).medianMs;
    const input = label.startsWith("stem") ? 0 : time(
      () =>
        tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, {
          ...attrs,
          inputShape: xShape,
        }) as tf.Tensor,
      5,
    ).medianMs;
    const grad = time(
      () =>
        tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
          ...attrs,
          filterShape,
        }) as tf.Tensor,
      5,
    ).medianMs;
    const flops = 2 * y.size * filterShape[0] * filterShape[1] * filterShape[2];
    console.log(
      `  ${label.padEnd(32)} x${count}  forward ${forward.toFixed(1).padStart(6)} ms  input grad ${
        input.toFixed(1).padStart(6)
      } ms  filter grad ${grad.toFixed(1).padStart(6)} ms`,
    );
    total.forward += forward * count;
    total.input += input * count;
    total.filter += grad * count;
    total.flops += flops * count * (label.startsWith("stem") ? 2 : 3);
    tf.dispose([x, filter, y, dy]);
  }
  const ms = total.forward + total.input + total.filter;
  console.log(
    `  total ${ms.toFixed(0)} ms (forward ${total.forward.toFixed(0)}, input grads ${
      total.input.toFixed(0)
    }, filter grads ${total.filter.toFixed(0)}), ${gflops(total.flops, ms).toFixed(1)} GFLOP/s`,
  );
}

/** Prints the figures. */
export async function bench(): Promise<void> {
  await initBackend("wasm");
  const info = backendInfo();
  console.log(
    `backend ${info.name}, ${info.threads} thread(s), tfjs ${info.versions["tfjs-core"]}`,
  );
  const a = tf.randomNormal([1024, 1024]);
  const b = tf.randomNormal([1024, 1024]);
  const matmulFlops = 2 * 1024 ** 3;
  const matmul = time(() => tf.matMul(a, b), 7);
  const reference = gflops(matmulFlops, matmul.medianMs);
  console.log(row("matMul 1024^3 (reference)", matmulFlops, matmul, reference));
  tf.dispose([a, b]);
  benchLayer("x=[96,16,16,32] 3x3 32->32 stride 1", [96, 16, 16, 32], [3, 3, 32, 32], 1, reference);
  benchLayer("x=[96,32,32,16] 3x3 16->32 stride 2", [96, 32, 32, 16], [3, 3, 16, 32], 2, reference);
  benchTower();
}

if (import.meta.main) await bench();

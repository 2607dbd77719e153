/**
 * Faster `wasm` kernels for the forward ops that tfjs's gradients lean on (DESIGN.md, "Convolution
 * gradients on wasm"). Each gives the result of the kernel it replaces (to float rounding) and
 * falls back to it outside the cases it speeds up. Measured on one core (tfjs 4.22, Deno 2.9):
 *
 * - `BatchMatMul` with `transposeA` or `transposeB`: tfjs's wasm kernel runs those in a reference
 *   loop, 5-25x slower than its XNNPACK path (`[24576, 32]^T x [24576, 64]`: 60 ms vs 7 ms;
 *   1024^3 with a transpose: 2 s vs 0.1 s). Every matMul gradient asks for one. Here the
 *   transposed operand is materialised by one `Transpose` and the product runs untransposed.
 * - `Sum` and `Mean` over leading axes (per-channel reductions of NHWC tensors, e.g. every
 *   broadcast bias or scale gradient): tfjs transposes the whole tensor to reduce its innermost
 *   axes (2-8 ms for 0.8-1.6M values); here they are one global average pool of the `[M, C]`
 *   values viewed as an image (0.4-1.1 ms). A product with a row of ones is no faster: XNNPACK
 *   re-packs the `[M, C]` operand on every call.
 * - `Identity` and `Cast` to the same dtype: tfjs's wasm kernels copy the data; the engine clones
 *   every tensor it saves for a gradient, so a training step copied hundreds of activations. Here
 *   they share the data (reference-counted, as `Reshape` already does); tensors are immutable.
 *
 * @module
 */
import {
  AvgPool,
  BatchMatMul,
  type BatchMatMulAttrs,
  Cast,
  type CastAttrs,
  Identity,
  type KernelBackend,
  type KernelFunc,
  Mean,
  type MeanAttrs,
  Multiply,
  Sum,
  type SumAttrs,
  type TensorInfo,
  util,
} from "@tensorflow/tfjs-core";
import { KernelOverrides, withScratch } from "./_kernels.ts";

/** The backend whose kernels this module replaces. */
const BACKEND = "wasm";

/** Products below this many multiply-adds keep tfjs's kernel: a transpose costs a kernel call. */
const MIN_TRANSPOSED_MACS = 1 << 16;

/** The permutation that swaps the last two axes of a rank-`rank` tensor. */
function swapLast(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/** BatchMatMul with transposes as `Transpose` + an untransposed (XNNPACK) product. */
export const batchMatMul: KernelFunc = (args) => {
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
  const original = wasmKernels.original(BatchMatMul);
  const macs = util.sizeFromShape(a.shape) *
    b.shape[transposeB ? b.shape.length - 2 : b.shape.length - 1]!;
  if ((!transposeA && !transposeB) || macs < MIN_TRANSPOSED_MACS) return original(args);
  return withScratch(args.backend, BACKEND, (s) => {
    const ta = transposeA ? s.transpose(a, swapLast(a.shape.length)) : a;
    const tb = transposeB ? s.transpose(b, swapLast(b.shape.length)) : b;
    return s.call(original, { a: ta, b: tb }, { transposeA: false, transposeB: false });
  });
};

/** The largest divisor of `m` that is at most its square root. */
function squareFactor(m: number): number {
  for (let w = Math.floor(Math.sqrt(m)); w > 1; w--) if (m % w === 0) return w;
  return 1;
}

/**
 * `Mean` (or `Sum`, scaled by M) over leading axes of a float32 tensor as one global average pool
 * of `[M, C]` viewed as a `[1, M / w, w, C]` image; null when `axis` is not a leading block or M
 * has no factor to pool with.
 */
function leadingReduce(args: Parameters<KernelFunc>[0], sum: boolean): TensorInfo | null {
  const { x } = args.inputs as { x: TensorInfo };
  const { axis, keepDims } = args.attrs as unknown as SumAttrs | MeanAttrs;
  const rank = x.shape.length;
  const axes = [...util.parseAxisParam(axis, x.shape)].sort((p, q) => p - q);
  if (x.dtype !== "float32" || axes.length === 0 || axes.length >= rank) return null;
  if (axes.some((a, i) => a !== i)) return null;
  const m = util.sizeFromShape(x.shape.slice(0, axes.length));
  const rest = x.shape.slice(axes.length);
  const c = util.sizeFromShape(rest);
  const w = squareFactor(m);
  if (c === 0 || w === 1) return null;
  return withScratch(args.backend, BACKEND, (s) => {
    const image = s.reshape(x, [1, m / w, w, c]);
    let y = s.run(AvgPool, { x: image }, { filterSize: [m / w, w], strides: [1, 1], pad: "valid" });
    if (sum) y = s.run(Multiply, { a: y, b: s.write(new Float32Array([m]), []) });
    return s.reshape(y, keepDims ? [...axes.map(() => 1), ...rest] : rest);
  });
}

/** Sum over leading axes as a global average pool times the count. */
export const sum: KernelFunc = (args) =>
  leadingReduce(args, true) ?? wasmKernels.original(Sum)(args);

/** Mean over leading axes as a global average pool. */
export const mean: KernelFunc = (args) =>
  leadingReduce(args, false) ?? wasmKernels.original(Mean)(args);

/** Shares `x`'s data (one more reference) instead of copying it. */
function share(backend: unknown, x: TensorInfo): TensorInfo {
  (backend as KernelBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/** Identity without a copy (strings keep tfjs's kernel). */
export const identity: KernelFunc = (args) => {
  const { x } = args.inputs as { x: TensorInfo };
  return x.dtype === "string" ? wasmKernels.original(Identity)(args) : share(args.backend, x);
};

/** Cast to the tensor's own dtype without a copy; other casts keep tfjs's kernel. */
export const cast: KernelFunc = (args) => {
  const { x } = args.inputs as { x: TensorInfo };
  const { dtype } = args.attrs as unknown as CastAttrs;
  return dtype === x.dtype && dtype !== "string"
    ? share(args.backend, x)
    : wasmKernels.original(Cast)(args);
};

/**
 * The kernels of this module for `wasm`, by kernel name, and their registration: `register()` puts
 * them in place of tfjs's (idempotent; `initBackend("wasm")` calls it), `unregister()` puts tfjs's
 * back (for benchmarks that compare against them).
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { initBackend } from "./backend.ts";
 * import { wasmKernels } from "./wasm_kernels.ts";
 * await initBackend("wasm");
 * wasmKernels.unregister();
 * assert.ok(wasmKernels.register().includes("BatchMatMul"));
 * ```
 */
export const wasmKernels: KernelOverrides = new KernelOverrides(BACKEND, {
  [BatchMatMul]: batchMatMul,
  [Sum]: sum,
  [Mean]: mean,
  [Identity]: identity,
  [Cast]: cast,
});

/**
 * Fast gradient kernels for the tfjs `wasm` backend, written as calls of its fast XNNPACK kernels
 * (DESIGN.md, "Convolution gradients on wasm"). tfjs 4.22's wasm backend has no
 * `Conv2DBackpropFilter` at all, and its `Conv2DBackpropInput` is a naive loop (~2.4 GFLOP/s on one
 * core), so a conv tower would either not train or train ten times slower than it could.
 *
 * - Input gradient (`Conv2DBackpropInput`, replaces tfjs's): one stride-1 `Conv2D` of `dy` with the
 *   filter rotated 180 degrees and its in/out channels swapped. For stride s > 1 the s*s output
 *   phases ("sub-pixel" decomposition) are packed as s*s*C output channels of that one convolution
 *   and interleaved by one transpose, so no multiply is spent on inserted zeros.
 * - Filter gradient (`Conv2DBackpropFilter`, missing in tfjs): a `Conv2D` with the channels as the
 *   batch and `dy` as the filter, x^T [C,H,W,B] * dy^T [Ho,Wo,B,Cout] -> [C,kh,kw,Cout]; stride s
 *   becomes a dilation of s (XNNPACK skips the holes).
 * - Depthwise gradients (`DepthwiseConv2dNativeBackpropInput` / `...Filter`, missing): the same two
 *   ideas with `DepthwiseConv2dNative` (zero insertion for stride > 1 on the input side).
 * - `UnsortedSegmentSum` (missing; `tf.gather`'s gradient needs it, e.g. embedding lookups): a
 *   plain loop over the rows.
 *
 * Supported: NHWC, any kernel size, strides >= 1, padding `same` | `valid` | a number | explicit
 * pads, any `dimRoundingMode`. Unsupported attributes (NCHW, dilations > 1) raise a `RangeError`
 * naming the attribute. Every kernel returns one new tensor owned by the backend and frees its
 * intermediates, also when it throws.
 *
 * @module
 */
import {
  backend_util,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  type KernelBackend,
  type KernelFunc,
  type TensorInfo,
  UnsortedSegmentSum,
  type UnsortedSegmentSumAttrs,
} from "@tensorflow/tfjs-core";
import { messages } from "./messages.ts";
import { KernelOverrides, type Scratch, withScratch } from "./_kernels.ts";

/** The backend whose kernel registry this module extends. */
const BACKEND = "wasm";

type Shape4 = [number, number, number, number];
type KernelArgs = Parameters<KernelFunc>[0];
type Pads = [[number, number], [number, number], [number, number], [number, number]];

function checkLayout(kernel: string, dataFormat: string | undefined): void {
  if (dataFormat !== undefined && dataFormat !== "NHWC") {
    throw new RangeError(messages.unsupportedAttr(kernel, "dataFormat", dataFormat));
  }
}

function checkDilations(kernel: string, dilations: number | [number, number] | undefined): void {
  if (dilations === undefined) return;
  const [dh, dw] = typeof dilations === "number" ? [dilations, dilations] : dilations;
  if (dh !== 1 || dw !== 1) {
    throw new RangeError(messages.unsupportedAttr(kernel, "dilations", JSON.stringify(dilations)));
  }
}

function checkShape(kernel: string, dy: TensorInfo, expected: number[]): void {
  if (dy.shape.length !== expected.length || dy.shape.some((n, i) => n !== expected[i])) {
    throw new TypeError(messages.shapeMismatch(kernel, "dy", dy.shape, expected));
  }
}

/** The attributes of the four convolution-gradient kernels. */
type ConvGradAttrs = Pick<Conv2DBackpropInputAttrs, "strides" | "pad" | "dimRoundingMode"> & {
  dataFormat?: string;
  dilations?: number | [number, number];
  inputShape?: Shape4;
  filterShape?: Shape4;
};

/**
 * The geometry of a convolution-gradient kernel's call (`x` from `inputShape` or input `x`, the
 * filter from `filterShape` or input `filter`), after checking its layout (or, depthwise, its
 * dilations) and `dy` against it.
 */
function convInfo(kernel: string, { inputs, attrs }: KernelArgs): backend_util.Conv2DInfo {
  const a = attrs as unknown as ConvGradAttrs;
  const depthwise = kernel.startsWith("Depthwise");
  if (depthwise) checkDilations(kernel, a.dilations);
  else checkLayout(kernel, a.dataFormat);
  const info = backend_util.computeConv2DInfo(
    a.inputShape ?? inputs.x!.shape as Shape4,
    a.filterShape ?? inputs.filter!.shape as Shape4,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
    depthwise,
  );
  checkShape(kernel, inputs.dy!, info.outShape);
  return info;
}

/** Pads for a conv whose input is `[lo, hi)`-padded: negative ones become crops of the input. */
function splitPads(lo: number, hi: number, size: number) {
  return {
    begin: Math.max(0, -lo),
    size: size - Math.max(0, -lo) - Math.max(0, -hi),
    pad: [Math.max(0, lo), Math.max(0, hi)] as [number, number],
  };
}

/** A stride-1 conv2d (or depthwise conv2d) with explicit, possibly negative, pads. */
function conv(
  s: Scratch,
  x: TensorInfo,
  filter: TensorInfo,
  pads: { top: number; bottom: number; left: number; right: number },
  options: { dilations?: [number, number]; depthwise?: boolean } = {},
): TensorInfo {
  const [b, h, w, c] = x.shape as Shape4;
  const rows = splitPads(pads.top, pads.bottom, h);
  const cols = splitPads(pads.left, pads.right, w);
  const input = s.slice(x, [0, rows.begin, cols.begin, 0], [b, rows.size, cols.size, c]);
  const pad: Pads = [[0, 0], rows.pad, cols.pad, [0, 0]];
  return s.run(options.depthwise ? "DepthwiseConv2dNative" : "Conv2D", { x: input, filter }, {
    strides: [1, 1],
    dilations: options.dilations ?? [1, 1],
    pad,
    dataFormat: "NHWC",
  });
}

/**
 * One spatial axis of the sub-pixel input gradient. Output position `h = stride*u + a` (phase `a`)
 * receives `dy[u + lo + t] * w[tap]` for `t` in `[0, length)`, where `taps[a][t]` is the filter tap
 * (or -1 for none).
 */
interface AxisPlan {
  lo: number;
  length: number;
  taps: number[][];
  /** Output positions per phase: ceil(inSize / stride). */
  perPhase: number;
}

function planAxis(k: number, stride: number, padBefore: number, inSize: number): AxisPlan {
  const phases = [];
  for (let a = 0; a < stride; a++) {
    const p0 = (((a + padBefore) % stride) + stride) % stride;
    const count = p0 < k ? Math.ceil((k - p0) / stride) : 0;
    phases.push({ p0, count, d: (a + padBefore - p0) / stride });
  }
  const used = phases.filter((p) => p.count > 0);
  const lo = Math.min(...used.map((p) => p.d - p.count + 1));
  const hi = Math.max(...used.map((p) => p.d));
  const length = hi - lo + 1;
  const taps = phases.map((p) =>
    Array.from({ length }, (_, t) => {
      const i = p.d - lo - t;
      return i >= 0 && i < p.count ? p.p0 + stride * i : -1;
    })
  );
  return { lo, length, taps, perPhase: Math.ceil(inSize / stride) };
}

/** Conv2DBackpropInput as one stride-1 conv2d (+ a phase interleave for stride > 1). */
export const conv2dBackpropInput: KernelFunc = (args) => {
  const info = convInfo(Conv2DBackpropInput, args);
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const { batchSize, inHeight, inWidth, inChannels, outChannels, filterHeight, filterWidth } = info;
  const { strideHeight: sh, strideWidth: sw } = info;
  const rows = planAxis(filterHeight, sh, info.padInfo.top, inHeight);
  const cols = planAxis(filterWidth, sw, info.padInfo.left, inWidth);
  return withScratch(args.backend, BACKEND, (s) => {
    // Packed filter [Ly, Lx, Cout, (a * sw + b) * Cin + c] of every phase (a, b).
    const w = s.read(filter);
    const phases = sh * sw;
    const packed = new Float32Array(rows.length * cols.length * outChannels * phases * inChannels);
    const outStride = phases * inChannels;
    for (let pa = 0; pa < sh; pa++) {
      for (let pb = 0; pb < sw; pb++) {
        const channelBase = (pa * sw + pb) * inChannels;
        for (let ty = 0; ty < rows.length; ty++) {
          const ky = rows.taps[pa]![ty]!;
          if (ky < 0) continue;
          for (let tx = 0; tx < cols.length; tx++) {
            const kx = cols.taps[pb]![tx]!;
            if (kx < 0) continue;
            for (let c = 0; c < inChannels; c++) {
              const src = ((ky * filterWidth + kx) * inChannels + c) * outChannels;
              let dst = (ty * cols.length + tx) * outChannels * outStride + channelBase + c;
              for (let o = 0; o < outChannels; o++, dst += outStride) packed[dst] = w[src + o]!;
            }
          }
        }
      }
    }
    const wPacked = s.write(packed, [rows.length, cols.length, outChannels, outStride]);
    const top = -rows.lo;
    const left = -cols.lo;
    let out = conv(s, dy, wPacked, {
      top,
      bottom: rows.perPhase + rows.length - 1 - info.outHeight - top,
      left,
      right: cols.perPhase + cols.length - 1 - info.outWidth - left,
    });
    if (phases > 1) {
      // [B*Hu, Wu, sh, sw*C] -> [B*Hu, sh, Wu, sw*C]: interleave the phases (a rank-4 transpose;
      // tfjs's DepthToSpace and rank > 4 transposes are generic loops, ~30x slower here).
      const split = s.reshape(out, [batchSize * rows.perPhase, cols.perPhase, sh, sw * inChannels]);
      out = s.reshape(s.transpose(split, [0, 2, 1, 3]), [
        batchSize,
        rows.perPhase * sh,
        cols.perPhase * sw,
        inChannels,
      ]);
    }
    return s.slice(out, [0, 0, 0, 0], [batchSize, inHeight, inWidth, inChannels]);
  });
};

/** Conv2DBackpropFilter as conv2d(x^T [C,H,W,B], dy^T [Ho,Wo,B,Cout]) with dilation = stride. */
export const conv2dBackpropFilter: KernelFunc = (args) => {
  const info = convInfo(Conv2DBackpropFilter, args);
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  return withScratch(args.backend, BACKEND, (s) => {
    const xT = channelsToBatch(s, x);
    // [B, Ho*Wo, O] -> [Ho*Wo, B, O]: tfjs's rank-3 loop is faster than the rank-4 one.
    const [b, ho, wo, o] = dy.shape as Shape4;
    const dyT = s.reshape(s.transpose(s.reshape(dy, [b, ho * wo, o]), [1, 0, 2]), [ho, wo, b, o]);
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const grad = conv(s, xT, dyT, {
      top,
      bottom: kh + sh * (info.outHeight - 1) - info.inHeight - top,
      left,
      right: kw + sw * (info.outWidth - 1) - info.inWidth - left,
    }, { dilations: [sh, sw] });
    return s.transpose(grad, [1, 2, 0, 3]);
  });
};

/**
 * [B,H,W,C] -> [C,H,W,B] as a rank-2 and a rank-3 transpose: tfjs's rank-4 loop for this
 * permutation writes with a large stride and is 2-4x slower.
 */
function channelsToBatch(s: Scratch, x: TensorInfo): TensorInfo {
  const [b, h, w, c] = x.shape as Shape4;
  const hwcb = s.transpose(s.reshape(x, [b, h * w * c]), [1, 0]);
  const chwb = s.transpose(s.reshape(hwcb, [h * w, c, b]), [1, 0, 2]);
  return s.reshape(chwb, [c, h, w, b]);
}

/** Inserts stride-1 zeros between the rows and columns of `dy` ([B,Ho,Wo,C] -> [B,sh*Ho,sw*Wo,C]). */
function insertZeros(s: Scratch, dy: TensorInfo, sh: number, sw: number): TensorInfo {
  if (sh === 1 && sw === 1) return dy;
  const [b, h, w, c] = dy.shape as Shape4;
  // Two rank-3 pads (tfjs's rank-6 pad is a generic loop): columns, then rows.
  const cols = s.run("PadV2", { x: s.reshape(dy, [b * h * w, 1, c]) }, {
    paddings: [[0, 0], [0, sw - 1], [0, 0]],
    constantValue: 0,
  });
  const rows = s.run("PadV2", { x: s.reshape(cols, [b * h, 1, w * sw * c]) }, {
    paddings: [[0, 0], [0, sh - 1], [0, 0]],
    constantValue: 0,
  });
  return s.reshape(rows, [b, h * sh, w * sw, c]);
}

/** DepthwiseConv2dNativeBackpropInput as a depthwise conv of (zero-inserted) dy, rotated filter. */
export const depthwiseBackpropInput: KernelFunc = (args) => {
  const info = convInfo(DepthwiseConv2dNativeBackpropInput, args);
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const { batchSize, inHeight, inWidth, inChannels, filterHeight: kh, filterWidth: kw } = info;
  const { strideHeight: sh, strideWidth: sw } = info;
  const multiplier = info.outChannels / inChannels;
  return withScratch(args.backend, BACKEND, (s) => {
    // [kh, kw, C, m] rotated 180 degrees, as a multiplier-1 filter over C*m channels.
    const rotated = s.run("Reverse", { x: filter }, { dims: [0, 1] });
    const wr = s.reshape(rotated, [kh, kw, inChannels * multiplier, 1]);
    const spread = insertZeros(s, dy, sh, sw);
    const top = kh - 1 - info.padInfo.top;
    const left = kw - 1 - info.padInfo.left;
    const full = conv(s, spread, wr, {
      top,
      bottom: inHeight + kh - 1 - spread.shape[1]! - top,
      left,
      right: inWidth + kw - 1 - spread.shape[2]! - left,
    }, { depthwise: true });
    if (multiplier === 1) return full;
    const split = s.reshape(full, [batchSize, inHeight, inWidth, inChannels, multiplier]);
    return s.run("Sum", { x: split }, { axis: [4], keepDims: false });
  });
};

/** DepthwiseConv2dNativeBackpropFilter as a depthwise conv over (channel, batch) pairs. */
export const depthwiseBackpropFilter: KernelFunc = (args) => {
  const info = convInfo(DepthwiseConv2dNativeBackpropFilter, args);
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const { batchSize: b, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const m = info.outChannels / c;
  return withScratch(args.backend, BACKEND, (s) => {
    // x -> [1, H, W, C*B]; dy -> [Ho, Wo, C*B, m]; one image whose channels are (c, b) pairs.
    const xT = s.reshape(s.transpose(s.reshape(x, [b, inHeight * inWidth * c]), [1, 0]), [
      1,
      inHeight,
      inWidth,
      c * b,
    ]);
    const dy3 = s.reshape(dy, [b, outHeight * outWidth * c, m]);
    const dyT = s.reshape(s.transpose(dy3, [1, 0, 2]), [outHeight, outWidth, c * b, m]);
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const grad = conv(s, xT, dyT, {
      top,
      bottom: kh + sh * (outHeight - 1) - inHeight - top,
      left,
      right: kw + sw * (outWidth - 1) - inWidth - left,
    }, { dilations: [sh, sw], depthwise: true });
    const perBatch = s.reshape(grad, [kh, kw, c, b, m]);
    return s.run("Sum", { x: perBatch }, { axis: [3], keepDims: false });
  });
};

/** UnsortedSegmentSum: out[ids[i], ...] += x[i, ...]; ids outside [0, numSegments) are dropped. */
export const unsortedSegmentSum: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
  const kernelBackend = backend as KernelBackend;
  const ids = kernelBackend.readSync(segmentIds.dataId) as Int32Array;
  const values = kernelBackend.readSync(x.dataId) as Float32Array | Int32Array;
  const rows = ids.length;
  const width = rows === 0 ? 0 : values.length / rows;
  const shape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  const out = x.dtype === "int32"
    ? new Int32Array(numSegments * width)
    : new Float32Array(numSegments * width);
  for (let i = 0; i < rows; i++) {
    const id = ids[i]!;
    if (id < 0 || id >= numSegments) continue;
    const src = i * width;
    const dst = id * width;
    for (let j = 0; j < width; j++) out[dst + j] = out[dst + j]! + values[src + j]!;
  }
  return { dataId: kernelBackend.write(out, shape, x.dtype), shape, dtype: x.dtype };
};

/** The kernels this module registers for `wasm`, by kernel name. */
export const WASM_GRADIENT_KERNELS: Readonly<Record<string, KernelFunc>> = {
  [Conv2DBackpropInput]: conv2dBackpropInput,
  [Conv2DBackpropFilter]: conv2dBackpropFilter,
  [DepthwiseConv2dNativeBackpropInput]: depthwiseBackpropInput,
  [DepthwiseConv2dNativeBackpropFilter]: depthwiseBackpropFilter,
  [UnsortedSegmentSum]: unsortedSegmentSum,
};

const overrides = new KernelOverrides(BACKEND, WASM_GRADIENT_KERNELS);

/**
 * Registers the kernels of `WASM_GRADIENT_KERNELS` for the `wasm` backend, replacing tfjs's slow
 * `Conv2DBackpropInput`. Idempotent. Kernels are looked up when an op runs, so models built before
 * this call also use them; `initBackend("wasm")` calls it for you.
 *
 * @returns the names of the kernels that are now ours.
 *
 * @example
 * ```ts
 * import { registerWasmGradients } from "./wasm_gradients.ts";
 * registerWasmGradients();
 * ```
 */
export function registerWasmGradients(): string[] {
  return overrides.register();
}

/**
 * Removes this module's kernels from the `wasm` backend and puts back the ones they replaced
 * (for benchmarks that compare against tfjs's own kernels).
 *
 * @example
 * ```ts
 * import { registerWasmGradients, unregisterWasmGradients } from "./wasm_gradients.ts";
 * registerWasmGradients();
 * unregisterWasmGradients();
 * ```
 */
export function unregisterWasmGradients(): void {
  overrides.unregister();
}

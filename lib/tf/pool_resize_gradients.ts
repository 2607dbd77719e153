/**
 * Correct gradient kernels for pooling and resizing on the `wasm` and `cpu` backends: plain loops,
 * each the exact adjoint of the forward kernel both backends run. tfjs 4.22's own kernels fail the
 * adjoint test <f(x), w> = <x, grad> (measured, tests/tf/pool_resize_gradients_test.ts):
 *
 * - `MaxPoolGrad` on wasm starts its max search at `numeric_limits<float>::min()` (the smallest
 *   positive float), so a window whose values are all <= 0 drops its gradient (or sends it to the
 *   tensor's first element).
 * - `AvgPoolGrad` (wasm and cpu) divides by the full window size, while the forward pass divides by
 *   the number of in-bounds pixels: wrong at the borders with `same` or numeric padding.
 * - `ResizeNearestNeighborGrad` on cpu is wrong for every setting (NaN when downsampling); on wasm
 *   for `halfPixelCenters: true`.
 * - `ResizeBilinearGrad` (wasm and cpu) is wrong for `halfPixelCenters: true`.
 *
 * Ties in max pooling go to the first maximum in row-major window order, as on cpu and in TF.
 *
 * @module
 */
import {
  AvgPoolGrad,
  backend_util,
  getKernel,
  type KernelBackend,
  type KernelFunc,
  MaxPoolGrad,
  type MaxPoolGradAttrs,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  registerKernel,
  ResizeBilinearGrad,
  type ResizeBilinearGradAttrs,
  ResizeNearestNeighborGrad,
  type TensorInfo,
  unregisterKernel,
} from "@tensorflow/tfjs-core";
import { messages } from "./messages.ts";

type Shape4 = [number, number, number, number];

function read(backend: unknown, info: TensorInfo): Float32Array | Int32Array {
  return (backend as KernelBackend).readSync(info.dataId) as Float32Array | Int32Array;
}

function output(backend: unknown, values: Float32Array, shape: number[]): TensorInfo {
  return {
    dataId: (backend as KernelBackend).write(values, shape, "float32"),
    shape,
    dtype: "float32",
  };
}

function checkShape(kernel: string, dy: TensorInfo, expected: number[]): void {
  if (dy.shape.length !== expected.length || dy.shape.some((n, i) => n !== expected[i])) {
    throw new TypeError(messages.shapeMismatch(kernel, "dy", dy.shape, expected));
  }
}

function poolInfo(kernel: string, x: TensorInfo, dy: TensorInfo, attrs: MaxPoolGradAttrs) {
  const info = backend_util.computePool2DInfo(
    x.shape as Shape4,
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  checkShape(kernel, dy, info.outShape);
  return info;
}

/** One output position's window: its batch, first dy index and in-bounds rows and columns. */
interface Window {
  b: number;
  o: number;
  yLo: number;
  yHi: number;
  xLo: number;
  xHi: number;
}

/** What both pooling gradients start from: the geometry (dy checked), dy's values, a zero dx. */
function poolGrad(kernel: string, { inputs, backend, attrs }: Parameters<KernelFunc>[0]) {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const info = poolInfo(kernel, input, dy, attrs as unknown as MaxPoolGradAttrs);
  const windows: Window[] = [];
  const { batchSize, inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth } = info;
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * info.strideHeight - info.padInfo.top;
      for (let ox = 0; ox < outWidth; ox++, o += info.inChannels) {
        const x0 = ox * info.strideWidth - info.padInfo.left;
        const yLo = Math.max(0, y0), yHi = Math.min(inHeight, y0 + filterHeight);
        const xLo = Math.max(0, x0), xHi = Math.min(inWidth, x0 + filterWidth);
        windows.push({ b, o, yLo, yHi, xLo, xHi });
      }
    }
  }
  const g = read(backend, dy);
  const dx = new Float32Array(batchSize * inHeight * inWidth * info.inChannels);
  return { input, info, windows, g, dx, done: () => output(backend, dx, input.shape) };
}

/** MaxPoolGrad: each output's gradient goes to the first maximum of its window. */
export const maxPoolGrad: KernelFunc = (args) => {
  const { input, info, windows, g, dx, done } = poolGrad(MaxPoolGrad, args);
  const { inHeight, inWidth, inChannels: channels } = info;
  const x = read(args.backend, input);
  for (const { b, o, yLo, yHi, xLo, xHi } of windows) {
    for (let c = 0; c < channels; c++) {
      let best = -Infinity;
      let at = -1;
      for (let y = yLo; y < yHi; y++) {
        let i = ((b * inHeight + y) * inWidth + xLo) * channels + c;
        for (let xx = xLo; xx < xHi; xx++, i += channels) {
          if (x[i]! > best) {
            best = x[i]!;
            at = i;
          }
        }
      }
      if (at >= 0) dx[at] = dx[at]! + g[o + c]!;
    }
  }
  return done();
};

/** AvgPoolGrad: each output's gradient spread evenly over the in-bounds pixels of its window. */
export const avgPoolGrad: KernelFunc = (args) => {
  const { info, windows, g, dx, done } = poolGrad(AvgPoolGrad, args);
  const { inHeight, inWidth, inChannels: channels } = info;
  const pixel = inHeight * inWidth * channels;
  if (
    info.outHeight === 1 && info.outWidth === 1 && info.filterHeight === inHeight &&
    info.filterWidth === inWidth
  ) {
    // A global pool (per-channel means): every pixel of an image gets dy / (H * W).
    for (let b = 0; b < info.batchSize; b++) {
      for (let c = 0; c < channels; c++) {
        dx[b * pixel + c] = g[b * channels + c]! / (pixel / channels);
      }
      for (let filled = channels; filled < pixel; filled *= 2) {
        dx.copyWithin(b * pixel + filled, b * pixel, b * pixel + Math.min(filled, pixel - filled));
      }
    }
    return done();
  }
  const share = new Float32Array(channels);
  for (const { b, o, yLo, yHi, xLo, xHi } of windows) {
    const count = (yHi - yLo) * (xHi - xLo);
    if (count <= 0) continue;
    for (let c = 0; c < channels; c++) share[c] = g[o + c]! / count;
    for (let y = yLo; y < yHi; y++) {
      for (let xx = xLo; xx < xHi; xx++) {
        const base = ((b * inHeight + y) * inWidth + xx) * channels;
        for (let c = 0; c < channels; c++) dx[base + c] = dx[base + c]! + share[c]!;
      }
    }
  }
  return done();
};

/** Source-coordinate ratio of one axis, as tfjs's resize kernels compute it. */
function ratio(inSize: number, outSize: number, alignCorners: boolean): number {
  const aligned = alignCorners && outSize > 1;
  return (aligned ? inSize - 1 : inSize) / (aligned ? outSize - 1 : outSize);
}

/** Per output index of one axis: the two source indices and the weight of the second. */
function bilinearAxis(inSize: number, outSize: number, alignCorners: boolean, half: boolean) {
  const r = ratio(inSize, outSize, alignCorners);
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const frac = new Float64Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const source = half ? r * (i + 0.5) - 0.5 : r * i;
    lo[i] = Math.max(0, Math.floor(source));
    hi[i] = Math.min(inSize - 1, Math.ceil(source));
    frac[i] = source - lo[i]!;
  }
  return { lo, hi, frac };
}

/** Per output index of one axis: the source index nearest-neighbour resizing reads. */
function nearestAxis(inSize: number, outSize: number, alignCorners: boolean, half: boolean) {
  const r = ratio(inSize, outSize, alignCorners);
  const source = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const s = half ? r * (i + 0.5) : r * i;
    let nearest = Math.min(inSize - 1, alignCorners ? Math.round(s) : Math.floor(s));
    if (half) nearest = Math.max(0, nearest);
    source[i] = nearest;
  }
  return source;
}

/**
 * What both resize gradients start from: the shapes (dy checked against them), each axis's
 * source positions as `axis` maps them, dy's values and a zero dx.
 */
function resizeGrad<A>(
  kernel: string,
  inputs: NamedTensorInfoMap,
  backend: unknown,
  attrs: NamedAttrMap | undefined,
  axis: (inSize: number, outSize: number, alignCorners: boolean, half: boolean) => A,
) {
  const { images, dy } = inputs as { images: TensorInfo; dy: TensorInfo };
  const { alignCorners, halfPixelCenters } = attrs as unknown as ResizeBilinearGradAttrs;
  const [batch, inH, inW, channels] = images.shape as Shape4;
  const [, outH, outW] = dy.shape as Shape4;
  checkShape(kernel, dy, [batch, outH, outW, channels]);
  return {
    images,
    batch,
    inH,
    inW,
    channels,
    outH,
    outW,
    rows: axis(inH, outH, alignCorners, halfPixelCenters ?? false),
    cols: axis(inW, outW, alignCorners, halfPixelCenters ?? false),
    g: read(backend, dy),
    dx: new Float32Array(batch * inH * inW * channels),
    /** Calls `visit` for each dy pixel (image, row, column, index of its first value). */
    forEachPixel(visit: (b: number, y: number, x: number, o: number) => void): void {
      let o = 0;
      for (let b = 0; b < batch; b++) {
        for (let y = 0; y < outH; y++) {
          for (let x = 0; x < outW; x++, o += channels) visit(b, y, x, o);
        }
      }
    },
  };
}

/** ResizeBilinearGrad: the adjoint of bilinear resizing for every alignCorners/halfPixelCenters. */
export const resizeBilinearGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const r = resizeGrad(ResizeBilinearGrad, inputs, backend, attrs, bilinearAxis);
  const { inH, inW, channels, rows, cols, g, dx } = r;
  r.forEachPixel((b, y, x, o) => {
    const top = (b * inH + rows.lo[y]!) * inW;
    const bottom = (b * inH + rows.hi[y]!) * inW;
    const fy = rows.frac[y]!;
    const fx = cols.frac[x]!;
    const corners: [number, number][] = [
      [(top + cols.lo[x]!) * channels, (1 - fy) * (1 - fx)],
      [(top + cols.hi[x]!) * channels, (1 - fy) * fx],
      [(bottom + cols.lo[x]!) * channels, fy * (1 - fx)],
      [(bottom + cols.hi[x]!) * channels, fy * fx],
    ];
    for (const [at, weight] of corners) {
      for (let d = 0; d < channels; d++) dx[at + d] = dx[at + d]! + g[o + d]! * weight;
    }
  });
  return output(backend, dx, r.images.shape);
};

/** ResizeNearestNeighborGrad: each output's gradient added to the pixel it was read from. */
export const resizeNearestNeighborGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const r = resizeGrad(ResizeNearestNeighborGrad, inputs, backend, attrs, nearestAxis);
  const { inH, inW, channels, rows, cols, g, dx } = r;
  r.forEachPixel((b, y, x, o) => {
    const at = ((b * inH + rows[y]!) * inW + cols[x]!) * channels;
    for (let d = 0; d < channels; d++) dx[at + d] = dx[at + d]! + g[o + d]!;
  });
  return output(backend, dx, r.images.shape);
};

/** The kernels this module registers, by kernel name. */
export const POOL_RESIZE_GRADIENT_KERNELS: Readonly<Record<string, KernelFunc>> = {
  [MaxPoolGrad]: maxPoolGrad,
  [AvgPoolGrad]: avgPoolGrad,
  [ResizeBilinearGrad]: resizeBilinearGrad,
  [ResizeNearestNeighborGrad]: resizeNearestNeighborGrad,
};

/** The backends whose tfjs 4.22 kernels these replace. */
export const POOL_RESIZE_BACKENDS = ["wasm", "cpu"] as const;

/**
 * Registers the kernels of `POOL_RESIZE_GRADIENT_KERNELS` for `backendName` (replacing tfjs's).
 * Idempotent; `initBackend("wasm" | "cpu")` calls it.
 *
 * @example
 * ```ts
 * import { registerPoolResizeGradients } from "./pool_resize_gradients.ts";
 * registerPoolResizeGradients("cpu");
 * ```
 */
export function registerPoolResizeGradients(
  backendName: typeof POOL_RESIZE_BACKENDS[number],
): void {
  for (const [name, kernelFunc] of Object.entries(POOL_RESIZE_GRADIENT_KERNELS)) {
    const current = getKernel(name, backendName);
    if (current?.kernelFunc === kernelFunc) continue;
    if (current !== undefined) unregisterKernel(name, backendName);
    registerKernel({ kernelName: name, backendName, kernelFunc });
  }
}

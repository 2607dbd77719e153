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
  type AvgPoolGradAttrs,
  backend_util,
  getKernel,
  type KernelBackend,
  type KernelFunc,
  MaxPoolGrad,
  type MaxPoolGradAttrs,
  registerKernel,
  ResizeBilinearGrad,
  type ResizeBilinearGradAttrs,
  ResizeNearestNeighborGrad,
  type ResizeNearestNeighborGradAttrs,
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

/** MaxPoolGrad: each output's gradient goes to the first maximum of its window. */
export const maxPoolGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const info = poolInfo(MaxPoolGrad, input, dy, attrs as unknown as MaxPoolGradAttrs);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const x = read(backend, input);
  const g = read(backend, dy);
  const dx = new Float32Array(x.length);
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * strideHeight - info.padInfo.top;
      const yLo = Math.max(0, y0);
      const yHi = Math.min(inHeight, y0 + filterHeight);
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * strideWidth - info.padInfo.left;
        const xLo = Math.max(0, x0);
        const xHi = Math.min(inWidth, x0 + filterWidth);
        for (let c = 0; c < channels; c++, o++) {
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
          if (at >= 0) dx[at] = dx[at]! + g[o]!;
        }
      }
    }
  }
  return output(backend, dx, input.shape);
};

/** AvgPoolGrad: each output's gradient spread evenly over the in-bounds pixels of its window. */
export const avgPoolGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const info = poolInfo(AvgPoolGrad, input, dy, attrs as unknown as AvgPoolGradAttrs);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const g = read(backend, dy);
  const dx = new Float32Array(batchSize * inHeight * inWidth * channels);
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * strideHeight - info.padInfo.top;
      const yLo = Math.max(0, y0);
      const yHi = Math.min(inHeight, y0 + filterHeight);
      for (let ox = 0; ox < outWidth; ox++, o += channels) {
        const x0 = ox * strideWidth - info.padInfo.left;
        const xLo = Math.max(0, x0);
        const xHi = Math.min(inWidth, x0 + filterWidth);
        const count = (yHi - yLo) * (xHi - xLo);
        if (count <= 0) continue;
        for (let y = yLo; y < yHi; y++) {
          for (let xx = xLo; xx < xHi; xx++) {
            const base = ((b * inHeight + y) * inWidth + xx) * channels;
            for (let c = 0; c < channels; c++) {
              dx[base + c] = dx[base + c]! + g[o + c]! / count;
            }
          }
        }
      }
    }
  }
  return output(backend, dx, input.shape);
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

/** ResizeBilinearGrad: the adjoint of bilinear resizing for every alignCorners/halfPixelCenters. */
export const resizeBilinearGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { images, dy } = inputs as { images: TensorInfo; dy: TensorInfo };
  const { alignCorners, halfPixelCenters } = attrs as unknown as ResizeBilinearGradAttrs;
  const [batch, inH, inW, channels] = images.shape as Shape4;
  const [, outH, outW] = dy.shape as Shape4;
  checkShape(ResizeBilinearGrad, dy, [batch, outH, outW, channels]);
  const rows = bilinearAxis(inH, outH, alignCorners, halfPixelCenters ?? false);
  const cols = bilinearAxis(inW, outW, alignCorners, halfPixelCenters ?? false);
  const g = read(backend, dy);
  const dx = new Float32Array(batch * inH * inW * channels);
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < outH; r++) {
      const top = (b * inH + rows.lo[r]!) * inW;
      const bottom = (b * inH + rows.hi[r]!) * inW;
      const fy = rows.frac[r]!;
      for (let c = 0; c < outW; c++, o += channels) {
        const fx = cols.frac[c]!;
        const tl = (top + cols.lo[c]!) * channels;
        const tr = (top + cols.hi[c]!) * channels;
        const bl = (bottom + cols.lo[c]!) * channels;
        const br = (bottom + cols.hi[c]!) * channels;
        const wTl = (1 - fy) * (1 - fx);
        const wTr = (1 - fy) * fx;
        const wBl = fy * (1 - fx);
        const wBr = fy * fx;
        for (let d = 0; d < channels; d++) {
          const v = g[o + d]!;
          dx[tl + d] = dx[tl + d]! + v * wTl;
          dx[tr + d] = dx[tr + d]! + v * wTr;
          dx[bl + d] = dx[bl + d]! + v * wBl;
          dx[br + d] = dx[br + d]! + v * wBr;
        }
      }
    }
  }
  return output(backend, dx, images.shape);
};

/** ResizeNearestNeighborGrad: each output's gradient added to the pixel it was read from. */
export const resizeNearestNeighborGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { images, dy } = inputs as { images: TensorInfo; dy: TensorInfo };
  const { alignCorners, halfPixelCenters } = attrs as unknown as ResizeNearestNeighborGradAttrs;
  const [batch, inH, inW, channels] = images.shape as Shape4;
  const [, outH, outW] = dy.shape as Shape4;
  checkShape(ResizeNearestNeighborGrad, dy, [batch, outH, outW, channels]);
  const rows = nearestAxis(inH, outH, alignCorners, halfPixelCenters ?? false);
  const cols = nearestAxis(inW, outW, alignCorners, halfPixelCenters ?? false);
  const g = read(backend, dy);
  const dx = new Float32Array(batch * inH * inW * channels);
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < outH; r++) {
      const row = (b * inH + rows[r]!) * inW;
      for (let c = 0; c < outW; c++, o += channels) {
        const at = (row + cols[c]!) * channels;
        for (let d = 0; d < channels; d++) dx[at + d] = dx[at + d]! + g[o + d]!;
      }
    }
  }
  return output(backend, dx, images.shape);
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

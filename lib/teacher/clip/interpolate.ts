/**
 * Bicubic resizing of a grid of vectors, as PyTorch's `F.interpolate(mode="bicubic",
 * align_corners=False)` computes it (cubic convolution with a = -0.75, source coordinate
 * `(i + 0.5) * in / out - 0.5`, neighbours clamped to the border). CLIP's learned position
 * embeddings live on the grid of the size it was trained at (14 x 14 for ViT-B/16 at 224); other
 * input sizes resize that grid this way, as MaskCLIP and `transformers` do. Host arrays: it runs
 * once per input size.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../../_std.ts";
 * import { resizeBicubic } from "./interpolate.ts";
 * // A constant grid stays constant (the weights of each output sum to 1).
 * const out = resizeBicubic(new Float32Array(4).fill(2), [2, 2], [3, 5], 1);
 * assertEquals(Array.from(out, (v) => Math.round(v * 1e6) / 1e6), new Array(15).fill(2));
 * ```
 *
 * @module
 */

const A = -0.75;

/** The four cubic-convolution weights of neighbours -1, 0, 1, 2 at fraction `t`. */
function weights(t: number): [number, number, number, number] {
  const near = (x: number) => ((A + 2) * x - (A + 3)) * x * x + 1;
  const far = (x: number) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  return [far(t + 1), near(t), near(1 - t), far(2 - t)];
}

/** Resizes `n` along one axis of a `[outer, n, inner]` array to `m`. */
function resizeAxis(data: Float32Array, outer: number, n: number, inner: number, m: number) {
  const out = new Float32Array(outer * m * inner);
  const scale = n / m;
  for (let o = 0; o < m; o++) {
    const real = (o + 0.5) * scale - 0.5;
    const base = Math.floor(real);
    const w = weights(real - base);
    const src = [-1, 0, 1, 2].map((k) => Math.min(n - 1, Math.max(0, base + k)));
    for (let a = 0; a < outer; a++) {
      const to = (a * m + o) * inner;
      for (let k = 0; k < 4; k++) {
        const from = (a * n + src[k]!) * inner, wk = w[k]!;
        for (let c = 0; c < inner; c++) out[to + c]! += wk * data[from + c]!;
      }
    }
  }
  return out;
}

/**
 * `grid` (`[h, w, channels]`, row-major) resized to `[size[0], size[1], channels]`.
 */
export function resizeBicubic(
  grid: Float32Array,
  from: readonly [number, number],
  size: readonly [number, number],
  channels: number,
): Float32Array {
  const [h, w] = from, [H, W] = size;
  const rows = w === W ? grid : resizeAxis(grid, h, w, channels, W);
  return h === H ? Float32Array.from(rows) : resizeAxis(rows, 1, h, W * channels, H);
}

/**
 * The `proposals` pseudo-mask method of Table XII: an ANALOGUE of the class-agnostic mask proposer
 * of two-stage methods [13], not a trained proposer. It proposes one region for the background
 * ("stuff", as COCO-Stuff proposers also propose stuff masks) and one per 4-connected component of
 * the unannotated foreground.
 *
 * How foreground is decided, from the teacher's features alone (no class names, no text):
 * 1. Background prototype: scenes put objects inside the canvas, so the unannotated positions on
 *    the grid border are mostly background. Their mean direction p0 is refined once: p = the mean
 *    direction of the border features whose cosine to p0 is at least the median (so an object
 *    touching the border does not pull the prototype).
 * 2. Every unannotated position gets s = cos(x, p). Otsu's threshold on s splits background (high s)
 *    from foreground (low s), provided the two Otsu classes' means differ by at least `margin`;
 *    otherwise the unannotated area is taken as one homogeneous region (all background).
 * 3. With no unannotated border position there is no prototype: everything unannotated is
 *    foreground and only connected components are proposed.
 * Components smaller than `minSize` positions are not proposed (their positions get -1).
 *
 * @module
 */
import type { PseudoMaskInput } from "./pseudo_masks.ts";

/** Options of {@linkcode regionProposals}. */
export interface ProposalOptions {
  /** Smallest proposed component, in positions. */
  readonly minSize: number;
  /** Smallest gap between Otsu's class means of cos(x, background) that counts as two modes. */
  readonly margin: number;
}

/** Proposed regions. */
export interface ProposalResult {
  /** `h * w`: region id 0..count-1, or -1 (annotated, or in a too-small component). */
  readonly assign: Int32Array;
  readonly count: number;
  readonly sizes: Int32Array;
  /** Region id of the background proposal, or -1 when there is none. */
  readonly background: number;
  /** `h * w`: 1 where an unannotated position was judged foreground. */
  readonly foreground: Uint8Array;
  readonly flops: number;
}

/** Connected components of a binary mask. */
export interface Components {
  /** `h * w`: component id 0..count-1 (row-major order of first position), -1 outside the mask. */
  readonly labels: Int32Array;
  readonly count: number;
  readonly sizes: Int32Array;
}

/**
 * 4-connected components of the positions where `mask` is non-zero.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { connectedComponents } from "./proposals.ts";
 * assertEquals(connectedComponents(Uint8Array.from([1, 0, 1, 1, 0, 1]), 2, 3).count, 2);
 * ```
 */
export function connectedComponents(mask: Uint8Array, height: number, width: number): Components {
  const hw = height * width;
  const labels = new Int32Array(hw).fill(-1);
  const stack = new Int32Array(hw);
  const sizes: number[] = [];
  for (let s = 0; s < hw; s++) {
    if (mask[s] === 0 || labels[s] !== -1) continue;
    const id = sizes.length;
    let top = 0, size = 0;
    stack[top++] = s;
    labels[s] = id;
    while (top > 0) {
      const p = stack[--top]!;
      size++;
      const y = Math.floor(p / width), x = p - y * width;
      const visit = (q: number) => {
        if (mask[q] !== 0 && labels[q] === -1) {
          labels[q] = id;
          stack[top++] = q;
        }
      };
      if (x > 0) visit(p - 1);
      if (x + 1 < width) visit(p + 1);
      if (y > 0) visit(p - width);
      if (y + 1 < height) visit(p + width);
    }
    sizes.push(size);
  }
  return { labels, count: sizes.length, sizes: Int32Array.from(sizes) };
}

/** Otsu's threshold of `values`: the split maximising between-class variance. */
function otsu(values: number[]): { threshold: number; gap: number } {
  const v = [...values].sort((a, b) => a - b);
  const n = v.length;
  let total = 0;
  for (const x of v) total += x;
  let best = -1, bestT = Infinity, gap = 0, left = 0;
  for (let i = 1; i < n; i++) {
    left += v[i - 1]!;
    if (v[i] === v[i - 1]) continue;
    const m0 = left / i, m1 = (total - left) / (n - i);
    const between = i * (n - i) * (m1 - m0) ** 2;
    if (between > best) {
      best = between;
      bestT = (v[i - 1]! + v[i]!) / 2;
      gap = m1 - m0;
    }
  }
  return { threshold: bestT, gap };
}

/** Mean direction (unit) of the rows `rows` of `x` (`* d`). */
function meanDirection(x: Float64Array, rows: number[], d: number): Float64Array {
  const m = new Float64Array(d);
  for (const r of rows) for (let c = 0; c < d; c++) m[c] = m[c]! + x[r * d + c]!;
  let q = 0;
  for (let c = 0; c < d; c++) q += m[c]! ** 2;
  const inv = q > 0 ? 1 / Math.sqrt(q) : 0;
  return m.map((v) => v * inv);
}

/**
 * Background + connected-component proposals over the unannotated positions (see the header).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { regionProposals } from "./proposals.ts";
 * // 4 x 4 grid, D = 2: background (1, 0) everywhere but a 2 x 2 object (0, 1) in the middle.
 * const dense = new Float32Array(32);
 * for (let p = 0; p < 16; p++) {
 *   const inner = [5, 6, 9, 10].includes(p);
 *   dense[p * 2 + (inner ? 1 : 0)] = 1;
 * }
 * const input = { dense, height: 4, width: 4, dim: 2, annotated: new Uint8Array(16) };
 * assertEquals(regionProposals(input, { minSize: 2, margin: 0.2 }).count, 2); // background, object
 * ```
 */
export function regionProposals(input: PseudoMaskInput, options: ProposalOptions): ProposalResult {
  const { dense, height: h, width: w, dim: d, annotated } = input;
  const hw = h * w;
  const pts: number[] = [];
  const border: number[] = [];
  const x = new Float64Array(hw * d);
  for (let p = 0; p < hw; p++) {
    if (annotated[p] !== 0) continue;
    let q = 0;
    for (let c = 0; c < d; c++) q += dense[p * d + c]! ** 2;
    if (q === 0) continue;
    const inv = 1 / Math.sqrt(q);
    for (let c = 0; c < d; c++) x[p * d + c] = dense[p * d + c]! * inv;
    pts.push(p);
    const y = Math.floor(p / w), col = p - y * w;
    if (y === 0 || y === h - 1 || col === 0 || col === w - 1) border.push(p);
  }
  let flops = 3 * hw * d;
  const foreground = new Uint8Array(hw);
  const background = new Uint8Array(hw);
  let hasBackground = false;
  if (border.length === 0) {
    for (const p of pts) foreground[p] = 1;
  } else {
    const p0 = meanDirection(x, border, d);
    const cos = (p: number, proto: Float64Array) => {
      let s = 0;
      for (let c = 0; c < d; c++) s += x[p * d + c]! * proto[c]!;
      return s;
    };
    const s0 = border.map((p) => cos(p, p0));
    const median = [...s0].sort((a, b) => a - b)[Math.floor((s0.length - 1) / 2)]!;
    const proto = meanDirection(x, border.filter((_, i) => s0[i]! >= median), d);
    const s = pts.map((p) => cos(p, proto));
    flops += 6 * border.length * d + 2 * pts.length * d;
    const { threshold, gap } = otsu(s);
    const twoModes = gap >= options.margin;
    pts.forEach((p, i) => {
      if (twoModes && s[i]! < threshold) foreground[p] = 1;
      else background[p] = 1;
    });
    hasBackground = pts.some((p) => background[p] === 1);
  }
  const comps = connectedComponents(foreground, h, w);
  flops += 4 * hw;
  const assign = new Int32Array(hw).fill(-1);
  const sizes: number[] = [];
  let bgId = -1;
  if (hasBackground) {
    bgId = 0;
    let n = 0;
    for (let p = 0; p < hw; p++) {
      if (background[p]) {
        assign[p] = 0;
        n++;
      }
    }
    sizes.push(n);
  }
  const remap = new Int32Array(comps.count).fill(-1);
  for (let c = 0; c < comps.count; c++) {
    if (comps.sizes[c]! >= options.minSize) {
      remap[c] = sizes.length;
      sizes.push(comps.sizes[c]!);
    }
  }
  for (let p = 0; p < hw; p++) {
    const c = comps.labels[p]!;
    if (c >= 0 && remap[c]! >= 0) assign[p] = remap[c]!;
  }
  return {
    assign,
    count: sizes.length,
    sizes: Int32Array.from(sizes),
    background: bgId,
    foreground,
    flops,
  };
}

/**
 * Seed initialisation of the pseudo-mask generator, paper Sec. III-B, Eq. 2:
 *
 *   C_init = { sum_{u=i}^{i+k-1} sum_{v=j}^{j+k-1} C_d[u, v] / k^2  |  C_d = 0 if Y_s[u, v] in A_s }
 *
 * for every window size k in K and every top-left corner (i, j) with i in {0, r, 2r, ..., <= H - k},
 * j in {0, r, 2r, ..., <= W - k}, r = round(k / 2) (the printed set `{0, [k/2], ..., [H_d - k]}`,
 * read as the range from 0 to H - k in steps of r: 3 x 3 windows on 16 x 16 give 7 x 7 = 49 seeds,
 * 7 x 7 windows give 3 x 3 = 9). Seen-labelled positions count as zero vectors, and the divisor is
 * always k^2, exactly as printed.
 *
 * Windows lying entirely in annotated area average to the zero vector: a zero seed has no direction,
 * so it cannot take part in cosine K-Means. Such windows are dropped (`dropped` counts them).
 *
 * Window sums use a summed-area table over the D channels: O(H W D) to build, O(D) per window.
 *
 * @module
 */
import type { PseudoMaskInput } from "./pseudo_masks.ts";

/** Seeds of Eq. 2 for one image, in window-size order, then row-major corner order. */
export interface WindowSeeds {
  /** `count * dim` window means (divided by k^2, annotated positions as zeros). */
  readonly seeds: Float32Array;
  readonly count: number;
  readonly dim: number;
  /** Window size k of each seed. */
  readonly size: Int32Array;
  /** Top-left row i and column j of each seed's window. */
  readonly row: Int32Array;
  readonly col: Int32Array;
  /** Unannotated positions inside each seed's window (1..k^2). */
  readonly unannotated: Int32Array;
  /** Windows dropped because every position in them is annotated (all-zero seeds). */
  readonly dropped: number;
  /** Approximate floating-point operations spent. */
  readonly flops: number;
}

/**
 * The window corners along one axis: 0, r, 2r, ... up to `extent - k`, with r = round(k / 2).
 * Empty when k exceeds the extent.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { windowPositions } from "./window_seeds.ts";
 * assertEquals(windowPositions(16, 7), [0, 4, 8]);
 * ```
 */
export function windowPositions(extent: number, k: number): number[] {
  const stride = Math.max(1, Math.round(k / 2));
  const out: number[] = [];
  for (let p = 0; p + k <= extent; p += stride) out.push(p);
  return out;
}

/**
 * Eq. 2: averages the dense features over sliding windows of every size in `windowSizes`, with
 * annotated positions zeroed; drops windows that are entirely annotated.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { windowSeeds } from "./window_seeds.ts";
 * const dense = new Float32Array(4 * 4 * 2).fill(0.5);
 * const seeds = windowSeeds({ dense, height: 4, width: 4, dim: 2, annotated: new Uint8Array(16) }, [2]);
 * assertEquals(seeds.count, 9); // corners 0, 1, 2 on each axis
 * ```
 */
export function windowSeeds(input: PseudoMaskInput, windowSizes: readonly number[]): WindowSeeds {
  const { dense, height: h, width: w, dim: d, annotated } = input;
  const w1 = w + 1;
  // Summed-area tables: features (zeroed where annotated) and unannotated counts.
  const sat = new Float64Array((h + 1) * w1 * d);
  const cnt = new Int32Array((h + 1) * w1);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const free = annotated[p] === 0;
      const o = ((y + 1) * w1 + (x + 1)) * d;
      const up = (y * w1 + (x + 1)) * d;
      const left = ((y + 1) * w1 + x) * d;
      const diag = (y * w1 + x) * d;
      const f = p * d;
      for (let c = 0; c < d; c++) {
        sat[o + c] = (free ? dense[f + c]! : 0) + sat[up + c]! + sat[left + c]! - sat[diag + c]!;
      }
      cnt[(y + 1) * w1 + (x + 1)] = (free ? 1 : 0) + cnt[y * w1 + (x + 1)]! +
        cnt[(y + 1) * w1 + x]! - cnt[y * w1 + x]!;
    }
  }
  let flops = 3 * h * w * d;

  let total = 0;
  for (const k of windowSizes) total += windowPositions(h, k).length * windowPositions(w, k).length;
  const seeds = new Float32Array(total * d);
  const size = new Int32Array(total);
  const row = new Int32Array(total);
  const col = new Int32Array(total);
  const unannotated = new Int32Array(total);
  let n = 0;
  let dropped = 0;
  for (const k of windowSizes) {
    const inv = 1 / (k * k);
    const rows = windowPositions(h, k);
    const cols = windowPositions(w, k);
    for (const i of rows) {
      for (const j of cols) {
        const a = i * w1 + j, b = i * w1 + j + k, c0 = (i + k) * w1 + j, e = (i + k) * w1 + j + k;
        const free = cnt[e]! - cnt[b]! - cnt[c0]! + cnt[a]!;
        if (free === 0) {
          dropped++;
          continue;
        }
        const o = n * d;
        for (let c = 0; c < d; c++) {
          seeds[o + c] = (sat[e * d + c]! - sat[b * d + c]! - sat[c0 * d + c]! + sat[a * d + c]!) *
            inv;
        }
        size[n] = k;
        row[n] = i;
        col[n] = j;
        unannotated[n] = free;
        n++;
      }
    }
  }
  flops += n * d * 4;
  return {
    seeds: seeds.slice(0, n * d),
    count: n,
    dim: d,
    size: size.slice(0, n),
    row: row.slice(0, n),
    col: col.slice(0, n),
    unannotated: unannotated.slice(0, n),
    dropped,
    flops,
  };
}

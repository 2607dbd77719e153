/**
 * The `ncut` pseudo-mask method of Table XII: an ANALOGUE of Panoptic Cut [48], not a port of it.
 * Panoptic Cut partitions a self-supervised backbone's patch-affinity graph by normalized cuts; here
 * the graph is the teacher's dense features at the unannotated positions, partitioned by recursive
 * two-way normalized cuts (Shi & Malik). It uses no seeds, no K-Means and no Algorithm 1.
 *
 * - Affinity: W_ij = exp((cos(x_i, x_j) - 1) / sigma) for i != j, W_ii = 0 (no self loops, so a
 *   lone outlier position cannot be cut off cheaply). sigma defaults to 1 - lambda: two features at
 *   cosine lambda (the similarity Algorithm 1 calls "same class") have affinity 1/e.
 * - Two-way split: the eigenvector of the second-smallest eigenvalue of the normalized Laplacian
 *   I - D^-1/2 W D^-1/2, found by Lanczos (full reorthogonalisation, the trivial eigenvector
 *   D^1/2 1 deflated, stopped once the Ritz residual is below 1e-6, at most 40 steps), with
 *   Sturm bisection and inverse iteration on the small tridiagonal matrix; the split is the
 *   threshold on D^-1/2 v of lowest Ncut value (every threshold is tried, each side >= `minSize`).
 * - Recursion: the largest segment is split next; a split is kept when its Ncut value is below
 *   `threshold` (a homogeneous region scores about 1, two unrelated regions about 0); it stops at
 *   `maxSegments` segments or when no segment can be split.
 *
 * @module
 */
import type { PseudoMaskInput } from "./pseudo_masks.ts";
import { createRng } from "../data/rng.ts";

/** Options of {@linkcode ncutPartition}. */
export interface NcutOptions {
  /** Kernel width of the affinity on cosine distance. */
  readonly sigma: number;
  /** Largest Ncut value of an accepted split. */
  readonly threshold: number;
  /** At most this many segments. */
  readonly maxSegments: number;
  /** Both sides of a split hold at least this many positions. */
  readonly minSize: number;
  /** Seed of the Lanczos start vector. */
  readonly seed: number;
}

/** Segments of the unannotated positions. */
export interface NcutResult {
  /** `h * w`: segment id 0..count-1, or -1 for annotated (or zero) positions. */
  readonly assign: Int32Array;
  readonly count: number;
  readonly sizes: Int32Array;
  readonly flops: number;
}

/**
 * Largest eigenvalue and unit eigenvector of the symmetric tridiagonal matrix with diagonal `alpha`
 * and off-diagonal `beta`: Sturm-sequence bisection, then inverse iteration just above the
 * eigenvalue (where T - sigma I is negative definite, so elimination without pivoting is stable).
 */
function topTridiagonalEigen(alpha: number[], beta: number[]): { value: number; vector: number[] } {
  const m = alpha.length;
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < m; i++) {
    const r = (i > 0 ? Math.abs(beta[i - 1]!) : 0) + (i + 1 < m ? Math.abs(beta[i]!) : 0);
    lo = Math.min(lo, alpha[i]! - r);
    hi = Math.max(hi, alpha[i]! + r);
  }
  const below = (x: number) => {
    let count = 0, q = 1;
    for (let i = 0; i < m; i++) {
      q = alpha[i]! - x - (i > 0 ? beta[i - 1]! ** 2 / q : 0);
      if (q === 0) q = 1e-300;
      if (q < 0) count++;
    }
    return count;
  };
  for (let it = 0; it < 100 && hi - lo > 1e-13 * Math.max(1, Math.abs(hi)); it++) {
    const mid = (lo + hi) / 2;
    if (below(mid) === m) hi = mid;
    else lo = mid;
  }
  const value = (lo + hi) / 2;
  const sigma = hi + 1e-10 * Math.max(1, Math.abs(hi));
  let y = new Array<number>(m).fill(1);
  const c = new Array<number>(m).fill(0);
  const dd = new Array<number>(m).fill(0);
  for (let rep = 0; rep < 3; rep++) {
    // Thomas algorithm for (T - sigma I) z = y.
    for (let i = 0; i < m; i++) {
      const sub = i > 0 ? beta[i - 1]! : 0;
      const den = alpha[i]! - sigma - (i > 0 ? sub * c[i - 1]! : 0);
      c[i] = i + 1 < m ? beta[i]! / den : 0;
      dd[i] = (y[i]! - (i > 0 ? sub * dd[i - 1]! : 0)) / den;
    }
    const z = new Array<number>(m).fill(0);
    for (let i = m - 1; i >= 0; i--) z[i] = dd[i]! - (i + 1 < m ? c[i]! * z[i + 1]! : 0);
    const n = Math.hypot(...z);
    y = z.map((v) => v / n);
  }
  return { value, vector: y };
}

/** Result of {@linkcode fiedlerVector}. */
export interface FiedlerVector {
  /** D^-1/2 v for the eigenvector v of the second-smallest eigenvalue of the normalized Laplacian. */
  readonly vector: Float64Array;
  /** That eigenvalue (0 for a graph of two disconnected parts). */
  readonly value: number;
  readonly flops: number;
}

/**
 * The relaxed Ncut indicator of a graph (`n * n` symmetric non-negative weights): Lanczos on
 * D^-1/2 W D^-1/2 with its top eigenvector D^1/2 1 deflated.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { fiedlerVector } from "./ncut.ts";
 * // Two pairs joined by a weak edge: the vector's sign separates {0, 1} from {2, 3}.
 * const w = Float64Array.from([0, 1, 0.01, 0, 1, 0, 0, 0.01, 0.01, 0, 0, 1, 0, 0.01, 1, 0]);
 * const { vector } = fiedlerVector(w, 4);
 * assertEquals(Array.from(vector, (v) => Math.sign(v * vector[0]!)), [1, 1, -1, -1]);
 * ```
 */
export function fiedlerVector(weights: Float64Array, n: number, seed = 0): FiedlerVector {
  const deg = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += weights[i * n + j]!;
    deg[i] = Math.max(s, 1e-300);
  }
  const isq = deg.map((x) => 1 / Math.sqrt(x));
  let vol = 0;
  for (let i = 0; i < n; i++) vol += deg[i]!;
  const top = deg.map((x) => Math.sqrt(x / vol)); // unit trivial eigenvector
  const rng = createRng(seed);
  const m = Math.max(1, Math.min(n - 1, 30));
  const basis: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = [];
  const orth = (z: Float64Array) => {
    let t = 0;
    for (let i = 0; i < n; i++) t += z[i]! * top[i]!;
    for (let i = 0; i < n; i++) z[i] = z[i]! - t * top[i]!;
    for (const q of basis) {
      let u = 0;
      for (let i = 0; i < n; i++) u += z[i]! * q[i]!;
      for (let i = 0; i < n; i++) z[i] = z[i]! - u * q[i]!;
    }
  };
  const unit = (z: Float64Array) => {
    let q = 0;
    for (let i = 0; i < n; i++) q += z[i]! * z[i]!;
    return Math.sqrt(q);
  };
  let q = new Float64Array(n).map(() => rng() - 0.5);
  orth(q);
  let nq = unit(q);
  if (nq === 0) return { vector: new Float64Array(n), value: 0, flops: n * n };
  q = q.map((x) => x / nq);
  const tmp = new Float64Array(n);
  let flops = n * n;
  for (let j = 0; j < m; j++) {
    basis.push(q);
    for (let i = 0; i < n; i++) tmp[i] = q[i]! * isq[i]!;
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      const row = i * n;
      for (let k = 0; k < n; k++) s += weights[row + k]! * tmp[k]!;
      z[i] = s * isq[i]!;
    }
    let a = 0;
    for (let i = 0; i < n; i++) a += z[i]! * q[i]!;
    alpha.push(a);
    orth(z);
    orth(z);
    flops += 2 * n * n + 8 * n * (basis.length + 1);
    nq = unit(z);
    if (nq < 1e-10 || j === m - 1) break;
    if (j >= 4 && j % 4 === 0) {
      // Residual of the current top Ritz pair: beta_j times its last component.
      const ritzPair = topTridiagonalEigen(alpha, beta);
      if (nq * Math.abs(ritzPair.vector[j]!) < 1e-4) break;
    }
    beta.push(nq);
    q = z.map((x) => x / nq);
  }
  const k = alpha.length;
  const top2 = topTridiagonalEigen(alpha, beta.slice(0, k - 1));
  flops += 200 * k;
  const ritz = new Float64Array(n);
  for (let c = 0; c < k; c++) {
    const s = top2.vector[c]!;
    const b = basis[c]!;
    for (let i = 0; i < n; i++) ritz[i] = ritz[i]! + s * b[i]!;
  }
  flops += 2 * k * n;
  return { vector: ritz.map((x, i) => x * isq[i]!), value: 1 - top2.value, flops };
}

/** The lowest-Ncut threshold split of the nodes ordered by `vector`. */
export interface NcutSplit {
  /** Node indices of the two sides (ascending vector value first). */
  readonly a: number[];
  readonly b: number[];
  /** cut(A, B) / vol(A) + cut(A, B) / vol(B). */
  readonly ncut: number;
}

/**
 * Tries every threshold of `vector` (each side >= `minSize` nodes) and returns the split of lowest
 * Ncut value, or null when no split is allowed.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { bestNcutSplit } from "./ncut.ts";
 * const w = Float64Array.from([0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0]);
 * assertEquals(bestNcutSplit(w, 4, Float64Array.from([-1, -1, 1, 1]), 1)?.ncut, 0);
 * ```
 */
export function bestNcutSplit(
  weights: Float64Array,
  n: number,
  vector: Float64Array,
  minSize: number,
): NcutSplit | null {
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) =>
    vector[x]! - vector[y]! || x - y
  );
  const deg = new Float64Array(n);
  let vol = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += weights[i * n + j]!;
    deg[i] = s;
    vol += s;
  }
  const inA = new Uint8Array(n);
  let cut = 0, volA = 0, bestT = -1, bestVal = Infinity;
  for (let t = 0; t < n - 1; t++) {
    const u = order[t]!;
    let toA = 0;
    for (let j = 0; j < n; j++) if (inA[j]) toA += weights[u * n + j]!;
    cut += deg[u]! - weights[u * n + u]! - 2 * toA;
    volA += deg[u]!;
    inA[u] = 1;
    const size = t + 1;
    if (size < minSize || n - size < minSize) continue;
    const volB = vol - volA;
    const val = (volA > 0 ? cut / volA : Infinity) + (volB > 0 ? cut / volB : Infinity);
    if (val < bestVal) {
      bestVal = val;
      bestT = size;
    }
  }
  if (bestT < 0) return null;
  const a = order.slice(0, bestT).sort((x, y) => x - y);
  const b = order.slice(bestT).sort((x, y) => x - y);
  return { a, b, ncut: Math.max(0, bestVal) };
}

/**
 * Recursive two-way normalized cuts of the unannotated positions' feature-affinity graph.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { ncutPartition } from "./ncut.ts";
 * const dense = new Float32Array(4 * 4 * 2).map((_, i) => ((i >> 1) % 4 < 2 ? i % 2 : 1 - (i % 2)));
 * const input = { dense, height: 4, width: 4, dim: 2, annotated: new Uint8Array(16) };
 * const options = { sigma: 0.1, threshold: 0.5, maxSegments: 4, minSize: 2, seed: 0 };
 * assertEquals(ncutPartition(input, options).count, 2);
 * ```
 */
export function ncutPartition(input: PseudoMaskInput, options: NcutOptions): NcutResult {
  const { dense, height, width, dim: d, annotated } = input;
  const hw = height * width;
  const pts: number[] = [];
  for (let p = 0; p < hw; p++) {
    if (annotated[p] !== 0) continue;
    let q = 0;
    for (let c = 0; c < d; c++) q += dense[p * d + c]! ** 2;
    if (q > 0) pts.push(p);
  }
  const n = pts.length;
  // Unit features of the graph's nodes and the full affinity matrix.
  const x = new Float64Array(n * d);
  for (let a = 0; a < n; a++) {
    const o = pts[a]! * d;
    let q = 0;
    for (let c = 0; c < d; c++) q += dense[o + c]! ** 2;
    const inv = 1 / Math.sqrt(q);
    for (let c = 0; c < d; c++) x[a * d + c] = dense[o + c]! * inv;
  }
  const w = new Float64Array(n * n);
  const inv = 1 / Math.max(options.sigma, 1e-6);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += x[i * d + c]! * x[j * d + c]!;
      const v = Math.exp((dot - 1) * inv);
      w[i * n + j] = v;
      w[j * n + i] = v;
    }
  }
  let flops = 2 * hw * d + n * (n - 1) * (d + 10);

  const done: number[][] = [];
  const queue: number[][] = n > 0 ? [Array.from({ length: n }, (_, i) => i)] : [];
  let splitIndex = 0;
  while (queue.length > 0) {
    queue.sort((p, q) => q.length - p.length);
    const seg = queue.shift()!;
    if (done.length + queue.length + 1 >= options.maxSegments || seg.length < 2 * options.minSize) {
      done.push(seg);
      continue;
    }
    const m = seg.length;
    const sub = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      const row = seg[i]! * n;
      for (let j = 0; j < m; j++) sub[i * m + j] = w[row + seg[j]!]!;
    }
    const f = fiedlerVector(sub, m, (options.seed * 7919 + splitIndex++) >>> 0);
    const split = bestNcutSplit(sub, m, f.vector, options.minSize);
    flops += f.flops + 3 * m * m;
    if (split === null || !(split.ncut < options.threshold)) {
      done.push(seg);
      continue;
    }
    queue.push(split.a.map((i) => seg[i]!), split.b.map((i) => seg[i]!));
  }
  const assign = new Int32Array(hw).fill(-1);
  const sizes = new Int32Array(done.length);
  done.forEach((seg, s) => {
    sizes[s] = seg.length;
    for (const i of seg) assign[pts[i]!] = s;
  });
  return { assign, count: done.length, sizes, flops };
}

/**
 * K-Means over the unannotated teacher features, paper Sec. III-B ("Based on C_init, we apply
 * K-Means clustering to the unannotated regions of C_d and obtain the clustering results M and the
 * updated seed features S_d").
 *
 * Choices the paper leaves open, made here:
 * - Metric: cosine (spherical K-Means). C_d is L2-normalised, Eq. 2's seeds are shrunk by zeroed
 *   annotated positions, and Algorithm 1 compares S_d by cosine; so a position joins the centre of
 *   highest cosine, and each centre is the L2-normalised mean of its positions.
 * - How many clusters. The paper initialises K-Means with C_init, every Eq. 2 seed (15^2 + 7^2 =
 *   274 on our 16 x 16 grid with the paper's K = [3, 7] scaled to [2, 4]; see `windowGrid` in
 *   `config.ts`), and leaves de-duplication to Algorithm 1: `seedInit = "all"`
 *   ({@linkcode allSeeds}; all-zero seeds dropped), the default. Overlapping windows over one
 *   object give near-copies, so K-Means splits objects into fragments that Algorithm 1 merges
 *   back. `"farthest-first"` ({@linkcode selectSeeds}) is an earlier reading that thins the seeds
 *   first: start from the seed of largest norm, keep adding the seed least similar to those chosen
 *   until the least similar one is at cosine >= lambda to a kept one or `maxClusters` seeds are
 *   chosen. Measured with the 75 TFLOP teacher (512 held-out scenes; windows 3 and
 *   7 unscaled, 49 + 9 seeds; unseen best-IoU, cap 4 / 8 latent classes): every seed 42.5 / 44.3
 *   at lambda 0.8 and 36.0 / 40.4 at 0.9; thinned 38.9 / 41.6 at 0.8 and 38.6 / 42.8 at 0.9.
 *   With every seed, Algorithm 1 merges in all scenes (48.5 clusters -> 19.6 groups at 0.8, 36.9
 *   at 0.9); after thinning in 59 % of them at 0.8 and 1 % at 0.9, where lambda acts mostly
 *   through the thinning. Scaled windows (2, 4), every seed, 0.8, cap 8: 45.9, 132.6 clusters ->
 *   32.5 groups, 20.2 merges per image, all scenes; the shipped 110 TFLOP teacher: 47.3, 133.2 ->
 *   29.6 groups, thinned seeds 44.4 at 0.9. (With the earlier
 *   25.8 TFLOP teacher thinning had measured better, 34.3 against 27.9 / 33.7 at cap 4: the
 *   paper's order needs dense features that separate objects.)
 * - Empty clusters: dropped (their seed attracted no position, so they describe no region);
 *   re-seeding them would only force a further split.
 * - Iterations: `iters` rounds of (assign, update), stopping early when assignments no longer change.
 *   The assignments M and centres S_d returned agree: each centre is the mean of its positions.
 *
 * @module
 */
import type { PseudoMaskInput } from "./pseudo_masks.ts";
import type { WindowSeeds } from "./window_seeds.ts";

/** Options of {@linkcode selectSeeds}. */
export interface SeedSelectionOptions {
  /** At most this many seeds are kept. */
  readonly maxClusters: number;
  /** A seed whose cosine to a kept seed is at least this is a near-duplicate. */
  readonly dedup: number;
}

/** Kept seeds, L2-normalised. */
export interface SelectedSeeds {
  readonly centers: Float32Array;
  readonly count: number;
  /** Index of each kept seed in the input {@linkcode WindowSeeds}. */
  readonly index: Int32Array;
  readonly flops: number;
}

/** Unit rows of the seeds (zero rows stay zero) and the norm of every seed. */
function normalise(seeds: WindowSeeds): { unit: Float32Array; norm: Float64Array } {
  const { count: s, dim: d } = seeds;
  const unit = new Float32Array(s * d);
  const norm = new Float64Array(s);
  for (let i = 0; i < s; i++) {
    let q = 0;
    for (let c = 0; c < d; c++) q += seeds.seeds[i * d + c]! ** 2;
    const n = Math.sqrt(q);
    norm[i] = n;
    const inv = n > 0 ? 1 / n : 0;
    for (let c = 0; c < d; c++) unit[i * d + c] = seeds.seeds[i * d + c]! * inv;
  }
  return { unit, norm };
}

/** The unit seeds at `chosen`, in that order. */
function keep(unit: Float32Array, d: number, chosen: readonly number[], flops: number) {
  const centers = new Float32Array(chosen.length * d);
  chosen.forEach((i, k) => centers.set(unit.subarray(i * d, (i + 1) * d), k * d));
  return { centers, count: chosen.length, index: Int32Array.from(chosen), flops };
}

/**
 * Every non-zero seed of Eq. 2, L2-normalised, in window order: the paper's C_init.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { allSeeds } from "./kmeans.ts";
 * import { windowSeeds } from "./window_seeds.ts";
 * const dense = new Float32Array(8 * 8 * 2).map((_, i) => (i % 2 === 0 ? 1 : 0));
 * const seeds = windowSeeds({ dense, height: 8, width: 8, dim: 2, annotated: new Uint8Array(64) }, [3]);
 * assertEquals(allSeeds(seeds).count, seeds.count); // no window is all zero: every seed is kept
 * ```
 */
export function allSeeds(seeds: WindowSeeds): SelectedSeeds {
  const { unit, norm } = normalise(seeds);
  const chosen: number[] = [];
  for (let i = 0; i < seeds.count; i++) if (norm[i]! > 0) chosen.push(i);
  return keep(unit, seeds.dim, chosen, 3 * seeds.count * seeds.dim);
}

/**
 * Farthest-first thinning of Eq. 2's seeds (`pseudoMask.seedInit = "farthest-first"`; see the
 * module header).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { selectSeeds } from "./kmeans.ts";
 * import { windowSeeds } from "./window_seeds.ts";
 * const dense = new Float32Array(8 * 8 * 2).map((_, i) => (i % 2 === 0 ? 1 : 0));
 * const seeds = windowSeeds({ dense, height: 8, width: 8, dim: 2, annotated: new Uint8Array(64) }, [3]);
 * assertEquals(selectSeeds(seeds, { maxClusters: 8, dedup: 0.9 }).count, 1); // all windows agree
 * ```
 */
export function selectSeeds(seeds: WindowSeeds, options: SeedSelectionOptions): SelectedSeeds {
  const { count: s, dim: d } = seeds;
  const { unit, norm } = normalise(seeds);
  let flops = 3 * s * d;
  const cap = Math.max(0, Math.min(options.maxClusters, s));
  const chosen: number[] = [];
  const nearest = new Float64Array(s).fill(-Infinity);
  const taken = new Uint8Array(s);
  let next = -1;
  for (let i = 0; i < s; i++) if (norm[i]! > 0 && (next < 0 || norm[i]! > norm[next]!)) next = i;
  while (next >= 0 && chosen.length < cap) {
    chosen.push(next);
    taken[next] = 1;
    const o = next * d;
    for (let i = 0; i < s; i++) {
      if (taken[i]) continue;
      let dot = 0;
      for (let c = 0; c < d; c++) dot += unit[i * d + c]! * unit[o + c]!;
      if (dot > nearest[i]!) nearest[i] = dot;
    }
    flops += 2 * s * d;
    next = -1;
    for (let i = 0; i < s; i++) {
      if (taken[i] || norm[i] === 0 || nearest[i]! >= options.dedup) continue;
      if (
        next < 0 || nearest[i]! < nearest[next]! ||
        (nearest[i] === nearest[next] && norm[i]! > norm[next]!)
      ) next = i;
    }
  }
  return keep(unit, d, chosen, flops);
}

/** Options of {@linkcode kmeans}. */
export interface KMeansOptions {
  /** Rounds of (assign, update); at least one assignment is always made. */
  readonly iters: number;
}

/** Clustering result M (as an id map) and updated seed features S_d. */
export interface KMeansResult {
  /** `h * w`: cluster id 0..count-1 for clustered positions, -1 for annotated (or zero) ones. */
  readonly assign: Int32Array;
  /** `count * dim`, L2-normalised cluster means S_d. */
  readonly centers: Float32Array;
  readonly count: number;
  /** Positions per cluster. */
  readonly sizes: Int32Array;
  /** Assignment rounds run. */
  readonly iterations: number;
  readonly flops: number;
}

/**
 * Spherical K-Means of the unannotated positions of `input`, initialised at `init` (`k * dim`,
 * unit rows); empty clusters are dropped and the survivors renumbered in their initial order.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { kmeans } from "./kmeans.ts";
 * const dense = Float32Array.from([1, 0, 1, 0, 0, 1, 0, 1]); // 1 x 4 grid, D = 2
 * const input = { dense, height: 1, width: 4, dim: 2, annotated: new Uint8Array(4) };
 * const { assign } = kmeans(input, Float32Array.from([0.8, 0.6, 0.6, 0.8]), { iters: 5 });
 * assertEquals(Array.from(assign), [0, 0, 1, 1]);
 * ```
 */
export function kmeans(
  input: PseudoMaskInput,
  init: Float32Array,
  options: KMeansOptions,
): KMeansResult {
  const { dense, height, width, dim: d, annotated } = input;
  const hw = height * width;
  const k = Math.floor(init.length / d);
  // Points: unannotated positions with a non-zero feature.
  const pts: number[] = [];
  for (let p = 0; p < hw; p++) {
    if (annotated[p] !== 0) continue;
    let q = 0;
    for (let c = 0; c < d; c++) q += dense[p * d + c]! ** 2;
    if (q > 0) pts.push(p);
  }
  const n = pts.length;
  let flops = 2 * hw * d;
  const centers = Float32Array.from(init.subarray(0, k * d));
  const live = new Uint8Array(k).fill(1);
  const label = new Int32Array(n).fill(-1);
  const sums = new Float64Array(k * d);
  const sizes = new Int32Array(k);
  const rounds = Math.max(1, Math.floor(options.iters));
  let iterations = 0;
  for (let it = 0; it < rounds; it++) {
    iterations++;
    let changed = 0;
    for (let a = 0; a < n; a++) {
      const o = pts[a]! * d;
      let best = -1;
      let bestDot = -Infinity;
      for (let j = 0; j < k; j++) {
        if (!live[j]) continue;
        const co = j * d;
        let dot = 0;
        for (let c = 0; c < d; c++) dot += dense[o + c]! * centers[co + c]!;
        if (dot > bestDot) {
          bestDot = dot;
          best = j;
        }
      }
      if (label[a] !== best) {
        label[a] = best;
        changed++;
      }
    }
    flops += 2 * n * k * d;
    if (it > 0 && changed === 0) break;
    sums.fill(0);
    sizes.fill(0);
    for (let a = 0; a < n; a++) {
      const j = label[a]!;
      if (j < 0) continue;
      sizes[j]!++;
      const o = pts[a]! * d, so = j * d;
      for (let c = 0; c < d; c++) sums[so + c] = sums[so + c]! + dense[o + c]!;
    }
    for (let j = 0; j < k; j++) {
      if (!live[j]) continue;
      if (sizes[j] === 0) {
        live[j] = 0;
        continue;
      }
      let q = 0;
      for (let c = 0; c < d; c++) q += sums[j * d + c]! ** 2;
      const inv = q > 0 ? 1 / Math.sqrt(q) : 0;
      for (let c = 0; c < d; c++) centers[j * d + c] = sums[j * d + c]! * inv;
    }
    flops += n * d + 3 * k * d;
  }
  // Compact: drop empty clusters, renumber survivors in their initial order.
  const remap = new Int32Array(k).fill(-1);
  const finalSizes = new Int32Array(k);
  for (let a = 0; a < n; a++) if (label[a]! >= 0) finalSizes[label[a]!]!++;
  let count = 0;
  for (let j = 0; j < k; j++) if (live[j] && finalSizes[j]! > 0) remap[j] = count++;
  const outCenters = new Float32Array(count * d);
  const outSizes = new Int32Array(count);
  for (let j = 0; j < k; j++) {
    const r = remap[j]!;
    if (r < 0) continue;
    outCenters.set(centers.subarray(j * d, (j + 1) * d), r * d);
    outSizes[r] = finalSizes[j]!;
  }
  const assign = new Int32Array(hw).fill(-1);
  for (let a = 0; a < n; a++) if (label[a]! >= 0) assign[pts[a]!] = remap[label[a]!]!;
  return { assign, centers: outCenters, count, sizes: outSizes, iterations, flops };
}

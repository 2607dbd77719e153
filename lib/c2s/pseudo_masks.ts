/**
 * Pseudo-mask generation, paper Sec. III-B (M in Eq. 1): latent classes Ỹ_u mined from the
 * teacher's dense features C_d in the unannotated area of an image.
 *
 * `kmeans` (the paper's method), in the paper's order: cosine K-Means (`kmeans.ts`) initialised
 * from every Eq. 2 window seed of the unannotated area (`window_seeds.ts`), Algorithm 1 merging
 * the resulting clusters by their updated seed features S_d (`cluster_merge.ts`, whose header
 * states how its printed inconsistencies are read), and only then the `maxLatent` cap below.
 * `seedInit = "farthest-first"` is an earlier reading that thinned the seeds before K-Means (see
 * `kmeans.ts` for why it is not the default).
 * `ncut` and `proposals` are the Table XII comparison methods, analogues of Panoptic Cut and of a
 * class-agnostic mask proposer (`ncut.ts`, `proposals.ts`).
 *
 * Every method ends the same way: at most `maxLatent` latent classes are kept, the largest by
 * position count; ids are renumbered 0..count-1 by decreasing size (ties: earlier region first);
 * positions of dropped classes and annotated positions get -1.
 *
 * Options beyond `C2SConfig["pseudoMask"]` are read when present (see {@linkcode PseudoMaskExtras}):
 * `keepUnmerged` (default true), `maxClusters` (default 8) and `seedInit` (default `"all"`).
 *
 * @module
 */
import type { C2SConfig } from "./config.ts";
import { PseudoMaskMethod, SeedInit } from "./config.ts";
import { windowSeeds } from "./window_seeds.ts";
import { allSeeds, kmeans, selectSeeds } from "./kmeans.ts";
import { mergeClusters, similarityMatrix } from "./cluster_merge.ts";
import { ncutPartition } from "./ncut.ts";
import { regionProposals } from "./proposals.ts";

/** One image's teacher dense features and its annotated area. */
export interface PseudoMaskInput {
  /** Teacher dense features C_d, `h * w * D` row-major (`[y][x][d]`), L2-normalised. */
  dense: Float32Array;
  height: number;
  width: number;
  dim: number;
  /** `h * w`: 1 where the position carries a seen label (its C_d row counts as zero), else 0. */
  annotated: Uint8Array;
}

/** Latent classes of one image. */
export interface PseudoMaskResult {
  /** `h * w`: latent class id 0..count-1, or -1 (annotated or not assigned). */
  latent: Int16Array;
  /** Number of latent classes U. */
  count: number;
  /** Regions before merging and capping (K-Means clusters, Ncut segments or proposals). */
  clustersBeforeMerge: number;
  /** Regions after Algorithm 1, before the `maxLatent` cap (the other methods do not merge). */
  clustersAfterMerge: number;
  /** Groups Algorithm 1 formed by merging two or more clusters (0 for the other methods). */
  merges: number;
  /** Approximate floating-point operations of this call (Table XII's cost column). */
  flops?: number;
  /** Wall-clock milliseconds of this call. */
  elapsedMs?: number;
}

/** Options read from `C2SConfig["pseudoMask"]` when present, with these defaults. */
export interface PseudoMaskExtras {
  /**
   * Keep clusters that Algorithm 1 never merges as latent classes of their own.
   * @default {true}
   */
  keepUnmerged: boolean;
  /**
   * Most Ncut segments per image, and most K-Means seeds when `seedInit` is `"farthest-first"`.
   * @default {8}
   */
  maxClusters: number;
  /**
   * K-Means starts from every window seed (`"all"`, the paper) or from thinned ones.
   * @default {"all"}
   */
  seedInit: SeedInit;
}

/** The options {@linkcode generatePseudoMasks} reads: the config block, extras optional. */
export type PseudoMaskOptions = C2SConfig["pseudoMask"] & Partial<PseudoMaskExtras>;

/** Defaults of {@linkcode PseudoMaskExtras}. */
export const PSEUDO_MASK_EXTRAS: Readonly<PseudoMaskExtras> = {
  keepUnmerged: true,
  maxClusters: 8,
  seedInit: "all",
};

/** Fixed settings of the comparison methods (chosen a priori, see `ncut.ts` and `proposals.ts`). */
export const COMPARISON_DEFAULTS = {
  /** Ncut split accepted below this Ncut value (homogeneous regions score about 1). */
  ncutThreshold: 0.5,
  /** Smallest Ncut side and smallest proposal, in positions. */
  minSize: 2,
  /** Otsu class-mean gap of cos(x, background) that counts as foreground vs background. */
  proposalMargin: 0.2,
} as const;

/** User-facing messages of the pseudo-mask generator. */
export const pseudoMaskMessages = {
  denseLength: (got: number, h: number, w: number, d: number) =>
    `Dense features hold ${got} values, expected ${h} x ${w} x ${d} = ${h * w * d}`,
  annotatedLength: (got: number, h: number, w: number) =>
    `Annotated mask holds ${got} values, expected ${h} x ${w} = ${h * w}`,
  badGrid: (h: unknown, w: unknown, d: unknown) =>
    `Dense grid "${h} x ${w} x ${d}" must be positive integers`,
  unknownMethod: (method: unknown) =>
    `Unknown pseudo-mask method "${method}": expected one of ${PseudoMaskMethod.join(", ")}`,
  badWindow: (k: unknown) => `Window size "${k}" must be a positive integer`,
  noWindows: () => `Window sizes must not be empty`,
  badWindowGrid: (v: unknown) =>
    `Option "windowGrid" must be a positive integer (the grid side window sizes are written for), got ${
      JSON.stringify(v)
    }`,
  windowTooLarge: (k: number, h: number, w: number, scaled: number, grid: number) =>
    scaled === k
      ? `Window size ${k} exceeds the dense grid ${h} x ${w}`
      : `Window size ${k} (${scaled} once scaled from windowGrid ${grid} to the ${h} x ${w} grid) exceeds the dense grid`,
  badCount: (key: string, value: unknown) =>
    `Option "${key}" must be a non-negative integer, got "${value}"`,
  badLambda: (value: unknown) => `Option "lambda" must be a finite number, got "${value}"`,
  badFlag: (key: string, value: unknown) => `Option "${key}" must be a boolean, got "${value}"`,
  badSeedInit: (value: unknown) =>
    `Option "seedInit" must be one of ${SeedInit.join(", ")}, got "${value}"`,
  labelLength: (what: string, got: number, expected: number) =>
    `${what} holds ${got} values, expected ${expected}`,
  badUpsample: (h: number, w: number, toH: number, toW: number) =>
    `Cannot upsample a ${h} x ${w} map to ${toH} x ${toW}`,
} as const;

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0;
}

/** Validates the input and options; returns the extras with defaults filled in. */
function validate(input: PseudoMaskInput, options: PseudoMaskOptions): PseudoMaskExtras {
  const { height: h, width: w, dim: d } = input;
  if (![h, w, d].every((v) => Number.isInteger(v) && v > 0)) {
    throw new RangeError(pseudoMaskMessages.badGrid(h, w, d));
  }
  if (input.dense.length !== h * w * d) {
    throw new RangeError(pseudoMaskMessages.denseLength(input.dense.length, h, w, d));
  }
  if (input.annotated.length !== h * w) {
    throw new RangeError(pseudoMaskMessages.annotatedLength(input.annotated.length, h, w));
  }
  if (!(PseudoMaskMethod as readonly unknown[]).includes(options.method)) {
    throw new TypeError(pseudoMaskMessages.unknownMethod(options.method));
  }
  if (options.method === "kmeans") {
    if (options.windowSizes.length === 0) throw new RangeError(pseudoMaskMessages.noWindows());
    const grid = options.windowGrid;
    if (!isCount(grid) || grid < 1) {
      throw new RangeError(pseudoMaskMessages.badWindowGrid(grid));
    }
    for (const k of options.windowSizes) {
      if (!Number.isInteger(k) || k < 1) throw new RangeError(pseudoMaskMessages.badWindow(k));
      const [scaled] = gridWindowSizes([k], grid, h, w);
      if (scaled! > h || scaled! > w) {
        throw new RangeError(pseudoMaskMessages.windowTooLarge(k, h, w, scaled!, grid));
      }
    }
    if (!isCount(options.kmeansIters)) {
      throw new RangeError(pseudoMaskMessages.badCount("kmeansIters", options.kmeansIters));
    }
  }
  if (typeof options.lambda !== "number" || !Number.isFinite(options.lambda)) {
    throw new RangeError(pseudoMaskMessages.badLambda(options.lambda));
  }
  if (!isCount(options.maxLatent)) {
    throw new RangeError(pseudoMaskMessages.badCount("maxLatent", options.maxLatent));
  }
  const extra = options as Partial<Record<keyof PseudoMaskExtras, unknown>>;
  const keepUnmerged = extra.keepUnmerged ?? PSEUDO_MASK_EXTRAS.keepUnmerged;
  if (typeof keepUnmerged !== "boolean") {
    throw new TypeError(pseudoMaskMessages.badFlag("keepUnmerged", keepUnmerged));
  }
  const maxClusters = extra.maxClusters ?? PSEUDO_MASK_EXTRAS.maxClusters;
  if (!isCount(maxClusters) || maxClusters < 1) {
    throw new RangeError(pseudoMaskMessages.badCount("maxClusters", maxClusters));
  }
  const seedInit = extra.seedInit ?? PSEUDO_MASK_EXTRAS.seedInit;
  if (!(SeedInit as readonly unknown[]).includes(seedInit)) {
    throw new TypeError(pseudoMaskMessages.badSeedInit(seedInit));
  }
  return { keepUnmerged, maxClusters, seedInit: seedInit as SeedInit };
}

/**
 * Keeps the `maxLatent` largest regions of `regionOf` (`h * w`, ids 0..count-1 or -1) and
 * renumbers them by decreasing size (ties: lower id first).
 */
function capLargest(regionOf: Int32Array, count: number, maxLatent: number): {
  latent: Int16Array;
  count: number;
} {
  const sizes = new Int32Array(count);
  for (const r of regionOf) if (r >= 0) sizes[r]!++;
  const order = Array.from({ length: count }, (_, i) => i)
    .filter((i) => sizes[i]! > 0)
    .sort((a, b) => sizes[b]! - sizes[a]! || a - b)
    .slice(0, maxLatent);
  const remap = new Int32Array(count).fill(-1);
  order.forEach((r, i) => (remap[r] = i));
  const latent = new Int16Array(regionOf.length).fill(-1);
  for (let p = 0; p < regionOf.length; p++) {
    const r = regionOf[p]!;
    if (r >= 0) latent[p] = remap[r]!;
  }
  return { latent, count: order.length };
}

/** What a method leaves for the cap: a region per position and how it got there. */
interface Regions {
  regionOf: Int32Array;
  count: number;
  before: number;
  merges: number;
  flops: number;
}

/**
 * The window sizes `windowSizes`, written for a `windowGrid` side grid, on a `height` x `width`
 * grid: max(1, round(k * min(height, width) / windowGrid)), in order, each size once.
 *
 * @example The paper's 3 and 7 (on 32 x 32) on a 16 x 16 teacher grid
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { gridWindowSizes } from "./pseudo_masks.ts";
 * assertEquals(gridWindowSizes([3, 7], 32, 16, 16), [2, 4]);
 * assertEquals(gridWindowSizes([3, 7], 32, 32, 32), [3, 7]);
 * assertEquals(gridWindowSizes([1, 2, 3], 32, 16, 16), [1, 2]);
 * ```
 */
export function gridWindowSizes(
  windowSizes: readonly number[],
  windowGrid: number,
  height: number,
  width: number,
): number[] {
  const side = Math.min(height, width);
  const scaled = windowSizes.map((k) => Math.max(1, Math.round((k * side) / windowGrid)));
  return [...new Set(scaled)];
}

/** The paper's method: K-Means from the Eq. 2 seeds, then Algorithm 1 (see the module doc). */
function kmeansMasks(
  input: PseudoMaskInput,
  options: C2SConfig["pseudoMask"],
  extras: PseudoMaskExtras,
): Regions {
  const sizes = gridWindowSizes(options.windowSizes, options.windowGrid, input.height, input.width);
  const seeds = windowSeeds(input, sizes);
  const selected = extras.seedInit === "all"
    ? allSeeds(seeds)
    : selectSeeds(seeds, { maxClusters: extras.maxClusters, dedup: options.lambda });
  let init = selected.centers;
  let flops = seeds.flops + selected.flops;
  if (selected.count === 0) {
    // Every window is fully annotated: the unannotated positions left (if any) seed one cluster.
    const { dense, dim: d, annotated } = input;
    const mean = new Float32Array(d);
    for (let p = 0; p < annotated.length; p++) {
      if (annotated[p] !== 0) continue;
      for (let c = 0; c < d; c++) mean[c] = mean[c]! + dense[p * d + c]!;
    }
    if (mean.some((v) => v !== 0)) init = mean;
    flops += annotated.length * d;
  }
  const clusters = kmeans(input, init, { iters: options.kmeansIters });
  const g = similarityMatrix(clusters.centers, clusters.count);
  const merged = mergeClusters(g, clusters.count, {
    lambda: options.lambda,
    keepUnmerged: extras.keepUnmerged,
  });
  flops += clusters.flops + 2 * clusters.count * clusters.count * input.dim;
  const regionOf = clusters.assign.map((c) => (c >= 0 ? merged.groupOf[c]! : -1));
  return {
    regionOf,
    count: merged.groups.length,
    before: clusters.count,
    merges: merged.merged,
    flops,
  };
}

/**
 * Generates the latent-class pseudo masks Ỹ_u of one image with `options.method`, capped to
 * `options.maxLatent` classes. `seed` drives the only random choice (Ncut's Lanczos start vector);
 * `kmeans` and `proposals` are deterministic.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { generatePseudoMasks } from "./pseudo_masks.ts";
 * import { DEFAULT_CONFIG } from "./config.ts";
 * // 16 x 16 grid, D = 2: left half one direction, right half another.
 * const dense = new Float32Array(16 * 16 * 2);
 * for (let p = 0; p < 256; p++) dense[p * 2 + (p % 16 < 8 ? 0 : 1)] = 1;
 * const input = { dense, height: 16, width: 16, dim: 2, annotated: new Uint8Array(256) };
 * assertEquals(generatePseudoMasks(input, DEFAULT_CONFIG.pseudoMask, 0).count, 2);
 * ```
 */
export function generatePseudoMasks(
  input: PseudoMaskInput,
  options: PseudoMaskOptions,
  seed: number,
): PseudoMaskResult {
  const t0 = performance.now();
  const extras = validate(input, options);
  let regionOf: Int32Array;
  let count: number;
  let before: number;
  let merges = 0;
  let flops: number;
  if (options.method === "kmeans") {
    ({ regionOf, count, before, merges, flops } = kmeansMasks(input, options, extras));
  } else if (options.method === "ncut") {
    const r = ncutPartition(input, {
      sigma: 1 - options.lambda,
      threshold: COMPARISON_DEFAULTS.ncutThreshold,
      maxSegments: extras.maxClusters,
      minSize: COMPARISON_DEFAULTS.minSize,
      seed,
    });
    ({ assign: regionOf, count, flops } = r);
    before = r.count;
  } else {
    const r = regionProposals(input, {
      minSize: COMPARISON_DEFAULTS.minSize,
      margin: COMPARISON_DEFAULTS.proposalMargin,
    });
    ({ assign: regionOf, count, flops } = r);
    before = r.count;
  }
  const capped = capLargest(regionOf, count, options.maxLatent);
  flops += 2 * regionOf.length;
  return {
    latent: capped.latent,
    count: capped.count,
    clustersBeforeMerge: before,
    clustersAfterMerge: count,
    merges,
    flops,
    elapsedMs: performance.now() - t0,
  };
}

/** Mean cost of a set of {@linkcode generatePseudoMasks} calls. */
export interface PseudoMaskCost {
  readonly images: number;
  readonly meanMs: number;
  readonly meanFlops: number;
  /** Mean latent classes and mean regions before merging/capping. */
  readonly meanCount: number;
  readonly meanClustersBeforeMerge: number;
  /** Mean regions after merging (before the cap) and mean merged groups. */
  readonly meanClustersAfterMerge: number;
  readonly meanMerges: number;
  /** Share of images (0..1) where Algorithm 1 merged at least once. */
  readonly mergedShare: number;
}

/**
 * Averages the `elapsedMs` and `flops` of pseudo-mask results (missing values count as 0).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { pseudoMaskCost } from "./pseudo_masks.ts";
 * const r = {
 *   latent: new Int16Array(0),
 *   count: 2,
 *   clustersBeforeMerge: 5,
 *   clustersAfterMerge: 3,
 *   merges: 1,
 *   flops: 10,
 *   elapsedMs: 1,
 * };
 * const cost = pseudoMaskCost([r, { ...r, merges: 0, flops: 30 }]);
 * assertEquals([cost.meanFlops, cost.meanMerges, cost.mergedShare], [20, 0.5, 0.5]);
 * ```
 */
export function pseudoMaskCost(results: readonly PseudoMaskResult[]): PseudoMaskCost {
  const n = results.length;
  let ms = 0, fl = 0, cnt = 0, before = 0, after = 0, merges = 0, merged = 0;
  for (const r of results) {
    ms += r.elapsedMs ?? 0;
    fl += r.flops ?? 0;
    cnt += r.count;
    before += r.clustersBeforeMerge;
    after += r.clustersAfterMerge;
    merges += r.merges;
    if (r.merges > 0) merged++;
  }
  const mean = (v: number) => (n > 0 ? v / n : 0);
  return {
    images: n,
    meanMs: mean(ms),
    meanFlops: mean(fl),
    meanCount: mean(cnt),
    meanClustersBeforeMerge: mean(before),
    meanClustersAfterMerge: mean(after),
    meanMerges: mean(merges),
    mergedShare: mean(merged),
  };
}

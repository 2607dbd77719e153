/**
 * Synthetic teacher features for the pseudo-mask tests: each region of a scene has its own random
 * unit direction; every position gets that direction plus Gaussian noise, L2-normalised; annotated
 * positions are zeroed, as the teacher cache will hand them over.
 *
 * @module
 */
import type { PseudoMaskInput } from "../../lib/c2s/pseudo_masks.ts";

/** A deterministic uniform [0, 1) generator (mulberry32). */
export function testRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal sample (Box-Muller). */
export function gaussian(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** A random unit vector of width `dim`. */
export function randomUnit(dim: number, rng: () => number): Float32Array {
  const v = new Float32Array(dim).map(() => gaussian(rng));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** An axis-aligned rectangle of grid positions with a region id. */
export interface Rect {
  readonly id: number;
  readonly y: number;
  readonly x: number;
  readonly h: number;
  readonly w: number;
}

/** Region map: region 0 (background) everywhere, later rectangles painted on top. */
export function paintRegions(height: number, width: number, rects: readonly Rect[]): Int32Array {
  const map = new Int32Array(height * width);
  for (const r of rects) {
    for (let y = r.y; y < r.y + r.h; y++) {
      for (let x = r.x; x < r.x + r.w; x++) map[y * width + x] = r.id;
    }
  }
  return map;
}

/**
 * Dense features for a region map: direction of the region + noise of expected norm `noise`,
 * L2-normalised; positions whose region is in `annotatedIds` are zeroed and marked annotated.
 */
export function synthesizeFeatures(
  regions: Int32Array,
  size: { height: number; width: number; dim: number },
  options: { noise: number; seed: number; annotatedIds?: readonly number[] },
): PseudoMaskInput & { directions: Map<number, Float32Array> } {
  const { height, width, dim } = size;
  const rng = testRng(options.seed);
  const directions = new Map<number, Float32Array>();
  for (const r of [...new Set(regions)].sort((a, b) => a - b)) {
    directions.set(r, randomUnit(dim, rng));
  }
  const annotatedIds = new Set(options.annotatedIds ?? []);
  const dense = new Float32Array(height * width * dim);
  const annotated = new Uint8Array(height * width);
  const s = options.noise / Math.sqrt(dim);
  for (let p = 0; p < height * width; p++) {
    const r = regions[p]!;
    const u = directions.get(r)!;
    const v = new Float32Array(dim);
    for (let c = 0; c < dim; c++) v[c] = u[c]! + s * gaussian(rng);
    if (annotatedIds.has(r)) {
      annotated[p] = 1;
      continue;
    }
    const n = Math.hypot(...v);
    for (let c = 0; c < dim; c++) dense[p * dim + c] = v[c]! / n;
  }
  return { dense, height, width, dim, annotated, directions };
}

/** A synthetic scene: background 0, seen objects (annotated), unseen objects, none touching. */
export interface SyntheticScene {
  readonly input: PseudoMaskInput;
  readonly regions: Int32Array;
  readonly seenIds: number[];
  readonly unseenIds: number[];
}

/**
 * A 16 x 16 x 64 scene with `seen` annotated and `unseen` unannotated rectangular objects of 4-7
 * positions a side, separated from each other by at least one background position.
 */
export function syntheticScene(
  seed: number,
  options: { seen?: number; unseen?: number; noise?: number } = {},
): SyntheticScene {
  const { seen = 1, unseen = 2, noise = 0.6 } = options;
  const rng = testRng(seed * 7 + 1);
  const rects: Rect[] = [];
  const apart = (a: Rect, b: Rect) =>
    a.y + a.h < b.y || b.y + b.h < a.y || a.x + a.w < b.x || b.x + b.w < a.x;
  for (let id = 1; id <= seen + unseen; id++) {
    for (let tries = 0; tries < 1000; tries++) {
      const h = 4 + Math.floor(rng() * 4), w = 4 + Math.floor(rng() * 4);
      const r = {
        id,
        y: 1 + Math.floor(rng() * (15 - h)),
        x: 1 + Math.floor(rng() * (15 - w)),
        h,
        w,
      };
      if (rects.every((q) => apart(q, r))) {
        rects.push(r);
        break;
      }
    }
  }
  const regions = paintRegions(16, 16, rects);
  const seenIds = rects.filter((r) => r.id <= seen).map((r) => r.id);
  const unseenIds = rects.filter((r) => r.id > seen).map((r) => r.id);
  const input = synthesizeFeatures(regions, { height: 16, width: 16, dim: 64 }, {
    noise,
    seed,
    annotatedIds: seenIds,
  });
  return { input, regions, seenIds, unseenIds };
}

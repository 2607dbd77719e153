import { assert, assertThrows } from "../../lib/_std.ts";
import { DEFAULT_CONFIG } from "../../lib/c2s/config.ts";
import {
  generatePseudoMasks,
  pseudoMaskCost,
  type PseudoMaskInput,
} from "../../lib/c2s/pseudo_masks.ts";
import { matchMasks, summarizeMaskAccuracy } from "../../lib/c2s/mask_accuracy.ts";
import {
  paintRegions,
  synthesizeFeatures,
  syntheticScene,
  testRng,
} from "./pseudo_masks_synthetic.ts";

const OPTIONS = DEFAULT_CONFIG.pseudoMask;
/** The earlier reading (K-Means from at most `maxClusters` thinned seeds), with its settings. */
const THINNED = {
  ...OPTIONS,
  seedInit: "farthest-first" as const,
  lambda: 0.9,
  maxLatent: 4,
};
const SIZE = { height: 16, width: 16, dim: 64 };
const METHODS = ["kmeans", "ncut", "proposals"] as const;

/** Ground truth for matchMasks: region id per position, background ignored. */
function truth(regions: Int32Array): Uint8Array {
  return Uint8Array.from(regions, (r) => (r === 0 ? 255 : r));
}

/** Mean best IoU of unseen objects over `scenes` for a latent map producer. */
function unseenAccuracy(
  scenes: number,
  latentOf: (scene: ReturnType<typeof syntheticScene>, index: number) => Int16Array,
): number {
  const matches = [];
  for (let s = 0; s < scenes; s++) {
    const scene = syntheticScene(100 + s);
    const all = matchMasks(latentOf(scene, s), truth(scene.regions), {
      unseenIds: scene.unseenIds,
    });
    matches.push(...all.filter((m) => !m.seen));
  }
  return summarizeMaskAccuracy(matches).unseen!;
}

for (const method of METHODS) {
  Deno.test(`generatePseudoMasks("${method}") recovers unseen objects far above chance`, () => {
    const options = { ...OPTIONS, method };
    const found = unseenAccuracy(
      12,
      (scene, s) => generatePseudoMasks(scene.input, options, s).latent,
    );
    // Chance: the same latent ids, shuffled over the unannotated positions.
    const chance = unseenAccuracy(12, (scene, s) => {
      const latent = generatePseudoMasks(scene.input, options, s).latent;
      const free = [...latent.keys()].filter((p) => scene.input.annotated[p] === 0);
      const rng = testRng(s);
      const ids = free.map((p) => latent[p]!);
      for (let i = ids.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [ids[i], ids[j]] = [ids[j]!, ids[i]!];
      }
      const shuffled = Int16Array.from(latent);
      free.forEach((p, i) => (shuffled[p] = ids[i]!));
      return shuffled;
    });
    assert.ok(found > 0.85, `${method}: mean unseen best IoU ${found.toFixed(3)}`);
    assert.ok(chance < 0.3, `${method}: chance ${chance.toFixed(3)}`);
  });
}

Deno.test("generatePseudoMasks() marks annotated positions -1 and numbers classes by size", () => {
  for (const method of METHODS) {
    const { input } = syntheticScene(7);
    const r = generatePseudoMasks(input, { ...OPTIONS, method }, 0);
    const sizes = new Array<number>(r.count).fill(0);
    for (let p = 0; p < 256; p++) {
      if (input.annotated[p]) assert.equal(r.latent[p], -1);
      else if (r.latent[p]! >= 0) sizes[r.latent[p]!]!++;
    }
    assert.ok(r.count >= 1 && r.count <= OPTIONS.maxLatent);
    for (let i = 1; i < r.count; i++) assert.ok(sizes[i - 1]! >= sizes[i]! && sizes[i]! > 0);
  }
});

Deno.test("generatePseudoMasks() keeps the maxLatent largest classes and drops the rest", () => {
  // Five stripes of widths 6, 4, 3, 2, 1 in orthogonal-ish directions: nothing merges.
  const widths = [6, 4, 3, 2, 1];
  let x = 0;
  const rects = widths.map((w, i) => {
    const r = { id: i, y: 0, x, h: 16, w };
    x += w;
    return r;
  });
  const regions = paintRegions(16, 16, rects);
  const input = synthesizeFeatures(regions, SIZE, { noise: 0.2, seed: 9 });
  const full = generatePseudoMasks(input, { ...THINNED, windowSizes: [1], maxLatent: 8 }, 0);
  assert.equal(full.count, 5);
  const r = generatePseudoMasks(input, { ...THINNED, windowSizes: [1], maxLatent: 2 }, 0);
  assert.equal(r.count, 2);
  for (let p = 0; p < 256; p++) {
    const expected = regions[p] === 0 ? 0 : regions[p] === 1 ? 1 : -1;
    assert.equal(r.latent[p], expected);
  }
  assert.equal(r.clustersBeforeMerge, 5);
  assert.equal(generatePseudoMasks(input, { ...THINNED, maxLatent: 0 }, 0).count, 0);
});

Deno.test("generatePseudoMasks() reads keepUnmerged: false drops clusters that never merge (thinned seeds)", () => {
  const regions = paintRegions(16, 16, [{ id: 1, y: 0, x: 0, h: 16, w: 8 }]);
  const input = synthesizeFeatures(regions, SIZE, { noise: 0.2, seed: 10 });
  const kept = generatePseudoMasks(input, THINNED, 0);
  assert.equal(kept.count, 2);
  const dropped = generatePseudoMasks(input, { ...THINNED, keepUnmerged: false }, 0);
  assert.equal(dropped.count, 0);
  assert.ok(dropped.latent.every((v) => v === -1));
});

Deno.test("generatePseudoMasks() reads maxClusters as the cap on thinned K-Means seeds", () => {
  const { input } = syntheticScene(11, { seen: 0, unseen: 3 });
  const r = generatePseudoMasks(input, { ...THINNED, maxClusters: 2, maxLatent: 8 }, 0);
  assert.ok(r.clustersBeforeMerge <= 2);
  assert.ok(generatePseudoMasks(input, { ...THINNED, maxLatent: 8 }, 0).clustersBeforeMerge >= 4);
});

Deno.test("generatePseudoMasks() gives one class when every window is annotated but a position is not", () => {
  const annotated = new Uint8Array(256).fill(1);
  annotated[15] = 0; // column 15 lies outside every 3 x 3 and 7 x 7 window on 16 x 16
  const dense = new Float32Array(256 * 64);
  dense[15 * 64] = 1;
  const r = generatePseudoMasks({ ...SIZE, dense, annotated }, OPTIONS, 0);
  assert.equal(r.count, 1);
  assert.equal(r.latent[15], 0);
  assert.equal(r.latent.filter((v) => v === 0).length, 1);
});

Deno.test("generatePseudoMasks() is deterministic for a seed and reports its cost", () => {
  const { input } = syntheticScene(12);
  for (const method of METHODS) {
    const a = generatePseudoMasks(input, { ...OPTIONS, method }, 3);
    const b = generatePseudoMasks(input, { ...OPTIONS, method }, 3);
    assert.deepEqual(a.latent, b.latent);
    assert.ok(a.flops! > 0 && a.elapsedMs! >= 0);
  }
  const r = {
    latent: new Int16Array(0),
    count: 2,
    clustersBeforeMerge: 4,
    clustersAfterMerge: 3,
    merges: 1,
    flops: 10,
    elapsedMs: 1,
  };
  const other = { ...r, flops: 30, elapsedMs: 3, count: 4, clustersAfterMerge: 4, merges: 0 };
  assert.deepEqual(pseudoMaskCost([r, other]), {
    images: 2,
    meanMs: 2,
    meanFlops: 20,
    meanCount: 3,
    meanClustersBeforeMerge: 4,
    meanClustersAfterMerge: 3.5,
    meanMerges: 0.5,
    mergedShare: 0.5,
  });
});

Deno.test("generatePseudoMasks() with seedInit all starts K-Means from every window seed, then merges", () => {
  // Two regions of 8 columns: the 3 x 3 windows give 49 seeds, K-Means keeps many fragments of
  // each region, and Algorithm 1 merges the fragments back into one group per region.
  const regions = paintRegions(16, 16, [{ id: 0, y: 0, x: 0, h: 16, w: 8 }, {
    id: 1,
    y: 0,
    x: 8,
    h: 16,
    w: 8,
  }]);
  const input = synthesizeFeatures(regions, SIZE, { noise: 0.2, seed: 14 });
  const options = {
    ...OPTIONS,
    seedInit: "all" as const,
    windowSizes: [3],
    windowGrid: 16,
    maxLatent: 64,
  };
  const all = generatePseudoMasks(input, options, 0);
  assert.ok(all.clustersBeforeMerge > 8, `${all.clustersBeforeMerge} clusters`);
  assert.ok(all.merges >= 2, `${all.merges} merges`);
  assert.ok(all.clustersAfterMerge < all.clustersBeforeMerge);
  assert.equal(all.count, all.clustersAfterMerge);
  const thinned = generatePseudoMasks(input, { ...options, seedInit: "farthest-first" }, 0);
  assert.ok(thinned.clustersBeforeMerge <= OPTIONS.maxClusters);
  assertThrows(
    () => generatePseudoMasks(input, { ...OPTIONS, seedInit: "some" } as never, 0),
    TypeError,
    'Option "seedInit" must be one of all, farthest-first, got "some"',
  );
});

Deno.test("generatePseudoMasks() scales window sizes from windowGrid to the teacher's grid", () => {
  const { input } = syntheticScene(21);
  const options = { ...OPTIONS, seedInit: "all" as const, maxLatent: 64 };
  const scaled = generatePseudoMasks(input, { ...options, windowSizes: [3, 7], windowGrid: 32 }, 0);
  const direct = generatePseudoMasks(input, { ...options, windowSizes: [2, 4], windowGrid: 16 }, 0);
  const unscaled = generatePseudoMasks(
    input,
    { ...options, windowSizes: [3, 7], windowGrid: 16 },
    0,
  );
  assert.deepEqual(scaled.latent, direct.latent);
  assert.equal(scaled.clustersBeforeMerge, direct.clustersBeforeMerge);
  // 2 x 2 windows at stride 1 and 4 x 4 at stride 2 give 15^2 + 7^2 = 274 seeds; 3 and 7 give 58.
  assert.notEqual(scaled.clustersBeforeMerge, unscaled.clustersBeforeMerge);
});

Deno.test("generatePseudoMasks() rejects malformed input and options, naming the value", () => {
  const { input } = syntheticScene(13);
  const bad = (
    i: Partial<PseudoMaskInput>,
    o: Record<string, unknown>,
    name: string,
    message: string,
  ) =>
    assert.throws(
      () => generatePseudoMasks({ ...input, ...i }, { ...OPTIONS, ...o } as typeof OPTIONS, 0),
      { name, message },
    );
  bad(
    { dense: new Float32Array(10) },
    {},
    "RangeError",
    "Dense features hold 10 values, expected 16 x 16 x 64 = 16384",
  );
  bad(
    { annotated: new Uint8Array(3) },
    {},
    "RangeError",
    "Annotated mask holds 3 values, expected 16 x 16 = 256",
  );
  bad({ height: 0 }, {}, "RangeError", 'Dense grid "0 x 16 x 64" must be positive integers');
  bad(
    {},
    { method: "slic" },
    "TypeError",
    'Unknown pseudo-mask method "slic": expected one of kmeans, ncut, proposals',
  );
  bad({}, { windowSizes: [] }, "RangeError", "Window sizes must not be empty");
  bad({}, { windowSizes: [3, 2.5] }, "RangeError", 'Window size "2.5" must be a positive integer');
  bad(
    {},
    { windowSizes: [17], windowGrid: 16 },
    "RangeError",
    "Window size 17 exceeds the dense grid 16 x 16",
  );
  bad(
    {},
    { windowSizes: [3, 40] },
    "RangeError",
    "Window size 40 (20 once scaled from windowGrid 32 to the 16 x 16 grid) exceeds the dense grid",
  );
  bad(
    {},
    { windowGrid: 0 },
    "RangeError",
    'Option "windowGrid" must be a positive integer (the grid side window sizes are written for), got 0',
  );
  bad(
    {},
    { kmeansIters: -1 },
    "RangeError",
    'Option "kmeansIters" must be a non-negative integer, got "-1"',
  );
  bad(
    {},
    { maxLatent: 1.5 },
    "RangeError",
    'Option "maxLatent" must be a non-negative integer, got "1.5"',
  );
  bad(
    {},
    { lambda: Number.NaN },
    "RangeError",
    'Option "lambda" must be a finite number, got "NaN"',
  );
  bad(
    {},
    { keepUnmerged: "yes" },
    "TypeError",
    'Option "keepUnmerged" must be a boolean, got "yes"',
  );
  bad(
    {},
    { maxClusters: 0 },
    "RangeError",
    'Option "maxClusters" must be a non-negative integer, got "0"',
  );
});

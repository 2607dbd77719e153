import { assert } from "../../lib/_std.ts";
import { kmeans, selectSeeds } from "../../lib/c2s/kmeans.ts";
import { windowSeeds } from "../../lib/c2s/window_seeds.ts";
import { paintRegions, synthesizeFeatures } from "./pseudo_masks_synthetic.ts";

const SIZE = { height: 12, width: 12, dim: 32 };
const RECTS = [{ id: 1, y: 1, x: 1, h: 5, w: 5 }, { id: 2, y: 6, x: 6, h: 5, w: 6 }];

/** True when `a` and `b` induce the same partition of the positions where `b` >= 0. */
function samePartition(a: Int32Array, b: Int32Array): boolean {
  const ab = new Map<number, number>(), ba = new Map<number, number>();
  for (let p = 0; p < a.length; p++) {
    if (b[p]! < 0) continue;
    if ((ab.get(a[p]!) ?? b[p]) !== b[p] || (ba.get(b[p]!) ?? a[p]) !== a[p]) return false;
    ab.set(a[p]!, b[p]!);
    ba.set(b[p]!, a[p]!);
  }
  return true;
}

Deno.test("selectSeeds() keeps one seed per well-separated group and starts from the largest norm", () => {
  const regions = paintRegions(12, 12, RECTS);
  const input = synthesizeFeatures(regions, SIZE, { noise: 0.2, seed: 3 });
  const seeds = windowSeeds(input, [3]);
  const selected = selectSeeds(seeds, { maxClusters: 8, dedup: 0.9 });
  let first = 0;
  for (let i = 0; i < seeds.count; i++) {
    const n = Math.hypot(...seeds.seeds.subarray(i * 32, (i + 1) * 32));
    if (n > Math.hypot(...seeds.seeds.subarray(first * 32, (first + 1) * 32))) first = i;
  }
  assert.equal(selected.index[0], first);
  // Three regions, plus seeds of windows straddling two of them (mixtures, cosine ~0.7 to both).
  assert.ok(selected.count >= 3, `count ${selected.count}`);
  for (let i = 0; i < selected.count; i++) {
    const row = selected.centers.subarray(i * 32, (i + 1) * 32);
    assert.ok(Math.abs(Math.hypot(...row) - 1) < 1e-5);
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let c = 0; c < 32; c++) dot += row[c]! * selected.centers[j * 32 + c]!;
      assert.ok(dot < 0.9, `seeds ${i} and ${j} are near-duplicates (${dot})`);
    }
  }
  for (const [region, u] of input.directions) {
    let best = -1;
    for (let i = 0; i < selected.count; i++) {
      let dot = 0;
      for (let c = 0; c < 32; c++) dot += u[c]! * selected.centers[i * 32 + c]!;
      best = Math.max(best, dot);
    }
    assert.ok(best > 0.9, `region ${region} has no seed (best cosine ${best})`);
  }
  assert.equal(selectSeeds(seeds, { maxClusters: 2, dedup: 0.9 }).count, 2);
});

Deno.test("kmeans() recovers three separable groups exactly from Eq. 2 seeds", () => {
  const regions = paintRegions(12, 12, RECTS);
  const input = synthesizeFeatures(regions, SIZE, { noise: 0.4, seed: 5 });
  const init = selectSeeds(windowSeeds(input, [3, 7]), { maxClusters: 3, dedup: 0.9 });
  const r = kmeans(input, init.centers, { iters: 10 });
  assert.equal(r.count, 3);
  assert.ok(samePartition(r.assign, regions));
  assert.deepEqual([...r.sizes].sort((a, b) => a - b), [25, 30, 144 - 55]);
});

Deno.test("kmeans() returns unit centres S_d equal to the mean direction of their positions", () => {
  const regions = paintRegions(12, 12, RECTS);
  const input = synthesizeFeatures(regions, SIZE, { noise: 0.8, seed: 6 });
  const init = selectSeeds(windowSeeds(input, [3]), { maxClusters: 8, dedup: 0.9 });
  const r = kmeans(input, init.centers, { iters: 20 });
  for (let k = 0; k < r.count; k++) {
    const mean = new Float64Array(32);
    for (let p = 0; p < 144; p++) {
      if (r.assign[p] !== k) continue;
      for (let c = 0; c < 32; c++) mean[c] = mean[c]! + input.dense[p * 32 + c]!;
    }
    const n = Math.hypot(...mean);
    for (let c = 0; c < 32; c++) {
      assert.ok(Math.abs(mean[c]! / n - r.centers[k * 32 + c]!) < 1e-5);
    }
  }
});

Deno.test("kmeans() drops a cluster that attracts no position and renumbers the rest", () => {
  // 1 x 4 grid in D = 3: two points along x, two along y; the z seed wins nothing.
  const dense = Float32Array.from([1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0]);
  const input = { dense, height: 1, width: 4, dim: 3, annotated: new Uint8Array(4) };
  const init = Float32Array.from([0, 0, 1, 1, 0, 0, 0, 1, 0]);
  const r = kmeans(input, init, { iters: 5 });
  assert.equal(r.count, 2);
  assert.deepEqual([...r.assign], [0, 0, 1, 1]);
  assert.deepEqual([...r.sizes], [2, 2]);
  assert.deepEqual([...r.centers], [1, 0, 0, 0, 1, 0]);
});

Deno.test("kmeans() leaves annotated positions at -1 and stops once assignments settle", () => {
  const regions = paintRegions(12, 12, RECTS);
  const input = synthesizeFeatures(regions, SIZE, { noise: 0.3, seed: 7, annotatedIds: [1] });
  const init = selectSeeds(windowSeeds(input, [3]), { maxClusters: 8, dedup: 0.9 });
  const r = kmeans(input, init.centers, { iters: 50 });
  for (let p = 0; p < 144; p++) assert.equal(r.assign[p]! < 0, regions[p] === 1);
  assert.ok(r.iterations < 50, `ran ${r.iterations} rounds`);
  assert.ok(samePartition(r.assign, regions.map((v) => (v === 1 ? -1 : v))));
});

Deno.test("kmeans() with iters 0 still assigns every unannotated position once", () => {
  const dense = Float32Array.from([1, 0, 0, 1]);
  const input = { dense, height: 1, width: 2, dim: 2, annotated: new Uint8Array(2) };
  const r = kmeans(input, Float32Array.from([0.8, 0.6]), { iters: 0 });
  assert.equal(r.iterations, 1);
  assert.deepEqual([...r.assign], [0, 0]);
});

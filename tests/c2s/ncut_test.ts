import { assert } from "../../lib/_std.ts";
import { bestNcutSplit, fiedlerVector, ncutPartition } from "../../lib/c2s/ncut.ts";
import { paintRegions, synthesizeFeatures } from "./pseudo_masks_synthetic.ts";

const OPTIONS = { sigma: 0.1, threshold: 0.5, maxSegments: 8, minSize: 2, seed: 1 };

/** Two cliques of `m` nodes (weight 1 inside) joined by weight `eps` between every pair. */
function twoCliques(m: number, eps: number): Float64Array {
  const n = 2 * m;
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i !== j) w[i * n + j] = (i < m) === (j < m) ? 1 : eps;
    }
  }
  return w;
}

Deno.test("fiedlerVector() separates two weakly joined cliques by sign, with eigenvalue near 0", () => {
  const m = 20;
  const f = fiedlerVector(twoCliques(m, 1e-3), 2 * m, 4);
  const s = Math.sign(f.vector[0]!);
  for (let i = 0; i < 2 * m; i++) assert.equal(Math.sign(f.vector[i]!), i < m ? s : -s);
  // lambda_2 of the normalized Laplacian: 2 m eps / ((m - 1) + m eps) for this graph.
  const exact = (2 * m * 1e-3) / (m - 1 + m * 1e-3);
  assert.ok(Math.abs(f.value - exact) < 1e-6, `${f.value} vs ${exact}`);
});

Deno.test("bestNcutSplit() returns the threshold split of lowest Ncut value and its exact value", () => {
  // Path 0 - 1 - 2 - 3 with weights 1, eps, 1: cutting the middle edge is best.
  const eps = 0.01;
  const w = new Float64Array(16);
  const edge = (i: number, j: number, v: number) => (w[i * 4 + j] = w[j * 4 + i] = v);
  edge(0, 1, 1);
  edge(1, 2, eps);
  edge(2, 3, 1);
  const split = bestNcutSplit(w, 4, Float64Array.from([-2, -1, 1, 2]), 1)!;
  assert.deepEqual([split.a, split.b], [[0, 1], [2, 3]]);
  assert.ok(Math.abs(split.ncut - (2 * eps) / (2 + eps)) < 1e-12);
  assert.equal(bestNcutSplit(w, 4, Float64Array.from([-2, -1, 1, 2]), 3), null);
});

Deno.test("ncutPartition() splits two obvious blobs apart and nothing more", () => {
  const regions = paintRegions(16, 16, [{ id: 1, y: 0, x: 0, h: 16, w: 7 }]);
  const input = synthesizeFeatures(regions, { height: 16, width: 16, dim: 64 }, {
    noise: 0.6,
    seed: 2,
  });
  const r = ncutPartition(input, OPTIONS);
  assert.equal(r.count, 2);
  const left = r.assign[0]!;
  for (let p = 0; p < 256; p++) assert.equal(r.assign[p] === left, regions[p] === 1);
  assert.deepEqual([...r.sizes].sort((a, b) => a - b), [112, 144]);
});

Deno.test("ncutPartition() keeps a homogeneous region whole", () => {
  const input = synthesizeFeatures(new Int32Array(256), { height: 16, width: 16, dim: 64 }, {
    noise: 0.6,
    seed: 3,
  });
  const r = ncutPartition(input, OPTIONS);
  assert.equal(r.count, 1);
  assert.deepEqual([...r.sizes], [256]);
});

Deno.test("ncutPartition() stops at maxSegments and skips annotated positions", () => {
  const rects = [1, 2, 3, 4].map((id) => ({ id, y: 0, x: id * 3, h: 16, w: 3 }));
  const regions = paintRegions(16, 16, rects);
  const input = synthesizeFeatures(regions, { height: 16, width: 16, dim: 64 }, {
    noise: 0.4,
    seed: 4,
    annotatedIds: [4],
  });
  const all = ncutPartition(input, OPTIONS);
  assert.equal(all.count, 4);
  for (let p = 0; p < 256; p++) assert.equal(all.assign[p]! < 0, regions[p] === 4);
  const capped = ncutPartition(input, { ...OPTIONS, maxSegments: 2 });
  assert.equal(capped.count, 2);
});

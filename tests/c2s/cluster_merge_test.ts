import { assert } from "../../lib/_std.ts";
import { mergeClusters, similarityMatrix } from "../../lib/c2s/cluster_merge.ts";

/** Symmetric matrix with ones on the diagonal and the given off-diagonal entries. */
function matrix(n: number, entries: readonly [number, number, number][], fill = 0): Float64Array {
  const g = new Float64Array(n * n).fill(fill);
  for (let i = 0; i < n; i++) g[i * n + i] = 1;
  for (const [i, j, v] of entries) {
    g[i * n + j] = v;
    g[j * n + i] = v;
  }
  return g;
}

Deno.test("similarityMatrix() holds the cosine of every pair of seed features", () => {
  const g = similarityMatrix(Float32Array.from([1, 0, 3, 4, 0, 0]), 3);
  assert.deepEqual([...g].map((v) => Math.round(v * 1e6) / 1e6), [1, 0.6, 0, 0.6, 1, 0, 0, 0, 0]);
});

Deno.test("mergeClusters() merges nothing when every pair is below lambda, keeping each cluster", () => {
  const g = matrix(3, [[0, 1, 0.89], [0, 2, 0.5], [1, 2, -0.2]]);
  const r = mergeClusters(g, 3, { lambda: 0.9 });
  assert.deepEqual(r.groups, [[0], [1], [2]]);
  assert.equal(r.merged, 0);
  assert.deepEqual([...r.groupOf], [0, 1, 2]);
});

Deno.test("mergeClusters() drops never-merged clusters when keepUnmerged is false (as printed)", () => {
  const none = mergeClusters(matrix(3, [[0, 1, 0.5]]), 3, { lambda: 0.9, keepUnmerged: false });
  assert.deepEqual(none.groups, []);
  assert.deepEqual([...none.groupOf], [-1, -1, -1]);
  const some = mergeClusters(matrix(3, [[0, 2, 0.95]]), 3, { lambda: 0.9, keepUnmerged: false });
  assert.deepEqual(some.groups, [[0, 2]]);
  assert.deepEqual([...some.groupOf], [0, -1, 0]);
});

Deno.test("mergeClusters() puts the argmax row i in its own group with all j at cosine >= lambda", () => {
  const g = matrix(4, [[0, 1, 0.95], [0, 2, 0.92], [1, 2, 0.1]]);
  const r = mergeClusters(g, 4, { lambda: 0.9 });
  assert.deepEqual(r.groups, [[0, 1, 2], [3]]);
  assert.equal(r.merged, 1);
});

Deno.test("mergeClusters() does not chain beyond i: a cluster similar only to a member stays apart", () => {
  // 0 ~ 1 and 1 ~ 2, but 0 !~ 2: the max (0, 1) makes I = {0, 1}; rows of 1 are then cleared.
  const g = matrix(3, [[0, 1, 0.95], [1, 2, 0.93], [0, 2, 0.5]]);
  assert.deepEqual(mergeClusters(g, 3, { lambda: 0.9 }).groups, [[0, 1], [2]]);
  const dropped = mergeClusters(g, 3, { lambda: 0.9, keepUnmerged: false });
  assert.deepEqual(dropped.groups, [[0, 1]]);
});

Deno.test("mergeClusters() takes the most similar pair first and its row's neighbours with it", () => {
  // Max at (2, 3): I = {2} + {j | G[2, j] >= 0.9} = {1, 2, 3}; 0's only partner 1 is then gone.
  const g = matrix(4, [[2, 3, 0.99], [1, 2, 0.95], [0, 1, 0.94]]);
  const r = mergeClusters(g, 4, { lambda: 0.9 });
  assert.deepEqual(r.groups, [[1, 2, 3], [0]]);
  assert.deepEqual([...r.groupOf], [1, 0, 0, 0]);
});

Deno.test("mergeClusters() merges pairs at exactly lambda (the loop and line 9 both test >=)", () => {
  assert.deepEqual(mergeClusters(matrix(2, [[0, 1, 0.9]]), 2, { lambda: 0.9 }).groups, [[0, 1]]);
  const g = matrix(3, [[0, 1, 0.95], [0, 2, 0.9]]);
  assert.deepEqual(mergeClusters(g, 3, { lambda: 0.9 }).groups, [[0, 1, 2]]);
  const below = matrix(2, [[0, 1, 0.9 - 1e-12]]);
  assert.deepEqual(mergeClusters(below, 2, { lambda: 0.9 }).groups, [[0], [1]]);
});

Deno.test("mergeClusters() forms several groups in order of decreasing similarity", () => {
  const g = matrix(5, [[0, 4, 0.91], [1, 3, 0.97]]);
  const r = mergeClusters(g, 5, { lambda: 0.9 });
  assert.deepEqual(r.groups, [[1, 3], [0, 4], [2]]);
  assert.equal(r.merged, 2);
});

Deno.test("mergeClusters() leaves the caller's matrix untouched and handles zero clusters", () => {
  const g = matrix(2, [[0, 1, 0.95]]);
  const copy = Float64Array.from(g);
  mergeClusters(g, 2, { lambda: 0.9 });
  assert.deepEqual(g, copy);
  assert.deepEqual(mergeClusters(new Float64Array(0), 0, { lambda: 0.9 }).groups, []);
});

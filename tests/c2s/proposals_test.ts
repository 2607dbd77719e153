import { assert } from "../../lib/_std.ts";
import { connectedComponents, regionProposals } from "../../lib/c2s/proposals.ts";
import { paintRegions, synthesizeFeatures } from "./pseudo_masks_synthetic.ts";

const SIZE = { height: 16, width: 16, dim: 64 };
const OPTIONS = { minSize: 2, margin: 0.2 };

Deno.test("connectedComponents() labels 4-connected components in row-major order of first pixel", () => {
  const mask = Uint8Array.from([
    1,
    1,
    0,
    1,
    0,
    1,
    0,
    1,
    1,
    0,
    0,
    0,
    1,
    1,
    0,
    1,
  ]);
  const c = connectedComponents(mask, 4, 4);
  assert.equal(c.count, 4);
  assert.deepEqual([...c.labels], [0, 0, -1, 1, -1, 0, -1, 1, 2, -1, -1, -1, 2, 2, -1, 3]);
  assert.deepEqual([...c.sizes], [3, 2, 3, 1]);
});

Deno.test("connectedComponents() does not join diagonal neighbours", () => {
  const c = connectedComponents(Uint8Array.from([1, 0, 0, 1]), 2, 2);
  assert.equal(c.count, 2);
});

Deno.test("regionProposals() proposes the background and each separate object", () => {
  const rects = [{ id: 1, y: 2, x: 2, h: 5, w: 5 }, { id: 2, y: 9, x: 8, h: 5, w: 6 }];
  const regions = paintRegions(16, 16, rects);
  const input = synthesizeFeatures(regions, SIZE, { noise: 0.6, seed: 1 });
  const r = regionProposals(input, OPTIONS);
  assert.equal(r.count, 3);
  assert.equal(r.background, 0);
  for (let p = 0; p < 256; p++) {
    assert.equal(r.foreground[p], regions[p] === 0 ? 0 : 1);
    assert.equal(r.assign[p] === 0, regions[p] === 0);
  }
  assert.notEqual(r.assign[2 * 16 + 2], r.assign[9 * 16 + 8]);
  assert.deepEqual([...r.sizes], [256 - 25 - 30, 25, 30]);
});

Deno.test("regionProposals() joins touching objects into one proposal (no class-level split)", () => {
  const rects = [{ id: 1, y: 3, x: 2, h: 6, w: 5 }, { id: 2, y: 3, x: 7, h: 6, w: 5 }];
  const regions = paintRegions(16, 16, rects);
  const r = regionProposals(synthesizeFeatures(regions, SIZE, { noise: 0.5, seed: 2 }), OPTIONS);
  assert.equal(r.count, 2);
  assert.equal(r.assign[3 * 16 + 2], r.assign[3 * 16 + 11]);
});

Deno.test("regionProposals() treats a homogeneous unannotated area as one background region", () => {
  const regions = paintRegions(16, 16, [{ id: 1, y: 4, x: 4, h: 6, w: 6 }]);
  const input = synthesizeFeatures(regions, SIZE, { noise: 0.6, seed: 3, annotatedIds: [1] });
  const r = regionProposals(input, OPTIONS);
  assert.equal(r.count, 1);
  assert.deepEqual([...r.sizes], [256 - 36]);
  for (let p = 0; p < 256; p++) assert.equal(r.assign[p], regions[p] === 1 ? -1 : 0);
});

Deno.test("regionProposals() proposes only components when no border position is unannotated", () => {
  // Annotated frame of width 1 around two objects on a background.
  const rects = [{ id: 3, y: 3, x: 3, h: 4, w: 4 }, { id: 4, y: 9, x: 9, h: 4, w: 4 }];
  const regions = paintRegions(16, 16, rects);
  for (let p = 0; p < 256; p++) {
    const y = Math.floor(p / 16), x = p % 16;
    if (y === 0 || x === 0 || y === 15 || x === 15) regions[p] = 9;
  }
  const input = synthesizeFeatures(regions, SIZE, { noise: 0.4, seed: 4, annotatedIds: [9] });
  const r = regionProposals(input, OPTIONS);
  assert.equal(r.background, -1);
  assert.equal(r.count, 1); // background and both objects are one 4-connected foreground
  assert.deepEqual([...r.sizes], [14 * 14]);
});

Deno.test("regionProposals() leaves components smaller than minSize unassigned", () => {
  const regions = paintRegions(16, 16, [{ id: 1, y: 5, x: 5, h: 1, w: 1 }, {
    id: 2,
    y: 9,
    x: 9,
    h: 4,
    w: 4,
  }]);
  const r = regionProposals(synthesizeFeatures(regions, SIZE, { noise: 0.3, seed: 5 }), OPTIONS);
  assert.equal(r.assign[5 * 16 + 5], -1);
  assert.equal(r.count, 2);
});

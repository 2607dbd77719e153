import { assert } from "../../lib/_std.ts";
import { windowPositions, windowSeeds } from "../../lib/c2s/window_seeds.ts";

/** 4 x 4 grid, D = 2: feature (y * 4 + x, 1) at each position. */
function grid(annotatedAt: readonly number[], garbage = 0) {
  const dense = new Float32Array(16 * 2);
  const annotated = new Uint8Array(16);
  for (let p = 0; p < 16; p++) {
    dense[p * 2] = p;
    dense[p * 2 + 1] = 1;
  }
  for (const p of annotatedAt) {
    annotated[p] = 1;
    dense[p * 2] = garbage;
    dense[p * 2 + 1] = garbage;
  }
  return { dense, height: 4, width: 4, dim: 2, annotated };
}

function close(actual: ArrayLike<number>, expected: readonly number[]) {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) < 1e-6, `${actual[i]} != ${expected[i]} at ${i}`);
  }
}

Deno.test("windowPositions() steps by round(k / 2) from 0 while the window fits", () => {
  assert.deepEqual(windowPositions(16, 3), [0, 2, 4, 6, 8, 10, 12]);
  assert.deepEqual(windowPositions(16, 7), [0, 4, 8]);
  assert.deepEqual(windowPositions(4, 2), [0, 1, 2]);
  assert.deepEqual(windowPositions(16, 16), [0]);
  assert.deepEqual(windowPositions(4, 5), []);
});

Deno.test("windowSeeds() gives 49 + 9 seeds for K = [3, 7] on a 16 x 16 grid", () => {
  const dense = new Float32Array(256 * 4).fill(0.5);
  const seeds = windowSeeds({
    dense,
    height: 16,
    width: 16,
    dim: 4,
    annotated: new Uint8Array(256),
  }, [
    3,
    7,
  ]);
  assert.equal(seeds.count, 58);
  assert.equal(seeds.seeds.length, 58 * 4);
  assert.deepEqual([...seeds.size.slice(48, 50)], [3, 7]);
});

Deno.test("windowSeeds() averages each window with annotated positions as zeros over k^2 (Eq. 2)", () => {
  // (0, 0) and (0, 1) annotated; garbage stored there must not leak into the seeds.
  const seeds = windowSeeds(grid([0, 1], 99), [2, 3]);
  assert.equal(seeds.count, 9 + 1);
  assert.equal(seeds.dropped, 0);
  // k = 2 at (0, 0): (1, 0) = 4 and (1, 1) = 5 only -> (9, 2) / 4.
  close(seeds.seeds.subarray(0, 2), [9 / 4, 2 / 4]);
  // k = 2 at (0, 1): (0, 2) = 2, (1, 1) = 5, (1, 2) = 6 -> (13, 3) / 4.
  close(seeds.seeds.subarray(2, 4), [13 / 4, 3 / 4]);
  // k = 2 at (2, 2): 10 + 11 + 14 + 15 = 50, nothing annotated.
  close(seeds.seeds.subarray(8 * 2, 8 * 2 + 2), [50 / 4, 1]);
  // k = 3 at (0, 0): 2 + (4 + 5 + 6) + (8 + 9 + 10) = 44 over 7 free positions, divided by 9.
  close(seeds.seeds.subarray(9 * 2, 9 * 2 + 2), [44 / 9, 7 / 9]);
  assert.deepEqual([...seeds.unannotated], [2, 3, 4, 4, 4, 4, 4, 4, 4, 7]);
  assert.deepEqual([...seeds.row], [0, 0, 0, 1, 1, 1, 2, 2, 2, 0]);
  assert.deepEqual([...seeds.col], [0, 1, 2, 0, 1, 2, 0, 1, 2, 0]);
});

Deno.test("windowSeeds() drops windows lying entirely in annotated area", () => {
  const seeds = windowSeeds(grid([0, 1, 4, 5]), [2]);
  assert.equal(seeds.dropped, 1);
  assert.equal(seeds.count, 8);
  // The first kept window is k = 2 at (0, 1): (0, 2) = 2, (1, 2) = 6.
  assert.deepEqual([seeds.row[0], seeds.col[0]], [0, 1]);
  close(seeds.seeds.subarray(0, 2), [8 / 4, 2 / 4]);
  for (let i = 0; i < seeds.count * 2; i++) assert.ok(Number.isFinite(seeds.seeds[i]!));
});

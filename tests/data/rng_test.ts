import { assert } from "../../lib/_std.ts";
import { createRng, hashSeed, randInt } from "../../lib/data/rng.ts";

function draw(rng: () => number, n: number): number[] {
  return Array.from({ length: n }, () => rng());
}

Deno.test("createRng() repeats the same sequence for the same seed", () => {
  assert.deepEqual(draw(createRng(123), 100), draw(createRng(123), 100));
});

Deno.test("createRng() gives different sequences for neighbouring seeds", () => {
  const a = draw(createRng(0), 20), b = draw(createRng(1), 20);
  assert.equal(a.filter((v, i) => v === b[i]).length, 0);
});

Deno.test("createRng() draws uniformly from [0, 1)", () => {
  const rng = createRng(7);
  const bins = new Array(10).fill(0);
  for (let i = 0; i < 100000; i++) {
    const v = rng();
    assert.ok(v >= 0 && v < 1, `value ${v} out of [0, 1)`);
    bins[Math.floor(v * 10)]++;
  }
  // 100k draws: each bin expects 10000 with standard deviation ~95; 500 is > 5 sigma.
  for (const count of bins) assert.ok(Math.abs(count - 10000) < 500, `bins ${bins}`);
});

Deno.test("createRng() rejects a seed that is not a safe integer", () => {
  assert.throws(() => createRng(1.5), {
    name: "RangeError",
    message: "Seed must be a safe integer, got 1.5",
  });
  assert.throws(() => createRng(NaN), {
    name: "RangeError",
    message: "Seed must be a safe integer, got NaN",
  });
});

Deno.test("hashSeed() depends on every part and on their order", () => {
  assert.equal(hashSeed(1, 2, 3), hashSeed(1, 2, 3));
  assert.notEqual(hashSeed(1, 2), hashSeed(2, 1));
  assert.notEqual(hashSeed(1), hashSeed(1, 0));
  assert.notEqual(hashSeed(0), hashSeed(2 ** 32));
  assert.notEqual(hashSeed(-1), hashSeed(2 ** 32 - 1));
  const h = hashSeed(5, 9);
  assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 32);
});

Deno.test("hashSeed() spreads consecutive indices without collisions", () => {
  const seen = new Set<number>();
  for (let i = 0; i < 100000; i++) seen.add(hashSeed(1, i));
  // 100k uniform 32-bit values collide with probability ~0.7 once; allow a couple.
  assert.ok(seen.size >= 99997, `only ${seen.size} distinct`);
});

Deno.test("randInt() stays within [lo, hi) and reaches both ends", () => {
  const rng = createRng(3);
  const hits = new Set<number>();
  for (let i = 0; i < 1000; i++) {
    const v = randInt(rng, -2, 3);
    assert.ok(Number.isInteger(v) && v >= -2 && v < 3, `value ${v}`);
    hits.add(v);
  }
  assert.deepEqual([...hits].sort((a, b) => a - b), [-2, -1, 0, 1, 2]);
});

Deno.test("randInt() rejects an empty or non-integer range", () => {
  const rng = createRng(0);
  assert.throws(() => randInt(rng, 3, 3), {
    name: "RangeError",
    message: "randInt needs integers lo < hi, got lo = 3, hi = 3",
  });
  assert.throws(() => randInt(rng, 0, 2.5), {
    name: "RangeError",
    message: "randInt needs integers lo < hi, got lo = 0, hi = 2.5",
  });
});

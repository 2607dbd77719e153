import { assert } from "../../lib/_std.ts";
import { createFashionBenchmark } from "../../lib/data/benchmark.ts";
import { loadFashionMnist } from "../../lib/data/fashion_mnist.ts";
import { IGNORE_LABEL } from "../../lib/data/types.ts";

const { items } = await loadFashionMnist();

Deno.test("createFashionBenchmark() builds training scenes from training items and evaluation scenes from held-out items only", () => {
  const bench = createFashionBenchmark(items, { seed: 2, trainScenes: 300, evalScenes: 300 });
  const train = new Set(bench.partition.train), held = new Set(bench.partition.eval);
  for (let i = 0; i < 300; i++) {
    for (const placed of bench.train.get(i).items) assert.ok(train.has(placed.item));
    for (const placed of bench.eval.get(i).items) assert.ok(held.has(placed.item));
  }
});

Deno.test("createFashionBenchmark() applies the unseen classes to both scene sets' training view", () => {
  const bench = createFashionBenchmark(items, {
    unseen: ["Coat"],
    trainScenes: 100,
    evalScenes: 100,
  });
  assert.deepEqual(bench.split.unseen, [4]);
  let coatPixels = 0;
  for (const set of [bench.train, bench.eval]) {
    assert.deepEqual(set.unseenIds, [4]);
    for (let i = 0; i < 100; i++) {
      const scene = set.get(i);
      scene.fullLabels.forEach((label, p) => {
        if (label === 4) {
          coatPixels++;
          assert.equal(scene.labels[p], IGNORE_LABEL);
        }
      });
    }
  }
  assert.ok(coatPixels > 0);
});

Deno.test("createFashionBenchmark() uses different scene seeds for training and evaluation", () => {
  const bench = createFashionBenchmark(items);
  assert.notEqual(bench.train.seed, bench.eval.seed);
  assert.equal(bench.train.length, 2048);
  assert.equal(bench.eval.length, 512);
});

// Scenes feed content-hashed teacher caches, so their bytes must not drift silently. This pins the
// images and label maps of the first 10 training and 10 evaluation scenes (embedded data, seed 1). If composition
// is changed on purpose, update the digest and say so in the commit.
Deno.test("createFashionBenchmark() scenes on the embedded data keep their pinned bytes", async () => {
  const bench = createFashionBenchmark(items, { seed: 1 });
  const all = new Uint8Array(20 * 64 * 64 * 6);
  let at = 0;
  for (const set of [bench.train, bench.eval]) {
    for (let i = 0; i < 10; i++) {
      const scene = set.get(i);
      const image = new Uint8Array(scene.image.buffer, scene.image.byteOffset, 64 * 64 * 4);
      for (const part of [image, scene.fullLabels, scene.labels]) {
        all.set(part, at);
        at += part.length;
      }
    }
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  assert.equal(
    [...digest].map((b) => b.toString(16).padStart(2, "0")).join(""),
    "15c415169a46a670c8fa7a58bd1811ce11d2c1d387e2b91313d80b0a85811ae3",
  );
});

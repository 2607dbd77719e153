import { assert } from "../../lib/_std.ts";
import { DEFAULT_UNSEEN, partitionItems, resolveClassSplit } from "../../lib/data/split.ts";
import type { ItemSet } from "../../lib/data/types.ts";

const VALID =
  '"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"';

Deno.test("resolveClassSplit() maps the default unseen classes to ids 1, 7, 8", () => {
  assert.deepEqual(resolveClassSplit(DEFAULT_UNSEEN), {
    seen: [0, 2, 3, 4, 5, 6, 9],
    unseen: [1, 7, 8],
  });
});

Deno.test("resolveClassSplit() sorts unseen ids whatever the order of names", () => {
  assert.deepEqual(resolveClassSplit(["Ankle boot", "T-shirt/top"]).unseen, [0, 9]);
});

Deno.test("resolveClassSplit() names every unknown class and lists the valid names", () => {
  assert.throws(() => resolveClassSplit(["Trouser", "Hat", "sneaker"]), {
    name: "RangeError",
    message: `Unknown class names "Hat", "sneaker"; valid names are ${VALID}`,
  });
  assert.throws(() => resolveClassSplit(["Hat"]), {
    name: "RangeError",
    message: `Unknown class name "Hat"; valid names are ${VALID}`,
  });
});

Deno.test("resolveClassSplit() rejects a class listed twice", () => {
  assert.throws(() => resolveClassSplit(["Bag", "Coat", "Bag"]), {
    name: "RangeError",
    message: 'Class "Bag" is listed more than once in the unseen classes',
  });
});

Deno.test("resolveClassSplit() rejects an empty list and a list of every class", () => {
  assert.throws(() => resolveClassSplit([]), {
    name: "RangeError",
    message: "The unseen class list is empty: a zero-shot split needs at least one unseen class",
  });
  const all = VALID.split(", ").map((name) => name.slice(1, -1));
  assert.throws(() => resolveClassSplit(all), {
    name: "RangeError",
    message: "All 10 classes are unseen: a zero-shot split needs at least one seen class",
  });
});

function fakeItems(labels: number[]): ItemSet {
  return {
    images: new Uint8Array(labels.length * 4),
    labels: new Uint8Array(labels),
    count: labels.length,
    size: 2,
  };
}

const ITEMS = fakeItems(Array.from({ length: 1000 }, (_, i) => (i * 7 + (i >> 3)) % 10));

Deno.test("partitionItems() gives disjoint train and eval sets that cover every item once", () => {
  for (const seed of [0, 1, 2, 99]) {
    const { train, eval: held } = partitionItems(ITEMS, { seed });
    const trainSet = new Set(train);
    assert.equal(trainSet.size, train.length);
    for (const i of held) assert.ok(!trainSet.has(i), `item ${i} is in both sets (seed ${seed})`);
    assert.deepEqual(
      [...train, ...held].sort((a, b) => a - b),
      Array.from({ length: 1000 }, (_, i) => i),
    );
  }
});

Deno.test("partitionItems() holds out round(n_c * evalFraction) items of each class", () => {
  const { eval: held } = partitionItems(ITEMS, { evalFraction: 0.25, seed: 4 });
  const perClass = new Array(10).fill(0);
  for (const i of held) perClass[ITEMS.labels[i]!]++;
  assert.deepEqual(perClass, new Array(10).fill(25));
  assert.equal(partitionItems(ITEMS).eval.length, 200); // default evalFraction 0.2
});

Deno.test("partitionItems() is deterministic from its seed and changes with it", () => {
  const a = partitionItems(ITEMS, { seed: 5 }), b = partitionItems(ITEMS, { seed: 5 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(partitionItems(ITEMS, { seed: 6 }).eval, a.eval);
});

Deno.test("partitionItems() returns ascending indices", () => {
  const { train, eval: held } = partitionItems(ITEMS, { seed: 3 });
  for (const list of [train, held]) {
    for (let i = 1; i < list.length; i++) assert.ok(list[i - 1]! < list[i]!);
  }
});

Deno.test("partitionItems() rejects an evalFraction outside (0, 1)", () => {
  for (const fraction of [0, 1, -0.1, NaN]) {
    assert.throws(() => partitionItems(ITEMS, { evalFraction: fraction }), {
      name: "RangeError",
      message: `evalFraction must be a number strictly between 0 and 1, got ${fraction}`,
    });
  }
});

Deno.test("partitionItems() rejects a partition with an empty side", () => {
  assert.throws(() => partitionItems(fakeItems([0, 1, 2]), { evalFraction: 0.1 }), {
    name: "RangeError",
    message: "Partition of 3 items with evalFraction 0.1 leaves the eval side empty",
  });
  assert.throws(() => partitionItems(fakeItems([0, 1, 2]), { evalFraction: 0.9 }), {
    name: "RangeError",
    message: "Partition of 3 items with evalFraction 0.9 leaves the train side empty",
  });
});

Deno.test("partitionItems() holds out the same t10k items whether or not the train split is loaded", async () => {
  const { loadFashionMnist, EMBEDDED_DIR } = await import(
    "../../lib/data/fashion_mnist.ts"
  );
  const embedded = (await loadFashionMnist({ dataDir: EMBEDDED_DIR })).items;
  const small = partitionItems(embedded, { seed: 1 });
  // A full set made here: a fake "train" part in front of the t10k items, as the loader lays it out.
  const trainCount = 500;
  const size = embedded.size * embedded.size;
  const images = new Uint8Array((trainCount + embedded.count) * size);
  images.set(embedded.images, trainCount * size);
  const labels = new Uint8Array(trainCount + embedded.count);
  for (let i = 0; i < trainCount; i++) labels[i] = i % 10;
  labels.set(embedded.labels, trainCount);
  const full = { images, labels, count: trainCount + embedded.count, size: embedded.size };
  const big = partitionItems({ ...full, heldOutStart: trainCount }, { seed: 1 });
  assert.deepEqual(Array.from(big.eval, (i) => i - trainCount), Array.from(small.eval));
  assert.equal(big.train.length, full.count - small.eval.length);
  // Without the marker, the shuffle would pick eval items among the train part too.
  const unmarked = partitionItems(full, { seed: 1 });
  assert.ok(unmarked.eval.some((i) => i < trainCount));
});

Deno.test("partitionItems() rejects a held-out start outside the items", () => {
  const items = { images: new Uint8Array(40), labels: new Uint8Array(10), count: 10, size: 2 };
  assert.throws(() => partitionItems({ ...items, heldOutStart: 10 }, { seed: 1 }), {
    name: "RangeError",
    message: "Invalid held-out start 10: expected an integer in [0, 10)",
  });
});

import { assert } from "../../lib/_std.ts";
import {
  composeScene,
  DEFAULT_SCENE_OPTIONS,
  FashionScenes,
  placeItem,
  renderScene,
} from "../../lib/data/scenes.ts";
import { loadFashionMnist } from "../../lib/data/fashion_mnist.ts";
import { partitionItems } from "../../lib/data/split.ts";
import { createRng } from "../../lib/data/rng.ts";
import { IGNORE_LABEL, type ItemSet, type Scene } from "../../lib/data/types.ts";

const N = 64;

/** Synthetic 28 x 28 items: 0 all 255 (class 3), 1 all 100 (class 5), 2 all 4 (class 1, below
 * the 0.02 threshold),
 * 3 left half 255 / right half 0 (class 7). */
function syntheticItems(): ItemSet {
  const area = 28 * 28;
  const images = new Uint8Array(4 * area);
  images.fill(255, 0, area);
  images.fill(100, area, 2 * area);
  images.fill(4, 2 * area, 3 * area);
  for (let y = 0; y < 28; y++) images.fill(255, 3 * area + y * 28, 3 * area + y * 28 + 14);
  return { images, labels: new Uint8Array([3, 5, 1, 7]), count: 4, size: 28 };
}

const SYN = syntheticItems();

function labelAt(labels: Uint8Array, x: number, y: number): number {
  return labels[y * N + x]!;
}

function sceneBytes(scene: Scene): Uint8Array {
  return new Uint8Array(scene.image.buffer, scene.image.byteOffset, N * N * 6);
}

Deno.test("renderScene() labels exactly the box of a solid item and shows it in the image", () => {
  const scene = renderScene(SYN, [{ item: 0, x: 5, y: 6, size: 20 }]);
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) {
      const inside = x >= 5 && x < 25 && y >= 6 && y < 26;
      assert.equal(labelAt(scene.fullLabels, x, y), inside ? 3 : IGNORE_LABEL, `(${x}, ${y})`);
      assert.equal(scene.image[y * N + x], inside ? 1 : 0, `(${x}, ${y})`);
    }
  }
  assert.deepEqual(scene.items, [{ item: 0, classId: 3, x: 5, y: 6, size: 20 }]);
});

Deno.test("renderScene() puts later items on top (z-order = layout order)", () => {
  const layout = [{ item: 0, x: 0, y: 0, size: 30 }, { item: 1, x: 10, y: 10, size: 30 }];
  const scene = renderScene(SYN, layout);
  assert.equal(labelAt(scene.fullLabels, 15, 15), 5);
  assert.ok(Math.abs(scene.image[15 * N + 15]! - 100 / 255) < 1e-6);
  assert.equal(labelAt(scene.fullLabels, 5, 5), 3);
  const reversed = renderScene(SYN, [...layout].reverse());
  assert.equal(labelAt(reversed.fullLabels, 15, 15), 3);
  assert.equal(reversed.image[15 * N + 15], 1);
});

Deno.test("renderScene() lets an item below the threshold neither own pixels nor hide the item below", () => {
  const covered = renderScene(SYN, [{ item: 0, x: 0, y: 0, size: 30 }, {
    item: 2,
    x: 0,
    y: 0,
    size: 30,
  }]);
  assert.equal(labelAt(covered.fullLabels, 10, 10), 3);
  assert.equal(covered.image[10 * N + 10], 1);
  const alone = renderScene(SYN, [{ item: 2, x: 0, y: 0, size: 30 }]);
  assert.equal(labelAt(alone.fullLabels, 10, 10), IGNORE_LABEL);
  assert.ok(Math.abs(alone.image[10 * N + 10]! - 4 / 255) < 1e-6);
});

Deno.test("renderScene() resamples bilinearly with pixel centres aligned", () => {
  // 28 -> 56 px: destination column d samples source column d / 2 - 0.25; the source edge between
  // columns 13 (255) and 14 (0) gives 1, 0.75, 0.25, 0 at d = 26..29.
  const scene = renderScene(SYN, [{ item: 3, x: 0, y: 0, size: 56 }]);
  const row = 20 * N;
  assert.deepEqual([...scene.image.subarray(row + 26, row + 30)], [1, 0.75, 0.25, 0]);
  assert.deepEqual(
    [...scene.fullLabels.subarray(row + 26, row + 30)],
    [7, 7, 7, IGNORE_LABEL],
  );
});

Deno.test("renderScene() with unseenIds marks unseen pixels as ignore in labels only", () => {
  const layout = [{ item: 0, x: 0, y: 0, size: 30 }, { item: 1, x: 30, y: 30, size: 30 }];
  const scene = renderScene(SYN, layout, { unseenIds: [5] });
  assert.equal(labelAt(scene.labels, 40, 40), IGNORE_LABEL);
  assert.equal(labelAt(scene.fullLabels, 40, 40), 5);
  assert.equal(labelAt(scene.labels, 10, 10), 3);
  assert.equal(labelAt(scene.labels, 63, 0), IGNORE_LABEL);
});

Deno.test("renderScene() rejects placements that leave the canvas or name no item", () => {
  assert.throws(() => renderScene(SYN, [{ item: 0, x: 40, y: 0, size: 30 }]), {
    name: "RangeError",
    message:
      'Scene option "items[0]" is {"x":40,"y":0,"size":30}: must lie inside the 64 x 64 canvas',
  });
  assert.throws(() => renderScene(SYN, [{ item: 4, x: 0, y: 0, size: 30 }]), {
    name: "RangeError",
    message: "Layout entry 0's item is 4, expected an item index in 0..3",
  });
});

Deno.test("scene options are validated with the key and the bad value named", () => {
  const pool = new Int32Array([0]);
  const rng = createRng(0);
  assert.throws(() => composeScene(SYN, pool, rng, { maxItemSize: 65 }), {
    name: "RangeError",
    message: 'Scene option "maxItemSize" is 65: expected an integer in 20..64',
  });
  assert.throws(() => composeScene(SYN, pool, rng, { minItems: 3, maxItems: 2 }), {
    name: "RangeError",
    message: 'Scene option "maxItems" is 2: expected an integer in 3..1024',
  });
  assert.throws(() => composeScene(SYN, pool, rng, { threshold: 1 }), {
    name: "RangeError",
    message: 'Scene option "threshold" is 1: expected a number in [0, 1)',
  });
  assert.throws(() => composeScene(SYN, pool, rng, { unseenIds: [10] }), {
    name: "RangeError",
    message: "Unseen class id 10 is not a class id (0..9)",
  });
  assert.throws(() => composeScene(SYN, new Int32Array(0), rng), {
    name: "RangeError",
    message: "Cannot compose scenes from an empty item pool",
  });
});

Deno.test("the default scene options are the benchmark's: 64 px, 2-4 items of 20-40 px, threshold 0.02", () => {
  assert.deepEqual({ ...DEFAULT_SCENE_OPTIONS, unseenIds: [...DEFAULT_SCENE_OPTIONS.unseenIds] }, {
    canvasSize: 64,
    minItems: 2,
    maxItems: 4,
    minItemSize: 20,
    maxItemSize: 40,
    threshold: 0.02,
    unseenIds: [],
  });
});

const { items } = await loadFashionMnist();
const partition = partitionItems(items, { seed: 1 });

Deno.test("FashionScenes.get() gives byte-identical scenes for the same seed and index", () => {
  const a = new FashionScenes(items, partition.train, {
    length: 50,
    seed: 9,
    unseenIds: [1, 7, 8],
  });
  const b = new FashionScenes(items, partition.train, {
    length: 50,
    seed: 9,
    unseenIds: [1, 7, 8],
  });
  for (let i = 0; i < 50; i++) {
    const sa = a.get(i);
    assert.deepEqual(sceneBytes(sa), sceneBytes(b.get(i)), `scene ${i}`);
    assert.deepEqual(sa.items, b.get(i).items);
    assert.deepEqual(sceneBytes(a.get(i)), sceneBytes(sa), `scene ${i} read twice`);
  }
  // Random access: reading out of order changes nothing.
  assert.deepEqual(sceneBytes(a.get(17)), sceneBytes(b.get(17)));
});

Deno.test("FashionScenes scenes differ between seeds and between indices", () => {
  const a = new FashionScenes(items, partition.train, { length: 10, seed: 1 });
  const b = new FashionScenes(items, partition.train, { length: 10, seed: 2 });
  for (let i = 0; i < 10; i++) {
    assert.notDeepEqual(sceneBytes(a.get(i)), sceneBytes(b.get(i)));
    if (i > 0) assert.notDeepEqual(sceneBytes(a.get(i)), sceneBytes(a.get(i - 1)));
  }
});

Deno.test("FashionScenes composes 2-4 items of 20-40 px from its pool only, inside the canvas", () => {
  const pool = partition.eval;
  const inPool = new Set(pool);
  const scenes = new FashionScenes(items, pool, { length: 2000, seed: 3 });
  const counts = new Set<number>(), sizes = new Set<number>();
  for (let i = 0; i < scenes.length; i++) {
    const scene = scenes.get(i);
    counts.add(scene.items.length);
    for (const placed of scene.items) {
      sizes.add(placed.size);
      assert.ok(inPool.has(placed.item), `item ${placed.item} is not in the pool`);
      assert.equal(placed.classId, items.labels[placed.item]);
      assert.ok(placed.x >= 0 && placed.y >= 0 && placed.x + placed.size <= N);
      assert.ok(placed.y + placed.size <= N);
    }
  }
  assert.deepEqual([...counts].sort(), [2, 3, 4]);
  assert.deepEqual([...sizes].sort((a, b) => a - b), Array.from({ length: 21 }, (_, k) => 20 + k));
});

Deno.test("FashionScenes image and labels agree: labelled pixels pass the threshold, others do not", () => {
  const unseen = [1, 7, 8];
  const scenes = new FashionScenes(items, partition.train, {
    length: 200,
    seed: 4,
    unseenIds: unseen,
  });
  const eps = 1e-6;
  let labelled = 0;
  for (let i = 0; i < scenes.length; i++) {
    const scene = scenes.get(i);
    const classes = new Set(scene.items.map((placed) => placed.classId));
    for (let p = 0; p < N * N; p++) {
      const full = scene.fullLabels[p]!, v = scene.image[p]!;
      if (full === IGNORE_LABEL) {
        assert.ok(v <= 0.02 + eps, `scene ${i} pixel ${p}: background shows ${v}`);
      } else {
        labelled++;
        assert.ok(v >= 0.02 - eps, `scene ${i} pixel ${p}: class ${full} shows ${v}`);
        assert.ok(classes.has(full), `scene ${i} pixel ${p}: class ${full} was not placed`);
      }
      const expected = unseen.includes(full) ? IGNORE_LABEL : full;
      assert.equal(scene.labels[p], expected, `scene ${i} pixel ${p}`);
    }
  }
  assert.ok(labelled > 200 * 500, `only ${labelled} labelled pixels`);
});

Deno.test("FashionScenes.get() rejects an index outside 0..length-1", () => {
  const scenes = new FashionScenes(items, partition.train, { length: 5, seed: 1 });
  for (const index of [-1, 5, 1.5]) {
    assert.throws(() => scenes.get(index), {
      name: "RangeError",
      message: `Scene index ${index} is out of range: the dataset holds 5 scenes (0..4)`,
    });
  }
});

Deno.test("FashionScenes rejects pool entries that are not items", () => {
  assert.throws(() => new FashionScenes(SYN, new Int32Array([0, 9]), { length: 1, seed: 1 }), {
    name: "RangeError",
    message: "Item pool entry 1 is 9, expected an item index in 0..3",
  });
});

Deno.test("FashionScenes describes itself as a 64 x 64 SegmentationDataset over the ten classes", () => {
  const scenes = new FashionScenes(items, partition.train, {
    length: 7,
    seed: 1,
    unseenIds: [8, 1],
  });
  assert.equal(scenes.name, "fashion-scenes");
  assert.equal(scenes.height, 64);
  assert.equal(scenes.width, 64);
  assert.equal(scenes.length, 7);
  assert.equal(scenes.classNames.length, 10);
  assert.deepEqual(scenes.unseenIds, [1, 8]);
});

Deno.test("placeItem() places exactly the given item at a random size and position", () => {
  const rng = createRng(2);
  for (let k = 0; k < 50; k++) {
    const index = k * 37;
    const scene = placeItem(items, index, rng, { unseenIds: [items.labels[index]!] });
    assert.equal(scene.items.length, 1);
    const [placed] = scene.items;
    assert.equal(placed!.item, index);
    assert.ok(placed!.size >= 20 && placed!.size <= 40);
    const classes = new Set(scene.fullLabels);
    assert.deepEqual([...classes].sort((a, b) => a - b), [items.labels[index], IGNORE_LABEL]);
    assert.ok(scene.labels.every((label) => label === IGNORE_LABEL));
  }
  assert.throws(() => placeItem(items, items.count, rng), {
    name: "RangeError",
    message: `Item index is ${items.count}, expected an item index in 0..${items.count - 1}`,
  });
});

Deno.test("placeItem() with item size = canvas size fills the canvas", () => {
  const scene = placeItem(SYN, 0, createRng(1), { minItemSize: 64, maxItemSize: 64 });
  assert.ok(scene.fullLabels.every((label) => label === 3));
});

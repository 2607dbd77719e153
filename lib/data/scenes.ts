/**
 * fashion-scenes: the benchmark's segmentation scenes. A scene is a square canvas (64 x 64 by
 * default) with 2-4 Fashion-MNIST items, each rescaled bilinearly to 20-40 px and placed at a random
 * position fully inside the canvas; later items lie on top of earlier ones (z-order = array order).
 *
 * Labels and image agree pixel by pixel:
 * - A pixel's class is that of the TOP item whose rescaled intensity there exceeds `threshold`
 *   (default 0.02 of full scale, i.e. 5.1/255), and the image shows that item's intensity.
 *   Why 0.02: Fashion-MNIST backgrounds are 0 with sparse noise of 1-5/255 (about 20 such pixels
 *   per item in t10k), which 0.02 leaves out; but many garments are dark inside (values 6-40), and
 *   a higher threshold punches holes into them: at 0.1 (26/255) dark T-shirts and shirts get
 *   ragged masks with holes, and items below show through them. At 0.02 masks are solid and
 *   extend at most about half a pixel into the anti-aliased rim that bilinear rescaling creates.
 * - Where no item exceeds the threshold the label is background = `IGNORE_LABEL`, and the image shows
 *   the brightest below-threshold value there (the soft outer rims of items), else 0.
 * - `fullLabels` holds all classes (what evaluation scores); `labels` is the training view, where
 *   the pixels of unseen classes are `IGNORE_LABEL` exactly like background.
 *
 * Everything is deterministic from the random generator passed in; `FashionScenes.get(i)` seeds it
 * from `hashSeed(seed, i)`, so scenes are random-access and byte-identical across runs.
 *
 * @module
 */
import { FASHION_CLASSES, IGNORE_LABEL } from "./types.ts";
import type { ItemSet, PlacedItem, Scene, SegmentationDataset } from "./types.ts";
import { createRng, hashSeed, randInt } from "./rng.ts";
import * as msg from "./messages.ts";

/** Options of the scene composer; every field has the benchmark's default. */
export interface SceneOptions {
  /** Side of the square canvas in pixels. @default 64 */
  canvasSize?: number;
  /** Fewest items per scene. @default 2 */
  minItems?: number;
  /** Most items per scene (inclusive). @default 4 */
  maxItems?: number;
  /** Smallest rescaled item side in pixels. @default 20 */
  minItemSize?: number;
  /** Largest rescaled item side in pixels (inclusive). @default 40 */
  maxItemSize?: number;
  /** Intensity in [0, 1) an item must exceed at a pixel to own it. @default 0.02 */
  threshold?: number;
  /** Class ids whose pixels the training view `labels` marks `IGNORE_LABEL`. @default [] */
  unseenIds?: readonly number[];
}

/** The benchmark's scene options, all fields set. */
export const DEFAULT_SCENE_OPTIONS: Readonly<Required<SceneOptions>> = Object.freeze({
  canvasSize: 64,
  minItems: 2,
  maxItems: 4,
  minItemSize: 20,
  maxItemSize: 40,
  threshold: 0.02,
  unseenIds: Object.freeze([]) as readonly number[],
});

/** Where one item goes; `renderScene` looks its class up in the item set. */
export type ItemPlacement = Omit<PlacedItem, "classId">;

interface Resolved {
  size: number;
  minItems: number;
  maxItems: number;
  minItemSize: number;
  maxItemSize: number;
  /** Threshold in byte units (0..255), compared before scaling. */
  thresholdBytes: number;
  /** class id -> training label (unseen and 255 -> IGNORE_LABEL). */
  trainLut: Uint8Array;
}

function positiveInt(key: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(msg.badSceneOption(key, value, `expected an integer in ${min}..${max}`));
  }
  return value;
}

function resolve(options: SceneOptions): Resolved {
  const o = { ...DEFAULT_SCENE_OPTIONS, ...options };
  const size = positiveInt("canvasSize", o.canvasSize, 1, 4096);
  const minItems = positiveInt("minItems", o.minItems, 1, 1024);
  const maxItems = positiveInt("maxItems", o.maxItems, minItems, 1024);
  const minItemSize = positiveInt("minItemSize", o.minItemSize, 1, size);
  const maxItemSize = positiveInt("maxItemSize", o.maxItemSize, minItemSize, size);
  if (!(o.threshold >= 0 && o.threshold < 1)) {
    throw new RangeError(
      msg.badSceneOption("threshold", o.threshold, "expected a number in [0, 1)"),
    );
  }
  const trainLut = new Uint8Array(256).fill(IGNORE_LABEL);
  for (let c = 0; c < FASHION_CLASSES.length; c++) trainLut[c] = c;
  for (const id of o.unseenIds) {
    if (!Number.isInteger(id) || id < 0 || id >= FASHION_CLASSES.length) {
      throw new RangeError(msg.badClassId(id));
    }
    trainLut[id] = IGNORE_LABEL;
  }
  return {
    size,
    minItems,
    maxItems,
    minItemSize,
    maxItemSize,
    thresholdBytes: o.threshold * 255,
    trainLut,
  };
}

/** Bilinear sampling table from `src` to `dst` pixels: pixel-centre aligned, edge-clamped. */
interface Resample {
  i0: Int32Array;
  i1: Int32Array;
  w: Float32Array;
}

const resampleCache = new Map<number, Resample>();

function resampleTable(src: number, dst: number): Resample {
  const key = src * 65536 + dst;
  let table = resampleCache.get(key);
  if (table === undefined) {
    table = { i0: new Int32Array(dst), i1: new Int32Array(dst), w: new Float32Array(dst) };
    const scale = src / dst;
    for (let d = 0; d < dst; d++) {
      const s = Math.min(Math.max((d + 0.5) * scale - 0.5, 0), src - 1);
      const i0 = Math.floor(s);
      table.i0[d] = i0;
      table.i1[d] = Math.min(i0 + 1, src - 1);
      table.w[d] = s - i0;
    }
    resampleCache.set(key, table);
  }
  return table;
}

function checkItemIndex(items: ItemSet, item: number, what: string): void {
  if (!Number.isInteger(item) || item < 0 || item >= items.count) {
    throw new RangeError(msg.badItemIndex(what, item, items.count));
  }
}

function render(items: ItemSet, layout: readonly ItemPlacement[], r: Resolved): Scene {
  const n = r.size, area = n * n;
  // One allocation for the three outputs.
  const buffer = new ArrayBuffer(area * 6);
  const image = new Float32Array(buffer, 0, area);
  const fullLabels = new Uint8Array(buffer, area * 4, area).fill(IGNORE_LABEL);
  const labels = new Uint8Array(buffer, area * 5, area);
  const src = items.images, side = items.size, itemArea = side * side;
  const thr = r.thresholdBytes;
  const placed: PlacedItem[] = [];
  for (let k = 0; k < layout.length; k++) {
    const { item, x, y, size } = layout[k]!;
    if (!(item >= 0 && item < items.count && Number.isInteger(item))) {
      throw new RangeError(msg.badItemIndex(`Layout entry ${k}'s item`, item, items.count));
    }
    if (
      !Number.isInteger(size) || size < 1 || !Number.isInteger(x) || !Number.isInteger(y) ||
      x < 0 || y < 0 || x + size > n || y + size > n
    ) {
      throw new RangeError(
        msg.badSceneOption(`items[${k}]`, { x, y, size }, `must lie inside the ${n} x ${n} canvas`),
      );
    }
    const classId = items.labels[item]!;
    placed.push({ item, classId, x, y, size });
    const { i0: x0s, i1: x1s, w: wxs } = resampleTable(side, size);
    const { i0: y0s, i1: y1s, w: wys } = resampleTable(side, size);
    const base = item * itemArea;
    for (let dy = 0; dy < size; dy++) {
      const row0 = base + y0s[dy]! * side, row1 = base + y1s[dy]! * side;
      const wy = wys[dy]!;
      const out = (y + dy) * n + x;
      for (let dx = 0; dx < size; dx++) {
        const x0 = x0s[dx]!, x1 = x1s[dx]!, wx = wxs[dx]!;
        const a = src[row0 + x0]!, b = src[row0 + x1]!;
        const c = src[row1 + x0]!, d = src[row1 + x1]!;
        const top = a + (b - a) * wx;
        const v = top + (c + (d - c) * wx - top) * wy;
        const p = out + dx;
        if (v > thr) {
          image[p] = v;
          fullLabels[p] = classId;
        } else if (fullLabels[p] === IGNORE_LABEL && v > image[p]!) {
          image[p] = v;
        }
      }
    }
  }
  const lut = r.trainLut;
  for (let p = 0; p < area; p++) {
    image[p] = image[p]! * (1 / 255);
    labels[p] = lut[fullLabels[p]!]!;
  }
  return { image, fullLabels, labels, items: placed };
}

/**
 * Renders a given layout (bottom item first) into a scene; the sampling functions below call it.
 *
 * @throws {RangeError} When an item index is out of range or a placement leaves the canvas.
 */
export function renderScene(
  items: ItemSet,
  layout: readonly ItemPlacement[],
  options: SceneOptions = {},
): Scene {
  return render(items, layout, resolve(options));
}

function sampleSize(rng: () => number, r: Resolved): number {
  return randInt(rng, r.minItemSize, r.maxItemSize + 1);
}

function compose(items: ItemSet, pool: Int32Array, rng: () => number, r: Resolved): Scene {
  if (pool.length === 0) throw new RangeError(msg.emptyPool());
  const count = randInt(rng, r.minItems, r.maxItems + 1);
  const layout: ItemPlacement[] = [];
  for (let k = 0; k < count; k++) {
    const item = pool[randInt(rng, 0, pool.length)]!;
    const size = sampleSize(rng, r);
    const x = randInt(rng, 0, r.size - size + 1);
    const y = randInt(rng, 0, r.size - size + 1);
    layout.push({ item, x, y, size });
  }
  return render(items, layout, r);
}

/**
 * Composes one random scene from items drawn (with replacement) from `pool`.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { composeScene } from "./scenes.ts";
 * import { createRng } from "./rng.ts";
 * const items = { images: new Uint8Array(2 * 784).fill(200), labels: new Uint8Array([3, 5]), count: 2, size: 28 };
 * const scene = composeScene(items, new Int32Array([0, 1]), createRng(1));
 * assert.ok(scene.image.length === 64 * 64 && scene.items.length >= 2);
 * ```
 * @throws {RangeError} On an empty pool, an out-of-range pool entry or an invalid option.
 */
export function composeScene(
  items: ItemSet,
  pool: Int32Array,
  rng: () => number,
  options: SceneOptions = {},
): Scene {
  return compose(items, pool, rng, resolve(options));
}

/**
 * A scene with the single item `index`, rescaled to a random size in
 * `[minItemSize, maxItemSize]` and placed at random (for the teacher's single-item data and
 * zero-shot evaluation; pass `minItemSize = maxItemSize = canvasSize` for a full-canvas item).
 *
 * @throws {RangeError} When `index` is not an item or an option is invalid.
 */
export function placeItem(
  items: ItemSet,
  index: number,
  rng: () => number,
  options: SceneOptions = {},
): Scene {
  const r = resolve(options);
  checkItemIndex(items, index, "Item index");
  const size = sampleSize(rng, r);
  const x = randInt(rng, 0, r.size - size + 1);
  const y = randInt(rng, 0, r.size - size + 1);
  return render(items, [{ item: index, x, y, size }], r);
}

/** Options of {@linkcode FashionScenes}. */
export interface FashionScenesOptions extends SceneOptions {
  /** Number of scenes. */
  length: number;
  /** Scene seed: scene `i` is composed from `createRng(hashSeed(seed, i))`. */
  seed: number;
}

/**
 * A random-access `SegmentationDataset` of fashion-scenes built from the items in `pool`.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { FashionScenes } from "./scenes.ts";
 * const items = { images: new Uint8Array(784).fill(200), labels: new Uint8Array([4]), count: 1, size: 28 };
 * const scenes = new FashionScenes(items, new Int32Array([0]), { length: 10, seed: 1, unseenIds: [4] });
 * assert.ok(scenes.get(3).labels.every((l) => l === 255));
 * ```
 */
export class FashionScenes implements SegmentationDataset {
  readonly name = "fashion-scenes";
  readonly classNames: readonly string[] = FASHION_CLASSES;
  readonly height: number;
  readonly width: number;
  readonly length: number;
  readonly seed: number;
  readonly unseenIds: readonly number[];
  readonly #items: ItemSet;
  readonly #pool: Int32Array;
  readonly #resolved: Resolved;

  /**
   * @throws {RangeError} On an empty pool, a pool entry that is not an item, a negative or
   *   non-integer length, a seed that is not a safe integer, or an invalid scene option.
   */
  constructor(items: ItemSet, pool: Int32Array, options: FashionScenesOptions) {
    const { length, seed, ...sceneOptions } = options;
    if (!Number.isInteger(length) || length < 0) {
      throw new RangeError(msg.badSceneOption("length", length, "expected an integer >= 0"));
    }
    hashSeed(seed); // validates the seed
    if (pool.length === 0) throw new RangeError(msg.emptyPool());
    for (let i = 0; i < pool.length; i++) {
      const item = pool[i]!;
      if (!(item >= 0 && item < items.count)) checkItemIndex(items, item, `Item pool entry ${i}`);
    }
    this.#items = items;
    this.#pool = pool;
    this.#resolved = resolve(sceneOptions);
    this.height = this.width = this.#resolved.size;
    this.length = length;
    this.seed = seed;
    this.unseenIds = [...(options.unseenIds ?? [])].sort((a, b) => a - b);
  }

  /**
   * Scene `index`, the same bytes on every call.
   *
   * @throws {RangeError} When `index` is not an integer in `0..length-1`.
   */
  get(index: number): Scene {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(msg.sceneIndexOutOfRange(index, this.length));
    }
    return compose(this.#items, this.#pool, createRng(hashSeed(this.seed, index)), this.#resolved);
  }
}

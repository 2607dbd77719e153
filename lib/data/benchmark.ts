/**
 * The fashion-scenes benchmark in one call: class split, item partition, and the training and
 * evaluation scene sets, derived from one seed, so every consumer (training, the `scenes` preview
 * task, reports) sees the same scenes. Training scenes use only `partition.train` items and
 * evaluation scenes only `partition.eval` items.
 *
 * Seeds: the partition uses `seed`; training scenes `hashSeed(seed, 0)`; evaluation scenes
 * `hashSeed(seed, 1)`.
 *
 * @module
 */
import type { ItemSet } from "./types.ts";
import { hashSeed } from "./rng.ts";
import {
  BENCHMARK_PARTITION,
  type ClassSplit,
  DEFAULT_UNSEEN,
  type ItemPartition,
  partitionItems,
  resolveClassSplit,
} from "./split.ts";
import { FashionScenes, type SceneOptions } from "./scenes.ts";

/** Options of {@linkcode createFashionBenchmark}. */
export interface FashionBenchmarkOptions {
  /** Unseen class names. @default DEFAULT_UNSEEN (Trouser, Sneaker, Bag) */
  unseen?: readonly string[];
  /**
   * Seed of both scene sets. The item partition is always `BENCHMARK_PARTITION` (the one the
   * shipped teacher was trained against), whatever the seed. @default 1
   */
  seed?: number;
  /** Number of training scenes. @default 2048 */
  trainScenes?: number;
  /** Number of evaluation scenes. @default 512 */
  evalScenes?: number;
  /** Scene composer options (`unseenIds` is set from `unseen`). @default {} */
  scene?: Omit<SceneOptions, "unseenIds">;
}

/** The class split, the item partition and the two scene sets. */
export interface FashionBenchmark {
  split: ClassSplit;
  partition: ItemPartition;
  train: FashionScenes;
  eval: FashionScenes;
}

/**
 * Builds the benchmark's class split, item partition and scene sets.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { createFashionBenchmark } from "./benchmark.ts";
 * import { loadFashionMnist } from "./fashion_mnist.ts";
 * const { items } = await loadFashionMnist();
 * const bench = createFashionBenchmark(items, { seed: 1 });
 * assert.ok(bench.train.length === 2048 && bench.split.unseen.join() === "1,7,8");
 * ```
 * @throws {RangeError} On unknown unseen classes or invalid options (see the functions it calls).
 */
export function createFashionBenchmark(
  items: ItemSet,
  options: FashionBenchmarkOptions = {},
): FashionBenchmark {
  const seed = options.seed ?? 1;
  const split = resolveClassSplit(options.unseen ?? DEFAULT_UNSEEN);
  const partition = partitionItems(items, BENCHMARK_PARTITION);
  const common = { ...options.scene, unseenIds: split.unseen };
  return {
    split,
    partition,
    train: new FashionScenes(items, partition.train, {
      ...common,
      length: options.trainScenes ?? 2048,
      seed: hashSeed(seed, 0),
    }),
    eval: new FashionScenes(items, partition.eval, {
      ...common,
      length: options.evalScenes ?? 512,
      seed: hashSeed(seed, 1),
    }),
  };
}

/**
 * The scenes of a run from its `data` config: the benchmark's fashion-scenes via
 * `createFashionBenchmark` (class split, item partition, a training pool composed from training
 * items and evaluation scenes from held-out items that no teacher or student ever trains on), all
 * derived from `data.sceneSeed`, so every run and the teacher see the same scenes. The items are
 * loaded once and returned with the scenes, so a caller can digest them without loading them again.
 *
 * @module
 */
import type { ItemSet, SegmentationDataset } from "../data/types.ts";
import { loadFashionMnist } from "../data/fashion_mnist.ts";
import { createFashionBenchmark } from "../data/benchmark.ts";
import type { ClassSplit } from "../data/split.ts";
import type { C2SConfig } from "./config.ts";
import { messages } from "./messages.ts";

/** A run's scenes, its class split and the items they were composed from. */
export interface RunData {
  readonly train: SegmentationDataset;
  readonly eval: SegmentationDataset;
  /** Seen and unseen class ids of `data.unseen`. */
  readonly split: ClassSplit;
  /** The Fashion-MNIST items the scenes are made of. */
  readonly items: ItemSet;
  /** The Fashion-MNIST source line. */
  readonly source: string;
}

/** Options of {@linkcode loadRunData}. */
export interface LoadRunDataOptions {
  /** Fashion-MNIST folder. @default {the embedded test split, data/fashion-mnist/} */
  readonly dataDir?: string;
}

/**
 * Builds the training pool (`data.trainScenes` scenes, unseen classes hidden in `labels`) and the
 * evaluation scenes (`data.evalScenes`) of `data`.
 *
 * @throws {RangeError} For a source other than "fashion-scenes" or unknown unseen class names.
 */
export async function loadRunData(
  data: C2SConfig["data"],
  options: LoadRunDataOptions = {},
): Promise<RunData> {
  if (data.source !== "fashion-scenes") throw new RangeError(messages.unknownSource(data.source));
  const { items, source } = await loadFashionMnist(
    options.dataDir === undefined ? {} : { dataDir: options.dataDir },
  );
  const bench = createFashionBenchmark(items, {
    unseen: data.unseen,
    seed: data.sceneSeed,
    trainScenes: data.trainScenes,
    evalScenes: data.evalScenes,
  });
  return { train: bench.train, eval: bench.eval, split: bench.split, items, source };
}

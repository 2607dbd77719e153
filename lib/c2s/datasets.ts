/**
 * The scenes of a run from its `data` config.
 *
 * - `fashion-scenes` (the embedded benchmark): `createFashionBenchmark` builds the class split, the
 *   item partition, a training pool composed from training items and evaluation scenes from
 *   held-out items that no teacher or student ever trains on, all from `data.sceneSeed`, so every
 *   run and the teacher see the same scenes. The items are returned with the scenes, so a caller
 *   can digest them without loading them again.
 * - `voc`, `coco-stuff`: the folder given as `dataDir` (`lib/data/voc.ts`,
 *   `lib/data/coco_stuff.ts`), the first `data.trainScenes` training and `data.evalScenes`
 *   validation images at `data.size`, unseen classes hidden in training labels. Their identity is
 *   a digest of the sample files' names and sizes.
 *
 * @module
 */
import { basename } from "node:path";
import type { ItemSet, SegmentationDataset } from "../data/types.ts";
import { loadFashionMnist } from "../data/fashion_mnist.ts";
import { createFashionBenchmark } from "../data/benchmark.ts";
import type { ClassSplit } from "../data/split.ts";
import { openVoc, VOC_CLASSES } from "../data/voc.ts";
import { COCO_STUFF_CLASSES, openCocoStuff } from "../data/coco_stuff.ts";
import type { C2SConfig } from "./config.ts";
import { classSplit } from "./trainer.ts";
import { messages } from "./messages.ts";

/** A run's scenes, its class split and where they come from. */
export interface RunData {
  readonly train: SegmentationDataset;
  readonly eval: SegmentationDataset;
  /** Seen and unseen class ids of `data.unseen`. */
  readonly split: ClassSplit;
  /** The Fashion-MNIST items the scenes are made of (`null` for folder datasets). */
  readonly items: ItemSet | null;
  /** The data's identity for run hashes, for folder datasets (`null`: digest `items`). */
  readonly identity: string | null;
  /** The source line recorded with each run. */
  readonly source: string;
}

/** Options of {@linkcode loadRunData}. */
export interface LoadRunDataOptions {
  /**
   * Fashion-MNIST folder (default: the embedded test split), or the VOC
   * / COCO-Stuff folder (required for those sources).
   */
  readonly dataDir?: string;
}

const FOLDER_SOURCES = {
  "voc": { open: openVoc, classes: VOC_CLASSES },
  "coco-stuff": { open: openCocoStuff, classes: COCO_STUFF_CLASSES },
} as const;

async function sampleDigest(views: readonly SegmentationDataset[], files: readonly string[]) {
  const text = files.map((f) => `${basename(f)}:${Deno.statSync(f).size}`).join("\n");
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  return `${views.map((v) => `${v.name}x${v.length}`).join("+")}:${hex.slice(0, 16)}`;
}

/**
 * Builds the training pool (`data.trainScenes` scenes, unseen classes hidden in `labels`) and the
 * evaluation scenes (`data.evalScenes`) of `data`.
 *
 * @throws {RangeError} For an unknown source, unknown unseen class names, a folder source without
 *   `dataDir`, or a `data.size` other than 64 for fashion-scenes.
 * @throws {Deno.errors.NotFound} naming a folder dataset's missing file.
 */
export async function loadRunData(
  data: C2SConfig["data"],
  options: LoadRunDataOptions = {},
): Promise<RunData> {
  if (data.source === "voc" || data.source === "coco-stuff") {
    if (options.dataDir === undefined) throw new RangeError(messages.folderNeedsDir(data.source));
    const { open, classes } = FOLDER_SOURCES[data.source];
    const split = classSplit(classes, data.unseen);
    const files: string[] = [];
    const views = open(options.dataDir, {
      size: data.size,
      unseenIds: split.unseen,
      trainLimit: data.trainScenes,
      evalLimit: data.evalScenes,
      onSample: (image, labels) => files.push(image, labels),
    });
    return {
      ...views,
      split,
      items: null,
      identity: `${data.source}:${await sampleDigest([views.train, views.eval], files)}`,
      source: `${data.source} ${options.dataDir}`,
    };
  }
  if (data.source !== "fashion-scenes") throw new RangeError(messages.unknownSource(data.source));
  if (data.size !== 64) throw new RangeError(messages.sceneSize(data.source, data.size));
  const { items, source } = await loadFashionMnist(
    options.dataDir === undefined ? {} : { dataDir: options.dataDir },
  );
  const bench = createFashionBenchmark(items, {
    unseen: data.unseen,
    seed: data.sceneSeed,
    trainScenes: data.trainScenes,
    evalScenes: data.evalScenes,
  });
  return {
    train: bench.train,
    eval: bench.eval,
    split: bench.split,
    items,
    identity: null,
    source,
  };
}

/**
 * PASCAL VOC 2012 segmentation from its folder (`VOCdevkit/VOC2012` or a copy):
 *
 * ```
 * JPEGImages/<id>.jpg
 * SegmentationClass/<id>.png       palette PNGs: 0 background, 1-20 classes, 255 boundary
 * SegmentationClassAug/<id>.png    (optional, the 10,582-image augmented set: grey PNGs)
 * ImageSets/Segmentation/train.txt, val.txt  (trainaug.txt with SegmentationClassAug)
 * ```
 *
 * Training reads `trainaug.txt` from `SegmentationClassAug/` when both exist, else `train.txt`
 * from `SegmentationClass/`; evaluation reads `val.txt` (1,449 images) from `SegmentationClass/`.
 * Background is ignored (255), as the paper does for VOC; classes 1-20 become ids 0-19.
 * The unseen split is the one of ZS3Net and ZegCLIP, which the paper follows: the last five
 * classes, potted plant, sheep, sofa, train and tv monitor (15 seen / 5 unseen).
 *
 * @module
 */
import { join } from "node:path";
import {
  folderDataset,
  isDirectorySync,
  isFileSync,
  labelLookup,
  type SampleFiles,
} from "./folder_dataset.ts";
import type { SegmentationDataset } from "./types.ts";
import * as msg from "./messages.ts";

/** The 20 VOC classes in label order, written as CLIP prompts read them. */
export const VOC_CLASSES: readonly string[] = Object.freeze([
  "aeroplane",
  "bicycle",
  "bird",
  "boat",
  "bottle",
  "bus",
  "car",
  "cat",
  "chair",
  "cow",
  "dining table",
  "dog",
  "horse",
  "motorbike",
  "person",
  "potted plant",
  "sheep",
  "sofa",
  "train",
  "tv monitor",
]);

/** The standard zero-shot split's unseen classes (ZS3Net, ZegCLIP). */
export const VOC_UNSEEN: readonly string[] = Object.freeze([
  "potted plant",
  "sheep",
  "sofa",
  "train",
  "tv monitor",
]);

/** Options of the folder readers. */
export interface FolderSplitOptions {
  /** Output side (square). */
  readonly size: number;
  /** Class ids hidden in the training view's `labels`. */
  readonly unseenIds: readonly number[];
  /** At most this many training samples (the first of the list). */
  readonly trainLimit: number;
  /** At most this many evaluation samples. */
  readonly evalLimit: number;
  /** Told each sample's image and label file (e.g. to digest them). */
  readonly onSample?: (image: string, labels: string) => void;
}

/** A folder dataset's two views. */
export interface FolderSplits {
  readonly train: SegmentationDataset;
  readonly eval: SegmentationDataset;
}

/** The samples a list file names, each file checked (an error names the first missing one). */
export function listedSamples(
  dataset: string,
  dir: string,
  list: string,
  files: (id: string) => SampleFiles,
  limit: number,
  onSample?: (image: string, labels: string) => void,
): SampleFiles[] {
  const listPath = join(dir, list);
  if (!isFileSync(listPath)) {
    throw new Deno.errors.NotFound(msg.datasetFileMissing(dataset, dir, list));
  }
  const ids = Deno.readTextFileSync(listPath).split(/\r?\n/).map((l) => l.trim()).filter((l) => l);
  if (ids.length === 0) throw new RangeError(msg.datasetSplitEmpty(dataset, listPath));
  return ids.slice(0, limit).map((id) => {
    const sample = files(id);
    for (const path of [sample.image, sample.labels]) {
      if (!isFileSync(path)) {
        throw new Deno.errors.NotFound(
          msg.datasetFileMissing(dataset, dir, path.slice(dir.length + 1)),
        );
      }
    }
    onSample?.(sample.image, sample.labels);
    return sample;
  });
}

/**
 * The training and evaluation views of the VOC folder `dir` (see the module doc).
 *
 * @throws {Deno.errors.NotFound} naming the first missing list, image or label file.
 */
export function openVoc(dir: string, options: FolderSplitOptions): FolderSplits {
  const useAug = isFileSync(join(dir, "ImageSets/Segmentation/trainaug.txt")) &&
    isDirectorySync(join(dir, "SegmentationClassAug"));
  const files = (labels: string) => (id: string): SampleFiles => ({
    image: join(dir, "JPEGImages", `${id}.jpg`),
    labels: join(dir, labels, `${id}.png`),
  });
  const common = {
    classNames: VOC_CLASSES,
    labelMap: labelLookup(21, { offset: 1 }),
    size: options.size,
  };
  const trainList = useAug
    ? "ImageSets/Segmentation/trainaug.txt"
    : "ImageSets/Segmentation/train.txt";
  const trainLabels = useAug ? "SegmentationClassAug" : "SegmentationClass";
  return {
    train: folderDataset({
      ...common,
      name: "voc2012-train",
      samples: listedSamples(
        "VOC",
        dir,
        trainList,
        files(trainLabels),
        options.trainLimit,
        options.onSample,
      ),
      hidden: options.unseenIds,
    }),
    eval: folderDataset({
      ...common,
      name: "voc2012-val",
      samples: listedSamples(
        "VOC",
        dir,
        "ImageSets/Segmentation/val.txt",
        files("SegmentationClass"),
        options.evalLimit,
        options.onSample,
      ),
      hidden: [],
    }),
  };
}

/**
 * COCO-Stuff 164k from its folder (the layout of the official `stuffthingmaps_trainval2017`
 * download beside the COCO 2017 images, as MMSegmentation's `coco_stuff164k` uses it):
 *
 * ```
 * images/train2017/<id>.jpg       images/val2017/<id>.jpg
 * annotations/train2017/<id>_labelTrainIds.png  or  annotations/train2017/<id>.png
 * annotations/val2017/...
 * ```
 *
 * The sample list is the label maps of each split's folder, sorted (118,287 train / 5,000 val).
 * Label maps hold raw values 0-181 (COCO category id - 1; eleven ids are unused) or 255
 * (unlabelled). A `*_labelTrainIds.png` map (MMSegmentation's conversion) already holds the 171
 * contiguous ids; a raw map is converted here the same way, so either works. The unseen split is
 * the 15 classes of ZS3Net and ZegCLIP, which the paper follows (156 seen / 15 unseen).
 *
 * @module
 */
import { join } from "node:path";
import { folderDataset, isDirectorySync, labelLookup, type SampleFiles } from "./folder_dataset.ts";
import type { FolderSplitOptions, FolderSplits } from "./voc.ts";
import * as msg from "./messages.ts";

/** The 171 COCO-Stuff classes in contiguous id order (80 things, then 91 stuff). */
export const COCO_STUFF_CLASSES: readonly string[] = Object.freeze([
  "person",
  "bicycle",
  "car",
  "motorcycle",
  "airplane",
  "bus",
  "train",
  "truck",
  "boat",
  "traffic light",
  "fire hydrant",
  "stop sign",
  "parking meter",
  "bench",
  "bird",
  "cat",
  "dog",
  "horse",
  "sheep",
  "cow",
  "elephant",
  "bear",
  "zebra",
  "giraffe",
  "backpack",
  "umbrella",
  "handbag",
  "tie",
  "suitcase",
  "frisbee",
  "skis",
  "snowboard",
  "sports ball",
  "kite",
  "baseball bat",
  "baseball glove",
  "skateboard",
  "surfboard",
  "tennis racket",
  "bottle",
  "wine glass",
  "cup",
  "fork",
  "knife",
  "spoon",
  "bowl",
  "banana",
  "apple",
  "sandwich",
  "orange",
  "broccoli",
  "carrot",
  "hot dog",
  "pizza",
  "donut",
  "cake",
  "chair",
  "couch",
  "potted plant",
  "bed",
  "dining table",
  "toilet",
  "tv",
  "laptop",
  "mouse",
  "remote",
  "keyboard",
  "cell phone",
  "microwave",
  "oven",
  "toaster",
  "sink",
  "refrigerator",
  "book",
  "clock",
  "vase",
  "scissors",
  "teddy bear",
  "hair drier",
  "toothbrush",
  "banner",
  "blanket",
  "branch",
  "bridge",
  "building-other",
  "bush",
  "cabinet",
  "cage",
  "cardboard",
  "carpet",
  "ceiling-other",
  "ceiling-tile",
  "cloth",
  "clothes",
  "clouds",
  "counter",
  "cupboard",
  "curtain",
  "desk-stuff",
  "dirt",
  "door-stuff",
  "fence",
  "floor-marble",
  "floor-other",
  "floor-stone",
  "floor-tile",
  "floor-wood",
  "flower",
  "fog",
  "food-other",
  "fruit",
  "furniture-other",
  "grass",
  "gravel",
  "ground-other",
  "hill",
  "house",
  "leaves",
  "light",
  "mat",
  "metal",
  "mirror-stuff",
  "moss",
  "mountain",
  "mud",
  "napkin",
  "net",
  "paper",
  "pavement",
  "pillow",
  "plant-other",
  "plastic",
  "platform",
  "playingfield",
  "railing",
  "railroad",
  "river",
  "road",
  "rock",
  "roof",
  "rug",
  "salad",
  "sand",
  "sea",
  "shelf",
  "sky-other",
  "skyscraper",
  "snow",
  "solid-other",
  "stairs",
  "stone",
  "straw",
  "structural-other",
  "table",
  "tent",
  "textile-other",
  "towel",
  "tree",
  "vegetable",
  "wall-brick",
  "wall-concrete",
  "wall-other",
  "wall-panel",
  "wall-stone",
  "wall-tile",
  "wall-wood",
  "water-other",
  "waterdrops",
  "window-blind",
  "window-other",
  "wood",
]);

/** The standard zero-shot split's 15 unseen classes (ZS3Net, ZegCLIP). */
export const COCO_STUFF_UNSEEN: readonly string[] = Object.freeze([
  "frisbee",
  "skateboard",
  "cardboard",
  "carrot",
  "scissors",
  "suitcase",
  "giraffe",
  "cow",
  "road",
  "wall-concrete",
  "tree",
  "grass",
  "river",
  "clouds",
  "playingfield",
]);

/** Raw values (COCO id - 1) of the eleven category ids COCO-Stuff does not use. */
export const COCO_STUFF_UNUSED: readonly number[] = Object.freeze([
  11,
  25,
  28,
  29,
  44,
  65,
  67,
  68,
  70,
  82,
  90,
]);

const TRAIN_IDS_SUFFIX = "_labelTrainIds.png";

function samples(
  dir: string,
  split: string,
  limit: number,
  onSample?: (image: string, labels: string) => void,
): { files: SampleFiles[]; trainIds: boolean } {
  const labelDir = join(dir, "annotations", split);
  const imageDir = join(dir, "images", split);
  for (
    const [path, shown] of [[labelDir, `annotations/${split}/`], [imageDir, `images/${split}/`]]
  ) {
    if (!isDirectorySync(path!)) {
      throw new Deno.errors.NotFound(
        msg.datasetFileMissing("COCO-Stuff", dir, shown!),
      );
    }
  }
  const names = [...Deno.readDirSync(labelDir)].filter((e) => e.isFile && e.name.endsWith(".png"))
    .map((e) => e.name).sort();
  const trainIds = names.some((n) => n.endsWith(TRAIN_IDS_SUFFIX));
  const picked = names.filter((n) => n.endsWith(TRAIN_IDS_SUFFIX) === trainIds);
  if (picked.length === 0) throw new RangeError(msg.datasetSplitEmpty("COCO-Stuff", labelDir));
  const files = picked.slice(0, limit).map((name) => {
    const id = name.slice(0, -(trainIds ? TRAIN_IDS_SUFFIX : ".png").length);
    const image = join(imageDir, `${id}.jpg`);
    try {
      Deno.statSync(image);
    } catch {
      throw new Deno.errors.NotFound(
        msg.datasetFileMissing("COCO-Stuff", dir, `images/${split}/${id}.jpg`),
      );
    }
    const labels = join(labelDir, name);
    onSample?.(image, labels);
    return { image, labels };
  });
  return { files, trainIds };
}

/**
 * The training and evaluation views of the COCO-Stuff folder `dir` (see the module doc).
 *
 * @throws {Deno.errors.NotFound} naming the first missing folder or image.
 */
export function openCocoStuff(dir: string, options: FolderSplitOptions): FolderSplits {
  const view = (split: string, limit: number, hidden: readonly number[]) => {
    const { files, trainIds } = samples(dir, split, limit, options.onSample);
    return folderDataset({
      name: `coco-stuff164k-${split}`,
      classNames: COCO_STUFF_CLASSES,
      samples: files,
      labelMap: trainIds ? labelLookup(171) : labelLookup(182, { unused: COCO_STUFF_UNUSED }),
      size: options.size,
      hidden,
    });
  };
  return {
    train: view("train2017", options.trainLimit, options.unseenIds),
    eval: view("val2017", options.evalLimit, []),
  };
}

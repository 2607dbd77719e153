/**
 * Shared data shapes: class names, item sets, scenes and the `SegmentationDataset` seam.
 *
 * @module
 */

/** The ten Fashion-MNIST classes, in label order. */
export const FASHION_CLASSES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
] as const;

/** A Fashion-MNIST class name. */
export type FashionClass = typeof FASHION_CLASSES[number];

/** Label value for pixels that carry no annotation (background, and unseen classes in training). */
export const IGNORE_LABEL = 255;

/** Grey-scale items of one size (Fashion-MNIST: 28 x 28), row-major, one byte per pixel. */
export interface ItemSet {
  /** `count * size * size` bytes, 0..255. */
  readonly images: Uint8Array;
  /** `count` class ids, 0..9. */
  readonly labels: Uint8Array;
  readonly count: number;
  /** Side length in pixels. */
  readonly size: number;
  /**
   * First index of the items evaluation may draw from (default 0: all). When the full set is loaded
   * (train then t10k), this is where t10k starts, so evaluation items are the same t10k items
   * whichever source is loaded, and a teacher trained on the full set never saw them.
   */
  readonly heldOutStart?: number;
}

/** One item placed on a scene canvas (z-order = array order, last on top). */
export interface PlacedItem {
  /** Index into the source `ItemSet`. */
  readonly item: number;
  readonly classId: number;
  /** Top-left corner on the canvas and rescaled side length, in pixels. */
  readonly x: number;
  readonly y: number;
  readonly size: number;
}

/** A scene: an image (grey, or RGB for photo datasets) and its label maps. */
export interface Scene {
  /** `height * width * channels` values in [0, 1], row-major, channels last. */
  readonly image: Float32Array;
  /** Ground truth over ALL classes: class id per pixel, or `IGNORE_LABEL` for background. */
  readonly fullLabels: Uint8Array;
  /**
   * What training may see: seen class ids; unseen items' pixels are `IGNORE_LABEL`, exactly like
   * background. Equal to `fullLabels` for evaluation scenes' scoring purposes is NOT implied:
   * evaluation is always scored on `fullLabels`.
   */
  readonly labels: Uint8Array;
  /** The items a composed scene is made of (empty for photographs). */
  readonly items: readonly PlacedItem[];
}

/**
 * A source of segmentation samples: fashion-scenes (grey), or a PASCAL VOC or COCO-Stuff folder
 * (RGB photographs).
 */
export interface SegmentationDataset {
  readonly name: string;
  readonly classNames: readonly string[];
  readonly height: number;
  readonly width: number;
  /** Image channels: 1 (grey) when absent, 3 for RGB. */
  readonly channels?: number;
  readonly length: number;
  /** Deterministic: the same index gives the same scene. */
  get(index: number): Scene;
}

/**
 * A segmentation dataset read from image and label-map files (the shared part of the PASCAL VOC
 * and COCO-Stuff readers): each sample is decoded when it is asked for (`get` is synchronous, so
 * files are read synchronously), brought to `size x size` (`image_files.ts`) and its raw label
 * values mapped to class ids through a lookup table (255 = ignore). A training view also hides
 * the unseen classes (their pixels become 255, like background); `fullLabels` keeps them.
 *
 * @module
 */
import { decodeLabels, decodeRgb, resizeCropImage, resizeCropLabels } from "./image_files.ts";
import { IGNORE_LABEL, type Scene, type SegmentationDataset } from "./types.ts";
import * as msg from "./messages.ts";

/** One sample's files. */
export interface SampleFiles {
  readonly image: string;
  readonly labels: string;
}

/** What {@linkcode folderDataset} builds a dataset from. */
export interface FolderDatasetOptions {
  readonly name: string;
  readonly classNames: readonly string[];
  readonly samples: readonly SampleFiles[];
  /** Raw label value -> class id or 255, 256 entries. */
  readonly labelMap: Uint8Array;
  /** Output side (square). */
  readonly size: number;
  /** Class ids hidden in `labels` (training view); empty for evaluation. */
  readonly hidden: readonly number[];
}

/** Lookup value of a raw label no class or ignore value explains: an error when met. */
export const INVALID_LABEL = 254;

/**
 * The label lookup of a dataset whose raw values below `rawValues` are class ids in order, after
 * `offset` leading values that mean ignore (VOC: 1, for background) and listed `unused` values
 * (also ignore); 255 is ignore; any other raw value is `INVALID_LABEL`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { labelLookup } from "./folder_dataset.ts";
 * const lut = labelLookup(4, { offset: 1, unused: [2] });
 * assertEquals([lut[0], lut[1], lut[2], lut[3], lut[4], lut[255]], [255, 0, 255, 1, 254, 255]);
 * ```
 */
export function labelLookup(
  rawValues: number,
  options: { offset?: number; unused?: readonly number[] } = {},
): Uint8Array {
  const lut = new Uint8Array(256).fill(INVALID_LABEL);
  lut[IGNORE_LABEL] = IGNORE_LABEL;
  let next = 0;
  for (let v = 0; v < rawValues; v++) {
    lut[v] = v < (options.offset ?? 0) || options.unused?.includes(v) ? IGNORE_LABEL : next++;
  }
  return lut;
}

/** A dataset over `options.samples` (see the module doc). */
export function folderDataset(options: FolderDatasetOptions): SegmentationDataset {
  const { size, labelMap, classNames, samples } = options;
  const hide = new Uint8Array(256);
  for (const id of options.hidden) hide[id] = 1;
  return {
    name: options.name,
    classNames,
    height: size,
    width: size,
    channels: 3,
    length: samples.length,
    get(index: number): Scene {
      const files = samples[index];
      if (files === undefined) throw new RangeError(`Sample ${index} of ${samples.length}`);
      const image = decodeRgb(Deno.readFileSync(files.image), files.image);
      const raw = decodeLabels(Deno.readFileSync(files.labels), files.labels);
      if (raw.width !== image.width || raw.height !== image.height) {
        throw new RangeError(msg.labelSizeMismatch(files.labels, files.image));
      }
      const fullLabels = resizeCropLabels(raw.data, raw.width, raw.height, size);
      for (let i = 0; i < fullLabels.length; i++) {
        const v = labelMap[fullLabels[i]!]!;
        if (v === INVALID_LABEL || (v !== IGNORE_LABEL && v >= classNames.length)) {
          throw new RangeError(
            msg.labelOutOfRange(files.labels, fullLabels[i]!, classNames.length),
          );
        }
        fullLabels[i] = v;
      }
      const labels = fullLabels.map((v) => (v !== IGNORE_LABEL && hide[v] ? IGNORE_LABEL : v));
      return { image: resizeCropImage(image, size), fullLabels, labels, items: [] };
    },
  };
}

/** `true` when `path` is a file. */
export function isFileSync(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** `true` when `path` is a directory. */
export function isDirectorySync(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

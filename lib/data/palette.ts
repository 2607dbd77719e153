/**
 * Colours for label maps: one per Fashion-MNIST class (from Sasha Trubetskoy's list of 20 distinct
 * colours), black for ignore/background, and mid grey for "unannotated unseen" (pixels of unseen
 * items that the training view marks as ignore), so the three read apart at a glance.
 *
 * @module
 */
import { FASHION_CLASSES, IGNORE_LABEL } from "./types.ts";

/** An RGB colour, 0..255 per channel. */
export type Rgb = readonly [number, number, number];

/** Ignore / background. */
export const IGNORE_COLOR: Rgb = [0, 0, 0];

/** Unseen-class pixels that the training view leaves unannotated. */
export const UNSEEN_COLOR: Rgb = [128, 128, 128];

/**
 * The ten class colours in label order, then `IGNORE_COLOR` at index 10.
 * T-shirt/top red, Trouser green, Pullover yellow, Dress blue, Coat orange, Sandal purple,
 * Shirt cyan, Sneaker magenta, Bag lime, Ankle boot brown.
 */
export const CLASS_PALETTE: readonly Rgb[] = [
  [230, 25, 75],
  [60, 180, 75],
  [255, 225, 25],
  [67, 99, 216],
  [245, 130, 49],
  [145, 30, 180],
  [66, 212, 244],
  [240, 50, 230],
  [191, 239, 69],
  [154, 99, 36],
  IGNORE_COLOR,
];

/** `#rrggbb` of a colour, for legends. */
export function rgbHex(color: Rgb): string {
  return "#" + color.map((c) => c.toString(16).padStart(2, "0")).join("");
}

/** Options of {@linkcode colorizeLabels}. */
export interface ColorizeOptions {
  /**
   * Ground truth over all classes: where `labels` is `IGNORE_LABEL` but this holds a class, the
   * pixel is drawn in `UNSEEN_COLOR` instead of `IGNORE_COLOR`. @default undefined
   */
  fullLabels?: Uint8Array;
}

/**
 * Label map -> RGB bytes (3 per pixel). Values that are neither a class nor `IGNORE_LABEL` are
 * drawn white.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { colorizeLabels } from "./palette.ts";
 * const rgb = colorizeLabels(new Uint8Array([0, 255, 255]), { fullLabels: new Uint8Array([0, 255, 1]) });
 * assert.ok(rgb.join() === "230,25,75,0,0,0,128,128,128");
 * ```
 */
export function colorizeLabels(labels: Uint8Array, options: ColorizeOptions = {}): Uint8Array {
  const full = options.fullLabels;
  const out = new Uint8Array(labels.length * 3);
  for (let p = 0; p < labels.length; p++) {
    const label = labels[p]!;
    let color: Rgb;
    if (label < FASHION_CLASSES.length) color = CLASS_PALETTE[label]!;
    else if (label !== IGNORE_LABEL) color = [255, 255, 255];
    else if (full !== undefined && full[p]! < FASHION_CLASSES.length) color = UNSEEN_COLOR;
    else color = IGNORE_COLOR;
    out[3 * p] = color[0];
    out[3 * p + 1] = color[1];
    out[3 * p + 2] = color[2];
  }
  return out;
}

/**
 * Side-by-side preview of a scene as RGB pixels: the grey image, then its label maps, each panel
 * scaled up by nearest neighbour and separated by a dark grey gap. The `train` view shows
 * [image | training labels (unseen items in `UNSEEN_COLOR`) | full labels]; the `eval` view shows
 * [image | full labels], which is what evaluation scores.
 *
 * @module
 */
import type { Scene } from "./types.ts";
import { colorizeLabels } from "./palette.ts";

/** Colour of the gap between panels (distinct from black background and grey "unseen"). */
const GAP_COLOR = [40, 48, 64] as const;

/** Options of {@linkcode scenePreview}. */
export interface PreviewOptions {
  /** Which panels to show. @default "train" */
  view?: "train" | "eval";
  /** Integer up-scaling of each panel. @default 4 */
  scale?: number;
}

/** RGB pixels (3 bytes each, row-major) with their size. */
export interface RgbImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/**
 * Builds the preview of one scene of side `size` (the scene is square).
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { scenePreview } from "./preview.ts";
 * const scene = { image: new Float32Array(4), fullLabels: new Uint8Array(4).fill(255), labels: new Uint8Array(4).fill(255), items: [] };
 * const { width, height } = scenePreview(scene, { view: "eval", scale: 1 });
 * assert.ok(width === 2 + 1 + 2 && height === 2);
 * ```
 * @throws {RangeError} When `scale` is not a positive integer or the scene is not square.
 */
export function scenePreview(scene: Scene, options: PreviewOptions = {}): RgbImage {
  const scale = options.scale ?? 4;
  if (!Number.isInteger(scale) || scale < 1) {
    throw new RangeError(`Preview scale must be a positive integer, got ${scale}`);
  }
  const size = Math.round(Math.sqrt(scene.image.length));
  if (size * size !== scene.image.length) {
    throw new RangeError(`Preview needs a square scene, got ${scene.image.length} pixels`);
  }
  const grey = new Uint8Array(size * size * 3);
  for (let p = 0; p < size * size; p++) {
    const v = Math.round(Math.min(Math.max(scene.image[p]!, 0), 1) * 255);
    grey[3 * p] = grey[3 * p + 1] = grey[3 * p + 2] = v;
  }
  const panels: Uint8Array[] = [grey];
  if ((options.view ?? "train") === "train") {
    panels.push(colorizeLabels(scene.labels, { fullLabels: scene.fullLabels }));
  }
  panels.push(colorizeLabels(scene.fullLabels));
  const side = size * scale, gap = scale;
  const width = panels.length * side + (panels.length - 1) * gap, height = side;
  const pixels = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) pixels.set(GAP_COLOR, 3 * p);
  panels.forEach((panel, k) => {
    const left = k * (side + gap);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const from = 3 * (Math.floor(y / scale) * size + Math.floor(x / scale));
        pixels.set(panel.subarray(from, from + 3), 3 * (y * width + left + x));
      }
    }
  });
  return { width, height, pixels };
}

/**
 * Image files of folder datasets: JPEG through `jpeg-js` and PNG through `fast-png` (both from
 * the npm registry, pinned in `deno.json`), told apart by their signatures, and the resizing that
 * brings every sample to the configured square size: the shorter side scaled to `size`
 * (bilinear, half-pixel centres, for images; nearest for label maps, so class ids are never
 * blended), then the centre `size x size` cropped.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { resizeCropLabels } from "./image_files.ts";
 * // 2 x 4 labels to a 2 x 2 centre crop (the shorter side is already 2).
 * const out = resizeCropLabels(Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7]), 4, 2, 2);
 * assertEquals(Array.from(out), [1, 2, 5, 6]);
 * ```
 *
 * @module
 */
import jpeg from "jpeg-js";
import { decode as decodePng } from "fast-png";
import * as msg from "./messages.ts";

/** A decoded image: `height * width * channels` bytes, row-major, channels last. */
export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: Uint8Array;
}

const isJpeg = (b: Uint8Array) => b[0] === 0xff && b[1] === 0xd8;
const isPng = (b: Uint8Array) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;

function pngBytes(bytes: Uint8Array, file: string) {
  const png = decodePng(bytes);
  if (png.depth !== 8) {
    throw new RangeError(msg.imageUnsupported(file, `PNG bit depth ${png.depth}`));
  }
  return png;
}

/**
 * An RGB image from JPEG or PNG bytes (grey is repeated, alpha dropped).
 *
 * @throws {SyntaxError} When the bytes are neither, or the decoder rejects them (naming `file`).
 */
export function decodeRgb(bytes: Uint8Array, file: string): DecodedImage {
  try {
    if (isJpeg(bytes)) {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
      return { width: img.width, height: img.height, channels: 3, data: img.data };
    }
    if (isPng(bytes)) {
      const png = pngBytes(bytes, file);
      const n = png.width * png.height, c = png.channels, src = png.data;
      const out = new Uint8Array(n * 3);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < 3; k++) {
          out[i * 3 + k] = png.palette ? png.palette[src[i]!]![k]! : src[i * c + (c < 3 ? 0 : k)]!;
        }
      }
      return { width: png.width, height: png.height, channels: 3, data: out };
    }
  } catch (error) {
    if (error instanceof RangeError) throw error;
    throw new SyntaxError(msg.imageUndecodable(file, (error as Error).message), { cause: error });
  }
  throw new SyntaxError(msg.imageUndecodable(file, "neither JPEG nor PNG"));
}

/**
 * A label map from a PNG: the palette index of each pixel (VOC's `SegmentationClass`) or its grey
 * value (`SegmentationClassAug`, COCO-Stuff's label maps).
 *
 * @throws {SyntaxError} For a file that is not a one-channel 8-bit PNG (naming `file`).
 */
export function decodeLabels(bytes: Uint8Array, file: string): DecodedImage {
  if (!isPng(bytes)) throw new SyntaxError(msg.imageUndecodable(file, "not a PNG"));
  let png;
  try {
    png = pngBytes(bytes, file);
  } catch (error) {
    if (error instanceof RangeError) throw error;
    throw new SyntaxError(msg.imageUndecodable(file, (error as Error).message), { cause: error });
  }
  if (png.channels !== 1) {
    throw new RangeError(msg.imageUnsupported(file, `${png.channels} channels in a label map`));
  }
  return { width: png.width, height: png.height, channels: 1, data: png.data as Uint8Array };
}

/** Scale (shorter side to `size`) and the crop offsets of the centre `size x size`. */
function geometry(width: number, height: number, size: number) {
  const scale = size / Math.min(width, height);
  const w = Math.max(size, Math.round(width * scale)),
    h = Math.max(size, Math.round(height * scale));
  return { w, h, x0: Math.floor((w - size) / 2), y0: Math.floor((h - size) / 2) };
}

/** An image's centre crop, resized bilinearly, as floats in [0, 1] (`size * size * channels`). */
export function resizeCropImage(image: DecodedImage, size: number): Float32Array {
  const { width, height, channels: c, data } = image;
  const { w, h, x0, y0 } = geometry(width, height, size);
  const out = new Float32Array(size * size * c);
  const sx = width / w, sy = height / h;
  for (let y = 0; y < size; y++) {
    const fy = Math.min(height - 1, Math.max(0, (y + y0 + 0.5) * sy - 0.5));
    const ya = Math.floor(fy), yb = Math.min(height - 1, ya + 1), ty = fy - ya;
    for (let x = 0; x < size; x++) {
      const fx = Math.min(width - 1, Math.max(0, (x + x0 + 0.5) * sx - 0.5));
      const xa = Math.floor(fx), xb = Math.min(width - 1, xa + 1), tx = fx - xa;
      for (let k = 0; k < c; k++) {
        const at = (yy: number, xx: number) => data[(yy * width + xx) * c + k]!;
        const top = at(ya, xa) * (1 - tx) + at(ya, xb) * tx;
        const bottom = at(yb, xa) * (1 - tx) + at(yb, xb) * tx;
        out[(y * size + x) * c + k] = (top * (1 - ty) + bottom * ty) / 255;
      }
    }
  }
  return out;
}

/** A label map's centre crop, resized by nearest neighbour (`size * size`). */
export function resizeCropLabels(
  labels: Uint8Array,
  width: number,
  height: number,
  size: number,
): Uint8Array {
  const { w, h, x0, y0 } = geometry(width, height, size);
  const out = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    const sy = Math.min(height - 1, Math.floor(((y + y0 + 0.5) * height) / h));
    for (let x = 0; x < size; x++) {
      const sx = Math.min(width - 1, Math.floor(((x + x0 + 0.5) * width) / w));
      out[y * size + x] = labels[sy * width + sx]!;
    }
  }
  return out;
}

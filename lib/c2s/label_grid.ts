/**
 * Label maps between the scene's pixel grid (H x W) and the feature grid (h x w, the teacher's
 * dense grid and the student's feature grid, 16 x 16 for 64 x 64 scenes). The C2S losses work on
 * the feature grid (labels downsampled, logits never upsampled during training); evaluation
 * upsamples the logits instead (see `evaluate.ts`).
 *
 * - A feature cell is *annotated* (its teacher feature is zeroed for the pseudo masks, Eq. 2) when
 *   seen-labelled pixels cover at least half of it.
 * - Ỹ on the pixel grid (`pseudoLabelMap`): a pixel's seen label where Y_s has one, else the latent
 *   class of its cell (nearest upsampling of Ỹ_u), else unlabelled. Class-specific masked images
 *   (Eq. 3) are cut from this map.
 * - Downsampling (`downsampleLabels`): a cell takes its most frequent label (ties: the smaller
 *   value) when labelled pixels cover at least half of it, else it is unlabelled.
 * Labels here are *slots*: seen class k of the run's seen list is slot k, latent class u is slot
 * Ns + u, and `UNLABELLED` (255) is no label.
 *
 * @module
 */
import { IGNORE_LABEL } from "../data/types.ts";

/** Slot value of an unlabelled position. */
export const UNLABELLED = IGNORE_LABEL;

function checkGrid(height: number, width: number, h: number, w: number): [number, number] {
  if (height % h !== 0 || width % w !== 0) {
    throw new RangeError(`Grid ${h} x ${w} does not divide the image ${height} x ${width}`);
  }
  return [height / h, width / w];
}

/**
 * Per-cell majority of `labels` (`height * width` values, 255 = unlabelled) on an `h x w` grid.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { downsampleLabels } from "./label_grid.ts";
 * const y = Uint8Array.from([1, 1, 255, 2]);
 * assertEquals(Array.from(downsampleLabels(y, 2, 2, 1, 1)), [1]);
 * ```
 */
export function downsampleLabels(
  labels: Uint8Array,
  height: number,
  width: number,
  h: number,
  w: number,
): Uint8Array {
  const [sy, sx] = checkGrid(height, width, h, w);
  const out = new Uint8Array(h * w).fill(UNLABELLED);
  const counts = new Uint16Array(256);
  const half = (sy * sx) / 2;
  for (let cy = 0; cy < h; cy++) {
    for (let cx = 0; cx < w; cx++) {
      counts.fill(0);
      let labelled = 0;
      for (let y = cy * sy; y < (cy + 1) * sy; y++) {
        for (let x = cx * sx; x < (cx + 1) * sx; x++) {
          const v = labels[y * width + x]!;
          if (v !== UNLABELLED) {
            counts[v]!++;
            labelled++;
          }
        }
      }
      if (labelled < half) continue;
      let best = 0;
      for (let v = 1; v < 255; v++) if (counts[v]! > counts[best]!) best = v;
      out[cy * w + cx] = best;
    }
  }
  return out;
}

/** 1 for each feature cell whose seen-labelled pixels (`labels` != 255) cover at least half of it. */
export function annotatedCells(
  labels: Uint8Array,
  height: number,
  width: number,
  h: number,
  w: number,
): Uint8Array {
  const [sy, sx] = checkGrid(height, width, h, w);
  const out = new Uint8Array(h * w);
  for (let cy = 0; cy < h; cy++) {
    for (let cx = 0; cx < w; cx++) {
      let n = 0;
      for (let y = cy * sy; y < (cy + 1) * sy; y++) {
        for (let x = cx * sx; x < (cx + 1) * sx; x++) if (labels[y * width + x] !== UNLABELLED) n++;
      }
      out[cy * w + cx] = 2 * n >= sy * sx ? 1 : 0;
    }
  }
  return out;
}

/** Maps training labels (class ids, 255) to seen slots with `slotOf` (class id -> slot or 255). */
export function seenSlots(labels: Uint8Array, slotOf: Uint8Array): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    out[i] = v === UNLABELLED ? UNLABELLED : slotOf[v]!;
  }
  return out;
}

/**
 * Ỹ = Y_s + Ỹ_u on the pixel grid, as slots: `seen` (seen slots per pixel, 255 elsewhere) wins;
 * other pixels take slot `numSeen + u` of their cell's latent class `latent[cell]` (-1 = none).
 */
export function pseudoLabelMap(
  seen: Uint8Array,
  latent: Int16Array | Int8Array,
  numSeen: number,
  height: number,
  width: number,
  h: number,
  w: number,
): Uint8Array {
  const [sy, sx] = checkGrid(height, width, h, w);
  const out = new Uint8Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const s = seen[i]!;
      if (s !== UNLABELLED) {
        out[i] = s;
        continue;
      }
      const u = latent[Math.floor(y / sy) * w + Math.floor(x / sx)]!;
      out[i] = u < 0 ? UNLABELLED : numSeen + u;
    }
  }
  return out;
}

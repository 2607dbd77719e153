/**
 * Token generation, paper Sec. III-C and Fig. 3 (top): the frozen teacher's global CLS token C_g
 * of the whole image, its dense features C_d (for the pseudo masks), and the local CLS tokens C_l
 * of the class-specific masked images I_l = I ⊙ 1(Ỹ = l) (Eq. 3), one per seen and latent class
 * of the image. Host arrays in, host arrays out: the teacher cache stores the results.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Teacher, TeacherOutput } from "../teacher/teacher.ts";
import { UNLABELLED } from "./label_grid.ts";

/** Images per teacher call at 64 x 64 (the embedded benchmark). */
export const TEACHER_BATCH = 64;

/**
 * Images per teacher call at `height x width`: `TEACHER_BATCH` scaled down by the pixel count, so
 * a call holds about as many pixels as 64 scenes of 64 x 64 (one image at 512 x 512, where a ViT's
 * attention over 1,025 tokens would otherwise need gigabytes).
 */
export function teacherBatch(height: number, width: number): number {
  return Math.max(1, Math.floor((TEACHER_BATCH * 64 * 64) / (height * width)));
}

/** Global tokens of `count` images (`count * height * width * channels` values, row-major). */
export interface GlobalTokens {
  /** C_g, `count * D`. */
  readonly cls: Float32Array;
  /** C_d, `count * h * w * D` (`[n][y][x][d]`), L2-normalised by the teacher. */
  readonly dense: Float32Array;
}

/**
 * Runs the teacher over `count` images in batches, handing each batch's output and its first
 * image's index to `read` (which may read it back); the outputs are freed afterwards.
 */
async function teacherPasses(
  teacher: Teacher,
  images: Float32Array,
  shape: readonly [number, number, number, number],
  read: (out: TeacherOutput, start: number) => Promise<void>,
): Promise<void> {
  const [count, height, width, channels] = shape;
  const batch = teacherBatch(height, width), px = height * width * channels;
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const x = tf.tensor4d(images.subarray(start * px, (start + n) * px), [
      n,
      height,
      width,
      channels,
    ]);
    const out = teacher.encodeImages(x);
    x.dispose();
    try {
      await read(out, start);
    } finally {
      out.cls.dispose();
      out.dense.dispose();
    }
  }
}

/** C_g and C_d of `count` images of `height x width x channels`, in teacher batches. */
export async function globalTokens(
  teacher: Teacher,
  images: Float32Array,
  count: number,
  height: number,
  width: number,
  channels = 1,
): Promise<GlobalTokens> {
  const [h, w] = teacher.denseSize, d = teacher.dim;
  const cls = new Float32Array(count * d);
  const dense = new Float32Array(count * h * w * d);
  await teacherPasses(teacher, images, [count, height, width, channels], async (out, start) => {
    cls.set(await out.cls.data() as Float32Array, start * d);
    dense.set(await out.dense.data() as Float32Array, start * h * w * d);
  });
  return { cls, dense };
}

/** CLS tokens only (`count * D`), e.g. of masked images. */
export async function clsTokens(
  teacher: Teacher,
  images: Float32Array,
  count: number,
  height: number,
  width: number,
  channels = 1,
): Promise<Float32Array> {
  const d = teacher.dim;
  const cls = new Float32Array(count * d);
  await teacherPasses(teacher, images, [count, height, width, channels], async (out, start) => {
    cls.set(await out.cls.data() as Float32Array, start * d);
  });
  return cls;
}

/** The slots present in a pixel-grid pseudo-label map, ascending. */
export function presentSlots(pseudo: Uint8Array): number[] {
  const seen = new Uint8Array(256);
  for (const v of pseudo) seen[v] = 1;
  const out: number[] = [];
  for (let v = 0; v < 255; v++) if (seen[v]) out.push(v);
  return out;
}

/**
 * Eq. 3: I ⊙ 1(Ỹ = slot) for one image and its pixel-grid pseudo-label map, written into `out`
 * (an image of several channels, channels last, keeps all of a pixel's channels or none).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { maskImage } from "./tokens.ts";
 * const out = new Float32Array(2);
 * maskImage(Float32Array.from([0.5, 0.7]), Uint8Array.from([3, 1]), 3, out);
 * assertEquals(Array.from(out), [0.5, 0]);
 * ```
 */
export function maskImage(
  image: Float32Array,
  pseudo: Uint8Array,
  slot: number,
  out: Float32Array,
): Float32Array {
  if (slot === UNLABELLED) throw new RangeError(`Slot ${slot} is the unlabelled value`);
  const channels = image.length / pseudo.length;
  for (let i = 0; i < image.length; i++) {
    out[i] = pseudo[Math.floor(i / channels)] === slot ? image[i]! : 0;
  }
  return out;
}

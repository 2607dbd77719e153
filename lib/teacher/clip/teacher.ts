/**
 * A real CLIP as the C2S teacher: a Hugging Face CLIPModel folder (`config.ts`) read into
 * `ClipModel` (`model.ts`) and its tokenizer (`bpe.ts`), behind the `Teacher` seam. C_g is the
 * projected class token, C_d the projected per-patch features (MaskCLIP's value path), both
 * L2-normalised; text embeddings are of "a photo of a {class}." prompts (the template of CLIP's
 * zero-shot evaluation), L2-normalised. The teacher's hash is the sha256 of `model.safetensors`.
 *
 * The input size is fixed at load (`imageSize`, default the checkpoint's own, 224 for ViT-B/16):
 * `denseSize` is its patch grid, e.g. 32 x 32 for ViT-B/16 at the paper's 512 x 512.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { assertEquals } from "../../_std.ts";
 * import { initBackend } from "../../tf/backend.ts";
 * import { loadClipTeacher } from "./teacher.ts";
 * await initBackend("cpu");
 * const teacher = await loadClipTeacher("tests/fixtures/clip-tiny", { imageSize: [128, 128] });
 * assertEquals([teacher.dim, ...teacher.denseSize], [32, 8, 8]);
 * const out = teacher.encodeImages(tf.zeros([1, 128, 128, 3]) as tf.Tensor4D);
 * assertEquals(out.dense.shape, [1, 8, 8, 32]);
 * tf.dispose([out.cls, out.dense]);
 * teacher.dispose();
 * ```
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { join } from "node:path";
import { pathKind, readJsonFile } from "../../_files.ts";
import * as msg from "../messages.ts";
import { parseSafetensors, sha256Hex } from "../safetensors.ts";
import type { Teacher, TeacherOutput } from "../teacher.ts";
import { type ClipTokenizer, parseClipTokenizer } from "./bpe.ts";
import { CLIP_FILES, type ClipConfig, parseClipConfig } from "./config.ts";
import { ClipModel } from "./model.ts";

/** The prompt of each class name (CLIP's zero-shot template). */
export const CLIP_PROMPT = (name: string): string => `a photo of a ${name}.`;

/** Options of {@linkcode loadClipTeacher}. */
export interface ClipTeacherOptions {
  /** Input `[height, width]` the teacher is used at. @default the checkpoint's `image_size` */
  readonly imageSize?: readonly [number, number];
}

function l2Normalize<T extends tf.Tensor>(x: T): T {
  return tf.div(x, tf.add(tf.norm(x, "euclidean", -1, true), 1e-12)) as T;
}

/** A frozen CLIP behind the `Teacher` seam; owns its tensors (`dispose()`). */
export class ClipTeacher implements Teacher {
  readonly name: string;
  readonly dim: number;
  readonly denseSize: readonly [number, number];
  readonly hash: string;
  readonly model: ClipModel;
  readonly tokenizer: ClipTokenizer;

  constructor(
    model: ClipModel,
    tokenizer: ClipTokenizer,
    hash: string,
    options: ClipTeacherOptions = {},
  ) {
    const v = model.config.vision;
    const [height, width] = options.imageSize ?? [v.imageSize, v.imageSize];
    this.model = model;
    this.tokenizer = tokenizer;
    this.hash = hash;
    this.dim = model.config.projectionDim;
    this.denseSize = [Math.floor(height / v.patchSize), Math.floor(width / v.patchSize)];
    this.name = `clip-vit-${v.hiddenSize}w${v.layers}l-p${v.patchSize}`;
  }

  /** C_g `[B, D]` and C_d `[B, h, w, D]`, L2-normalised, of RGB (or grey) images in [0, 1]. */
  encodeImages(images: tf.Tensor4D): TeacherOutput {
    const raw = this.model.encodeImage(images);
    const out = tf.tidy(() => ({ cls: l2Normalize(raw.cls), dense: l2Normalize(raw.dense) }));
    tf.dispose([raw.cls, raw.dense]);
    return out;
  }

  /** Embeddings `[N, D]` of "a photo of a {class}." per name, L2-normalised. */
  textEmbeddings(classNames: readonly string[]): tf.Tensor2D {
    const context = this.model.config.text.maxPositions;
    const ids = classNames.map((name) => this.tokenizer.encode(CLIP_PROMPT(name), context));
    return tf.tidy(() => l2Normalize(this.model.encodeText(ids, this.tokenizer.endId)));
  }

  dispose(): void {
    this.model.dispose();
  }
}

async function readRequired(dir: string, file: string): Promise<Uint8Array> {
  const path = join(dir, file);
  if (await pathKind(path) !== "file") {
    throw new Deno.errors.NotFound(msg.clipFileMissing(dir, file));
  }
  return await Deno.readFile(path);
}

/** The parsed `config.json` (+ `preprocessor_config.json`) of a CLIPModel folder. */
export async function readClipConfig(dir: string): Promise<ClipConfig> {
  const file = join(dir, CLIP_FILES.config);
  const messages = {
    missing: () => msg.clipFileMissing(dir, CLIP_FILES.config),
    notJson: (path: string, why: string) => msg.badConfig(path, why),
  };
  const config = await readJsonFile(file, messages);
  const prePath = join(dir, CLIP_FILES.preprocessor);
  const pre = await pathKind(prePath) === "file" ? await readJsonFile(prePath, messages) : {};
  return parseClipConfig(config, file, pre);
}

/**
 * Whether `dir` holds a CLIPModel checkpoint: a `config.json` whose `model_type` is "clip".
 *
 * @example
 * ```ts
 * import { assert } from "../../_std.ts";
 * import { isClipFolder } from "./teacher.ts";
 * assert.ok(await isClipFolder("tests/fixtures/clip-tiny"));
 * assert.ok(!await isClipFolder("data/teacher"));
 * ```
 */
export async function isClipFolder(dir: string): Promise<boolean> {
  try {
    const config = JSON.parse(await Deno.readTextFile(join(dir, CLIP_FILES.config)));
    return typeof config === "object" && config !== null && config.model_type === "clip";
  } catch {
    return false;
  }
}

/**
 * Loads the CLIPModel folder `dir` as a teacher (the tensor backend must be started).
 *
 * @throws {Deno.errors.NotFound} naming the missing file of the layout.
 * @throws {TypeError | RangeError | SyntaxError | Error} For a bad config field, tokenizer file,
 *   missing tensor or tensor shape; each names the file and the key or tensor.
 */
export async function loadClipTeacher(
  dir: string,
  options: ClipTeacherOptions = {},
): Promise<ClipTeacher> {
  const config = await readClipConfig(dir);
  const decoder = new TextDecoder();
  const tokenizer = parseClipTokenizer(
    decoder.decode(await readRequired(dir, CLIP_FILES.vocab)),
    decoder.decode(await readRequired(dir, CLIP_FILES.merges)),
    { vocab: join(dir, CLIP_FILES.vocab), merges: join(dir, CLIP_FILES.merges) },
  );
  const bytes = await readRequired(dir, CLIP_FILES.weights);
  const hash = await sha256Hex(bytes);
  const weightsPath = join(dir, CLIP_FILES.weights);
  const model = new ClipModel(config, parseSafetensors(bytes, weightsPath).tensors, weightsPath);
  return new ClipTeacher(model, tokenizer, hash, options);
}

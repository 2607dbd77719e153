/**
 * A CLIP checkpoint folder in the Hugging Face `CLIPModel` layout: `config.json` (`model_type:
 * "clip"`, `text_config`, `vision_config`, `projection_dim`), `model.safetensors`, `vocab.json`,
 * `merges.txt` and, optionally, `preprocessor_config.json` (pixel mean and std). A field missing
 * from `config.json` takes the value `transformers`' `CLIPTextConfig` / `CLIPVisionConfig` give it
 * (the ViT-B/32 defaults); a field of the wrong type is an error naming the file and the key.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../../_std.ts";
 * import { parseClipConfig } from "./config.ts";
 * const config = parseClipConfig({ model_type: "clip", vision_config: { patch_size: 16 } }, "c.json");
 * assertEquals([config.vision.patchSize, config.vision.hiddenSize, config.projectionDim], [16, 768, 512]);
 * ```
 *
 * @module
 */
import * as msg from "../messages.ts";

/** The files of a CLIPModel folder. */
export const CLIP_FILES = {
  config: "config.json",
  weights: "model.safetensors",
  vocab: "vocab.json",
  merges: "merges.txt",
  preprocessor: "preprocessor_config.json",
} as const;

/** Activations `hidden_act` may name. */
export const ClipActivation = ["quick_gelu", "gelu", "gelu_new", "gelu_pytorch_tanh"] as const;
export type ClipActivation = typeof ClipActivation[number];

/** One transformer tower. */
export interface ClipTowerConfig {
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly heads: number;
  readonly layers: number;
  readonly act: ClipActivation;
  readonly layerNormEps: number;
}

/** The image tower: a ViT. */
export interface ClipVisionConfig extends ClipTowerConfig {
  /** Side the position embeddings were trained at (other sizes interpolate them). */
  readonly imageSize: number;
  readonly patchSize: number;
}

/** The text tower. */
export interface ClipTextConfig extends ClipTowerConfig {
  readonly vocabSize: number;
  /** Longest token sequence (77 for CLIP). */
  readonly maxPositions: number;
}

/** A parsed `config.json` plus the pixel normalisation. */
export interface ClipConfig {
  readonly projectionDim: number;
  readonly vision: ClipVisionConfig;
  readonly text: ClipTextConfig;
  /** Per-channel pixel mean and std (RGB), for inputs in [0, 1]. */
  readonly imageMean: readonly [number, number, number];
  readonly imageStd: readonly [number, number, number];
}

/** CLIP's pixel statistics (`preprocessor_config.json` of the OpenAI checkpoints). */
export const CLIP_IMAGE_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_IMAGE_STD = [0.26862954, 0.26130258, 0.27577711] as const;

const TOWER_DEFAULTS = { act: "quick_gelu", layer_norm_eps: 1e-5 };
const TEXT_DEFAULTS = {
  hidden_size: 512,
  intermediate_size: 2048,
  num_attention_heads: 8,
  num_hidden_layers: 12,
  vocab_size: 49408,
  max_position_embeddings: 77,
};
const VISION_DEFAULTS = {
  hidden_size: 768,
  intermediate_size: 3072,
  num_attention_heads: 12,
  num_hidden_layers: 12,
  image_size: 224,
  patch_size: 32,
};

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function positive(file: string, key: string, value: unknown, integer: boolean): number {
  const ok = typeof value === "number" && Number.isFinite(value) && value > 0 &&
    (!integer || Number.isInteger(value));
  if (!ok) {
    throw new TypeError(
      msg.clipConfigField(file, key, integer ? "a positive integer" : "a positive number", value),
    );
  }
  return value as number;
}

function section(file: string, root: Obj, name: "text" | "vision"): Obj {
  const value = root[`${name}_config`] ?? root[`${name}_config_dict`] ?? {};
  if (!isObject(value)) {
    throw new TypeError(msg.clipConfigField(file, `${name}_config`, "an object", value));
  }
  return value;
}

function tower(file: string, node: Obj, prefix: string, defaults: Obj): ClipTowerConfig {
  const get = (key: string) => node[key] ?? defaults[key];
  const int = (key: string) => positive(file, `${prefix}.${key}`, get(key), true);
  const act = node.hidden_act ?? TOWER_DEFAULTS.act;
  if (!(ClipActivation as readonly unknown[]).includes(act)) {
    throw new RangeError(
      msg.clipConfigField(file, `${prefix}.hidden_act`, `one of ${ClipActivation.join(", ")}`, act),
    );
  }
  const hiddenSize = int("hidden_size"), heads = int("num_attention_heads");
  if (hiddenSize % heads !== 0) {
    throw new RangeError(
      msg.clipConfigField(
        file,
        `${prefix}.num_attention_heads`,
        `a divisor of hidden_size ${hiddenSize}`,
        heads,
      ),
    );
  }
  return {
    hiddenSize,
    intermediateSize: int("intermediate_size"),
    heads,
    layers: int("num_hidden_layers"),
    act: act as ClipActivation,
    layerNormEps: positive(
      file,
      `${prefix}.layer_norm_eps`,
      node.layer_norm_eps ?? TOWER_DEFAULTS.layer_norm_eps,
      false,
    ),
  };
}

function triple(file: string, key: string, value: unknown, fallback: readonly number[]) {
  if (value === undefined) return [...fallback] as [number, number, number];
  if (!Array.isArray(value) || value.length !== 3 || !value.every((v) => typeof v === "number")) {
    throw new TypeError(msg.clipConfigField(file, key, "a list of 3 numbers", value));
  }
  return value as [number, number, number];
}

/**
 * Reads a parsed `config.json` (and, when given, a parsed `preprocessor_config.json`) of a
 * CLIPModel folder. `file` names the config in errors.
 *
 * @throws {TypeError} For a `model_type` other than "clip" or a field of the wrong type.
 * @throws {RangeError} For an unknown `hidden_act` or heads that do not divide the width.
 */
export function parseClipConfig(
  value: unknown,
  file: string,
  preprocessor: unknown = {},
): ClipConfig {
  if (!isObject(value) || value.model_type !== "clip") {
    throw new TypeError(
      msg.clipConfigField(file, "model_type", '"clip"', isObject(value) ? value.model_type : value),
    );
  }
  const text = section(file, value, "text"), vision = section(file, value, "vision");
  const pre = isObject(preprocessor) ? preprocessor : {};
  const t = (key: string) =>
    positive(file, `text_config.${key}`, text[key] ?? (TEXT_DEFAULTS as Obj)[key], true);
  const v = (key: string) =>
    positive(file, `vision_config.${key}`, vision[key] ?? (VISION_DEFAULTS as Obj)[key], true);
  return {
    projectionDim: positive(file, "projection_dim", value.projection_dim ?? 512, true),
    vision: {
      ...tower(file, vision, "vision_config", VISION_DEFAULTS),
      imageSize: v("image_size"),
      patchSize: v("patch_size"),
    },
    text: {
      ...tower(file, text, "text_config", TEXT_DEFAULTS),
      vocabSize: t("vocab_size"),
      maxPositions: t("max_position_embeddings"),
    },
    imageMean: triple(file, "image_mean", pre.image_mean, CLIP_IMAGE_MEAN),
    imageStd: triple(file, "image_std", pre.image_std, CLIP_IMAGE_STD),
  };
}

/**
 * The teacher's card (`card.json`): what it reaches on held-out data and what it cost.
 *
 * @module
 */
import { join } from "node:path";
import { FILES } from "./checkpoint.ts";
import type { TeacherAccuracy } from "./evaluate.ts";
import * as msg from "./messages.ts";
import { sha256Hex } from "./safetensors.ts";

/** Contents of `card.json`. */
export interface TeacherCard {
  format: "c2s-mini-clip-card";
  name: string;
  /** sha256 of `teacher.safetensors`. */
  sha256: string;
  /** Zero-shot accuracy on held-out single items (10-way by the class text embeddings). */
  zeroShotAccuracy: number;
  /** Accuracy on held-out masked items (one per visible class of each evaluation scene). */
  maskedAccuracy: number;
  /** Share of foreground cells of held-out scenes whose dense feature is nearest the right text. */
  denseAccuracy: number;
  evaluation: TeacherAccuracy["counts"] & {
    partitionSeed: number;
    evalFraction: number;
    data: string;
  };
  training: {
    steps: number;
    seed: number;
    batch: { singles: number; scenes: number; masked: number };
    imagesSeen: number;
    /** Image-tower forward MACs per 64 x 64 image. */
    forwardMacsPerImage: number;
    /** forward MACs x 2 x 3 x images seen. */
    flops: number;
    wallSeconds: number;
    backend: string;
    optimizer: string;
    finalLoss:
      | { total: number; single: number; scene: number; masked: number; dense: number }
      | null;
  };
  createdAt: string;
}

/** Fields of a card that its printout reads, and their JSON types. */
const CARD_FIELDS = {
  name: "string",
  sha256: "string",
  zeroShotAccuracy: "number",
  maskedAccuracy: "number",
  denseAccuracy: "number",
  "evaluation.singles": "number",
  "evaluation.masked": "number",
  "evaluation.denseCells": "number",
  "training.steps": "number",
  "training.seed": "number",
  "training.imagesSeen": "number",
  "training.flops": "number",
  "training.forwardMacsPerImage": "number",
  "training.wallSeconds": "number",
  "training.backend": "string",
} as const;

/**
 * Reads a card; `null` when the file does not exist. Text that is not JSON is a `SyntaxError`
 * naming the file. The fields are not checked ({@linkcode checkCard} does, before printing).
 */
export async function readCard(path: string): Promise<TeacherCard | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  try {
    return JSON.parse(text) as TeacherCard;
  } catch (e) {
    throw new SyntaxError(msg.cardNotJson(path, (e as Error).message), { cause: e });
  }
}

/**
 * Checks that `card` (read from `path`) has every field {@linkcode formatCard} prints, with its
 * type; a missing or mistyped one is a `TypeError` naming the file and the field.
 *
 * @example
 * ```ts
 * import { assertThrows } from "../_std.ts";
 * import { checkCard } from "./card.ts";
 * assertThrows(
 *   () => checkCard({ name: "x" }, "card.json"),
 *   TypeError,
 *   'Cannot read teacher card "card.json": field "sha256" must be a string',
 * );
 * ```
 */
export function checkCard(card: unknown, path: string): TeacherCard {
  for (const [field, type] of Object.entries(CARD_FIELDS)) {
    const value = field.split(".").reduce<unknown>(
      (at, key) =>
        typeof at === "object" && at !== null ? (at as Record<string, unknown>)[key] : undefined,
      card,
    );
    const ok = type === "string" ? typeof value === "string" : typeof value === "number";
    if (!ok) throw new TypeError(msg.cardBadField(path, field, type));
  }
  return card as TeacherCard;
}

/**
 * Whether the weights in `dir` are the ones `card` describes: `null` when their sha256 is the
 * card's, else the message saying they are missing or differ (naming both files).
 */
export async function cardWeightsMismatch(
  dir: string,
  card: Pick<TeacherCard, "sha256">,
): Promise<string | null> {
  const weights = join(dir, FILES.weights);
  const cardPath = join(dir, FILES.card);
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(weights);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return msg.cardWeightsMissing(weights, cardPath);
    throw e;
  }
  const sha256 = await sha256Hex(bytes);
  return sha256 === card.sha256
    ? null
    : msg.cardWeightsDiffer(weights, cardPath, card.sha256, sha256);
}

/** One line per figure, for the terminal. */
export function formatCard(card: TeacherCard): string {
  const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
  const t = card.training;
  return [
    `teacher ${card.name} sha256 ${card.sha256}`,
    `zero-shot accuracy (held-out single items): ${
      pct(card.zeroShotAccuracy)
    } (${card.evaluation.singles} items)`,
    `masked-item accuracy (held-out scenes):     ${
      pct(card.maskedAccuracy)
    } (${card.evaluation.masked} items)`,
    `dense accuracy (held-out scene cells):      ${
      pct(card.denseAccuracy)
    } (${card.evaluation.denseCells} cells)`,
    `training: ${t.steps} steps, seed ${t.seed}, ${t.imagesSeen} images, ${
      (t.flops / 1e12).toFixed(1)
    } TFLOP ` +
    `(${(t.forwardMacsPerImage / 1e6).toFixed(1)} MMAC/image), ${
      (t.wallSeconds / 60).toFixed(1)
    } min on ${t.backend}`,
  ].join("\n");
}

/** Evaluation data of the card: held-out items and the benchmark's evaluation scenes. */
export interface CardInputs {
  name?: string;
  sha256: string;
  accuracy: TeacherAccuracy;
  partitionSeed: number;
  evalFraction: number;
  data: string;
  steps: number;
  seed: number;
  batch: number;
  imagesSeen: number;
  forwardMacsPerImage: number;
  flops: number;
  wallSeconds: number;
  backend: string;
  finalLoss: TeacherCard["training"]["finalLoss"];
}

/** Assembles a card. */
export function buildCard(c: CardInputs): TeacherCard {
  return {
    format: "c2s-mini-clip-card",
    name: c.name ?? "mini-clip",
    sha256: c.sha256,
    zeroShotAccuracy: c.accuracy.zeroShot,
    maskedAccuracy: c.accuracy.masked,
    denseAccuracy: c.accuracy.dense,
    evaluation: {
      ...c.accuracy.counts,
      partitionSeed: c.partitionSeed,
      evalFraction: c.evalFraction,
      data: c.data,
    },
    training: {
      steps: c.steps,
      seed: c.seed,
      batch: { singles: c.batch, scenes: c.batch, masked: c.batch },
      imagesSeen: c.imagesSeen,
      forwardMacsPerImage: c.forwardMacsPerImage,
      flops: c.flops,
      wallSeconds: c.wallSeconds,
      backend: c.backend,
      optimizer: "AdamW lr 2e-3, weight decay 0.05, 5 % warm-up, cosine",
      finalLoss: c.finalLoss,
    },
    createdAt: new Date().toISOString(),
  };
}

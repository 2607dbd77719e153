/**
 * The teacher's card (`card.json`): what it reaches on held-out data and what it cost.
 *
 * @module
 */
import type { TeacherAccuracy } from "./evaluate.ts";

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

/** Reads a card; `null` when the file does not exist. */
export async function readCard(path: string): Promise<TeacherCard | null> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as TeacherCard;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
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

/**
 * A tiny, randomly initialised mini-CLIP for sweep tests: the real architecture (64 x 64 input,
 * 16 x 16 dense grid) at a fraction of the width, so a smoke run takes seconds. Passed to
 * `ablate` and `run-one` with `--teacher tests/sweep/_tiny_teacher.ts`.
 *
 * @module
 */
import { DEFAULT_CONFIG, type MiniClipConfig } from "../../lib/teacher/config.ts";
import { MiniClip } from "../../lib/teacher/mini_clip.ts";
import { buildVocabulary } from "../../lib/teacher/tokenizer.ts";
import { initWeights } from "../../lib/teacher/weights.ts";
import { FASHION_CLASSES } from "../../lib/data/types.ts";

/** The tiny architecture. */
export const TINY_TEACHER_CONFIG: MiniClipConfig = {
  ...DEFAULT_CONFIG,
  stem: [4, 8],
  width: 8,
  blocks2: 1,
  dim: 16,
  textWidth: 8,
  vocabulary: buildVocabulary(FASHION_CLASSES),
};

/** Weights seed. */
export const TINY_TEACHER_SEED = 1;

/** Makes the tiny teacher (the tensor backend must be started). */
export default function tinyTeacher(): MiniClip {
  const hash = `tiny-mini-clip-seed-${TINY_TEACHER_SEED}-dim-${TINY_TEACHER_CONFIG.dim}`;
  return new MiniClip(
    TINY_TEACHER_CONFIG,
    initWeights(TINY_TEACHER_CONFIG, TINY_TEACHER_SEED),
    hash,
    "tiny-mini-clip",
  );
}

/**
 * `describeTeacher(teacher)`: what a loaded teacher is, for a teacher without a card (a Hugging
 * Face CLIPModel folder or a teacher module): for CLIP the model type, trained image size, patch
 * size, tower widths and depths, projection dim and parameters; for any teacher its joint-space
 * width, dense grid and the sha256 teacher hash.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { initBackend } from "../tf/backend.ts";
 * import { loadTeacher } from "./load.ts";
 * import { describeTeacher } from "./describe.ts";
 * await initBackend("cpu");
 * const teacher = await loadTeacher("tests/fixtures/clip-tiny");
 * assert.match(describeTeacher(teacher), /^model type: clip /m);
 * teacher.dispose();
 * ```
 *
 * @module
 */
import { ClipTeacher } from "./clip/teacher.ts";
import type { Teacher } from "./teacher.ts";

/** Lines (no trailing newline) that say what `teacher` is; the last one is its sha256. */
export function describeTeacher(teacher: Teacher): string {
  const [h, w] = teacher.denseSize;
  const lines = [`teacher ${teacher.name}`];
  if (teacher instanceof ClipTeacher) {
    const { vision: v, text: t, projectionDim } = teacher.model.config;
    const grid = Math.floor(v.imageSize / v.patchSize);
    lines.push(
      "model type: clip (Hugging Face CLIPModel)",
      `image size: ${v.imageSize} x ${v.imageSize}, patch size ${v.patchSize} (${grid} x ${grid} patches)`,
      `image tower: width ${v.hiddenSize}, ${v.layers} layers, ${v.heads} heads, ${v.act}`,
      `text tower: width ${t.hiddenSize}, ${t.layers} layers, ${t.heads} heads, vocabulary ${t.vocabSize}`,
      `projection dim: ${projectionDim}`,
      `parameters: ${teacher.model.parameterCount.toLocaleString("en-US")}`,
    );
  } else {
    lines.push(`joint-space width: ${teacher.dim}`);
  }
  lines.push(`dense grid as loaded: ${h} x ${w}`, `sha256: ${teacher.hash}`);
  return lines.join("\n");
}

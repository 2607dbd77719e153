/**
 * Test ablation: three rows of Table IX (bank sizes 0, 2, 6), so a sweep has runs to resume.
 */
import fashionScenes from "../../../experiments/fashion_scenes.ts";
import { defineAblation } from "../../../lib/spec/define.ts";

export default defineAblation({
  name: "sweep-trio",
  table: "IX",
  title: "Three bank sizes (sweep tests)",
  base: fashionScenes,
  vary: { "distill.global.bankSize": [0, 2, 6] },
  metrics: ["hIoU", "sIoU", "uIoU"],
});

/**
 * Test ablation: a learning rate of 1e30, which the spec validation accepts (any positive value)
 * and which makes the loss NaN within a few steps, then the full method, which must still train.
 */
import fashionScenes from "../../../experiments/fashion_scenes.ts";
import { defineAblation } from "../../../lib/spec/define.ts";

export default defineAblation({
  name: "sweep-nan",
  table: "IX",
  title: "A diverging run (sweep tests)",
  base: fashionScenes,
  variants: [
    { label: "absurd lr", extra: true, set: { "train.lr": 1e30 } },
    { label: "6", set: {} },
  ],
  metrics: ["hIoU", "sIoU", "uIoU"],
});

/**
 * Test ablation: two rows of Table XI. Its "attention" row is the full method, the same config
 * as sweep-trio's "6": the two tables share that run.
 */
import fashionScenes from "../../../experiments/fashion_scenes.ts";
import { defineAblation } from "../../../lib/spec/define.ts";

export default defineAblation({
  name: "sweep-pair",
  table: "XI",
  title: "Two aggregations (sweep tests)",
  base: fashionScenes,
  variants: [
    { label: "attention", set: {} },
    { label: "mean", set: { "distill.global.aggregation": "mean" } },
  ],
  metrics: ["hIoU", "sIoU", "uIoU"],
});

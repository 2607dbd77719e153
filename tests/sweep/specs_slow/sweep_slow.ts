/**
 * Test ablation: two runs long enough (100,000 steps of the smoke preset's batch) that a signal
 * always finds the first one training, and the second one not yet started.
 */
import fashionScenes from "../../../experiments/fashion_scenes.ts";
import { defineAblation } from "../../../lib/spec/define.ts";

export default defineAblation({
  name: "sweep-slow",
  table: "IX",
  title: "Two runs that do not end by themselves (signal tests)",
  base: fashionScenes,
  variants: [
    { label: "first", extra: true, set: { "train.steps": 100_000 } },
    { label: "second", extra: true, set: { "train.steps": 100_001 } },
  ],
  metrics: ["hIoU", "sIoU", "uIoU"],
});

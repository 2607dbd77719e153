/** Table XI: how global distillation pools the student's dense features F into F_g. */
import fashionScenes from "../experiments/fashion_scenes.ts";
import { defineAblation } from "../lib/spec/define.ts";

export default defineAblation({
  name: "aggregation",
  table: "XI",
  title: "Feature aggregation in global distillation",
  base: fashionScenes,
  vary: { "distill.global.aggregation": ["mean", "max", "attention"] },
  metrics: ["hIoU", "sIoU", "uIoU"],
});

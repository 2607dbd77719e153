/**
 * Test ablation of the measurement kind (Table XIII): pseudo-mask accuracy, no student training.
 */
import fashionScenes from "../../../experiments/fashion_scenes.ts";
import { defineAblation } from "../../../lib/spec/define.ts";

export default defineAblation({
  name: "sweep-masks",
  table: "XIII",
  title: "Mask accuracy (sweep tests)",
  kind: "measurement",
  base: fashionScenes,
  variants: [{ label: "kmeans (ours)", paperRow: "mIoU", set: {} }],
  metrics: ["unseen", "seen", "all"],
});

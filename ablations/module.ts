/** Table IV: the two proposed modules, C2S distillation (global + local) and latent embedding. */
import fashionScenes from "../experiments/fashion_scenes.ts";
import { defineAblation } from "../lib/spec/define.ts";

export default defineAblation({
  name: "module",
  table: "IV",
  title: "Ablations on the proposed modules",
  base: fashionScenes,
  variants: [
    {
      // Seen-class segmentation only: the student never meets the teacher.
      label: "baseline",
      set: {
        "distill.global.enabled": false,
        "distill.local.enabled": false,
        "latent.enabled": false,
      },
    },
    {
      label: "+latent",
      paperRow: "baseline + latent embedding",
      set: { "distill.global.enabled": false, "distill.local.enabled": false },
    },
    {
      // "Distillation" is both global and local: Table V splits it.
      label: "+distillation",
      paperRow: "baseline + distillation",
      set: { "latent.enabled": false },
    },
    { label: "full", paperRow: "baseline + distillation + latent embedding", set: {} },
  ],
  metrics: ["hIoU", "sIoU", "uIoU"],
});

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
    {
      // Eq. 7 as printed scores seen classes on F as the student gives it (alpha F^T A_s) and
      // latent ones on a cosine; the full row normalises F for both (lib/c2s/pixel_loss.ts says
      // which is the default and the paired comparison behind it).
      label: "full, X_s = alpha F^T A_s",
      extra: true,
      set: { "loss.seenScore": "dot" },
    },
  ],
  metrics: ["hIoU", "sIoU", "uIoU"],
});

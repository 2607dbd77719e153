/** Table VI: the loss of global distillation (local distillation stays InfoNCE throughout). */
import fashionScenes from "../experiments/fashion_scenes.ts";
import { defineAblation } from "../lib/spec/define.ts";

export default defineAblation({
  name: "distill-loss",
  table: "VI",
  title: "Global distillation losses",
  base: fashionScenes,
  variants: [
    { label: "cosine", paperRow: "cosine similarity", set: { "distill.global.loss": "cosine" } },
    { label: "l2", paperRow: "L2 loss", set: { "distill.global.loss": "l2" } },
    {
      // FROSTER-style: a residual projection of F_g, then cosine to the CLS token.
      label: "residual",
      paperRow: "FROSTER (residual feature distillation)",
      set: { "distill.global.loss": "residual" },
    },
    { label: "infonce", paperRow: "ours (InfoNCE)", set: {} },
  ],
  metrics: ["hIoU", "sIoU", "uIoU"],
});

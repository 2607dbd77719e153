/**
 * Table VIII: what the latent embeddings are made from and what calibrates them. "Prototypes"
 * are the latent local features F_u, "CLS tokens" the local CLS tokens; "none" uses them directly.
 */
import fashionScenes from "../experiments/fashion_scenes.ts";
import { defineAblation } from "../lib/spec/define.ts";

export default defineAblation({
  name: "calibrator",
  table: "VIII",
  title: "Latent embedding features and calibrator",
  base: fashionScenes,
  variants: [
    {
      label: "prototypes",
      paperRow: "prototypes, no calibrator",
      set: { "latent.features": "prototypes", "latent.calibrator": "none" },
    },
    {
      label: "prototypes + mlp",
      paperRow: "prototypes + MLP",
      set: { "latent.features": "prototypes", "latent.calibrator": "mlp" },
    },
    {
      label: "cls",
      paperRow: "CLS tokens, no calibrator",
      set: { "latent.features": "cls", "latent.calibrator": "none" },
    },
    {
      label: "cls + mlp",
      paperRow: "CLS tokens + MLP",
      set: { "latent.features": "cls", "latent.calibrator": "mlp" },
    },
    { label: "both + transformer", paperRow: "prototypes + CLS tokens, transformer", set: {} },
  ],
  metrics: ["hIoU", "sIoU", "uIoU"],
});

/**
 * Table VII: which CLS tokens the latent embedding generator attends to (its keys and values).
 * "No latent embedding" is Table IV's "baseline + distillation": the same config, one run.
 */
import fashionScenes from "../experiments/fashion_scenes.ts";
import { defineAblation } from "../lib/spec/define.ts";

export default defineAblation({
  name: "calibration-tokens",
  table: "VII",
  title: "Global and local CLS tokens in latent embedding generation",
  base: fashionScenes,
  variants: [
    { label: "no latent embedding", set: { "latent.enabled": false } },
    { label: "local CLS only", set: { "latent.useGlobalCls": false } },
    { label: "global CLS only", set: { "latent.useLocalCls": false } },
    { label: "global + local CLS", set: {} },
  ],
  metrics: ["hIoU", "sIoU", "uIoU"],
});

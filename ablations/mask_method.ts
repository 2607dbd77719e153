/**
 * Table XII: the pseudo-mask generator. The paper's rivals are a learned mask proposer and
 * Panoptic Cut; we run analogues, labelled as such: `proposals` (class-agnostic regions:
 * connected components of unannotated foreground) and `ncut` (a normalized-cut partition of the
 * teacher-feature affinity graph). The paper's GFLOPs column is left out: it is the whole
 * pipeline's cost at 512 x 512, which these analogues do not reproduce.
 */
import fashionScenes from "../experiments/fashion_scenes.ts";
import { defineAblation } from "../lib/spec/define.ts";

export default defineAblation({
  name: "mask-method",
  table: "XII",
  title: "Pseudo-mask generation methods",
  base: fashionScenes,
  variants: [
    {
      label: "proposals (analogue)",
      paperRow: "Mask Proposal",
      set: { "pseudoMask.method": "proposals" },
    },
    { label: "ncut (analogue)", paperRow: "Panoptic cut", set: { "pseudoMask.method": "ncut" } },
    { label: "kmeans (ours)", paperRow: "ours (K-Means + merging)", set: {} },
  ],
  metrics: ["hIoU", "sIoU", "uIoU"],
});

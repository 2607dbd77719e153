/**
 * The benchmark's honest labelling: what each thing the paper used is replaced by here, and why the
 * absolute numbers cannot be compared with the paper's. Every report page shows it.
 *
 * @module
 */

/** One stand-in: the paper's component, ours, and what the difference means. */
export interface StandIn {
  readonly paper: string;
  readonly here: string;
  readonly note: string;
}

/** The stand-ins of the fashion-scenes benchmark. */
export const STAND_INS: readonly StandIn[] = [
  {
    paper: "CLIP ViT-B/16 (teacher)",
    here: "mini-CLIP",
    note: "A small image tower and text tower trained contrastively on Fashion-MNIST items, " +
      "masked items and scenes of all 10 classes, then frozen: the analogue of CLIP having seen " +
      "every concept in pre-training. It is not CLIP; its own accuracies are in the teacher card.",
  },
  {
    paper: "COCO-Stuff (171 classes, 15 unseen)",
    here: "fashion-scenes",
    note: "64x64 canvases with 2-4 real Fashion-MNIST items rescaled and placed at random; 10 " +
      "classes, 3 unseen by default (Trouser, Sneaker, Bag); background is ignored. Training " +
      "scenes label seen classes only; evaluation scenes use held-out items and all classes.",
  },
  {
    paper: "Segformer-B4 student, 40K iterations, 8 V100 GPUs",
    here: "small conv student, hundreds of steps on CPU",
    note:
      "The student architecture, schedule and hardware are far smaller; see the settings below.",
  },
  {
    paper: "Panoptic Cut (Table XII)",
    here: "ncut analogue",
    note: "A normalized-cut (spectral) partition of the affinity graph of unannotated teacher " +
      "features. It stands in for Panoptic Cut; it is not that method.",
  },
  {
    paper: "Mask Proposal (Table XII)",
    here: "connected-component proposals",
    note: "Class-agnostic regions from connected components of unannotated foreground, standing " +
      "in for a learned mask proposer.",
  },
  {
    paper: "PASCAL VOC mask evaluation (Table XIII)",
    here: "fashion-scenes pseudo-mask IoU",
    note: "Each ground-truth class mask matched to the generated mask of highest IoU, on " +
      "fashion-scenes instead of VOC.",
  },
];

/** Why the agreement, not the delta, is the measure to read. */
export const COMPARABILITY_NOTE = "Absolute values are not comparable with the paper's (other " +
  "teacher, data, student and schedule), so the delta column is context only. What can be " +
  "compared is the ordering of the variants and the direction of each effect the paper claims: " +
  "that is what the agreement section measures.";

/**
 * The C2S training core (paper Sec. III): configuration, pseudo masks, distillation, latent
 * embeddings, losses, student, metrics, teacher cache, trainer, measurements.
 *
 * @module
 */
export * from "./config.ts";
export * from "./pseudo_masks.ts";
export * from "./window_seeds.ts";
export * from "./kmeans.ts";
export * from "./cluster_merge.ts";
export * from "./ncut.ts";
export * from "./proposals.ts";
export * from "./mask_accuracy.ts";
export * from "./measure_masks.ts";
export * from "./tokens.ts";
export * from "./global_distillation.ts";
export * from "./local_distillation.ts";
export * from "./token_bank.ts";
export * from "./latent_embeddings.ts";
export * from "./pixel_loss.ts";
export * from "./objective.ts";
export * from "./student.ts";
export * from "../tf/schedule.ts";
export * from "../tf/adamw.ts";
export * from "./metrics.ts";
export * from "./teacher_cache.ts";
export * from "./trainer.ts";
export * from "./events.ts";
export * from "./datasets.ts";
export * from "./evaluate.ts";
export * from "./efficiency.ts";

/**
 * c2s-lab: reproduce the ablation tables of "CLIP-to-Seg Distillation for Zero-shot Semantic
 * Segmentation" on a small real benchmark; every run tracked in DuckDB, every table reported as
 * offline Vega-Lite HTML. This module only re-exports the public API, one namespace per area.
 *
 * @example
 * ```ts
 * import { assertEquals } from "./lib/_std.ts";
 * import { spec } from "./mod.ts";
 * const ablation = await spec.loadAblation("token-bank");
 * assertEquals(ablation.table, "IX");
 * ```
 *
 * @module
 */
export * as data from "./lib/data/mod.ts";
export * as tfBackend from "./lib/tf/backend.ts";
export * as teacher from "./lib/teacher/mod.ts";
export * as c2s from "./lib/c2s/mod.ts";
export * as spec from "./lib/spec/mod.ts";
export * as track from "./lib/track/mod.ts";
export * as sweep from "./lib/sweep/mod.ts";
export * as report from "./lib/report/mod.ts";

/**
 * Specs: typed ablation and experiment declarations, their validation, presets, expansion into
 * hashed runs, the registry of `ablations/`, plans and the `ablate` arguments.
 *
 * @module
 */
export * from "./args.ts";
export * from "./define.ts";
export * from "./expand.ts";
export * from "./hash.ts";
export * from "./keys.ts";
export * from "./paper_tables.ts";
export * from "./plan.ts";
export * from "./presets.ts";
export * from "./registry.ts";
export * from "./validate.ts";
export * from "./validate_spec.ts";

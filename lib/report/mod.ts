/**
 * Reports: paper-vs-measured pages for the paper's ablation tables, as self-contained HTML.
 *
 * @module
 */
export * from "./agreement.ts";
export * from "./args.ts";
export * from "./data.ts";
export * from "./define.ts";
export * from "./html.ts";
export * from "./kendall.ts";
export * from "./render.ts";
export * from "./samples.ts";
export * from "./settings.ts";
export * from "./teacher_card.ts";
export * from "./vega_specs.ts";

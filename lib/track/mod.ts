/**
 * The tracking layer: the DuckDB run store, per-run record files and their collection, the rows
 * a report reads, Parquet export, and result formatting. Re-exports only.
 *
 * @module
 */

export * from "./schema.ts";
export * from "./store.ts";
export * from "./record.ts";
export * from "./flatten.ts";
export * from "./collect.ts";
export * from "./export.ts";
export * from "./format.ts";
export * from "./list_runs.ts";
export * from "./ablation_rows.ts";
export { studentTCdf, studentTQuantile, tCritical95 } from "./student_t.ts";

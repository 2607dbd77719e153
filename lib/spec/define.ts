/**
 * The shape of specs: an experiment (a base: overrides of `DEFAULT_CONFIG`, data choices
 * included) and an ablation (one paper table: a base, what varies, which metrics). Both are short
 * typed data; `defineExperiment` and `defineAblation` only give them their types, and the
 * registry validates them when it loads the file (`validateAblation`).
 *
 * @example The token-bank ablation (Table IX)
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { defineAblation, defineExperiment } from "./define.ts";
 * import { validateAblation } from "./validate_spec.ts";
 * const base = defineExperiment({ name: "fashion-scenes", title: "Fashion scenes", set: {} });
 * const tokenBank = defineAblation({
 *   name: "token-bank",
 *   table: "IX",
 *   title: "Size of the CLS token bank",
 *   base,
 *   vary: { "distill.global.bankSize": [0, 2, 6, 14] },
 *   metrics: ["hIoU", "sIoU", "uIoU"],
 * });
 * // A spec file `export default`s it; the registry validates it on load, expanding `vary` to rows.
 * const ablation = validateAblation(tokenBank, "ablations/token_bank.ts");
 * assertEquals(ablation.variants.map((v) => v.label), ["0", "2", "6", "14"]);
 * ```
 *
 * @module
 */
import type { ConfigKey, ConfigValue, Overrides } from "./keys.ts";
import type { PaperMetric, TableId } from "./paper_tables.ts";

/**
 * What an ablation's runs do: train a student (`training`), measure without training a student
 * (`measurement`, e.g. pseudo-mask accuracy), or measure the student's cost (`efficiency`).
 */
export const AblationKind = ["training", "measurement", "efficiency"] as const;
export type AblationKind = typeof AblationKind[number];

/** A base experiment: what differs from `DEFAULT_CONFIG` for a benchmark. */
export interface ExperimentSpec {
  /** Short kebab-case name; the file is `experiments/<name with _>.ts`. */
  readonly name: string;
  readonly title: string;
  readonly description?: string;
  /** Overrides of `DEFAULT_CONFIG` by dotted key (data choices included). */
  readonly set: Overrides;
  /**
   * What a preset means on this benchmark, beyond its schedule: overrides applied after the
   * preset's (e.g. a smaller input size for `smoke` where the real one would take hours on CPU).
   */
  readonly presets?: { readonly [P in "smoke" | "quick" | "paper"]?: Overrides };
}

/** One row of an ablation: a label, its overrides of the base, and the paper row it reproduces. */
export interface VariantSpec {
  /** Shown in plans and reports; also the paper row's name unless `paperRow` is given. */
  readonly label: string;
  /** Overrides of the base, by dotted key (`{}` for the base itself). */
  readonly set: Overrides;
  /** The `variant` of the paper table's row, when it differs from `label`. */
  readonly paperRow?: string;
  /** The variant has no paper row (a check beyond the paper). */
  readonly extra?: boolean;
}

/** A cross product: dotted key -> the values it takes. */
export type Vary = { readonly [K in ConfigKey]?: readonly ConfigValue<K>[] };

interface AblationFields {
  /** Short kebab-case name; the file is `ablations/<name with _>.ts`. */
  readonly name: string;
  /** The paper table it reproduces. */
  readonly table: TableId;
  readonly title: string;
  readonly description?: string;
  /** The experiment the variants override. */
  readonly base: ExperimentSpec;
  /** @default {"training"} */
  readonly kind?: AblationKind;
  /** The table's columns to report. */
  readonly metrics: readonly PaperMetric[];
  /**
   * At most this many seeds, whatever the preset says: for tables that more seeds cannot change
   * (e.g. `1` for the efficiency table). `--seeds` still wins.
   */
  readonly seeds?: number;
  /** The whole spec goes beyond the paper: variants without a paper row are allowed. */
  readonly extra?: boolean;
}

/** An ablation over a cross product of values (labels are the values: `"0"`, `"3,7"`). */
export interface VaryAblationSpec extends AblationFields {
  readonly vary: Vary;
  readonly variants?: never;
}

/** An ablation over paired variants ("these four rows of a table"). */
export interface VariantsAblationSpec extends AblationFields {
  readonly variants: readonly VariantSpec[];
  readonly vary?: never;
}

/** An ablation as written in `ablations/*.ts`. */
export type AblationSpec = VaryAblationSpec | VariantsAblationSpec;

/** A variant after validation: `paperRow` is the matched row's variant, or `null` for an extra. */
export interface Variant {
  readonly label: string;
  readonly set: Overrides;
  readonly paperRow: string | null;
}

/** A validated ablation, as `loadAblation` and `validateAblation` return it. */
export interface Ablation {
  readonly name: string;
  readonly table: TableId;
  readonly title: string;
  readonly description: string | null;
  readonly base: ExperimentSpec;
  readonly kind: AblationKind;
  readonly metrics: readonly PaperMetric[];
  /** Cap on the seed count, or `null` for the preset's. */
  readonly seeds: number | null;
  /** The `vary` object as written, or `null` for paired variants. */
  readonly vary: Vary | null;
  /** The rows, in order (a `vary` expanded). */
  readonly variants: readonly Variant[];
  /** The file it was loaded from (`ablations/token_bank.ts`). */
  readonly source: string;
}

/** Gives an experiment its type. @example `defineExperiment({ name: "x", title: "X", set: {} })` */
export function defineExperiment(spec: ExperimentSpec): ExperimentSpec {
  return spec;
}

/** Gives an ablation its type; the registry validates it on load. */
export function defineAblation(spec: AblationSpec): AblationSpec {
  return spec;
}

/** `token-bank` -> `token_bank`: the file stem of a spec name. */
export function fileStem(name: string): string {
  return name.replaceAll("-", "_");
}

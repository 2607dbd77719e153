/**
 * Validation of whole specs (`ablations/*.ts`, `experiments/*.ts`): fields, names, the paper table
 * and its rows, metrics, and every override (through `validateOverrides`). Returns the normalised
 * `Ablation` the rest of `lib/spec` works on: `vary` expanded into labelled variants, each mapped
 * to its paper row. Problems are `TypeError`/`RangeError` naming the file.
 *
 * @module
 */
import { DEFAULT_CONFIG } from "../c2s/config.ts";
import { suggest } from "../_suggest.ts";
import {
  type Ablation,
  AblationKind,
  type ExperimentSpec,
  fileStem,
  type Variant,
  type Vary,
} from "./define.ts";
import { canonicalJson } from "./hash.ts";
import { getPreset } from "./presets.ts";
import { applyOverrides, getAtKey, isPlainObject, mergeOverrides, type Overrides } from "./keys.ts";
import * as msg from "./messages.ts";
import { isTableId, PAPER_TABLES, type PaperMetric, TABLE_IDS } from "./paper_tables.ts";
import { validateConfig, validateOverrides, validateValue } from "./validate.ts";

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const MAX_NAME = 32;

const ABLATION_FIELDS = [
  "name",
  "table",
  "title",
  "description",
  "base",
  "kind",
  "vary",
  "variants",
  "metrics",
  "seeds",
  "extra",
] as const;
const EXPERIMENT_FIELDS = ["name", "title", "description", "set", "presets"] as const;
const VARIANT_FIELDS = ["label", "set", "paperRow", "extra"] as const;

/** Every metric some paper table reports, plus `mIoU` (over all classes). */
export const KNOWN_METRICS: readonly string[] = [
  ...new Set([...Object.values(PAPER_TABLES).flatMap((t) => t.columns), "mIoU"]),
];

/** `experiments/fashion_scenes.ts` for `fashion-scenes`. */
export function experimentSource(name: string): string {
  return `experiments/${fileStem(name)}.ts`;
}

/** `ablations/token_bank.ts` for `token-bank`. */
export function ablationSource(name: string): string {
  return `ablations/${fileStem(name)}.ts`;
}

type Where = string;

function fail(
  ErrorClass: TypeErrorConstructor | RangeErrorConstructor,
  source: string,
  detail: string,
): never {
  throw new ErrorClass(msg.cannotLoad(source, detail));
}

function checkFields(
  record: Record<string, unknown>,
  allowed: readonly string[],
  required: readonly string[],
  where: Where,
  source: string,
): void {
  for (const field of Object.keys(record)) {
    if (!allowed.includes(field)) {
      fail(TypeError, source, msg.unknownField(where, field, suggest(field, allowed)));
    }
  }
  for (const field of required) {
    if (record[field] === undefined) fail(TypeError, source, msg.missingField(where, field));
  }
}

function checkString(
  record: Record<string, unknown>,
  field: string,
  where: Where,
  source: string,
): string {
  const value = record[field];
  if (typeof value !== "string" || value.trim() === "") {
    fail(TypeError, source, msg.fieldType(where, field, "a non-empty string", value));
  }
  return value;
}

function checkName(what: string, name: string, source: string): void {
  if (!KEBAB.test(name) || name.length > MAX_NAME) fail(TypeError, source, msg.badName(what, name));
}

function optionalString(
  record: Record<string, unknown>,
  field: string,
  where: Where,
  source: string,
): string | null {
  return record[field] === undefined ? null : checkString(record, field, where, source);
}

/**
 * Validates a base experiment and returns it typed. `source` names the file in messages; by
 * default the experiment's own file (`experiments/<name>.ts`).
 */
export function validateExperiment(spec: unknown, source?: string): ExperimentSpec {
  const where = "the experiment";
  if (!isPlainObject(spec)) {
    fail(TypeError, source ?? "experiments", msg.notASpec("the base", spec));
  }
  const name = typeof spec.name === "string" ? spec.name : "";
  const file = source ?? (KEBAB.test(name) ? experimentSource(name) : "experiments");
  checkFields(spec, EXPERIMENT_FIELDS, ["name", "title", "set"], where, file);
  checkName("experiment", checkString(spec, "name", where, file), file);
  checkString(spec, "title", where, file);
  optionalString(spec, "description", where, file);
  validateOverrides(spec.set, file);
  validateConfig(applyOverrides(DEFAULT_CONFIG, spec.set as Overrides), file);
  if (spec.presets !== undefined) {
    if (!isPlainObject(spec.presets)) fail(TypeError, file, msg.notASpec("presets", spec.presets));
    for (const [preset, set] of Object.entries(spec.presets)) {
      getPreset(preset);
      validateOverrides(set, file);
    }
  }
  return spec as unknown as ExperimentSpec;
}

function labelValue(value: unknown): string {
  return Array.isArray(value) ? value.join(",") : String(value);
}

function expandVary(vary: unknown, source: string): { label: string; set: Overrides }[] {
  if (!isPlainObject(vary)) {
    fail(
      TypeError,
      source,
      msg.fieldType("the spec", "vary", "an object of dotted config keys", vary),
    );
  }
  const entries = Object.entries(vary);
  if (entries.length === 0) fail(RangeError, source, msg.noVariants("vary"));
  // Keys first (so a typo reads as an unknown key), then each value.
  validateOverrides(
    Object.fromEntries(entries.map(([k]) => [k, getAtKey(DEFAULT_CONFIG, k)])),
    source,
  );
  for (const [key, values] of entries) {
    if (!Array.isArray(values)) {
      fail(TypeError, source, msg.fieldType("the spec", `vary.${key}`, "a list of values", values));
    }
    if (values.length === 0) fail(RangeError, source, msg.emptyVary(key));
    for (const value of values) validateValue(key, value, source);
  }
  let rows: { label: string[]; set: Record<string, unknown> }[] = [{ label: [], set: {} }];
  for (const [key, values] of entries as [string, unknown[]][]) {
    const short = key.split(".").pop() as string;
    rows = rows.flatMap((row) =>
      values.map((value) => ({
        label: [
          ...row.label,
          entries.length === 1 ? labelValue(value) : `${short}=${labelValue(value)}`,
        ],
        set: { ...row.set, [key]: value },
      }))
    );
  }
  return rows.map((row) => ({ label: row.label.join(", "), set: row.set as Overrides }));
}

function readVariants(
  variants: unknown,
  source: string,
): { label: string; set: Overrides; paperRow: string | null; extra: boolean }[] {
  if (!Array.isArray(variants)) {
    fail(TypeError, source, msg.fieldType("the spec", "variants", "a list of variants", variants));
  }
  if (variants.length === 0) fail(RangeError, source, msg.noVariants("variants"));
  return variants.map((variant, i) => {
    const where = `variant ${i + 1}`;
    if (!isPlainObject(variant)) {
      fail(TypeError, source, msg.fieldType("the spec", `variants[${i}]`, "an object", variant));
    }
    checkFields(variant, VARIANT_FIELDS, ["label", "set"], where, source);
    const label = checkString(variant, "label", where, source);
    const paperRow = optionalString(variant, "paperRow", where, source);
    if (variant.extra !== undefined && typeof variant.extra !== "boolean") {
      fail(TypeError, source, msg.fieldType(where, "extra", "a boolean", variant.extra));
    }
    return {
      label,
      set: validateOverrides(variant.set, source),
      paperRow,
      extra: variant.extra === true,
    };
  });
}

/**
 * Validates an ablation spec (the default export of `ablations/*.ts`) and returns it normalised.
 * `source` names the file in messages (the registry passes the path it loaded).
 */
export function validateAblation(spec: unknown, source: string): Ablation {
  const where = "the spec";
  if (!isPlainObject(spec)) fail(TypeError, source, msg.notASpec("the default export", spec));
  checkFields(spec, ABLATION_FIELDS, ["name", "table", "title", "base", "metrics"], where, source);
  const name = checkString(spec, "name", where, source);
  checkName("ablation", name, source);
  const table = spec.table;
  if (typeof table !== "string" || !isTableId(table)) {
    const guess = typeof table === "string" ? suggest(table, TABLE_IDS) : undefined;
    fail(RangeError, source, msg.unknownTable(table, TABLE_IDS, guess));
  }
  const title = checkString(spec, "title", where, source);
  const description = optionalString(spec, "description", where, source);
  const kind = spec.kind ?? "training";
  if (typeof kind !== "string" || !(AblationKind as readonly string[]).includes(kind)) {
    fail(RangeError, source, msg.badKind(kind, AblationKind));
  }
  const base = validateExperiment(spec.base);
  if (spec.extra !== undefined && typeof spec.extra !== "boolean") {
    fail(TypeError, source, msg.fieldType(where, "extra", "a boolean", spec.extra));
  }
  const seeds = spec.seeds ?? null;
  if (seeds !== null && typeof seeds !== "number") {
    fail(TypeError, source, msg.fieldType(where, "seeds", "an integer", seeds));
  }
  if (seeds !== null && (!Number.isInteger(seeds) || seeds < 1)) {
    fail(RangeError, source, msg.badSpecSeeds(seeds));
  }

  const metrics = spec.metrics;
  if (!Array.isArray(metrics)) {
    fail(TypeError, source, msg.fieldType(where, "metrics", "a list of metric names", metrics));
  }
  if (metrics.length === 0) fail(RangeError, source, msg.noMetrics());
  for (const metric of metrics) {
    if (typeof metric !== "string" || !KNOWN_METRICS.includes(metric)) {
      const guess = typeof metric === "string" ? suggest(metric, KNOWN_METRICS) : undefined;
      fail(RangeError, source, msg.unknownMetric(metric, KNOWN_METRICS, guess));
    }
  }

  const hasVary = spec.vary !== undefined;
  const hasVariants = spec.variants !== undefined;
  if (hasVary === hasVariants) fail(TypeError, source, msg.varyOrVariants(hasVary));
  const raw = hasVary
    ? expandVary(spec.vary, source).map((v) => ({ ...v, paperRow: null, extra: false }))
    : readVariants(spec.variants, source);

  const rows = PAPER_TABLES[table].rows.map((row) => row.variant as string);
  const seen = new Map<string, string>();
  const variants: Variant[] = [];
  for (const variant of raw) {
    if (variants.some((v) => v.label === variant.label)) {
      fail(TypeError, source, msg.duplicateLabel(variant.label));
    }
    const wanted = variant.paperRow ?? variant.label;
    let paperRow: string | null = rows.includes(wanted) ? wanted : null;
    if (
      paperRow === null && (variant.paperRow !== null || !(variant.extra || spec.extra === true))
    ) {
      fail(
        RangeError,
        source,
        msg.noPaperRow(variant.label, wanted, table, rows, suggest(wanted, rows)),
      );
    }
    if (variant.extra) paperRow = null;
    const config = applyOverrides(DEFAULT_CONFIG, mergeOverrides(base.set, variant.set));
    validateConfig(config, source);
    const key = canonicalJson(config);
    const twin = seen.get(key);
    if (twin !== undefined) fail(RangeError, source, msg.sameConfig(twin, variant.label));
    seen.set(key, variant.label);
    variants.push(Object.freeze({ label: variant.label, set: variant.set, paperRow }));
  }

  const ablation: Ablation = Object.freeze({
    name,
    table,
    title,
    description,
    base,
    kind: kind as AblationKind,
    metrics: metrics as PaperMetric[],
    seeds,
    vary: hasVary ? spec.vary as Vary : null,
    variants: Object.freeze(variants),
    source,
  });
  validated.add(ablation);
  return ablation;
}

const validated = new WeakSet<object>();

/**
 * `ablation` on another base experiment, e.g. a table's variants on the paper's own setting
 * (`experiments/voc_clip.ts`); each run's config is still validated when it is expanded.
 */
export function rebaseAblation(ablation: Ablation, base: ExperimentSpec): Ablation {
  const rebased = Object.freeze({ ...ablation, base: validateExperiment(base) });
  validated.add(rebased);
  return rebased;
}

/** Whether `value` is an `Ablation` returned by `validateAblation`. */
export function isValidatedAblation(value: unknown): value is Ablation {
  return typeof value === "object" && value !== null && validated.has(value);
}

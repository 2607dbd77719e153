/**
 * What the runs of one ablation were trained with, read from their flattened resolved configs
 * (`params`): the settings all finished runs share, and the keys whose values differ between
 * variants (what each row of the table changed). `train.seed` is left out: seeds always differ.
 *
 * @module
 */
import type { ParamRow } from "./data.ts";

/** A key whose value differs between runs, with each variant's value(s). */
export interface VaryingSetting {
  readonly key: string;
  /** Variant -> its distinct values, joined by " | " when its runs differ. */
  readonly byVariant: Readonly<Record<string, string>>;
}

/** Shared and varying settings. */
export interface RunSettings {
  /** Key -> the one value every finished run has. */
  readonly common: Readonly<Record<string, string>>;
  readonly varying: readonly VaryingSetting[];
}

/** Keys that differ between seeds of one variant by design. */
const PER_SEED_KEYS = new Set(["train.seed"]);

/**
 * Split flattened params into shared and varying settings.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { summarizeSettings } from "./settings.ts";
 * const s = summarizeSettings([
 *   { variant: "0", runId: "a", key: "distill.global.bankSize", value: "0" },
 *   { variant: "6", runId: "b", key: "distill.global.bankSize", value: "6" },
 *   { variant: "0", runId: "a", key: "train.steps", value: "800" },
 *   { variant: "6", runId: "b", key: "train.steps", value: "800" },
 * ]);
 * assertEquals(s.common["train.steps"], "800");
 * assertEquals(s.varying[0]!.byVariant["6"], "6");
 * ```
 */
export function summarizeSettings(params: readonly ParamRow[]): RunSettings {
  const runs = new Set(params.map((p) => p.runId));
  const byKey = new Map<string, ParamRow[]>();
  for (const p of params) {
    if (PER_SEED_KEYS.has(p.key)) continue;
    let list = byKey.get(p.key);
    if (!list) byKey.set(p.key, list = []);
    list.push(p);
  }
  const common: Record<string, string> = {};
  const varying: VaryingSetting[] = [];
  for (const [key, list] of [...byKey].sort(([a], [b]) => a.localeCompare(b))) {
    const values = new Set(list.map((p) => p.value ?? "null"));
    const everyRun = new Set(list.map((p) => p.runId)).size === runs.size;
    if (values.size === 1 && everyRun) {
      common[key] = [...values][0]!;
      continue;
    }
    const byVariant: Record<string, string> = {};
    const variants = [...new Set(list.map((p) => p.variant))];
    for (const v of variants) {
      byVariant[v] = [...new Set(list.filter((p) => p.variant === v).map((p) => p.value ?? "null"))]
        .join(" | ");
    }
    varying.push({ key, byVariant });
  }
  return { common, varying };
}

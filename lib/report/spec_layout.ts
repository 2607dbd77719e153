/**
 * What a report takes from an ablation's spec (`ablations/*.ts`, through the spec registry): the
 * title, the rows in the spec's order with the paper rows they reproduce, the metrics, and the
 * paper's values looked up for those rows, so a table nobody has run yet still has a page.
 *
 * @module
 */
import { listAblations, loadAblation } from "../spec/registry.ts";
import { isTableId, paperValue } from "../spec/paper_tables.ts";
import type { PaperValue } from "./data.ts";

/** The report-relevant part of a spec. */
export interface SpecLayout {
  readonly name: string;
  readonly title: string;
  readonly tableId: string;
  /** Variant labels, in the spec's order. */
  readonly variants: readonly string[];
  readonly metrics: readonly string[];
  /** Label -> the paper's row name, where it differs from the label; null for extra rows. */
  readonly paperRows: Readonly<Record<string, string | null>>;
  /** The paper's values of the spec's rows, keyed by label. */
  readonly paper: { readonly tableId: string; readonly values: readonly PaperValue[] };
}

/** The names in the spec registry. */
export function specNames(): Promise<string[]> {
  return listAblations();
}

/**
 * The layout of ablation `name`, or null when the registry has no such ablation. A spec file that
 * fails validation throws (its error names the file).
 */
export async function specLayout(name: string): Promise<SpecLayout | null> {
  if (!(await listAblations()).includes(name)) return null;
  const ablation = await loadAblation(name);
  const paperRows: Record<string, string | null> = {};
  const values: PaperValue[] = [];
  for (const v of ablation.variants) {
    paperRows[v.label] = v.paperRow;
    if (v.paperRow === null || !isTableId(ablation.table)) continue;
    for (const metric of ablation.metrics) {
      const value = paperValue(ablation.table, v.paperRow, metric);
      if (value !== null) values.push({ variant: v.label, metric, value });
    }
  }
  return {
    name: ablation.name,
    title: ablation.title,
    tableId: ablation.table,
    variants: ablation.variants.map((v) => v.label),
    metrics: [...ablation.metrics],
    paperRows,
    paper: { tableId: ablation.table, values },
  };
}

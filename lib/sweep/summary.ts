/**
 * The table a sweep ends with, one per ablation: each variant's paper value beside the measured
 * mean ± the half-width of its 95% confidence interval (Student t over seeds), read from the
 * store's `variant_summary` view; then the paper's claims judged on paired seeds (`claims_at`).
 *
 * @module
 */
import { MASK_STRUCTURE_METRICS } from "../c2s/measure_masks.ts";
import type { Ablation } from "../spec/define.ts";
import {
  type ClaimRow,
  ClaimVerdict,
  DEFAULT_DELTA,
  readClaims,
  readPaperValues,
  readVariantSummary,
} from "../track/ablation_rows.ts";
import type { RunStore } from "../track/store.ts";

/** One cell group of the table: a variant's metric. */
export interface SummaryCell {
  readonly n: number;
  readonly mean: number | null;
  readonly ci95Low: number | null;
  readonly ci95High: number | null;
  readonly paper: number | null;
}

/** `variant -> metric -> cell` for one ablation. */
export type SummaryCells = ReadonlyMap<string, ReadonlyMap<string, SummaryCell>>;

/** What a sweep prints for one ablation: its cells and the paper's claims judged on paired seeds. */
export interface Summary {
  readonly cells: SummaryCells;
  readonly claims: readonly ClaimRow[];
  /** The equivalence margin the claims were judged with. */
  readonly delta: number;
}

/**
 * An ablation's cells (its `variant_summary` rows, and its paper values nobody has measured) and
 * its claims at equivalence margin `delta`.
 */
export async function readSummary(
  store: RunStore,
  ablation: string,
  delta: number = DEFAULT_DELTA,
): Promise<Summary> {
  return {
    cells: await readCells(store, ablation),
    claims: await readClaims(store, ablation, delta),
    delta,
  };
}

async function readCells(store: RunStore, ablation: string): Promise<SummaryCells> {
  const cells = new Map<string, Map<string, SummaryCell>>();
  const put = (variant: string, metric: string, cell: SummaryCell) => {
    if (!cells.has(variant)) cells.set(variant, new Map());
    cells.get(variant)!.set(metric, cell);
  };
  for (const p of await readPaperValues(store, ablation)) {
    put(p.variant, p.metric, { n: 0, mean: null, ci95Low: null, ci95High: null, paper: p.value });
  }
  for (const r of await readVariantSummary(store, ablation)) {
    const { n, mean, ci95Low, ci95High, paper } = r;
    put(r.variant, r.metric, { n, mean, ci95Low, ci95High, paper });
  }
  return cells;
}

/**
 * One decimal (`38.1`), or two significant digits for a value below 1 in magnitude (`0.078`,
 * `0.27`: the efficiency table's GFLOPs and millions of parameters).
 */
export function formatValue(value: number): string {
  return value !== 0 && Math.abs(value) < 1 ? value.toPrecision(2) : value.toFixed(1);
}

/** `38.1 ± 2.0`, `38.1` (one seed), or `-`; the half-width has the mean's decimals. */
export function formatMeasured(cell: SummaryCell | undefined): string {
  if (cell === undefined || cell.mean === null) return "-";
  const mean = formatValue(cell.mean);
  if (cell.ci95High === null) return mean;
  const decimals = mean.includes(".") ? mean.length - mean.indexOf(".") - 1 : 0;
  return `${mean} ± ${(cell.ci95High - cell.mean).toFixed(decimals)}`;
}

function pad(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows.map((r) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join("  ").trimEnd()
  );
}

/**
 * The table of `ablation` as text: a row per variant (spec order), per metric the paper's value
 * and the measured mean ± 95% CI half-width, and the number of seeds; then one line per claim of
 * the paper with its paired verdict.
 */
export function formatSummary(ablation: Ablation, summary: Summary): string {
  const { cells } = summary;
  const header = ["variant", "n"];
  for (const metric of ablation.metrics) header.push(`${metric} paper`, `${metric} measured`);
  const rows = [header];
  for (const variant of ablation.variants) {
    const byMetric = cells.get(variant.label);
    const n = Math.max(0, ...[...(byMetric?.values() ?? [])].map((c) => c.n));
    const row = [variant.label, String(n)];
    for (const metric of ablation.metrics) {
      const cell = byMetric?.get(metric);
      row.push(cell?.paper == null ? "-" : formatValue(cell.paper), formatMeasured(cell));
    }
    rows.push(row);
  }
  return [
    `Table ${ablation.table}: ${ablation.title} (${ablation.name})`,
    ...pad(rows).map((line) => `  ${line}`),
    "  measured: mean ± half-width of the 95% CI (Student t) over n seeds; no CI when n = 1",
    ...formatMaskStructure(ablation, cells),
    ...formatClaims(summary),
  ].join("\n");
}

/** Pseudo-mask structure results and their column headings. */
const MASK_STRUCTURE: readonly (readonly [metric: string, heading: string])[] = [
  [MASK_STRUCTURE_METRICS.clustersBefore, "clusters"],
  [MASK_STRUCTURE_METRICS.clustersAfter, "after merging"],
  [MASK_STRUCTURE_METRICS.merges, "merges"],
  [MASK_STRUCTURE_METRICS.scenesMerged, "scenes merged %"],
  [MASK_STRUCTURE_METRICS.latentKept, "latent kept"],
];

/**
 * The pseudo-mask structure of the variants that measured it (Table XIII): regions per image
 * before and after Algorithm 1, the groups it merged, the share of scenes with a merge and the
 * latent classes kept after the cap; no lines when no variant has them.
 */
function formatMaskStructure(ablation: Ablation, cells: SummaryCells): string[] {
  const measured = (variant: string, metric: string) =>
    cells.get(variant)?.get(metric)?.mean ?? null;
  const labels = ablation.variants.map((v) => v.label);
  const columns = MASK_STRUCTURE.filter(([m]) => labels.some((v) => measured(v, m) !== null));
  if (columns.length === 0) return [];
  const rows = [["variant", ...columns.map(([, heading]) => heading)]];
  for (const variant of labels) {
    const values = columns.map(([m]) => measured(variant, m));
    if (values.every((v) => v === null)) continue;
    rows.push([variant, ...values.map((v) => (v === null ? "-" : formatValue(v)))]);
  }
  return [
    "  Pseudo masks per image (mean over the held-out scenes; clusters before and after Algorithm 1):",
    ...pad(rows).map((line) => `    ${line}`),
  ];
}

/** A signed value with one decimal: `+0.4`, `-2.5`, `0.0`. */
function signed(value: number): string {
  const text = value.toFixed(1);
  if (/^-?0\.0$/.test(text)) return "0.0";
  return value > 0 ? `+${text}` : text;
}

/** A paired difference with its CI: `-2.5 [-3.4, -1.6]`, `+2.0` (one seed), or `-`. */
export function formatDifference(claim: ClaimRow): string {
  if (claim.meanDiff === null) return "-";
  const diff = signed(claim.meanDiff);
  if (claim.ci95Low === null || claim.ci95High === null) return diff;
  return `${diff} [${signed(claim.ci95Low)}, ${signed(claim.ci95High)}]`;
}

/**
 * The claims of the paper ("a > b" on a metric) as lines: per-seed paired difference a - b, its
 * CI (95%, or the `ciLabel` given: `--until-resolved` judges at a wider level), the verdict and,
 * when unresolved, the seeds that would resolve it; then the count per verdict. Nothing when the
 * paper orders no pair.
 */
export function formatClaims(
  summary: Pick<Summary, "claims" | "delta">,
  ciLabel = "95% CI",
): string[] {
  if (summary.claims.length === 0) return [];
  const rows = [["claim (paper)", "metric", "n", `a - b [${ciLabel}]`, "verdict", "seeds needed"]];
  for (const c of summary.claims) {
    rows.push([
      `${c.better} > ${c.worse}`,
      c.metric,
      String(c.n),
      formatDifference(c),
      c.verdict,
      c.seedsNeeded === null ? "" : String(c.seedsNeeded),
    ]);
  }
  const counts = ClaimVerdict.map((v) =>
    `${summary.claims.filter((c) => c.verdict === v).length} ${v}`
  );
  return [
    `  The paper's claims, paired over the seeds both rows finished (equivalent: CI inside ` +
    `±${formatValue(summary.delta)}):`,
    ...pad(rows).map((line) => `    ${line}`),
    `  claims: ${counts.join(", ")}`,
  ];
}

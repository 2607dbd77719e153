/**
 * The paper's table rebuilt as an HTML `<table>` (selectable and copyable, and as wide as its
 * text): one row per variant; per metric the paper's value, the measured mean ± the half-width of
 * its 95 % CI over seeds and the delta; then n. The paper's best is bold, the measured best
 * shaded. A metric the paper reports for no row gets the measured column only. Metrics beyond the
 * main table (e.g. the extra timings of the efficiency run) go to a second table, one row per
 * metric and one column per variant, so neither grows wider than the page.
 *
 * @module
 */
import type { Agreement } from "./agreement.ts";
import type { SummaryRow } from "./data.ts";
import { html, type SafeHtml } from "./html.ts";

/**
 * A value as the tables print it: one decimal, or two significant digits below 1 in magnitude
 * (0.078 GFLOPs stays 0.078); "–" when missing.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { fmtValue } from "./main_table.ts";
 * assertEquals([fmtValue(38.14), fmtValue(0.0781), fmtValue(0), fmtValue(null)], ["38.1", "0.078", "0.0", "–"]);
 * ```
 */
export function fmtValue(value: number | null): string {
  if (value === null) return "–";
  return value !== 0 && Math.abs(value) < 1 ? value.toPrecision(2) : value.toFixed(1);
}

/**
 * Measured cell text: "30.1 ± 2.3" (half-width of the 95 % CI, with the mean's decimals), the
 * mean alone without a CI, "–" without a mean.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { fmtMeasuredValue } from "./main_table.ts";
 * assertEquals(fmtMeasuredValue({ mean: 0.078, ci95Low: 0.07, ci95High: 0.086 }), "0.078 ± 0.008");
 * ```
 */
export function fmtMeasuredValue(row: Pick<SummaryRow, "mean" | "ci95Low" | "ci95High">): string {
  if (row.mean === null) return "–";
  const mean = fmtValue(row.mean);
  if (row.ci95Low === null || row.ci95High === null) return mean;
  const decimals = mean.includes(".") ? mean.length - mean.indexOf(".") - 1 : 0;
  return `${mean} \u00b1 ${((row.ci95High - row.ci95Low) / 2).toFixed(decimals)}`;
}

/** Signed difference in points, one decimal: "+3.2", "−11.8" (true minus), "0.0", "–". */
export function fmtSigned(value: number | null): string {
  if (value === null) return "–";
  const text = Math.abs(value).toFixed(1);
  if (Number(text) === 0) return text;
  return value > 0 ? `+${text}` : `\u2212${text}`;
}

/** One cell of the main table. */
export interface TableCell {
  readonly text: string;
  /** The paper's best on this metric. */
  readonly bold: boolean;
  /** The measured best on this metric. */
  readonly shade: boolean;
}

/** One column group of the main table: a metric and the columns it has. */
export interface MetricColumns {
  readonly metric: string;
  /** The paper reports this metric for some row: paper and delta columns are shown. */
  readonly paper: boolean;
}

/** The main table as data: header groups, then per variant its cells and n. */
export interface MainTableData {
  readonly columns: readonly MetricColumns[];
  readonly rows: readonly {
    readonly variant: string;
    /** Per metric group: [paper, measured, delta] or [measured]. */
    readonly cells: readonly TableCell[];
    readonly n: number;
  }[];
}

/** Inputs of {@link mainTableData}. */
export interface MainTableInput {
  readonly variants: readonly string[];
  readonly metrics: readonly string[];
  readonly summary: readonly SummaryRow[];
  /** Per metric, to mark the best. */
  readonly agreements: readonly Agreement[];
}

/**
 * The main table's cells (pure).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { mainTableData } from "./main_table.ts";
 * const t = mainTableData({ variants: ["a"], metrics: ["hIoU"], summary: [], agreements: [] });
 * assertEquals([t.rows.length, t.columns[0]!.paper], [1, false]);
 * ```
 */
export function mainTableData(input: MainTableInput): MainTableData {
  const key = (v: string, m: string) => `${v}\u0000${m}`;
  const byKey = new Map(input.summary.map((r) => [key(r.variant, r.metric), r]));
  const best = new Map(input.agreements.map((a) => [a.metric, a]));
  const columns = input.metrics.map((metric) => ({
    metric,
    paper: input.summary.some((r) => r.metric === metric && r.paper !== null),
  }));
  const rows = input.variants.map((variant) => {
    const cells: TableCell[] = [];
    for (const { metric, paper } of columns) {
      const r = byKey.get(key(variant, metric));
      const a = best.get(metric);
      const measured = {
        text: r ? fmtMeasuredValue(r) : "–",
        bold: false,
        shade: (a?.measuredBest ?? []).includes(variant),
      };
      if (!paper) {
        cells.push(measured);
        continue;
      }
      cells.push(
        {
          text: fmtValue(r?.paper ?? null),
          bold: (a?.paperBest ?? []).includes(variant),
          shade: false,
        },
        measured,
        { text: fmtSigned(r?.delta ?? null), bold: false, shade: false },
      );
    }
    const n = Math.max(0, ...input.metrics.map((m) => byKey.get(key(variant, m))?.n ?? 0));
    return { variant, cells, n };
  });
  return { columns, rows };
}

/** The main table as HTML (`id="table"`, one `tbody` row per variant). */
export function mainTable(title: string, input: MainTableInput): SafeHtml {
  const data = mainTableData(input);
  const cls = (c: TableCell) => ["num", c.bold ? "best-paper" : "", c.shade ? "best-measured" : ""];
  return html`
    <div class="scroll">
      <table class="plain results" id="table" data-rows="${data.rows.length}">
        <caption>${title}</caption>
        <thead>
          <tr>
            <th rowspan="2">variant</th>${data.columns.map((c) =>
              html`<th colspan="${c.paper ? 3 : 1}" class="group">${c.metric}</th>`
            )}<th rowspan="2" class="num">n</th>
          </tr>
          <tr>${data.columns.map((c) =>
            c.paper
              ? html`
                <th class="num">paper</th>
                <th class="num">measured ± CI</th>
                <th class="num">Δ</th>
              `
              : html`<th class="num">measured ± CI</th>`
          )}</tr>
        </thead>
        <tbody>${data.rows.map((r) =>
          html`<tr><td>${r.variant}</td>${
            r.cells.map((c) =>
              html`<td class="${cls(c).filter((x) => x).join(" ")}">${c.text}</td>`
            )
          }<td class="num">${r.n}</td></tr>`
        )}</tbody>
      </table>
    </div>
    <p class="meta">Bold: the paper's best; shaded: the measured best; ±: half-width of the
    Student-t 95% CI over seeds; Δ = measured mean − paper.</p>
  `;
}

/**
 * The metrics beyond the main table, one row per metric and one column per variant (measured
 * mean ± 95 % CI half-width); null when there are none.
 */
export function extraMetricsTable(
  variants: readonly string[],
  metrics: readonly string[],
  summary: readonly SummaryRow[],
): SafeHtml | null {
  if (metrics.length === 0) return null;
  const measured = variants.filter((v) => summary.some((r) => r.variant === v && r.n > 0));
  if (measured.length === 0) return null;
  const cell = (variant: string, metric: string) => {
    const r = summary.find((x) => x.variant === variant && x.metric === metric);
    return r ? fmtMeasuredValue(r) : "–";
  };
  return html`
    <details id="other-metrics">
      <summary>Other measured metrics (${metrics.length})</summary>
      <div class="scroll">
        <table class="plain">
          <thead>
            <tr><th>metric</th>${measured.map((v) => html`<th class="num">${v}</th>`)}</tr>
          </thead>
          <tbody>${metrics.map((m) =>
            html`<tr><td>${m}</td>${
              measured.map((v) => html`<td class="num">${cell(v, m)}</td>`)
            }</tr>`
          )}</tbody>
        </table>
      </div>
    </details>
  `;
}

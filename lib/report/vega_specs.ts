/**
 * Vega-Lite specs of a report: a paper-vs-measured dot/interval chart (one panel and scale per
 * metric), training curves per variant, per-class IoU, and the index page's summary chart. Specs
 * carry their data inline (the page makes no request). Every chart fits the page's column
 * (about 1,120 px): panels wrap in rows instead of growing to the right. The paper's table itself
 * is HTML (`main_table.ts`).
 *
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import type { ClassIouRow, CurvePoint, SummaryRow } from "./data.ts";
import { type Agreement, CLAIM_OUTCOME_LABEL, ClaimOutcome } from "./agreement.ts";

/** A Vega-Lite spec as rendered on a page. */
export type VegaLiteSpec = TopLevelSpec;

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const PAPER_COLOR = "#8c8c8c";
const MEASURED_COLOR = "#1f6fb4";

/** Outcome colours, in {@link ClaimOutcome} order. */
const OUTCOME_COLORS = ["#2a9d3c", "#d1352b", "#6fa8dc", "#cfcfcf"];

/** Panels per row of a faceted chart, and their width, so a row fits the page's column. */
const PANELS_PER_ROW = 3;
const PANEL_WIDTH = 200;

/** True for metrics in percent (IoU, accuracy): their intervals are clipped to [0, 100]. */
export function isPercentMetric(metric: string): boolean {
  return /iou|acc|^(seen|unseen|all)$/i.test(metric);
}

/** Number as the tables print it: one decimal, "–" when missing. */
export function fmt(value: number | null, digits = 1): string {
  return value === null ? "–" : value.toFixed(digits);
}

/** Signed delta: "+3.2", "−11.8" (true minus sign), "–" when missing. */
export function fmtDelta(value: number | null): string {
  if (value === null) return "–";
  const text = Math.abs(value).toFixed(1);
  if (text === "0.0") return "0.0";
  return value > 0 ? `+${text}` : `\u2212${text}`;
}

/** Measured cell text: "30.1 ± 2.3" (half-width of the 95 % CI), the mean alone without a CI. */
export function fmtMeasured(row: Pick<SummaryRow, "mean" | "ci95Low" | "ci95High">): string {
  if (row.mean === null) return "–";
  if (row.ci95Low === null || row.ci95High === null) return fmt(row.mean);
  return `${fmt(row.mean)} \u00b1 ${fmt((row.ci95High - row.ci95Low) / 2)}`;
}

/** Inputs of {@link intervalSpec}. */
export interface IntervalSpecInput {
  readonly variants: readonly string[];
  readonly metrics: readonly string[];
  readonly summary: readonly SummaryRow[];
}

/**
 * Paper value (grey diamond) beside the measured mean (blue dot) and its 95 % CI (rule), one panel
 * per metric with its own x scale (parameters, GFLOPs and FPS share no unit), one row per variant,
 * at most {@link PANELS_PER_ROW} panels a row. Intervals are clipped at 0 (no metric here is
 * negative) and, for percent metrics, at 100; every scale starts at 0.
 */
export function intervalSpec(input: IntervalSpecInput): VegaLiteSpec {
  const values: Record<string, unknown>[] = [];
  for (const r of input.summary) {
    if (!input.metrics.includes(r.metric)) continue;
    // A point without a CI gets a zero-length interval, so every panel's scale has an extent.
    if (r.paper !== null) {
      values.push({
        variant: r.variant,
        metric: r.metric,
        source: "paper",
        value: r.paper,
        low: r.paper,
        high: r.paper,
      });
    }
    if (r.mean !== null && r.n > 0) {
      // Every metric here is non-negative (IoU, parameters, GFLOPs, FPS, counts).
      const clip = (v: number | null) =>
        v === null ? r.mean : Math.max(0, isPercentMetric(r.metric) ? Math.min(100, v) : v);
      values.push({
        variant: r.variant,
        metric: r.metric,
        source: "measured",
        value: r.mean,
        low: clip(r.ci95Low),
        high: clip(r.ci95High),
        n: r.n,
      });
    }
  }
  const metrics = input.metrics.filter((m) => values.some((v) => v.metric === m));
  const y = {
    field: "variant",
    type: "nominal" as const,
    sort: [...input.variants],
    title: null,
  };
  const color = {
    field: "source",
    type: "nominal" as const,
    scale: { domain: ["paper", "measured"], range: [PAPER_COLOR, MEASURED_COLOR] },
    legend: { title: null, orient: "bottom" as const },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: "Paper vs measured (mean and 95% CI over seeds)", anchor: "start" },
    data: { name: "points", values },
    facet: { field: "metric", type: "nominal", sort: metrics, title: null },
    columns: Math.min(PANELS_PER_ROW, Math.max(1, metrics.length)),
    spec: {
      width: PANEL_WIDTH,
      height: { step: 22 },
      layer: [
        {
          mark: { type: "rule", strokeWidth: 2 },
          encoding: {
            x: { field: "low", type: "quantitative" },
            x2: { field: "high" },
            y,
            color,
          },
        },
        {
          mark: { type: "point", filled: true, size: 70, opacity: 0.95 },
          encoding: {
            x: {
              field: "value",
              type: "quantitative",
              title: null,
              scale: { zero: true },
            },
            y,
            color,
            shape: {
              field: "source",
              type: "nominal",
              scale: { domain: ["paper", "measured"], range: ["diamond", "circle"] },
              legend: { title: null, orient: "bottom" },
            },
            tooltip: [
              { field: "variant" },
              { field: "metric" },
              { field: "source" },
              { field: "value", format: ".3~g" },
              { field: "low", format: ".3~g", title: "CI low" },
              { field: "high", format: ".3~g", title: "CI high" },
              { field: "n" },
            ],
          },
        },
      ],
    },
    resolve: { scale: { x: "independent" }, axis: { x: "independent" } },
    config: { font: FONT },
  } as VegaLiteSpec;
}

/** A curve aggregated over seeds at one step. */
export interface CurveSummary {
  readonly variant: string;
  readonly name: string;
  readonly step: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  /** Seeds that logged this step. */
  readonly n: number;
}

/**
 * Aggregate curve points over seeds: mean, min and max per (variant, name, step), sorted.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { summarizeCurves } from "./vega_specs.ts";
 * const p = (seed: number, value: number) =>
 *   ({ variant: "a", runId: String(seed), seed, step: 10, name: "loss", value });
 * const [s] = summarizeCurves([p(0, 1), p(1, 3)]);
 * assertEquals([s!.mean, s!.min, s!.max, s!.n], [2, 1, 3, 2]);
 * ```
 */
export function summarizeCurves(points: readonly CurvePoint[]): CurveSummary[] {
  const groups = new Map<string, { variant: string; name: string; step: number; v: number[] }>();
  for (const p of points) {
    const k = `${p.variant}\u0000${p.name}\u0000${p.step}`;
    let g = groups.get(k);
    if (!g) groups.set(k, g = { variant: p.variant, name: p.name, step: p.step, v: [] });
    g.v.push(p.value);
  }
  return [...groups.values()].map((g) => ({
    variant: g.variant,
    name: g.name,
    step: g.step,
    mean: g.v.reduce((s, v) => s + v, 0) / g.v.length,
    min: Math.min(...g.v),
    max: Math.max(...g.v),
    n: g.v.length,
  })).sort((a, b) =>
    a.variant.localeCompare(b.variant) || a.name.localeCompare(b.name) || a.step - b.step
  );
}

/** One legend for a line layer and its band layer, drawn as solid strokes. */
const LINE_LEGEND = {
  symbolType: "stroke",
  symbolStrokeWidth: 2,
  symbolOpacity: 1,
  labelLimit: 240,
} as const;

const STEP_X = {
  field: "step",
  type: "quantitative" as const,
  axis: { tickCount: 4, labelOverlap: true, format: "d" },
};

/** True for curve names that are loss terms ("loss", "loss/global", "L_s", ...). */
export function isLossCurve(name: string): boolean {
  return /loss|^l_/i.test(name);
}

/** True for the learning-rate schedule ("lr", "train/lr", "learning_rate"): not a metric. */
export function isScheduleCurve(name: string): boolean {
  return /(^|[/.])lr$|learning.?rate/i.test(name);
}

/**
 * Loss terms over steps, one panel per variant (mean over seeds, band from min to max).
 * Null when no loss curve was logged.
 */
export function lossCurvesSpec(
  curves: readonly CurveSummary[],
  variants: readonly string[],
): VegaLiteSpec | null {
  const values = curves.filter((c) => isLossCurve(c.name));
  if (values.length === 0) return null;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: "Training losses per variant (mean over seeds; band: min to max)",
      anchor: "start",
    },
    data: { name: "losses", values: values as unknown as Record<string, unknown>[] },
    facet: { field: "variant", type: "nominal", sort: [...variants], title: null },
    columns: Math.min(PANELS_PER_ROW, Math.max(1, new Set(values.map((v) => v.variant)).size)),
    spec: {
      width: PANEL_WIDTH,
      height: 140,
      layer: [
        {
          mark: { type: "area", opacity: 0.18 },
          encoding: {
            x: STEP_X,
            y: { field: "min", type: "quantitative", title: "loss" },
            y2: { field: "max" },
            color: { field: "name", type: "nominal", title: "term", legend: LINE_LEGEND },
          },
        },
        {
          mark: { type: "line", strokeWidth: 1.5 },
          encoding: {
            x: STEP_X,
            y: { field: "mean", type: "quantitative", title: "loss" },
            color: { field: "name", type: "nominal", title: "term", legend: LINE_LEGEND },
          },
        },
      ],
    },
    resolve: { scale: { y: "shared" }, axis: { x: "independent" } },
    config: { font: FONT },
  } as VegaLiteSpec;
}

/**
 * Evaluation curves (every curve that is neither a loss term nor the learning rate, e.g. hIoU over
 * steps), one panel per curve name, one line per variant. Null when none was logged.
 */
export function metricCurvesSpec(
  curves: readonly CurveSummary[],
  variants: readonly string[],
): VegaLiteSpec | null {
  const values = curves.filter((c) => !isLossCurve(c.name) && !isScheduleCurve(c.name));
  if (values.length === 0) return null;
  const names = [...new Set(values.map((c) => c.name))].sort((a, b) =>
    curveRank(a) - curveRank(b) || a.localeCompare(b)
  );
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: "Evaluation over training steps (mean over seeds)", anchor: "start" },
    data: { name: "evalcurves", values: values as unknown as Record<string, unknown>[] },
    facet: { field: "name", type: "nominal", sort: names, title: null },
    columns: Math.min(PANELS_PER_ROW, names.length),
    spec: {
      width: PANEL_WIDTH,
      height: 140,
      layer: [
        {
          mark: { type: "area", opacity: 0.15 },
          encoding: {
            x: STEP_X,
            y: { field: "min", type: "quantitative", title: null },
            y2: { field: "max" },
            color: { field: "variant", type: "nominal", sort: [...variants], legend: LINE_LEGEND },
          },
        },
        {
          mark: { type: "line", strokeWidth: 1.5, point: { size: 16 } },
          encoding: {
            x: STEP_X,
            y: { field: "mean", type: "quantitative", title: null },
            color: { field: "variant", type: "nominal", sort: [...variants], legend: LINE_LEGEND },
            tooltip: [
              { field: "variant" },
              { field: "name" },
              { field: "step" },
              { field: "mean", format: ".2f" },
              { field: "n", title: "seeds" },
            ],
          },
        },
      ],
    },
    resolve: { scale: { y: "independent" }, axis: { x: "independent" } },
    config: { font: FONT },
  } as VegaLiteSpec;
}

function curveRank(name: string): number {
  const i = ["hiou", "siou", "uiou", "miou"].findIndex((m) => name.toLowerCase().includes(m));
  return i < 0 ? 99 : i;
}

/** Per-class IoU, mean over seeds: a heat grid of variant x class, unseen classes marked. */
export function classIouSpec(
  rows: readonly ClassIouRow[],
  variants: readonly string[],
): VegaLiteSpec | null {
  const groups = new Map<string, { variant: string; cls: string; seen: boolean; v: number[] }>();
  for (const r of rows) {
    if (r.iou === null) continue;
    const k = `${r.variant}\u0000${r.className}`;
    let g = groups.get(k);
    if (!g) groups.set(k, g = { variant: r.variant, cls: r.className, seen: r.seen, v: [] });
    g.v.push(r.iou);
  }
  if (groups.size === 0) return null;
  const values = [...groups.values()].map((g) => ({
    variant: g.variant,
    label: g.seen ? g.cls : `${g.cls} (unseen)`,
    seen: g.seen,
    iou: g.v.reduce((s, v) => s + v, 0) / g.v.length,
    n: g.v.length,
  }));
  const labels = [...new Set(values.map((v) => v.label))].sort((a, b) => {
    const ua = a.endsWith("(unseen)") ? 1 : 0;
    const ub = b.endsWith("(unseen)") ? 1 : 0;
    return ua - ub || a.localeCompare(b);
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: "Per-class IoU (mean over seeds)", anchor: "start" },
    data: { name: "classiou", values },
    width: { step: 62 },
    height: { step: 22 },
    encoding: {
      x: { field: "label", type: "nominal", sort: labels, title: null, axis: { labelAngle: -30 } },
      y: { field: "variant", type: "nominal", sort: [...variants], title: null },
    },
    layer: [
      {
        mark: "rect",
        encoding: {
          color: {
            field: "iou",
            type: "quantitative",
            title: "IoU (%)",
            scale: { scheme: "greens", domain: [0, 100] },
          },
        },
      },
      {
        mark: { type: "text", fontSize: 11 },
        encoding: {
          text: { field: "iou", type: "quantitative", format: ".1f" },
          color: { condition: { test: "datum.iou > 60", value: "white" }, value: "black" },
        },
      },
    ],
    config: { font: FONT, view: { stroke: null } },
  } as VegaLiteSpec;
}

/** One table's line of the index summary. */
export interface IndexEntry {
  readonly ablation: string;
  readonly tableId: string | null;
  readonly title: string;
  readonly finishedRuns: number;
  readonly agreement: Agreement | null;
}

/**
 * The index page's summary: Kendall tau per table (hIoU) beside the outcomes of the paper's claims.
 */
export function indexSummarySpec(entries: readonly IndexEntry[]): VegaLiteSpec {
  const label = (e: IndexEntry) => e.tableId ? `${e.tableId} ${e.ablation}` : e.ablation;
  const order = entries.map(label);
  const taus = entries.map((e) => ({
    table: label(e),
    tau: e.agreement?.tau ?? null,
    ranked: e.agreement?.ranked.length ?? 0,
    runs: e.finishedRuns,
  }));
  const outcomes = entries.flatMap((e) =>
    ClaimOutcome.map((o) => ({
      table: label(e),
      outcome: CLAIM_OUTCOME_LABEL[o],
      rank: ClaimOutcome.indexOf(o),
      count: e.agreement?.outcomes[o] ?? 0,
    })).filter((r) => r.count > 0)
  );
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: "Agreement with the paper per table (hIoU)", anchor: "start" },
    hconcat: [
      {
        data: { name: "taus", values: taus },
        width: 260,
        height: { step: 22 },
        layer: [
          {
            mark: { type: "bar", color: MEASURED_COLOR },
            encoding: {
              y: { field: "table", type: "nominal", scale: { domain: order }, title: null },
              x: {
                field: "tau",
                type: "quantitative",
                title: "Kendall tau-b, paper vs measured ranking",
                scale: { domain: [-1, 1] },
              },
              tooltip: [
                { field: "table" },
                { field: "tau", format: ".2f" },
                { field: "ranked", title: "variants ranked" },
                { field: "runs", title: "finished runs" },
              ],
            },
          },
          {
            mark: { type: "text", align: "left", dx: 4 },
            encoding: {
              y: { field: "table", type: "nominal", scale: { domain: order } },
              x: { datum: -1 },
              text: {
                condition: { test: "!isValid(datum.tau)", value: "no ranking" },
                value: "",
              },
            },
          },
        ],
      },
      {
        data: { name: "outcomes", values: outcomes },
        width: 300,
        height: { step: 22 },
        mark: "bar",
        encoding: {
          y: { field: "table", type: "nominal", scale: { domain: order }, title: null },
          x: { field: "count", type: "quantitative", stack: "zero", title: "paper's claims" },
          color: {
            field: "outcome",
            type: "nominal",
            scale: {
              domain: ClaimOutcome.map((o) => CLAIM_OUTCOME_LABEL[o]),
              range: OUTCOME_COLORS,
            },
            legend: { title: null, orient: "bottom", columns: 2, labelLimit: 320 },
          },
          order: { field: "rank", type: "quantitative" },
          tooltip: [{ field: "table" }, { field: "outcome" }, { field: "count" }],
        },
      },
    ],
    config: { font: FONT },
  } as VegaLiteSpec;
}

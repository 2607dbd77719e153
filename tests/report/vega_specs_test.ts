import * as vega from "vega";
import * as vl from "vega-lite";
import { assert } from "../../lib/_std.ts";
import { computeAgreement } from "../../lib/report/agreement.ts";
import type { CurvePoint, SummaryRow } from "../../lib/report/data.ts";
import {
  classIouSpec,
  fmtDelta,
  fmtMeasured,
  indexSummarySpec,
  intervalSpec,
  lossCurvesSpec,
  metricCurvesSpec,
  summarizeCurves,
  tableCells,
  tableSpec,
  type VegaLiteSpec,
} from "../../lib/report/vega_specs.ts";

/** Compile with Vega-Lite (collecting its warnings), render to SVG with Vega, headless. */
async function renderSvg(spec: VegaLiteSpec): Promise<{ svg: string; warnings: string[] }> {
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    error: (...a: unknown[]) => (warnings.push(`error: ${a.join(" ")}`), logger),
    warn: (...a: unknown[]) => (warnings.push(`warn: ${a.join(" ")}`), logger),
    info: () => logger,
    debug: () => logger,
  };
  const compiled = vl.compile(spec, { logger: logger as never });
  const view = new vega.View(vega.parse(compiled.spec), { renderer: "none" });
  view.logger(logger as never);
  await view.runAsync();
  const svg = await view.toSVG();
  view.finalize();
  return { svg, warnings };
}

function summary(variant: string, metric: string, paper: number | null, mean: number | null) {
  return {
    variant,
    metric,
    n: mean === null ? 0 : 3,
    mean,
    std: mean === null ? null : 1,
    ci95Low: mean === null ? null : mean - 2.5,
    ci95High: mean === null ? null : mean + 2.5,
    paper,
    delta: mean === null || paper === null ? null : mean - paper,
  } satisfies SummaryRow;
}

const VARIANTS = ["0", "2", "6", "14", "extra <b>"];
const SUMMARY: SummaryRow[] = [
  summary("0", "hIoU", 41.0, 27.6),
  summary("2", "hIoU", 41.5, 28.4),
  summary("6", "hIoU", 42.3, 29.9),
  summary("14", "hIoU", 40.9, 30.2),
  summary("extra <b>", "hIoU", null, 35),
  summary("0", "uIoU", 40.4, null),
];
const AGREEMENTS = ["hIoU", "uIoU"].map((metric) =>
  computeAgreement(SUMMARY, { metric, variants: VARIANTS })
);

function countMarks(svg: string, name: string): number {
  const start = svg.indexOf(`class="mark-text role-mark ${name}_marks"`);
  if (start < 0) return 0;
  const end = svg.indexOf("</g>", start);
  return svg.slice(start, end).split("<text").length - 1;
}

Deno.test("tableSpec() draws one row label per variant, headless through Vega", async () => {
  const spec = tableSpec({
    title: "Table IX",
    variants: VARIANTS,
    metrics: ["hIoU", "uIoU"],
    summary: SUMMARY,
    agreements: AGREEMENTS,
  });
  const { svg, warnings } = await renderSvg(spec);
  assert.deepEqual(warnings, []);
  assert.equal(countMarks(svg, "rowlabel"), VARIANTS.length);
  assert.ok(svg.includes("extra &lt;b&gt;"), "variant text is escaped in SVG");
  assert.ok(svg.includes("29.9 \u00b1 2.5"));
});

Deno.test("tableCells() bolds the paper's best and shades the measured best", () => {
  const cells = tableCells({
    title: "t",
    variants: VARIANTS,
    metrics: ["hIoU"],
    summary: SUMMARY,
    agreements: AGREEMENTS,
  });
  const bold = cells.filter((c) => c.role === "cell" && c.bold);
  const shaded = cells.filter((c) => c.shade);
  assert.deepEqual(bold.map((c) => [c.row, c.column, c.text]), [[2, "hIoU:paper", "42.3"]]);
  // "extra <b>" has no paper row but the highest mean of all: it is the measured best.
  assert.deepEqual(shaded.map((c) => [c.row, c.column]), [[4, "hIoU:measured"]]);
  const row14 = cells.filter((c) => c.row === 3).map((c) => c.text);
  assert.deepEqual(row14, ["40.9", "30.2 \u00b1 2.5", "\u221210.7", "3", "14"]);
});

Deno.test("fmtMeasured() and fmtDelta() print mean ± CI half-width and signed deltas", () => {
  assert.equal(fmtMeasured({ mean: 30.04, ci95Low: 27.5, ci95High: 32.58 }), "30.0 \u00b1 2.5");
  assert.equal(fmtMeasured({ mean: 30.04, ci95Low: null, ci95High: null }), "30.0");
  assert.equal(fmtMeasured({ mean: null, ci95Low: null, ci95High: null }), "–");
  assert.equal(fmtDelta(3.24), "+3.2");
  assert.equal(fmtDelta(-11.8), "\u221211.8");
  assert.equal(fmtDelta(-0.01), "0.0");
  assert.equal(fmtDelta(null), "–");
});

Deno.test("summarizeCurves() averages seeds per variant, curve and step", () => {
  const p = (seed: number, step: number, value: number): CurvePoint => ({
    variant: "6",
    runId: `r${seed}`,
    seed,
    step,
    name: "loss/total",
    value,
  });
  const s = summarizeCurves([p(0, 20, 3), p(1, 10, 4), p(0, 10, 2), p(2, 10, 6)]);
  assert.deepEqual(s.map((c) => [c.step, c.mean, c.min, c.max, c.n]), [
    [10, 4, 2, 6, 3],
    [20, 3, 3, 3, 1],
  ]);
});

Deno.test("every chart spec compiles and renders without a Vega or Vega-Lite warning", async () => {
  const points: CurvePoint[] = [];
  for (const variant of ["0", "6"]) {
    for (const seed of [0, 1]) {
      for (let step = 10; step <= 100; step += 10) {
        points.push({
          variant,
          runId: `${variant}${seed}`,
          seed,
          step,
          name: "loss/pixel",
          value: 1 / step,
        });
        if (step % 50 === 0) {
          points.push({
            variant,
            runId: `${variant}${seed}`,
            seed,
            step,
            name: "eval/hIoU",
            value: step / 4,
          });
        }
      }
    }
  }
  const curves = summarizeCurves(points);
  const specs = [
    intervalSpec({ variants: VARIANTS, metrics: ["hIoU", "uIoU"], summary: SUMMARY }),
    lossCurvesSpec(curves, ["0", "6"])!,
    metricCurvesSpec(curves, ["0", "6"])!,
    classIouSpec([
      { variant: "0", runId: "a", seed: 0, className: "Bag", seen: false, iou: 20 },
      { variant: "0", runId: "a", seed: 0, className: "Coat", seen: true, iou: 70 },
      { variant: "0", runId: "a", seed: 0, className: "Shirt", seen: true, iou: null },
    ], ["0"])!,
    indexSummarySpec([
      {
        ablation: "token-bank",
        tableId: "IX",
        title: "t",
        finishedRuns: 12,
        agreement: AGREEMENTS[0]!,
      },
      { ablation: "window-size", tableId: "X", title: "w", finishedRuns: 0, agreement: null },
    ]),
  ];
  for (const spec of specs) {
    const { svg, warnings } = await renderSvg(spec);
    assert.deepEqual(warnings, [], JSON.stringify(spec).slice(0, 80));
    assert.ok(svg.startsWith("<svg"));
    assert.ok(svg.includes("role-legend"), `a legend: ${JSON.stringify(spec).slice(0, 80)}`);
  }
});

Deno.test("curve specs split loss terms from evaluation curves and are null without data", () => {
  const curves = summarizeCurves([
    { variant: "a", runId: "r", seed: 0, step: 1, name: "loss/global", value: 1 },
    { variant: "a", runId: "r", seed: 0, step: 1, name: "eval/hIoU", value: 9 },
  ]);
  const names = (spec: VegaLiteSpec | null) =>
    (spec as { data: { values: { name: string }[] } }).data.values.map((v) => v.name);
  assert.deepEqual(names(lossCurvesSpec(curves, ["a"])), ["loss/global"]);
  assert.deepEqual(names(metricCurvesSpec(curves, ["a"])), ["eval/hIoU"]);
  assert.equal(lossCurvesSpec([], ["a"]), null);
  assert.equal(metricCurvesSpec([], ["a"]), null);
  assert.equal(classIouSpec([], ["a"]), null);
});

Deno.test("indexSummarySpec() lists every table on both panels, in the given order", () => {
  const spec = indexSummarySpec([
    { ablation: "efficiency", tableId: "III", title: "e", finishedRuns: 0, agreement: null },
    {
      ablation: "token-bank",
      tableId: "IX",
      title: "t",
      finishedRuns: 12,
      agreement: AGREEMENTS[0]!,
    },
  ]) as unknown as { hconcat: { layer?: { encoding: unknown }[]; encoding?: unknown }[] };
  const domains = [spec.hconcat[0]!.layer![0]!.encoding, spec.hconcat[1]!.encoding].map((e) =>
    (e as { y: { scale: { domain: string[] } } }).y.scale.domain
  );
  assert.deepEqual(domains, [["III efficiency", "IX token-bank"], [
    "III efficiency",
    "IX token-bank",
  ]]);
});

import * as vega from "vega";
import * as vl from "vega-lite";
import { assert } from "../../lib/_std.ts";
import { computeAgreement } from "../../lib/report/agreement.ts";
import type { CurvePoint, SummaryRow } from "../../lib/report/data.ts";
import { BANK_HIOU, BANK_VARIANTS, summary } from "./_summary.ts";
import {
  classIouSpec,
  fmtDelta,
  fmtMeasured,
  indexSummarySpec,
  intervalSpec,
  lossCurvesSpec,
  metricCurvesSpec,
  summarizeCurves,
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

const VARIANTS = BANK_VARIANTS;
const SUMMARY: SummaryRow[] = [...BANK_HIOU, summary("0", "uIoU", 40.4, null)];
const AGREEMENTS = ["hIoU", "uIoU"].map((metric) =>
  computeAgreement(SUMMARY, { metric, variants: VARIANTS })
);

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
  // The learning rate is a schedule, not an evaluation metric: no "lr" panel.
  const withLr = summarizeCurves([
    { variant: "a", runId: "r", seed: 0, step: 1, name: "lr", value: 0.002 },
    { variant: "a", runId: "r", seed: 0, step: 1, name: "train/lr", value: 0.002 },
    { variant: "a", runId: "r", seed: 0, step: 1, name: "eval/hIoU", value: 9 },
  ]);
  assert.deepEqual(names(metricCurvesSpec(withLr, ["a"])), ["eval/hIoU"]);
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

Deno.test("intervalSpec() gives each metric its own x scale, wraps panels and clips CIs at 0", async () => {
  const row = (metric: string, mean: number, half: number): SummaryRow => ({
    ...summary("student", metric, null, mean),
    ci95Low: mean - half,
    ci95High: mean + half,
  });
  const metrics = ["hIoU", "params_M", "GFLOPs", "FPS"];
  const spec = intervalSpec({
    variants: ["student"],
    metrics,
    summary: [
      row("hIoU", 3, 5),
      row("params_M", 0.27, 0),
      row("GFLOPs", 0.078, 0),
      row("FPS", 104.8, 583.3),
    ],
  }) as unknown as {
    columns: number;
    resolve: { scale: { x: string } };
    data: { values: { metric: string; low?: number; high?: number }[] };
    spec: { layer: { encoding: { x: { title?: unknown } } }[] };
  };
  assert.equal(spec.resolve.scale.x, "independent");
  assert.equal(spec.columns, 3);
  assert.equal(spec.spec.layer[1]!.encoding.x.title, null, "no shared 'value (%)' title");
  const low = Object.fromEntries(spec.data.values.map((v) => [v.metric, v.low]));
  assert.deepEqual(low, { hIoU: 0, params_M: 0.27, GFLOPs: 0.078, FPS: 0 });
  const { svg, warnings } = await renderSvg(spec as unknown as VegaLiteSpec);
  assert.deepEqual(warnings, []);
  const width = Number(/^<svg[^>]* width="([\d.]+)"/.exec(svg)![1]);
  assert.ok(width < 1100, `four metrics fit the page's column: ${width} px`);
});

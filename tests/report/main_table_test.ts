import { assert } from "../../lib/_std.ts";
import { computeAgreement } from "../../lib/report/agreement.ts";
import type { SummaryRow } from "../../lib/report/data.ts";
import { BANK_HIOU, BANK_VARIANTS, summary } from "./_summary.ts";
import {
  extraMetricsTable,
  fmtMeasuredValue,
  fmtSigned,
  fmtValue,
  mainTable,
  mainTableData,
} from "../../lib/report/main_table.ts";

const VARIANTS = BANK_VARIANTS;
const SUMMARY: SummaryRow[] = [...BANK_HIOU, summary("0", "pixelAccuracy", 80.1, 70.3)];
const AGREEMENTS = ["hIoU", "pixelAccuracy"].map((metric) =>
  computeAgreement(SUMMARY, { metric, variants: VARIANTS })
);
const INPUT = { variants: VARIANTS, metrics: ["hIoU", "pixelAccuracy"], summary: SUMMARY };

Deno.test("mainTableData() bolds the paper's best and shades the measured best", () => {
  const t = mainTableData({ ...INPUT, agreements: AGREEMENTS });
  const hiou = (row: number) => t.rows[row]!.cells.slice(0, 3);
  assert.deepEqual(hiou(2).map((c) => [c.text, c.bold]), [["42.3", true], ["29.9 ± 2.5", false], [
    "\u221212.4",
    false,
  ]]);
  // "extra <b>" has no paper row but the highest mean of all: it is the measured best.
  assert.deepEqual(t.rows.map((r) => r.cells[1]!.shade), [false, false, false, false, true]);
  assert.deepEqual(t.rows[3]!.cells.map((c) => c.text), [
    "40.9",
    "30.2 ± 2.5",
    "\u221210.7",
    "–",
    "–",
    "–",
  ]);
  assert.deepEqual(t.rows.map((r) => r.n), [3, 3, 3, 3, 3]);
});

Deno.test("mainTable() is an HTML table with a row per variant and every metric's delta", () => {
  const page = mainTable("Table IX", { ...INPUT, agreements: AGREEMENTS }).value;
  assert.equal(page.split("<tr>").length - 1, 2 + VARIANTS.length, "two header rows + variants");
  assert.ok(page.includes(`data-rows="5"`));
  assert.ok(page.includes("extra &lt;b&gt;"), "variant text escaped");
  // pixelAccuracy's delta is a column like hIoU's (it was cut off the old SVG table).
  assert.ok(page.includes("\u22129.8"), "70.3 - 80.1");
  assert.ok(!page.includes("<svg"));
});

Deno.test("mainTableData() gives a metric the paper never reports its measured column only", () => {
  const t = mainTableData({
    variants: ["student (conv)"],
    metrics: ["GFLOPs", "params_M"],
    summary: [
      { ...summary("student (conv)", "GFLOPs", null, 0.078), ci95Low: null, ci95High: null },
      { ...summary("student (conv)", "params_M", null, 0.27), ci95Low: 0.26, ci95High: 0.28 },
    ],
    agreements: [],
  });
  assert.deepEqual(t.columns.map((c) => c.paper), [false, false]);
  assert.deepEqual(t.rows[0]!.cells.map((c) => c.text), ["0.078", "0.27 ± 0.01"]);
});

Deno.test("fmtValue() keeps two significant digits below 1 and one decimal above", () => {
  assert.deepEqual([fmtValue(0.078), fmtValue(0.2741), fmtValue(104.83), fmtValue(null)], [
    "0.078",
    "0.27",
    "104.8",
    "–",
  ]);
  assert.equal(fmtMeasuredValue({ mean: 30.04, ci95Low: 27.5, ci95High: 32.58 }), "30.0 ± 2.5");
  assert.equal(fmtMeasuredValue({ mean: 30.04, ci95Low: null, ci95High: null }), "30.0");
  assert.deepEqual([fmtSigned(3.24), fmtSigned(-0.01), fmtSigned(-2.5), fmtSigned(null)], [
    "+3.2",
    "0.0",
    "\u22122.5",
    "–",
  ]);
});

Deno.test("extraMetricsTable() lists the other metrics a row each, or nothing", () => {
  const rows = [summary("a", "FPS_batch1", null, 104.8), summary("b", "FPS_batch1", null, 99)];
  const html = extraMetricsTable(["a", "b"], ["FPS_batch1"], rows)!.value;
  assert.ok(html.includes("Other measured metrics (1)"));
  assert.ok(html.includes("104.8 ± 2.5") && html.includes("99.0 ± 2.5"));
  assert.equal(extraMetricsTable(["a"], [], rows), null);
});

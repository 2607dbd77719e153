/**
 * The table a sweep ends with (paper value beside measured mean ± 95% CI from `variant_summary`)
 * and the paper values a sweep stores.
 */
import { assert } from "../../lib/_std.ts";
import { loadAblation } from "../../lib/spec/registry.ts";
import { paperValue } from "../../lib/spec/paper_tables.ts";
import { formatMeasured, formatSummary, readSummary } from "../../lib/sweep/summary.ts";
import { paperValueRows } from "../../lib/sweep/sweep.ts";
import { RunStore } from "../../lib/track/store.ts";
import { sampleRecord } from "../track/_helpers.ts";

Deno.test("paperValueRows() gives the paper's value of every metric of every row with a paper row", async () => {
  const tokenBank = await loadAblation("token-bank");
  const rows = paperValueRows([tokenBank]);
  assert.equal(rows.length, 4 * 3);
  assert.deepEqual(rows.find((r) => r.variant === "6" && r.metric === "hIoU"), {
    tableId: "IX",
    ablation: "token-bank",
    variant: "6",
    metric: "hIoU",
    value: paperValue("IX", "6", "hIoU"),
  });
  const masks = await loadAblation("mask-accuracy");
  // Only "kmeans (ours)" has a paper row (mIoU); the analogues are extra rows.
  assert.deepEqual(
    [...new Set(paperValueRows([masks]).map((r) => r.variant))],
    ["kmeans (ours)"],
  );
});

Deno.test("formatMeasured() writes mean ± CI half-width, the mean alone for one seed, or a dash", () => {
  assert.equal(
    formatMeasured({ n: 3, mean: 42, ci95Low: 37.03, ci95High: 46.97, paper: null }),
    "42.0 ± 5.0",
  );
  assert.equal(
    formatMeasured({ n: 1, mean: 37.5, ci95Low: null, ci95High: null, paper: 41 }),
    "37.5",
  );
  assert.equal(formatMeasured({ n: 0, mean: null, ci95Low: null, ci95High: null, paper: 41 }), "-");
  assert.equal(formatMeasured(undefined), "-");
});

Deno.test("formatSummary() puts each variant's paper value beside its measured mean ± 95% CI", async () => {
  const tokenBank = await loadAblation("token-bank");
  const store = await RunStore.open(":memory:");
  try {
    for (const [seed, value] of [[0, 40], [1, 42], [2, 44]] as const) {
      await store.ingestRecord(sampleRecord({
        hash: `six-${seed}`,
        variant: "6",
        seed,
        results: [{ split: "eval", metric: "hIoU", value }],
      }));
    }
    await store.setPaperValues(paperValueRows([tokenBank]));
    const text = formatSummary(tokenBank, await readSummary(store, "token-bank"));
    const p = (variant: string, metric: string) => paperValue("IX", variant, metric)!.toFixed(1);
    const lines = text.split("\n");
    assert.equal(lines[0], "Table IX: Size of the CLS token bank (token-bank)");
    assert.match(lines[1]!, /^ {2}variant {2}n {2}hIoU paper {2}hIoU measured {2}sIoU paper /);
    assert.match(lines[2]!, new RegExp(`^ {2}0 +0 +${p("0", "hIoU")} +- +${p("0", "sIoU")} +-`));
    // t(0.975, 2) * 2 / sqrt(3) = 4.97
    assert.match(
      lines[4]!,
      new RegExp(`^ {2}6 +3 +${p("6", "hIoU")} +42\\.0 ± 5\\.0 +${p("6", "sIoU")} +-`),
    );
    assert.equal(lines.length, 7);
  } finally {
    await store.close();
  }
});

/**
 * The table a sweep ends with (paper value beside measured mean ± 95% CI from `variant_summary`)
 * and the paper values a sweep stores.
 */
import { assert } from "../../lib/_std.ts";
import { loadAblation } from "../../lib/spec/registry.ts";
import { paperValue } from "../../lib/spec/paper_tables.ts";
import { formatMeasured, formatSummary, readSummary } from "../../lib/sweep/summary.ts";
import { readClaims } from "../../lib/track/ablation_rows.ts";
import { paperValueRows } from "../../lib/sweep/sweep.ts";
import { RunStore } from "../../lib/track/store.ts";
import { sampleRecord, tempDir } from "../track/_helpers.ts";

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
    assert.equal(
      lines[6],
      "  measured: mean ± half-width of the 95% CI (Student t) over n seeds; no CI when n = 1",
    );
    // Then the paper's claims: none measured yet besides "6", so every one is unresolved.
    assert.match(lines[7]!, /^ {2}The paper's claims, paired over the seeds both rows finished/);
    const claims = await readClaims(store, "token-bank");
    assert.equal(lines.length, 7 + 2 + claims.length + 1);
    assert.equal(
      lines.at(-1),
      `  claims: 0 reproduced, 0 reversed, 0 equivalent, ${claims.length} unresolved`,
    );
  } finally {
    await store.close();
  }
});

Deno.test("formatSummary() ends with each claim's paired difference, CI, verdict and the seeds it needs", async () => {
  await using area = await tempDir();
  const aggregation = await loadAblation("aggregation");
  const store = await RunStore.open(`${area.dir}/runs.duckdb`);
  try {
    await store.setPaperValues(paperValueRows([aggregation]));
    // mean - attention = 2.7, 2.1, 2.7 hIoU (the quick-preset measurement).
    const hiou = { attention: [21.0, 14.4, 29.1], mean: [23.7, 16.5, 31.8], max: [20, 20, 17] };
    for (const [variant, values] of Object.entries(hiou)) {
      for (const [seed, value] of values.entries()) {
        await store.ingestRecord(sampleRecord({
          hash: `${variant}-${seed}`,
          ablation: "aggregation",
          variant,
          seed,
          results: [{ split: "eval", metric: "hIoU", value }],
        }));
      }
    }
    const lines = formatSummary(aggregation, await readSummary(store, "aggregation")).split("\n");
    const line = (claim: string) => lines.find((l) => l.trimStart().startsWith(`${claim} `));
    assert.match(line("attention > mean")!, / hIoU +3 +-2\.5 \[-3\.4, -1\.6\] +reversed$/);
    // attention - max = 1.0, -5.6, 12.1: wide, so unresolved, and the seeds that would settle it.
    const [wide] = (await readClaims(store, "aggregation")).filter((c) =>
      c.better === "attention" && c.worse === "max" && c.metric === "hIoU"
    );
    assert.equal(wide!.verdict, "unresolved");
    assert.match(line("attention > max")!, new RegExp(` unresolved +${wide!.seedsNeeded}$`));
    const total = (await readClaims(store, "aggregation")).length;
    assert.equal(
      lines.at(-1),
      `  claims: 0 reproduced, 1 reversed, 0 equivalent, ${total - 1} unresolved`,
    );
  } finally {
    await store.close();
  }
});

Deno.test("formatSummary() of Table XIII adds the pseudo masks' clusters before and after merging, merges and merged scenes", async () => {
  const masks = await loadAblation("mask-accuracy");
  const store = await RunStore.open(":memory:");
  try {
    const structure = (clusters: number, after: number, merges: number, scenes: number) => [
      { split: "eval", metric: "unseen", value: 47.25 },
      { split: "eval", metric: "clusters_per_image", value: clusters },
      { split: "eval", metric: "merged_clusters_per_image", value: after },
      { split: "eval", metric: "merges_per_image", value: merges },
      { split: "eval", metric: "scenes_merged", value: scenes },
    ];
    await store.ingestRecord(sampleRecord({
      hash: "masks-default",
      ablation: "mask-accuracy",
      variant: "kmeans (ours)",
      seed: 0,
      results: structure(133.16, 29.57, 19.54, 100),
    }));
    await store.ingestRecord(sampleRecord({
      hash: "masks-thinned",
      ablation: "mask-accuracy",
      variant: "kmeans, thinned seeds",
      seed: 0,
      results: structure(8, 7.99, 0.0078, 0.78),
    }));
    const lines = formatSummary(masks, await readSummary(store, "mask-accuracy")).split("\n");
    const at = lines.indexOf(
      "  Pseudo masks per image (mean over the held-out scenes; clusters before and after Algorithm 1):",
    );
    assert.ok(at > 0, lines.join("\n"));
    assert.deepEqual(lines.slice(at + 1, at + 4).map((l) => l.trim().split(/ {2,}/)), [
      ["variant", "clusters", "after merging", "merges", "scenes merged %"],
      ["kmeans (ours)", "133.2", "29.6", "19.5", "100.0"],
      ["kmeans, thinned seeds", "8.0", "8.0", "0.0078", "0.78"],
    ]);
    // Variants that measured nothing get no row; tables without these results get no block.
    assert.equal(lines.length, at + 4);
    const tokenBank = await loadAblation("token-bank");
    assert.ok(!formatSummary(tokenBank, await readSummary(store, "token-bank")).includes("Pseudo"));
  } finally {
    await store.close();
  }
});

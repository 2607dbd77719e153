import { assert } from "../../lib/_std.ts";
import { expandAblation, type PlannedRun } from "../../lib/spec/expand.ts";
import type { HashContext } from "../../lib/spec/hash.ts";
import { PAPER_TABLES, paperRow, TABLE_IDS } from "../../lib/spec/paper_tables.ts";
import { loadAllAblations } from "../../lib/spec/registry.ts";

const CONTEXT: HashContext = { dataIdentity: "d", teacherHash: "t", codeVersion: "c" };
const ablations = await loadAllAblations();

Deno.test("every paper table IV-XIII and III has exactly one ablation", () => {
  assert.deepEqual(ablations.map((a) => a.table).sort(), [...TABLE_IDS].sort());
});

Deno.test("every variant maps to a row of its paper table, or is marked extra", () => {
  for (const ablation of ablations) {
    for (const variant of ablation.variants) {
      if (variant.paperRow === null) continue;
      assert.ok(
        paperRow(ablation.table, variant.paperRow),
        `${ablation.name}: "${variant.label}" -> "${variant.paperRow}"`,
      );
    }
  }
});

Deno.test("every row of every table IV-XIII is reproduced by some variant", () => {
  for (const ablation of ablations.filter((a) => a.table !== "III")) {
    const rows: readonly { variant: string }[] = PAPER_TABLES[ablation.table].rows;
    const covered = new Set(ablation.variants.map((v) => v.paperRow));
    for (const row of rows) assert.ok(covered.has(row.variant), `${ablation.name}: ${row.variant}`);
  }
});

Deno.test("the efficiency table's student row is an extra, measured once", () => {
  const efficiency = ablations.find((a) => a.name === "efficiency");
  assert.equal(efficiency?.kind, "efficiency");
  assert.equal(efficiency?.seeds, 1);
  assert.deepEqual(efficiency?.variants.map((v) => v.paperRow), [null]);
});

Deno.test("every ablation reports metrics that are columns of its table", () => {
  for (const ablation of ablations) {
    const columns: readonly string[] = PAPER_TABLES[ablation.table].columns;
    for (const metric of ablation.metrics) assert.ok(columns.includes(metric), ablation.name);
  }
});

Deno.test("mask accuracy is a measurement and the rest train a student", () => {
  const kinds = Object.fromEntries(ablations.map((a) => [a.name, a.kind]));
  assert.equal(kinds["mask-accuracy"], "measurement");
  for (const [name, kind] of Object.entries(kinds)) {
    if (name !== "mask-accuracy" && name !== "efficiency") assert.equal(kind, "training", name);
  }
});

async function runsOf(name: string): Promise<PlannedRun[]> {
  const ablation = ablations.find((a) => a.name === name);
  assert.ok(ablation, name);
  return await expandAblation(ablation, { preset: "smoke", context: CONTEXT });
}

async function hashOf(name: string, label: string): Promise<string> {
  const run = (await runsOf(name)).find((r) => r.variant === label);
  assert.ok(run, `${name} "${label}"`);
  return run.hash;
}

Deno.test("the full method is one run shared by the full row of Tables IV-XII", async () => {
  const full = await hashOf("module", "full");
  const rows: [string, string][] = [
    ["global-local", "global + local"],
    ["distill-loss", "infonce"],
    ["calibration-tokens", "global + local CLS"],
    ["calibrator", "both + transformer"],
    ["token-bank", "6"],
    ["window-size", "3,7"],
    ["aggregation", "attention"],
    ["mask-method", "kmeans (ours)"],
  ];
  for (const [name, label] of rows) assert.equal(await hashOf(name, label), full, name);
  // Same config, other kinds of run: their own hashes.
  assert.notEqual(await hashOf("mask-accuracy", "kmeans (ours)"), full);
  assert.notEqual(await hashOf("efficiency", "student (conv)"), full);
});

Deno.test("rows the paper repeats across tables share runs (Tables IV, V and VII)", async () => {
  // Table V "none" (20.2/41.4/13.4) is Table IV "baseline + latent embedding".
  assert.equal(await hashOf("global-local", "none"), await hashOf("module", "+latent"));
  // Table VII "no latent embedding" (38.8/41.2/36.6) is Table IV "baseline + distillation".
  assert.equal(
    await hashOf("calibration-tokens", "no latent embedding"),
    await hashOf("module", "+distillation"),
  );
});

Deno.test("all ablations at the quick preset: counts per table", async () => {
  const counts: Record<string, number> = {};
  for (const ablation of ablations) {
    counts[ablation.name] = (await expandAblation(ablation, { preset: "quick" })).length;
  }
  assert.deepEqual(counts, {
    "aggregation": 9,
    "calibration-tokens": 12,
    "calibrator": 15,
    "distill-loss": 12,
    "efficiency": 1,
    "global-local": 12,
    "mask-accuracy": 5,
    "mask-method": 9,
    "module": 15,
    "token-bank": 12,
    "window-size": 9,
  });
});

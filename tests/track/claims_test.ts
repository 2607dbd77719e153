/**
 * The `claims_at(delta)` macro and the `claims` and `ablation_runs` views on a real DuckDB file:
 * paired per-seed differences between the rows the paper orders, their paired-t 95 % CI, the
 * verdict at its boundaries, the seeds an unresolved claim needs, and runs a table shares with
 * another.
 */
import { assert } from "../../lib/_std.ts";
import { type ClaimRow, readClaims } from "../../lib/track/ablation_rows.ts";
import { tCritical95 } from "../../lib/track/student_t.ts";
import type { RunStore } from "../../lib/track/store.ts";
import { sampleRecord, withStore } from "./_helpers.ts";

/** Paper values of one table on hIoU: `rows` maps variant to the paper's value. */
async function paper(store: RunStore, ablation: string, rows: Record<string, number>) {
  await store.setPaperValues(
    Object.entries(rows).map(([variant, value]) => ({
      tableId: "XI",
      ablation,
      variant,
      metric: "hIoU",
      value,
    })),
  );
}

/** Finished runs of `variant` with hIoU `values[seed]` (null: no run for that seed). */
async function runs(
  store: RunStore,
  ablation: string,
  variant: string,
  values: readonly (number | null)[],
  status: "finished" | "failed" = "finished",
) {
  for (const [seed, value] of values.entries()) {
    if (value === null) continue;
    await store.ingestRecord(sampleRecord({
      hash: `${ablation}-${variant}-${seed}-${status}`,
      ablation,
      variant,
      seed,
      status,
      ...(status === "failed" ? { error: "NaN loss", failedStep: 3 } : {}),
      results: [{ split: "eval", metric: "hIoU", value }],
    }));
  }
}

/** Mean and paired-t 95 % half-width of `d`, computed here independently of the SQL. */
function pairedT(d: readonly number[]): { mean: number; half: number } {
  const mean = d.reduce((s, x) => s + x, 0) / d.length;
  const sd = Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / (d.length - 1));
  return { mean, half: tCritical95(d.length - 1) * sd / Math.sqrt(d.length) };
}

/** A claim on hIoU with fewer than two paired seeds: no CI, unresolved, no seeds_needed. */
function noCi(better: string, worse: string, n: number, meanDiff: number | null): ClaimRow {
  return {
    metric: "hIoU",
    better,
    worse,
    n,
    meanDiff,
    ci95Low: null,
    ci95High: null,
    verdict: "unresolved",
    seedsNeeded: null,
  };
}

function close(actual: number | null, expected: number, what: string) {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${what}: ${actual}`);
}

Deno.test("claims: the paper's 'attention beats mean' is reversed when mean wins every seed by 2.1-2.7", () =>
  withStore(async (store) => {
    await paper(store, "aggregation", { attention: 42.3, mean: 41.5, max: 40.1 });
    // The quick-preset measurement: mean - attention = 2.7, 2.1, 2.7 hIoU.
    await runs(store, "aggregation", "attention", [21.0, 14.4, 29.1]);
    await runs(store, "aggregation", "mean", [23.7, 16.5, 31.8]);
    const claims = await readClaims(store, "aggregation");
    assert.deepEqual(
      claims.map((c) => [c.better, c.worse, c.n, c.verdict]),
      [
        ["attention", "mean", 3, "reversed"],
        ["attention", "max", 0, "unresolved"],
        ["mean", "max", 0, "unresolved"],
      ],
    );
    const c = claims[0]!;
    const { mean, half } = pairedT([-2.7, -2.1, -2.7]);
    close(c.meanDiff, mean, "mean_diff");
    close(c.meanDiff, -2.5, "mean_diff");
    close(c.ci95Low, mean - half, "ci95_low");
    close(c.ci95High, mean + half, "ci95_high");
    assert.ok(c.ci95High! < 0, "the whole CI is below 0");
    assert.equal(c.seedsNeeded, null);
    assert.deepEqual(claims[1], noCi("attention", "max", 0, null));
  }));

Deno.test("claims: a CI above 0 is reproduced, a point CI at 0 equivalent, and delta's edge is inside", () =>
  withStore(async (store) => {
    await paper(store, "t", { a: 3, b: 2, c: 1 });
    await runs(store, "t", "a", [10.5, 10.5]);
    await runs(store, "t", "b", [10, 10]);
    await runs(store, "t", "c", [10.2, 9.8]);
    const at = async (delta: number) =>
      Object.fromEntries(
        (await readClaims(store, "t", delta)).map((c) => [`${c.better}>${c.worse}`, c]),
      );
    const one = await at(1);
    // a - b = 0.5 in both seeds: CI [0.5, 0.5], above 0 (and inside +/- 1: above 0 wins).
    assert.equal(one["a>b"]!.verdict, "reproduced");
    // b - c = -0.2, 0.2: CI 0 +/- 12.706 * 0.283 / 1.414 = +/- 2.54.
    const bc = one["b>c"]!;
    const { half } = pairedT([-0.2, 0.2]);
    close(bc.ci95High, half, "b>c ci95_high");
    assert.equal(bc.verdict, "unresolved");
    assert.equal((await at(bc.ci95High!))["b>c"]!.verdict, "equivalent");
    assert.equal((await at(bc.ci95High! - 1e-9))["b>c"]!.verdict, "unresolved");
    // The view is the macro at delta = 1.
    const view = await store.queryObjects(
      "SELECT better, worse, verdict FROM claims WHERE ablation = 't' ORDER BY better, worse",
    );
    assert.deepEqual(view.map((r) => `${r.better}>${r.worse} ${r.verdict}`), [
      "a>b reproduced",
      "a>c unresolved",
      "b>c unresolved",
    ]);
  }));

Deno.test("claims: a difference of exactly 0 in every seed is equivalent, never reproduced", () =>
  withStore(async (store) => {
    await paper(store, "t", { a: 2, b: 1 });
    await runs(store, "t", "a", [7, 9]);
    await runs(store, "t", "b", [7, 9]);
    const [c] = await readClaims(store, "t", 0);
    assert.deepEqual([c!.ci95Low, c!.ci95High, c!.verdict], [0, 0, "equivalent"]);
  }));

Deno.test("claims: seeds_needed is the smallest n whose t half-width at the observed sd resolves it", () =>
  withStore(async (store) => {
    await paper(store, "t", { a: 2, b: 1 });
    // a - b = 1, 3: mean 2, sd 1.414; half-width t(n-1) * 1.414 / sqrt(n) drops below 2 at n = 5
    // (n = 4: 3.182 * 1.414 / 2 = 2.25; n = 5: 2.776 * 1.414 / 2.236 = 1.76).
    await runs(store, "t", "a", [11, 13]);
    await runs(store, "t", "b", [10, 10]);
    const [c] = await readClaims(store, "t");
    assert.deepEqual([c!.n, c!.verdict, c!.seedsNeeded], [2, "unresolved", 5]);
    const sd = Math.SQRT2;
    const needed = [3, 4, 5, 6].find((n) => tCritical95(n - 1) * sd / Math.sqrt(n) < 2);
    assert.equal(needed, 5);
    // Near 0 with a wide spread, equivalence resolves it: a - b = 0.1, -0.1 at delta 1.
    await runs(store, "u", "a", [10.1, 9.9]);
    await runs(store, "u", "b", [10, 10]);
    await paper(store, "u", { a: 2, b: 1 });
    const [e] = await readClaims(store, "u", 1);
    const want = [3, 4, 5, 6, 7].find((n) => tCritical95(n - 1) * 0.1 * sd / Math.sqrt(n) <= 1);
    assert.deepEqual([e!.verdict, e!.seedsNeeded], ["unresolved", want]);
  }));

Deno.test("claims: one shared seed gives n = 1, the difference and no CI, verdict or seeds_needed", () =>
  withStore(async (store) => {
    await paper(store, "t", { a: 2, b: 1 });
    // Only seed 0 is finished by both: a's seed 1 has no partner, b's seed 1 failed.
    await runs(store, "t", "a", [12, 15]);
    await runs(store, "t", "b", [10]);
    await runs(store, "t", "b", [null, 11], "failed");
    assert.deepEqual(await readClaims(store, "t"), [noCi("a", "b", 1, 2)]);
  }));

Deno.test("claims and ablation_runs count the runs a table shares with another table", () =>
  withStore(async (store) => {
    await paper(store, "token-bank", { "0": 41.0, "6": 42.3 });
    // token-bank's "6" is the full method, stored under aggregation's "attention".
    await runs(store, "aggregation", "attention", [30, 31, 32]);
    for (const seed of [0, 1, 2]) {
      await store.addVariantMembership(
        "token-bank",
        "6",
        `aggregation-attention-${seed}-finished`,
        seed,
      );
    }
    await runs(store, "token-bank", "0", [28, 29.5, 30]);
    const [c] = await readClaims(store, "token-bank");
    assert.deepEqual([c!.better, c!.worse, c!.n, c!.verdict], ["6", "0", 3, "reproduced"]);

    const plain = await store.queryObjects(
      "SELECT count(*) AS n FROM run_eval WHERE ablation = 'token-bank'",
    );
    assert.equal(plain[0]!.n, 3, "run_eval names only the table that first produced a run");
    const rows = await store.queryObjects(
      `SELECT variant, paper_row, seed, status, "hIoU" FROM ablation_runs
       WHERE ablation = 'token-bank'`,
    );
    assert.deepEqual(rows.map((r) => [r.variant, r.paper_row, r.seed, r.status, r["hIoU"]]), [
      ["0", 1, 0, "finished", 28],
      ["0", 1, 1, "finished", 29.5],
      ["0", 1, 2, "finished", 30],
      ["6", 2, 0, "finished", 30],
      ["6", 2, 1, "finished", 31],
      ["6", 2, 2, "finished", 32],
    ]);
  }));

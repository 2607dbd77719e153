/**
 * Sequential verdicts (`--until-resolved`): the planned looks, one look's verdict against the
 * store's `claims_at` on a real DuckDB file, and by simulation that splitting the error rate over
 * the looks keeps false verdicts at or below 5 % where a 95 % CI at every look does not.
 */
import { assert } from "../../lib/_std.ts";
import { createRng } from "../../lib/data/rng.ts";
import { readClaimDifferences, readClaims } from "../../lib/track/ablation_rows.ts";
import {
  judgeDifferences,
  type LookPlan,
  nextLook,
  planLooks,
  SEQUENTIAL_ALPHA,
} from "../../lib/track/sequential.ts";
import { sampleRecord, withStore } from "./_helpers.ts";

Deno.test("planLooks() grows the seeds about 1.5x per look, ends at the cap, and splits alpha evenly", () => {
  assert.deepEqual(planLooks(3, 10), { seeds: [3, 5, 8, 10], level: 1 - 0.05 / 4 });
  assert.deepEqual(planLooks(1, 3).seeds, [1, 2, 3]);
  assert.deepEqual(planLooks(2, 2), { seeds: [2], level: 0.95 });
  assert.throws(
    () => planLooks(5, 4),
    RangeError,
    "--max-seeds must be a whole number >= the starting seeds (5), got 4",
  );
  assert.throws(() => planLooks(0, 4), RangeError, "got 0");
});

Deno.test("judgeDifferences() at 95 % gives the verdicts, CIs and seeds_needed of claims_at on a real store", () =>
  withStore(async (store) => {
    const variants: Record<string, number[]> = {
      a: [11, 11.3, 11.3],
      b: [10, 10, 10.2],
      c: [10.1, 10, 10.2],
      d: [4, 9, 1],
    };
    await store.setPaperValues(
      Object.keys(variants).map((variant, i) => ({
        tableId: "XI",
        ablation: "t",
        variant,
        metric: "hIoU",
        value: 10 - i,
      })),
    );
    for (const [variant, values] of Object.entries(variants)) {
      for (const [seed, value] of values.entries()) {
        await store.ingestRecord(sampleRecord({
          hash: `t-${variant}-${seed}`,
          ablation: "t",
          variant,
          seed,
          status: "finished",
          results: [{ split: "eval", metric: "hIoU", value }],
        }));
      }
    }
    const claims = await readClaims(store, "t", 0.5);
    const diffs = await readClaimDifferences(store, "t");
    assert.equal(claims.length, 6);
    assert.equal(diffs.length, 18);
    for (const claim of claims) {
      const mine = diffs.filter((d) => d.better === claim.better && d.worse === claim.worse);
      assert.deepEqual(mine.map((d) => d.seed), [0, 1, 2]);
      const v = judgeDifferences(mine.map((d) => d.diff), 0.95, 0.5);
      const what = `${claim.better} > ${claim.worse}`;
      assert.equal(v.verdict, claim.verdict, what);
      assert.equal(v.seedsNeeded, claim.seedsNeeded, what);
      assert.ok(Math.abs(v.low! - claim.ci95Low!) < 1e-9, what);
      assert.ok(Math.abs(v.high! - claim.ci95High!) < 1e-9, what);
    }
    assert.deepEqual(
      [...new Set(claims.map((c) => c.verdict))].sort(),
      ["equivalent", "reproduced", "unresolved"],
      "the fixture covers three verdicts",
    );
  }));

Deno.test("judgeDifferences() widens the CI with the level: reproduced at 95 % can be unresolved at 98.75 %", () => {
  const diffs = [1.2, 1.6, 0.9];
  assert.equal(judgeDifferences(diffs, 0.95, 0.5).verdict, "reproduced");
  const wide = judgeDifferences(diffs, 0.9875, 0.5);
  assert.equal(wide.verdict, "unresolved");
  assert.ok(wide.low! < 0 && wide.seedsNeeded !== null && wide.seedsNeeded > 3);
  assert.deepEqual(judgeDifferences([], 0.95, 1).verdict, "unresolved");
  assert.deepEqual(judgeDifferences([2], 0.95, 1).meanDiff, 2);
});

Deno.test("nextLook() goes to the first planned look that could resolve the open claims", () => {
  const plan = planLooks(3, 20); // 3, 5, 8, 12, 18, 20
  assert.equal(nextLook(plan, 3, [4, 11]), 5);
  assert.equal(nextLook(plan, 5, [11, null]), 12);
  assert.equal(nextLook(plan, 12, [500]), 20);
  assert.equal(nextLook(plan, 20, [21]), null);
});

/**
 * The share of simulated claims with no true difference (paired differences N(0, 1)) that some
 * look calls `reproduced` or `reversed` when looks stop at the first resolved verdict.
 */
function falseVerdictRate(plan: LookPlan, level: number, trials: number): number {
  const uniform = createRng(7);
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  let wrong = 0;
  for (let trial = 0; trial < trials; trial++) {
    const diffs: number[] = [];
    for (let seeds = plan.seeds[0]!;;) {
      while (diffs.length < seeds) diffs.push(normal());
      const v = judgeDifferences(diffs, level, 0);
      if (v.verdict === "reproduced" || v.verdict === "reversed") {
        wrong++;
        break;
      }
      const next = nextLook(plan, seeds, [v.seedsNeeded]);
      if (next === null) break;
      seeds = next;
    }
  }
  return wrong / trials;
}

Deno.test("splitting alpha over the looks keeps false verdicts under 5 %; 95 % at every look does not", () => {
  const plan = planLooks(3, 20); // 6 looks
  const trials = 4000;
  const naive = falseVerdictRate(plan, 0.95, trials);
  const split = falseVerdictRate(plan, plan.level, trials);
  // Binomial standard error at 5 % over 4,000 trials is 0.34 points: the margins are many of them.
  assert.ok(naive > SEQUENTIAL_ALPHA + 0.02, `95 % at every look: ${naive}`);
  assert.ok(split <= SEQUENTIAL_ALPHA, `split over ${plan.seeds.length} looks: ${split}`);
});

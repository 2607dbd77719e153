/**
 * Verdicts that stay honest when seeds are added until the claims resolve
 * (`ablate NAME --until-resolved`). Looking at a claim after every few seeds and stopping at the
 * first confident verdict gives chance more tries than one look: at a 95 % level per look, a claim
 * with no true difference reads `reproduced` or `reversed` more than 5 % of the time. So the
 * looks are planned before the first run ({@linkcode planLooks}: the starting seeds, then about
 * 1.5x more each time, up to the cap) and the 5 % error rate is split evenly over them
 * (Bonferroni): each look judges a claim with a paired-t CI at level 1 - 0.05 / L for L planned
 * looks. By the union bound, the chance that any look gives a false `reproduced` or `reversed`
 * (or a false `equivalent`) stays at or below 5 % per claim, whatever the stopping rule, and
 * skipping a planned look only lowers it. The price is wider intervals at every look.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { judgeDifferences, planLooks } from "./sequential.ts";
 * const plan = planLooks(3, 10);
 * assertEquals(plan.seeds, [3, 5, 8, 10]);
 * assertEquals(plan.level, 1 - 0.05 / 4);
 * // mean beat attention by 2.1-2.7 points in every seed: reversed even at 98.75 %
 * const v = judgeDifferences([-2.7, -2.1, -2.7, -2.4, -2.2], plan.level, 1);
 * assertEquals(v.verdict, "reversed");
 * ```
 *
 * @module
 */
import type { ClaimVerdict } from "./ablation_rows.ts";
import { studentTQuantile } from "./student_t.ts";

/** The family-wise error rate of one claim over all its looks. */
export const SEQUENTIAL_ALPHA = 0.05;

/** Growth of the seed count from one planned look to the next. */
const LOOK_GROWTH = 1.5;

/** The looks of an `--until-resolved` sweep, fixed before it starts. */
export interface LookPlan {
  /** Seed counts at which the claims are judged, increasing; the last is the cap. */
  readonly seeds: readonly number[];
  /** Two-sided confidence level of each look's CI: 1 - SEQUENTIAL_ALPHA / seeds.length. */
  readonly level: number;
}

/**
 * The looks from `first` seeds to `max`: `first`, then ceil(1.5 x) (at least one more) until
 * `max`, which is always the last look.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { planLooks } from "./sequential.ts";
 * assertEquals(planLooks(3, 20).seeds, [3, 5, 8, 12, 18, 20]);
 * assertEquals(planLooks(5, 5).seeds, [5]);
 * ```
 */
export function planLooks(first: number, max: number): LookPlan {
  if (!Number.isInteger(first) || first < 1) {
    throw new RangeError(`The first look needs a whole number of seeds >= 1, got ${first}`);
  }
  if (!Number.isInteger(max) || max < first) {
    throw new RangeError(
      `--max-seeds must be a whole number >= the starting seeds (${first}), got ${max}`,
    );
  }
  const seeds = [first];
  for (let n = first; n < max;) {
    n = Math.min(max, Math.max(n + 1, Math.ceil(n * LOOK_GROWTH)));
    seeds.push(n);
  }
  return { seeds, level: 1 - SEQUENTIAL_ALPHA / seeds.length };
}

/** A claim judged at one look. */
export interface SequentialVerdict {
  readonly n: number;
  readonly meanDiff: number | null;
  /** The CI at the plan's level; null when n < 2. */
  readonly low: number | null;
  readonly high: number | null;
  readonly verdict: ClaimVerdict;
  /**
   * For an unresolved claim with n >= 2: the smallest n (up to 1,000) at which a CI at the same
   * level, with the observed mean and spread, would resolve it; null otherwise.
   */
  readonly seedsNeeded: number | null;
}

/** The largest seed count `seedsNeeded` looks at. */
const MAX_SEEDS_NEEDED = 1000;

/** Two-sided t critical values by level and degrees of freedom (bisection is slow; reuse them). */
const T_CRITICAL = new Map<number, Map<number, number>>();

function tCritical(level: number, df: number): number {
  let byDf = T_CRITICAL.get(level);
  if (byDf === undefined) T_CRITICAL.set(level, byDf = new Map());
  let t = byDf.get(df);
  if (t === undefined) byDf.set(df, t = studentTQuantile(1 - (1 - level) / 2, df));
  return t;
}

/**
 * Judges the per-seed paired differences `diffs` (better - worse) of one claim with a paired-t
 * CI at two-sided `level`: `reproduced` above 0, `reversed` below 0, `equivalent` inside
 * [-delta, +delta], else `unresolved` (always with fewer than 2 seeds). The same rules as the
 * store's `claims_at`, at another level.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { judgeDifferences } from "./sequential.ts";
 * // t(0.975, 2) = 4.303: [1, 2, 3] gives 2 +- 2.48, below 0; at n = 4 the half-width is 1.59
 * const v = judgeDifferences([1, 2, 3], 0.95, 1);
 * assertEquals([v.verdict, v.seedsNeeded], ["unresolved", 4]);
 * ```
 */
export function judgeDifferences(
  diffs: readonly number[],
  level: number,
  delta: number,
): SequentialVerdict {
  const n = diffs.length;
  if (n === 0) {
    return { n, meanDiff: null, low: null, high: null, verdict: "unresolved", seedsNeeded: null };
  }
  const mean = diffs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) {
    return { n, meanDiff: mean, low: null, high: null, verdict: "unresolved", seedsNeeded: null };
  }
  const sd = Math.sqrt(diffs.reduce((a, d) => a + (d - mean) ** 2, 0) / (n - 1));
  const half = (k: number) => tCritical(level, k - 1) * sd / Math.sqrt(k);
  const low = mean - half(n), high = mean + half(n);
  const verdict = verdictOf(low, high, delta);
  if (verdict !== "unresolved") return { n, meanDiff: mean, low, high, verdict, seedsNeeded: null };
  let seedsNeeded: number | null = null;
  for (let k = n + 1; k <= MAX_SEEDS_NEEDED; k++) {
    const h = half(k);
    if (h < Math.abs(mean) || Math.abs(mean) + h <= delta) {
      seedsNeeded = k;
      break;
    }
  }
  return { n, meanDiff: mean, low, high, verdict, seedsNeeded };
}

function verdictOf(low: number, high: number, delta: number): ClaimVerdict {
  if (low > 0) return "reproduced";
  if (high < 0) return "reversed";
  if (low >= -delta && high <= delta) return "equivalent";
  return "unresolved";
}

/**
 * The next planned look after `seeds`, skipping looks that no unresolved claim could resolve at:
 * the first planned count above `seeds` and at least the smallest `seedsNeeded` among them (when
 * any has one); null when `seeds` is the last look.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { nextLook, planLooks } from "./sequential.ts";
 * const plan = planLooks(3, 10); // 3, 5, 8, 10
 * assertEquals(nextLook(plan, 3, [4]), 5);
 * assertEquals(nextLook(plan, 3, [7, null]), 8);
 * assertEquals(nextLook(plan, 3, [null]), 5);
 * assertEquals(nextLook(plan, 10, [12]), null);
 * ```
 */
export function nextLook(
  plan: LookPlan,
  seeds: number,
  needed: readonly (number | null)[],
): number | null {
  const known = needed.filter((n): n is number => n !== null);
  const want = known.length === 0 ? seeds + 1 : Math.max(seeds + 1, Math.min(...known));
  const later = plan.seeds.filter((n) => n > seeds);
  if (later.length === 0) return null;
  return later.find((n) => n >= want) ?? later[later.length - 1]!;
}

/**
 * Kendall's rank correlation tau-b, with the tie correction:
 * tau_b = (n_c - n_d) / sqrt((n_0 - n_1)(n_0 - n_2)), n_0 = n(n-1)/2, n_1 and n_2 the pairs tied
 * in the first and second ranking. O(n^2): a paper table has a handful of rows.
 *
 * @module
 */
import { Msg } from "./messages.ts";

/** The pair counts behind tau-b. */
export interface KendallCounts {
  /** tau-b in [-1, 1], or null when either ranking is constant (or has fewer than 2 items). */
  readonly tau: number | null;
  readonly concordant: number;
  readonly discordant: number;
  /** Pairs tied in `a` only, in `b` only, and in both. */
  readonly tiesA: number;
  readonly tiesB: number;
  readonly tiesBoth: number;
}

/**
 * Kendall tau-b between two equally long lists of scores (higher ranks first in both; only the
 * order matters).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { kendallTauB } from "./kendall.ts";
 * assertEquals(kendallTauB([1, 2, 3], [10, 20, 30]).tau, 1);
 * assertEquals(kendallTauB([1, 2, 3], [30, 20, 10]).tau, -1);
 * ```
 */
export function kendallTauB(a: readonly number[], b: readonly number[]): KendallCounts {
  if (a.length !== b.length) throw new RangeError(Msg.kendallLength(a.length, b.length));
  for (const list of [a, b]) {
    list.forEach((v, i) => {
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new TypeError(Msg.kendallNotFinite(i, v));
      }
    });
  }
  let concordant = 0, discordant = 0, tiesA = 0, tiesB = 0, tiesBoth = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      const da = Math.sign(a[i]! - a[j]!);
      const db = Math.sign(b[i]! - b[j]!);
      if (da === 0 && db === 0) tiesBoth++;
      else if (da === 0) tiesA++;
      else if (db === 0) tiesB++;
      else if (da === db) concordant++;
      else discordant++;
    }
  }
  const n0 = (a.length * (a.length - 1)) / 2;
  const n1 = tiesA + tiesBoth;
  const n2 = tiesB + tiesBoth;
  const denominator = Math.sqrt((n0 - n1) * (n0 - n2));
  const tau = denominator > 0 ? (concordant - discordant) / denominator : null;
  return { tau, concordant, discordant, tiesA, tiesB, tiesBoth };
}

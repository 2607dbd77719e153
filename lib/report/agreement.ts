/**
 * Agreement of a measured table with the paper's, computed from the two, never entered by hand:
 * - Kendall tau-b between the paper's and the measured ranking of the variants on one metric
 *   (hIoU by default), over the variants that have both values;
 * - the paper's claimed effects: every pair of variants the paper orders (a strictly higher value)
 *   is a claim "a beats b", judged by the store's `claims_at` macro on per-seed paired
 *   differences a - b (runs of one seed share initialisation and data order): `reproduced` when
 *   the paired-t 95 % CI lies above 0, `reversed` below 0, `equivalent` inside +/- delta,
 *   `unresolved` otherwise.
 *
 * @module
 */
import { type ClaimRow, ClaimVerdict } from "../track/ablation_rows.ts";
import type { SummaryRow } from "./data.ts";
import { kendallTauB } from "./kendall.ts";

/** What the measurements say about one claim of the paper: the paired verdict. */
export const ClaimOutcome = ClaimVerdict;
/** A paired verdict on one claim. */
export type ClaimOutcome = ClaimVerdict;

/** A short label per outcome, for pages and charts. */
export const CLAIM_OUTCOME_LABEL: Readonly<Record<ClaimOutcome, string>> = {
  "reproduced": "reproduced (paired CI above 0)",
  "reversed": "reversed (paired CI below 0)",
  "equivalent": "equivalent (paired CI within \u00b1delta)",
  "unresolved": "unresolved",
};

/** The summary fields agreement reads. */
export type AgreementInput = Pick<
  SummaryRow,
  "variant" | "metric" | "n" | "mean" | "ci95Low" | "ci95High" | "paper"
>;

/** One pairwise claim of the paper ("winner beats loser" on `metric`) and its paired verdict. */
export interface Claim {
  readonly metric: string;
  readonly winner: string;
  readonly loser: string;
  readonly paperWinner: number;
  readonly paperLoser: number;
  /** Seeds both variants finished. */
  readonly n: number;
  /** Mean of winner - loser over those seeds. */
  readonly meanDiff: number | null;
  readonly ci95Low: number | null;
  readonly ci95High: number | null;
  readonly outcome: ClaimOutcome;
  /** Total seeds that would resolve an unresolved claim at the observed spread, or null. */
  readonly seedsNeeded: number | null;
}

/** The claims with the same winner, as the paper would state them: "6 beats 0, 2 and 14". */
export interface ClaimGroup {
  readonly winner: string;
  readonly claims: readonly Claim[];
}

/** Agreement of one table on one metric. */
export interface Agreement {
  readonly metric: string;
  /** Variants with both a paper value and a measured mean (the ones tau ranks). */
  readonly ranked: readonly string[];
  /** Kendall tau-b, null when fewer than two variants are ranked or a ranking is constant. */
  readonly tau: number | null;
  readonly concordant: number;
  readonly discordant: number;
  /** Variant(s) with the paper's best value (ties give several). */
  readonly paperBest: readonly string[];
  /** Variant(s) with the best measured mean. */
  readonly measuredBest: readonly string[];
  readonly claims: readonly Claim[];
  /** Claims grouped by winner, the paper's best winner first. */
  readonly groups: readonly ClaimGroup[];
  readonly outcomes: Readonly<Record<ClaimOutcome, number>>;
}

/** Options of {@link computeAgreement}. */
export interface AgreementOptions {
  /**
   * The metric to rank on.
   * @default {"hIoU"}
   */
  readonly metric?: string;
  /**
   * Display order of variants (ties in the paper keep this order); defaults to first appearance.
   */
  readonly variants?: readonly string[];
  /**
   * The store's paired verdicts (`claims_at`), any metric; a claim without one is unmeasured
   * (n = 0, unresolved).
   * @default {[]}
   */
  readonly paired?: readonly ClaimRow[];
}

/**
 * Compute the agreement of measured values with the paper's on one metric.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { computeAgreement } from "./agreement.ts";
 * const row = (variant: string, paper: number, mean: number) =>
 *   ({ variant, metric: "hIoU", n: 5, mean, ci95Low: mean - 1, ci95High: mean + 1, paper });
 * // Measured 6 > 0 > 14, as in the paper; the store judged "6 beats 0" on paired seeds.
 * const paired = [{ metric: "hIoU", better: "6", worse: "0", n: 5, meanDiff: 5, ci95Low: 4,
 *   ci95High: 6, verdict: "reproduced", seedsNeeded: null } as const];
 * const a = computeAgreement([row("0", 41.0, 25), row("6", 42.3, 30), row("14", 40.9, 20)], {
 *   paired,
 * });
 * assertEquals([a.tau, a.outcomes.reproduced, a.outcomes.unresolved], [1, 1, 2]);
 * ```
 */
export function computeAgreement(
  summary: readonly AgreementInput[],
  options: AgreementOptions = {},
): Agreement {
  const metric = options.metric ?? "hIoU";
  const rows = summary.filter((r) => r.metric === metric);
  const order = [...new Set([...(options.variants ?? []), ...rows.map((r) => r.variant)])];
  const byVariant = new Map<string, AgreementInput>();
  for (const r of rows) byVariant.set(r.variant, r);
  const inOrder = order.flatMap((v) => {
    const r = byVariant.get(v);
    return r ? [r] : [];
  });

  const withPaper = inOrder.filter((r) => r.paper !== null);
  const measured = inOrder.filter((r) => r.mean !== null && r.n > 0);
  const both = withPaper.filter((r) => r.mean !== null && r.n > 0);
  const k = kendallTauB(both.map((r) => r.paper!), both.map((r) => r.mean!));

  const paired = new Map(
    (options.paired ?? []).filter((c) => c.metric === metric).map((c) => [
      `${c.better}\u0000${c.worse}`,
      c,
    ]),
  );
  const claims: Claim[] = [];
  for (const a of withPaper) {
    for (const b of withPaper) {
      if (!(a.paper! > b.paper!)) continue;
      claims.push(judge(metric, a, b, paired.get(`${a.variant}\u0000${b.variant}`)));
    }
  }
  // Winners by the paper's value, best first; losers likewise.
  const rank = (v: string) => byVariant.get(v)?.paper ?? -Infinity;
  claims.sort((x, y) =>
    rank(y.winner) - rank(x.winner) || rank(y.loser) - rank(x.loser) ||
    order.indexOf(x.winner) - order.indexOf(y.winner) ||
    order.indexOf(x.loser) - order.indexOf(y.loser)
  );
  const groups: ClaimGroup[] = [];
  for (const claim of claims) {
    const last = groups[groups.length - 1];
    if (last && last.winner === claim.winner) (last.claims as Claim[]).push(claim);
    else groups.push({ winner: claim.winner, claims: [claim] });
  }

  const outcomes = Object.fromEntries(ClaimOutcome.map((o) => [o, 0])) as Record<
    ClaimOutcome,
    number
  >;
  for (const c of claims) outcomes[c.outcome]++;

  return {
    metric,
    ranked: both.map((r) => r.variant),
    tau: k.tau,
    concordant: k.concordant,
    discordant: k.discordant,
    paperBest: argmax(withPaper, (r) => r.paper!),
    measuredBest: argmax(measured, (r) => r.mean!),
    claims,
    groups,
    outcomes,
  };
}

function judge(
  metric: string,
  a: AgreementInput,
  b: AgreementInput,
  row: ClaimRow | undefined,
): Claim {
  return {
    metric,
    winner: a.variant,
    loser: b.variant,
    paperWinner: a.paper!,
    paperLoser: b.paper!,
    n: row?.n ?? 0,
    meanDiff: row?.meanDiff ?? null,
    ci95Low: row?.ci95Low ?? null,
    ci95High: row?.ci95High ?? null,
    outcome: row?.verdict ?? "unresolved",
    seedsNeeded: row?.seedsNeeded ?? null,
  };
}

function argmax<T extends { variant: string }>(
  items: readonly T[],
  value: (t: T) => number,
): string[] {
  if (items.length === 0) return [];
  const best = Math.max(...items.map(value));
  return items.filter((t) => value(t) === best).map((t) => t.variant);
}

/**
 * One sentence per claim group, e.g. `6 beats 0, 2 and 14: reproduced (paired CI above 0) for 0
 * and 2; unresolved for 14`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { computeAgreement, describeGroup } from "./agreement.ts";
 * const row = (variant: string, paper: number, mean: number) =>
 *   ({ variant, metric: "hIoU", n: 3, mean, ci95Low: mean - 1, ci95High: mean + 1, paper });
 * const paired = [{ metric: "hIoU", better: "6", worse: "0", n: 3, meanDiff: -2, ci95Low: -3,
 *   ci95High: -1, verdict: "reversed", seedsNeeded: null } as const];
 * const a = computeAgreement([row("0", 41, 20), row("6", 42.3, 30)], { paired });
 * assertEquals(describeGroup(a.groups[0]!), "6 beats 0: reversed (paired CI below 0) for 0");
 * ```
 */
export function describeGroup(group: ClaimGroup): string {
  const losers = group.claims.map((c) => c.loser);
  const parts: string[] = [];
  for (const outcome of ClaimOutcome) {
    const which = group.claims.filter((c) => c.outcome === outcome).map((c) => c.loser);
    if (which.length > 0) parts.push(`${CLAIM_OUTCOME_LABEL[outcome]} for ${joinAnd(which)}`);
  }
  return `${group.winner} beats ${joinAnd(losers)}: ${parts.join("; ")}`;
}

function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

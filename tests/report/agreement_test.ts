import { assert } from "../../lib/_std.ts";
import {
  type AgreementInput,
  computeAgreement,
  describeGroup,
} from "../../lib/report/agreement.ts";
import type { ClaimRow } from "../../lib/track/ablation_rows.ts";

/** A summary row: mean with a symmetric CI of half-width `half` (null: no CI). */
function row(
  variant: string,
  paper: number | null,
  mean: number | null,
  half: number | null = 1,
  n = 3,
  metric = "hIoU",
): AgreementInput {
  return {
    variant,
    metric,
    n: mean === null ? 0 : n,
    mean,
    ci95Low: mean === null || half === null ? null : mean - half,
    ci95High: mean === null || half === null ? null : mean + half,
    paper,
  };
}

// Table IX's paper hIoU: 0 -> 41.0, 2 -> 41.5, 6 -> 42.3, 14 -> 40.9.
const IX = { "0": 41.0, "2": 41.5, "6": 42.3, "14": 40.9 };

Deno.test("computeAgreement() makes one claim per pair the paper orders, best winner first", () => {
  const a = computeAgreement([
    row("0", IX["0"], 20),
    row("2", IX["2"], 22),
    row("6", IX["6"], 30),
    row("14", IX["14"], 18),
  ]);
  assert.equal(a.claims.length, 6);
  assert.deepEqual(a.groups.map((g) => [g.winner, g.claims.map((c) => c.loser)]), [
    ["6", ["2", "0", "14"]],
    ["2", ["0", "14"]],
    ["0", ["14"]],
  ]);
  assert.equal(a.tau, 1);
  assert.deepEqual(a.paperBest, ["6"]);
  assert.deepEqual(a.measuredBest, ["6"]);
});

Deno.test("computeAgreement() makes no claim between rows the paper ties", () => {
  const a = computeAgreement([row("a", 42.3, 30), row("b", 42.3, 20), row("c", 40, 10)]);
  assert.deepEqual(a.claims.map((c) => `${c.winner}>${c.loser}`), ["a>c", "b>c"]);
  assert.deepEqual(a.paperBest, ["a", "b"]);
});

/** A paired verdict row as the store's `claims_at` gives it. */
function paired(
  better: string,
  worse: string,
  verdict: ClaimRow["verdict"],
  metric = "hIoU",
): ClaimRow {
  const bounds: Record<ClaimRow["verdict"], [number, number]> = {
    reproduced: [1, 3],
    reversed: [-3, -1],
    equivalent: [-0.5, 0.5],
    unresolved: [-2, 4],
  };
  const [lo, hi] = bounds[verdict];
  return {
    metric,
    better,
    worse,
    n: 3,
    meanDiff: (lo + hi) / 2,
    ci95Low: lo,
    ci95High: hi,
    verdict,
    seedsNeeded: verdict === "unresolved" ? 7 : null,
  };
}

Deno.test("computeAgreement() takes each claim's verdict from the paired rows of its metric", () => {
  const rows = [row("best", 50, 30), row("x", 40, 20), row("y", 39, 29.5), row("z", 38, 40)];
  const a = computeAgreement(rows, {
    paired: [
      paired("best", "x", "reproduced"),
      paired("best", "y", "equivalent"),
      paired("best", "z", "reversed"),
      paired("x", "y", "unresolved"),
      paired("best", "x", "reversed", "uIoU"), // another metric: not read
    ],
  });
  const claim = (w: string, l: string) => a.claims.find((c) => c.winner === w && c.loser === l)!;
  assert.equal(claim("best", "x").outcome, "reproduced");
  assert.equal(claim("best", "y").outcome, "equivalent");
  assert.equal(claim("best", "z").outcome, "reversed");
  assert.deepEqual(
    [claim("x", "y").outcome, claim("x", "y").seedsNeeded, claim("x", "y").n],
    ["unresolved", 7, 3],
  );
  assert.deepEqual([claim("best", "x").ci95Low, claim("best", "x").ci95High], [1, 3]);
  assert.deepEqual(a.outcomes, { reproduced: 1, reversed: 1, equivalent: 1, unresolved: 3 });
});

Deno.test("computeAgreement() calls a claim the store has no paired row for unresolved with n = 0", () => {
  // Means far apart with narrow unpaired CIs decide nothing: only paired seeds do.
  const a = computeAgreement([row("w", 2, 40, 0.1, 1), row("l", 1, 10, 0.1, 1)]);
  assert.deepEqual([a.claims[0]!.outcome, a.claims[0]!.n, a.claims[0]!.meanDiff], [
    "unresolved",
    0,
    null,
  ]);
});

Deno.test("computeAgreement() ranks only measured variants and claims every pair the paper orders", () => {
  const a = computeAgreement([
    row("a", 3, 10),
    row("b", 2, null),
    row("c", 1, 20),
    row("extra", null, 50), // measured, no paper row: no claim, not ranked, may be measured best
  ]);
  assert.deepEqual(a.ranked, ["a", "c"]);
  assert.equal(a.tau, -1);
  assert.equal(a.claims.length, 3);
  assert.deepEqual(a.measuredBest, ["extra"]);
});

Deno.test("computeAgreement() reads only the requested metric", () => {
  const rows = [
    row("a", 2, 10, 1, 3, "hIoU"),
    row("b", 1, 20, 1, 3, "hIoU"),
    row("a", 2, 20, 1, 3, "uIoU"),
    row("b", 1, 10, 1, 3, "uIoU"),
  ];
  assert.equal(computeAgreement(rows).tau, -1);
  assert.equal(computeAgreement(rows, { metric: "uIoU" }).tau, 1);
});

Deno.test("computeAgreement() gives tau-b over a measured ranking with one swap", () => {
  // Paper order 6 > 2 > 0 > 14; measured 6 > 0 > 2 > 14: one discordant pair of six.
  const a = computeAgreement([
    row("0", IX["0"], 28.4),
    row("2", IX["2"], 27.6),
    row("6", IX["6"], 29.9),
    row("14", IX["14"], 27.0),
  ]);
  assert.equal(a.concordant, 5);
  assert.equal(a.discordant, 1);
  assert.ok(Math.abs(a.tau! - 4 / 6) < 1e-12);
});

Deno.test("describeGroup() states a claim group as the paper would, with paired verdicts", () => {
  const a = computeAgreement([
    row("0", IX["0"], 20, 1),
    row("2", IX["2"], 29, 1),
    row("6", IX["6"], 30, 1),
    row("14", IX["14"], 18, 1),
  ], { paired: [paired("6", "0", "reproduced"), paired("6", "14", "reproduced")] });
  assert.equal(
    describeGroup(a.groups[0]!),
    "6 beats 2, 0 and 14: reproduced (paired CI above 0) for 0 and 14; unresolved for 2",
  );
});

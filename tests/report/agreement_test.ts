import { assert } from "../../lib/_std.ts";
import {
  type AgreementInput,
  computeAgreement,
  describeGroup,
} from "../../lib/report/agreement.ts";

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

Deno.test("computeAgreement() tells reproduced, same-order, reversed and contradicted apart", () => {
  const a = computeAgreement([
    row("best", 50, 30, 1), // paper's best
    row("apart", 40, 20, 1), // 29..31 vs 19..21: reproduced
    row("close", 39, 29.5, 1), // 29..31 vs 28.5..30.5: same order, overlapping
    row("above", 38, 30.5, 1), // measured above the winner, overlapping: reversed
    row("far", 37, 40, 1), // 39..41 above 29..31: contradicted
  ]);
  const outcome = (w: string, l: string) =>
    a.claims.find((c) => c.winner === w && c.loser === l)!.outcome;
  assert.equal(outcome("best", "apart"), "reproduced");
  assert.equal(outcome("best", "close"), "same-order");
  assert.equal(outcome("best", "above"), "reversed");
  assert.equal(outcome("best", "far"), "contradicted");
  assert.equal(
    a.outcomes.reproduced + a.outcomes["same-order"] + a.outcomes.reversed +
      a.outcomes.contradicted + a.outcomes.untested,
    a.claims.length,
  );
});

Deno.test("computeAgreement() counts touching intervals as overlapping", () => {
  // 28..30 and 30..32 touch at 30: not separated.
  const a = computeAgreement([row("w", 2, 31, 1), row("l", 1, 29, 1)]);
  assert.equal(a.claims[0]!.outcome, "same-order");
  assert.equal(a.claims[0]!.separated, false);
});

Deno.test("computeAgreement() never calls a claim reproduced without intervals (one seed)", () => {
  const a = computeAgreement([row("w", 2, 40, null, 1), row("l", 1, 10, null, 1)]);
  assert.equal(a.claims[0]!.outcome, "same-order");
});

Deno.test("computeAgreement() marks claims on unmeasured variants untested and ranks the rest", () => {
  const a = computeAgreement([
    row("a", 3, 10),
    row("b", 2, null),
    row("c", 1, 20),
    row("extra", null, 50), // measured, no paper row: no claim, not ranked, may be measured best
  ]);
  assert.deepEqual(a.ranked, ["a", "c"]);
  assert.equal(a.tau, -1);
  assert.equal(a.outcomes.untested, 2); // a > b, b > c
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

Deno.test("describeGroup() states a claim group as the paper would, with outcomes", () => {
  const a = computeAgreement([
    row("0", IX["0"], 20, 1),
    row("2", IX["2"], 29, 1),
    row("6", IX["6"], 30, 1),
    row("14", IX["14"], 18, 1),
  ]);
  assert.equal(
    describeGroup(a.groups[0]!),
    "6 beats 2, 0 and 14: reproduced (95% CIs apart) for 0 and 14; " +
      "same order, CIs overlap for 2",
  );
});

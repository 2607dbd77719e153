import { assert, assertThrows } from "../../lib/_std.ts";
import { kendallTauB } from "../../lib/report/kendall.ts";
import { Msg } from "../../lib/report/messages.ts";

Deno.test("kendallTauB() is 1 for the same order and -1 for the reversed order", () => {
  assert.equal(kendallTauB([41.0, 41.5, 42.3, 40.9], [27.6, 28.4, 29.9, 27.0]).tau, 1);
  assert.equal(kendallTauB([1, 2, 3, 4], [9, 7, 5, 1]).tau, -1);
});

Deno.test("kendallTauB() applies the tie correction of tau-b (hand-computed case)", () => {
  // Pairs of [1,2,2,3] vs [1,3,2,2]: (0,1) (0,2) (0,3) concordant, (1,3) discordant,
  // (1,2) tied in a only, (2,3) tied in b only: (3 - 1) / sqrt((6 - 1)(6 - 1)) = 0.4.
  const k = kendallTauB([1, 2, 2, 3], [1, 3, 2, 2]);
  assert.deepEqual(
    { ...k },
    { tau: 0.4, concordant: 3, discordant: 1, tiesA: 1, tiesB: 1, tiesBoth: 0 },
  );
});

Deno.test("kendallTauB() does not penalise a pair tied in both rankings", () => {
  const k = kendallTauB([1, 1, 2], [5, 5, 8]);
  assert.equal(k.tiesBoth, 1);
  assert.equal(k.tau, 1); // 2 / sqrt((3 - 1)(3 - 1))
});

Deno.test("kendallTauB() differs from tau-a when there are ties", () => {
  // tau-a would be (nc - nd) / n0 = 2 / 6; tau-b corrects the denominator for ties.
  const tau = kendallTauB([1, 2, 2, 3], [1, 3, 2, 2]).tau!;
  assert.notEqual(tau, 2 / 6);
  assert.ok(Math.abs(tau - 2 / Math.sqrt(25)) < 1e-12);
});

Deno.test("kendallTauB() is null when a ranking is constant or too short", () => {
  assert.equal(kendallTauB([1, 1, 1], [1, 2, 3]).tau, null);
  assert.equal(kendallTauB([5], [3]).tau, null);
  assert.equal(kendallTauB([], []).tau, null);
});

Deno.test("kendallTauB() throws on unequal lengths and on non-finite values", () => {
  assertThrows(() => kendallTauB([1, 2], [1]), RangeError, Msg.kendallLength(2, 1));
  assert.throws(
    () => kendallTauB([1, NaN], [1, 2]),
    (e: unknown) => e instanceof TypeError && e.message === Msg.kendallNotFinite(1, NaN),
  );
});

import { assert } from "../../lib/_std.ts";
import { learningRate } from "../../lib/c2s/schedule.ts";

const o = { lr: 2, steps: 101, warmupFraction: 0.1 };

Deno.test("learningRate() warms up linearly over the warmup share of the steps", () => {
  // warmup = round(101 * 0.1) = 10 steps: 0.2, 0.4, ..., 2.
  assert.equal(learningRate(0, o), 0.2);
  assert.equal(learningRate(4, o), 1);
  assert.equal(learningRate(9, o), 2);
});

Deno.test("learningRate() decays by a half cosine from the peak to zero at the last step", () => {
  assert.equal(learningRate(10, o), 2);
  // Halfway through the decay (t = 0.5): lr / 2.
  assert.ok(Math.abs(learningRate(10 + 45, o) - 1) < 1e-12);
  assert.ok(Math.abs(learningRate(100, o)) < 1e-12);
});

Deno.test("learningRate() without warmup starts at the peak", () => {
  assert.equal(learningRate(0, { lr: 1, steps: 10, warmupFraction: 0 }), 1);
});

import { assert } from "../../lib/_std.ts";
import { learningRate } from "../../lib/tf/schedule.ts";

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

// The teacher's reading: at least one warmup step, zero one step after the last.
const teacher = {
  lr: 1,
  steps: 100,
  warmupFraction: 0.05,
  minWarmupSteps: 1,
  zeroAt: "end",
} as const;

Deno.test("learningRate() with zeroAt 'end' reaches zero one step after the last", () => {
  assert.equal(learningRate(0, teacher), 1 / 5);
  assert.equal(learningRate(4, teacher), 1);
  assert.equal(learningRate(5, teacher), 1);
  // Halfway: (step - 5) / (100 - 5) = 0.5.
  assert.ok(Math.abs(learningRate(5 + 47.5, teacher) - 0.5) < 1e-12);
  const last = learningRate(99, teacher);
  assert.ok(last > 0 && last < 0.001);
  assert.equal(learningRate(100, teacher), 0);
});

Deno.test("learningRate() keeps minWarmupSteps when the share rounds to fewer", () => {
  // 5 % of 8 steps rounds to 0: still one warmup step at the peak, then the cosine from step 1.
  const short = { ...teacher, steps: 8 };
  assert.equal(learningRate(0, short), 1);
  assert.equal(learningRate(1, short), 1);
  assert.ok(learningRate(2, short) < 1);
  assert.equal(learningRate(0, { ...short, minWarmupSteps: 0, zeroAt: "last" }), 1);
  assert.ok(learningRate(1, { ...short, minWarmupSteps: 0, zeroAt: "last" }) < 1);
});

Deno.test("learningRate() gives the teacher's and the student's recipes their own last steps", () => {
  const student = { lr: 1, steps: 100, warmupFraction: 0.05 };
  assert.equal(learningRate(5, student), 1);
  assert.ok(Math.abs(learningRate(5 + 47, student) - 0.5) < 1e-12);
  assert.ok(Math.abs(learningRate(99, student)) < 1e-12);
  assert.ok(learningRate(99, teacher) > learningRate(99, student));
});

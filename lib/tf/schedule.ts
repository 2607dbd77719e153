/**
 * The learning-rate schedule of both models: linear warmup, then a half cosine to zero (the
 * reference runs' "5 % warmup then cosine"). A small pure function of the step.
 *
 * The student and the teacher were calibrated with two readings of that recipe, kept here as
 * options so each keeps its measured schedule: the student's cosine reaches zero at its last step;
 * the teacher's (`zeroAt: "end"`, `minWarmupSteps: 1`) reaches zero one step after its last and
 * always warms up for at least one step.
 *
 * @module
 */

/** Where the cosine reaches zero. */
export const CosineEnd = ["last", "end"] as const;
export type CosineEnd = typeof CosineEnd[number];

/** Schedule parameters: the peak rate, the run length and the warmup share. */
export interface ScheduleOptions {
  /** Peak learning rate, reached at the last warmup step. */
  readonly lr: number;
  /** Steps of the run. */
  readonly steps: number;
  /** Share of `steps` spent warming up linearly from 0, in [0, 1). */
  readonly warmupFraction: number;
  /** Fewest warmup steps, whatever the share gives. @default 0 */
  readonly minWarmupSteps?: number;
  /**
   * `"last"`: the cosine reaches zero at the last step (`steps - 1`); `"end"`: at step `steps`,
   * one past the last, so the last step still trains.
   * @default "last"
   */
  readonly zeroAt?: CosineEnd;
}

/**
 * The learning rate of step `step` (0-based): `lr * (step + 1) / warmup` during the
 * `warmup = max(minWarmupSteps, round(steps * warmupFraction))` warmup steps, then
 * `lr * 0.5 * (1 + cos(pi * t))` with `t` going from 0 at the end of the warmup to 1 at the step
 * `zeroAt` names (and staying there).
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { learningRate } from "./schedule.ts";
 * const o = { lr: 1, steps: 100, warmupFraction: 0.1 };
 * assert.equal(learningRate(0, o), 0.1);
 * assert.equal(learningRate(9, o), 1);
 * assert.ok(learningRate(99, o) < 1e-12);
 * assert.ok(learningRate(99, { ...o, zeroAt: "end" }) > 0);
 * ```
 */
export function learningRate(step: number, options: ScheduleOptions): number {
  const { lr, steps, warmupFraction } = options;
  const warmup = Math.max(options.minWarmupSteps ?? 0, Math.round(steps * warmupFraction));
  if (step < warmup) return (lr * (step + 1)) / warmup;
  const last = options.zeroAt === "end" ? steps : steps - 1;
  const span = Math.max(1, last - warmup);
  const t = Math.min(1, (step - warmup) / span);
  return lr * 0.5 * (1 + Math.cos(Math.PI * t));
}

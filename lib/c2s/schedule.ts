/**
 * The learning-rate schedule: linear warmup, then cosine decay to zero (the reference runs'
 * "5 % warmup then cosine"). A small pure function of the step.
 *
 * @module
 */

/** Schedule parameters: the peak rate, the run length and the warmup share. */
export interface ScheduleOptions {
  readonly lr: number;
  readonly steps: number;
  /** Share of `steps` spent warming up linearly from 0, in [0, 1). */
  readonly warmupFraction: number;
}

/**
 * The learning rate of step `step` (0-based): `lr * (step + 1) / warmup` during the warmup, then
 * `lr * 0.5 * (1 + cos(pi * t))` with `t` going from 0 at the end of the warmup to 1 at the last
 * step.
 *
 * @example
 * ```ts
 * import { learningRate } from "./schedule.ts";
 * const o = { lr: 1, steps: 100, warmupFraction: 0.1 };
 * console.assert(learningRate(9, o) === 1 && learningRate(0, o) === 0.1);
 * ```
 */
export function learningRate(step: number, options: ScheduleOptions): number {
  const { lr, steps, warmupFraction } = options;
  const warmup = Math.round(steps * warmupFraction);
  if (step < warmup) return (lr * (step + 1)) / warmup;
  const span = Math.max(1, steps - 1 - warmup);
  const t = Math.min(1, (step - warmup) / span);
  return lr * 0.5 * (1 + Math.cos(Math.PI * t));
}

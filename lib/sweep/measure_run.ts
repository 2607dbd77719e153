/**
 * The measurements a job can run instead of training: `measurement` (Table XIII, the pseudo-mask
 * accuracy of `lib/c2s/measure_masks.ts`) and `efficiency` (Table III, the student's inference
 * cost of `lib/c2s/efficiency.ts`), and {@linkcode pseudoMaskCostRows}, the pseudo-mask
 * generator's cost that a finished training run adds to its results (Table XII's cost column).
 *
 * The executor (`run_job.ts`) starts the backend, loads the scenes and the teacher, checks them
 * against the job and builds the record; these functions only measure, and throw on failure.
 *
 * @module
 */
import type { RunData } from "../c2s/datasets.ts";
import { efficiencyRows, measureEfficiency } from "../c2s/efficiency.ts";
import type { EventSink } from "../c2s/events.ts";
import {
  maskAccuracyClassIou,
  maskAccuracyRows,
  measureMaskAccuracy,
  measurePseudoMaskCost,
} from "../c2s/measure_masks.ts";
import type { Teacher } from "../teacher/teacher.ts";
import type { RunRecord } from "../track/record.ts";
import type { RunJob } from "./job.ts";
import * as msg from "./messages.ts";

/** What a measurement needs besides its job: prepared once by the executor. */
export interface MeasureInputs {
  readonly teacher: Teacher;
  readonly data: RunData;
  readonly onEvent?: EventSink;
  readonly signal?: AbortSignal;
}

/** A measurement's rows of the run record. */
export type Measured = Pick<RunRecord, "results" | "classIou">;

/**
 * Measures `job` (kind `measurement` or `efficiency`).
 *
 * @throws {RangeError} For another kind; whatever the measurement throws (e.g. on abort).
 */
export async function measureRun(job: RunJob, inputs: MeasureInputs): Promise<Measured> {
  const { teacher, data } = inputs;
  const events = {
    ...(inputs.onEvent ? { onEvent: inputs.onEvent } : {}),
    ...(inputs.signal ? { signal: inputs.signal } : {}),
  };
  if (job.kind === "measurement") {
    const measured = await measureMaskAccuracy(job.config, {
      teacher,
      data,
      seed: job.seed,
      ...events,
    });
    return { results: maskAccuracyRows(measured), classIou: maskAccuracyClassIou(measured) };
  }
  if (job.kind === "efficiency") {
    const measured = await measureEfficiency(job.config, {
      dim: teacher.dim,
      classes: data.eval.classNames.length,
      height: data.eval.height,
      width: data.eval.width,
      seed: job.seed,
      ...events,
    });
    return { results: efficiencyRows(measured), classIou: [] };
  }
  throw new RangeError(msg.kindNotImplemented(job.kind));
}

/**
 * Rows `pseudo_mask_ms_per_image` and `pseudo_mask_mflop_per_image` (split `"train"`: timed on
 * the first `COST_SCENES` training scenes with their seen labels annotated) for a training run.
 */
export async function pseudoMaskCostRows(
  job: RunJob,
  inputs: Pick<MeasureInputs, "teacher" | "data">,
): Promise<RunRecord["results"]> {
  const cost = await measurePseudoMaskCost(job.config, {
    teacher: inputs.teacher,
    scenes: inputs.data.train,
    seed: job.seed,
  });
  return [
    { split: "train", metric: "pseudo_mask_ms_per_image", value: cost.msPerImage },
    { split: "train", metric: "pseudo_mask_mflop_per_image", value: cost.mflopPerImage },
  ];
}

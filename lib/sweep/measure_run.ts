/**
 * Runs of the two kinds that train no student: `measurement` (Table XIII, the pseudo-mask
 * accuracy of `lib/c2s/measure_masks.ts`) and `efficiency` (Table III, the student's inference
 * cost of `lib/c2s/efficiency.ts`). Like the training core's `runOne`, {@linkcode measureOne}
 * returns a run record for every way a run can end and never throws: `finished` with its results
 * rows, `failed` with the error's message, `interrupted` when the abort signal stopped it.
 *
 * {@linkcode pseudoMaskCostRows} adds the pseudo-mask generator's cost to a training run's record
 * (Table XII's cost column): timed on the first training scenes, as training runs it.
 *
 * The job's backend must be started and its teacher loaded and checked (`run_job.ts` does both).
 *
 * @module
 */
import type { C2SEvent } from "../c2s/events.ts";
import { loadRunData } from "../c2s/datasets.ts";
import { efficiencyRows, measureEfficiency } from "../c2s/efficiency.ts";
import {
  maskAccuracyClassIou,
  maskAccuracyRows,
  measureMaskAccuracy,
  measurePseudoMaskCost,
} from "../c2s/measure_masks.ts";
import type { RunOneRecord } from "../c2s/run.ts";
import type { Teacher } from "../teacher/teacher.ts";
import { backendInfo } from "../tf/backend.ts";
import type { RunJob } from "./job.ts";
import * as msg from "./messages.ts";

/** Options of {@linkcode measureOne}. */
export interface MeasureOneOptions {
  readonly teacher: Teacher;
  readonly onEvent?: (event: C2SEvent) => void;
  readonly signal?: AbortSignal;
}

function hostName(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown";
  }
}

/** Measures `job` (kind `measurement` or `efficiency`) and returns its record. */
export async function measureOne(job: RunJob, options: MeasureOneOptions): Promise<RunOneRecord> {
  const startedAt = new Date().toISOString();
  const { teacher } = options;
  const record: RunOneRecord = {
    hash: job.hash,
    ablation: job.ablation,
    variant: job.variant,
    seed: job.seed,
    preset: job.preset,
    config: job.config,
    overrides: { ...job.overrides },
    status: "failed",
    startedAt,
    endedAt: startedAt,
    backend: backendInfo().name ?? job.config.backend,
    host: hostName(),
    versions: {},
    git: job.git,
    error: null,
    failedStep: null,
    metrics: [],
    results: [],
    classIou: [],
    artifacts: [],
  };
  const events = options.onEvent ? { onEvent: options.onEvent } : {};
  const signal = options.signal ? { signal: options.signal } : {};
  try {
    const data = await loadRunData(
      job.config.data,
      job.dataDir === null ? {} : { dataDir: job.dataDir },
    );
    record.versions = {
      ...backendInfo().versions,
      data: data.source,
      teacher: `${teacher.name}@${teacher.hash}`,
    };
    if (job.kind === "measurement") {
      const measured = await measureMaskAccuracy(job.config, {
        teacher,
        data,
        seed: job.seed,
        ...events,
        ...signal,
      });
      record.results = maskAccuracyRows(measured);
      record.classIou = maskAccuracyClassIou(measured);
    } else if (job.kind === "efficiency") {
      const measured = await measureEfficiency(job.config, {
        dim: teacher.dim,
        classes: data.eval.classNames.length,
        height: data.eval.height,
        width: data.eval.width,
        seed: job.seed,
        ...events,
        ...signal,
      });
      record.results = efficiencyRows(measured);
      record.backend = measured.backend;
    } else {
      throw new RangeError(msg.kindNotImplemented(job.kind));
    }
    record.status = "finished";
  } catch (error) {
    record.status = options.signal?.aborted ? "interrupted" : "failed";
    record.error = options.signal?.aborted
      ? msg.measurementInterrupted()
      : error instanceof Error
      ? error.message
      : String(error);
  }
  record.endedAt = new Date().toISOString();
  return record;
}

/**
 * Rows `pseudo_mask_ms_per_image` and `pseudo_mask_mflop_per_image` (split `"train"`: timed on
 * the first `COST_SCENES` training scenes with their seen labels annotated) for a training run.
 */
export async function pseudoMaskCostRows(
  job: RunJob,
  teacher: Teacher,
): Promise<RunOneRecord["results"]> {
  const data = await loadRunData(
    job.config.data,
    job.dataDir === null ? {} : { dataDir: job.dataDir },
  );
  const cost = await measurePseudoMaskCost(job.config, {
    teacher,
    scenes: data.train,
    seed: job.seed,
  });
  return [
    { split: "train", metric: "pseudo_mask_ms_per_image", value: cost.msPerImage },
    { split: "train", metric: "pseudo_mask_mflop_per_image", value: cost.mflopPerImage },
  ];
}

/**
 * The training core's event interface. `trainC2S` reports through a callback of these, so it can
 * run in a worker and be tested without a database; the tracking layer turns them into rows.
 *
 * @module
 */

/** The loss terms of Eq. 8, as read back from the backend (mean over the logged window). */
export interface LossTerms {
  /** L = L_g + L_l + L_s. */
  readonly total: number;
  /** Global distillation L_g (Eq. 4); 0 when disabled. */
  readonly global: number;
  /** Local distillation L_l (Eq. 6); 0 when disabled. */
  readonly local: number;
  /** Pixel loss L_s (Eq. 7). */
  readonly pixel: number;
}

/**
 * Evaluation scores on the held-out scenes, in percent; null where undefined (see `metrics.ts`:
 * e.g. no unseen class occurs and none is predicted).
 */
export interface EvalMetrics {
  readonly hIoU: number | null;
  readonly sIoU: number | null;
  readonly uIoU: number | null;
  readonly mIoU: number | null;
  /** Pixel accuracy over labelled pixels. */
  readonly pixelAccuracy: number | null;
}

/** IoU of one class on the evaluation scenes (percent), null when the class never occurs. */
export interface ClassIou {
  readonly className: string;
  readonly seen: boolean;
  readonly iou: number | null;
}

/** A small picture set for reports (Figs. 6-8): all maps are `height * width`, row-major. */
export interface Sample {
  /** `train`: a pool scene (pseudo masks exist); `eval`: a held-out scene. */
  readonly split: "train" | "eval";
  readonly index: number;
  readonly height: number;
  readonly width: number;
  /** Intensities 0..255. */
  readonly image: Uint8Array;
  /** Ground truth over all classes (class id, 255 = background). */
  readonly groundTruth: Uint8Array;
  /**
   * Ỹ = Y_s + Ỹ_u: seen class ids, latent class u as `10 + u`, 255 unlabelled; null for eval scenes.
   */
  readonly pseudoMask: Uint8Array | null;
  /** Student prediction over all classes (class id at every pixel). */
  readonly prediction: Uint8Array;
}

/** The final results of a finished run. */
export interface TrainResults {
  /** Final scores as `{ split, metric, value }` rows (split "eval"). */
  readonly results: { split: string; metric: string; value: number }[];
  readonly classIou: ClassIou[];
  readonly samples: Sample[];
  /** Curves: every logged loss term and evaluation metric by step. */
  readonly metrics: { step: number; name: string; value: number }[];
}

/** Training progress at a loss readback (every `train.logEvery` steps). */
export interface ProgressEvent {
  readonly type: "progress";
  /** Steps completed. */
  readonly step: number;
  readonly totalSteps: number;
  readonly lr: number;
  readonly loss: LossTerms;
  /** Training throughput over the logged window. */
  readonly imagesPerSecond: number;
}

/** An evaluation (every `train.evalEvery` steps and at the end). */
export interface EvalEvent {
  readonly type: "eval";
  readonly step: number;
  readonly metrics: EvalMetrics;
}

/** The run finished. */
export interface DoneEvent extends TrainResults {
  readonly type: "done";
  readonly step: number;
}

/** The run failed (e.g. "NaN loss at step N"). */
export interface FailedEvent {
  readonly type: "failed";
  readonly step: number;
  readonly error: string;
}

/** The run was stopped through its abort signal. */
export interface InterruptedEvent {
  readonly type: "interrupted";
  readonly step: number;
}

/** Teacher-cache progress: loading, or building `done` of `total` scenes. */
export interface CacheEvent {
  readonly type: "cache";
  readonly phase: "load" | "build" | "ready";
  readonly done: number;
  readonly total: number;
  /** The cache file, when the cache lives on disk. */
  readonly path: string | null;
}

/** A recoverable problem, e.g. a corrupt cache file that is being rebuilt. */
export interface WarningEvent {
  readonly type: "warning";
  readonly message: string;
}

/** Everything the training core reports. */
export type C2SEvent =
  | ProgressEvent
  | EvalEvent
  | DoneEvent
  | FailedEvent
  | InterruptedEvent
  | CacheEvent
  | WarningEvent;

/** The callback that receives events. */
export type EventSink = (event: C2SEvent) => void;

/**
 * The pseudo-mask accuracy measurement, paper Table XIII ("a measurement, no student training"):
 * how well the generator of `config.pseudoMask` recovers ground-truth class masks of held-out
 * scenes from the frozen teacher's dense features alone.
 *
 * For each of the first `config.data.evalScenes` evaluation scenes (held-out items, scored on
 * `fullLabels`): one teacher pass gives C_d; then, per setting of the three-setting protocol of
 * `mask_accuracy.ts`,
 * - `unseen`: the seen classes are annotated (as in training), unseen-class masks are scored;
 * - `seen`: the unseen classes are annotated, seen-class masks are scored;
 * - `all`: nothing is annotated, every class mask is scored;
 * the feature cells the annotated classes cover (>= half of a cell, `annotatedCells`) are zeroed
 * and marked annotated, `generatePseudoMasks` mines latent masks on the feature grid, they are
 * upsampled (nearest) to the scene, each scored ground-truth class mask is matched to the
 * generated mask of highest IoU (`matchMasks`), and the best IoUs are averaged over every scored
 * mask of every scene (each mask weighs the same). Results are percentages.
 *
 * The generator's cost is reported for the `unseen` setting, the one training runs it in: mean
 * milliseconds and MFLOP per scene (the generator's own operation count, `PseudoMaskResult.flops`;
 * the teacher pass is not included). {@linkcode measurePseudoMaskCost} measures the same on a few
 * training scenes (for the rows of training runs, Table XII). The evaluation scenes and the
 * K-Means and proposal generators are deterministic; only `ncut` draws random numbers, seeded
 * `hashSeed(seed, scene)`, so the runs of different seeds of a K-Means variant measure the same
 * numbers.
 *
 * @module
 */
import type { SegmentationDataset } from "../data/types.ts";
import { IGNORE_LABEL } from "../data/types.ts";
import { hashSeed } from "../data/rng.ts";
import type { Teacher } from "../teacher/teacher.ts";
import type { C2SConfig } from "./config.ts";
import type { ClassIou, EventSink } from "./events.ts";
import { annotatedCells } from "./label_grid.ts";
import {
  type MaskMatch,
  matchMasks,
  summarizeMaskAccuracy,
  upsampleNearest,
} from "./mask_accuracy.ts";
import { generatePseudoMasks, pseudoMaskCost, type PseudoMaskResult } from "./pseudo_masks.ts";
import { globalTokens } from "./tokens.ts";

/** The three settings of Table XIII, in the paper's column order. */
export const MASK_SETTINGS = ["unseen", "seen", "all"] as const;
/** A setting: which classes' masks are scored (the others' areas are annotated, except `all`). */
export type MaskSetting = typeof MASK_SETTINGS[number];

/** Scenes per teacher call and per progress event. */
const CHUNK = 32;
/** Training scenes {@linkcode measurePseudoMaskCost} times by default. */
export const COST_SCENES = 32;

/** User-facing messages of the measurement. */
export const measureMaskMessages = {
  noScenes: (requested: number, available: number) =>
    `No scenes to measure: ${requested} requested, the scene set holds ${available}`,
  unknownClass: (name: string, known: readonly string[]) =>
    `Unknown unseen class "${name}": the evaluation set's classes are ${
      known.map((k) => `"${k}"`).join(", ")
    }`,
  gridMismatch: (h: number, w: number, height: number, width: number) =>
    `Teacher dense grid ${h} x ${w} does not divide the scenes of ${height} x ${width}`,
} as const;

/** Options of {@linkcode measureMaskAccuracy}. */
export interface MeasureMasksOptions {
  /** The frozen teacher whose dense features the masks are mined from. */
  readonly teacher: Teacher;
  /** The run's scenes: only `eval` (held-out items) is read. */
  readonly data: { readonly eval: SegmentationDataset };
  /** Run seed (drives `ncut`'s start vectors). */
  readonly seed: number;
  /** Receives `cache` events (`build`, scenes done of total) as teacher features are computed. */
  readonly onEvent?: EventSink;
  readonly signal?: AbortSignal;
}

/** The outcome of one setting over all measured scenes. */
export interface SettingMeasurement {
  /** Mean best IoU of the scored masks in percent; null when no scene has such a mask. */
  readonly miou: number | null;
  /** Scored ground-truth masks. */
  readonly masks: number;
  /** Mean latent classes per scene, and mean regions before merging and capping. */
  readonly meanLatent: number;
  readonly meanClustersBeforeMerge: number;
  /** Mean regions after Algorithm 1 (before the cap), merged groups per scene, scenes merged. */
  readonly meanClustersAfterMerge: number;
  readonly meanMerges: number;
  readonly mergedShare: number;
  /** Mean best IoU (percent) per scored class, in class order; null for a class never present. */
  readonly classIou: readonly (number | null)[];
}

/** What {@linkcode measureMaskAccuracy} measured. */
export interface MaskAccuracyMeasurement {
  /** Scenes measured. */
  readonly scenes: number;
  readonly classNames: readonly string[];
  readonly unseenIds: readonly number[];
  readonly settings: Readonly<Record<MaskSetting, SettingMeasurement>>;
  /** The generator's cost in the `unseen` (training) setting, per scene. */
  readonly cost: { readonly msPerImage: number; readonly mflopPerImage: number };
}

/**
 * Per setting, the classes whose pixels are annotated (their cells zeroed) and whether a match
 * is scored.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { settingPlan } from "./measure_masks.ts";
 * const plan = settingPlan("unseen", [1, 7, 8]);
 * assertEquals(plan.annotated(0), true); // class 0 is seen
 * assertEquals(plan.annotated(7), false); // class 7 is unseen
 * assertEquals(plan.scored({ seen: false }), true); // unseen masks are scored
 * ```
 */
export function settingPlan(setting: MaskSetting, unseenIds: readonly number[]): {
  annotated(classId: number): boolean;
  scored(match: Pick<MaskMatch, "seen">): boolean;
} {
  const unseen = new Set(unseenIds);
  switch (setting) {
    case "unseen":
      return { annotated: (c) => !unseen.has(c), scored: (m) => !m.seen };
    case "seen":
      return { annotated: (c) => unseen.has(c), scored: (m) => m.seen };
    case "all":
      return { annotated: () => false, scored: () => true };
  }
}

/**
 * The annotated feature cells of one scene in `setting`: the full labels with every class that
 * is not annotated (and background) made `IGNORE_LABEL`, then `annotatedCells` (a cell is
 * annotated when such pixels cover at least half of it).
 */
export function settingAnnotation(
  fullLabels: Uint8Array,
  annotated: (classId: number) => boolean,
  size: { height: number; width: number; h: number; w: number },
): Uint8Array {
  const labels = fullLabels.map((c) => (c !== IGNORE_LABEL && annotated(c) ? c : IGNORE_LABEL));
  return annotatedCells(labels, size.height, size.width, size.h, size.w);
}

/**
 * The pseudo masks of one scene in one setting, upsampled to the scene: the cells `annotated`
 * covers are zeroed in a copy of `dense` (`h * w * D`) and marked annotated.
 */
function generateForSetting(
  config: C2SConfig,
  dense: Float32Array,
  labels: Uint8Array,
  annotated: (classId: number) => boolean,
  grid: { height: number; width: number; h: number; w: number; dim: number },
  seed: number,
): { result: PseudoMaskResult; generated: Int16Array } {
  const { height: H, width: W, h, w, dim: d } = grid;
  const cells = settingAnnotation(labels, annotated, grid);
  const input = dense.slice();
  for (let p = 0; p < h * w; p++) if (cells[p]) input.fill(0, p * d, (p + 1) * d);
  const result = generatePseudoMasks(
    { dense: input, height: h, width: w, dim: d, annotated: cells },
    config.pseudoMask,
    seed,
  );
  return { result, generated: upsampleNearest(result.latent, [h, w], [H, W]) };
}

function resolveUnseen(classNames: readonly string[], unseen: readonly string[]): number[] {
  return unseen.map((name) => {
    const id = classNames.indexOf(name);
    if (id < 0) throw new RangeError(measureMaskMessages.unknownClass(name, classNames));
    return id;
  }).sort((a, b) => a - b);
}

/** Running sums of one setting. */
class SettingTally {
  readonly matches: MaskMatch[] = [];
  readonly results: PseudoMaskResult[] = [];
  readonly classSum: Float64Array;
  readonly classCount: Int32Array;

  constructor(classes: number) {
    this.classSum = new Float64Array(classes);
    this.classCount = new Int32Array(classes);
  }

  add(result: PseudoMaskResult, matches: readonly MaskMatch[]): void {
    this.results.push(result);
    for (const m of matches) {
      this.matches.push(m);
      if (m.classId < this.classSum.length) {
        this.classSum[m.classId]! += m.iou;
        this.classCount[m.classId]!++;
      }
    }
  }

  finish(): SettingMeasurement {
    const summary = summarizeMaskAccuracy(this.matches);
    const cost = pseudoMaskCost(this.results);
    return {
      miou: summary.all === null ? null : 100 * summary.all,
      masks: summary.counts.all,
      meanLatent: cost.meanCount,
      meanClustersBeforeMerge: cost.meanClustersBeforeMerge,
      meanClustersAfterMerge: cost.meanClustersAfterMerge,
      meanMerges: cost.meanMerges,
      mergedShare: cost.mergedShare,
      classIou: Array.from(
        this.classSum,
        (s, c) => (this.classCount[c]! > 0 ? (100 * s) / this.classCount[c]! : null),
      ),
    };
  }
}

/**
 * Measures the pseudo-mask generator of `config.pseudoMask` on the first `config.data.evalScenes`
 * evaluation scenes in the three settings (see the module doc).
 *
 * @throws {RangeError} For an unseen class name the scenes do not have, no scenes, or a teacher
 *   grid that does not divide the scenes.
 */
export async function measureMaskAccuracy(
  config: C2SConfig,
  options: MeasureMasksOptions,
): Promise<MaskAccuracyMeasurement> {
  const { teacher, seed } = options;
  const dataset = options.data.eval;
  const { height: H, width: W, classNames } = dataset;
  const [h, w] = teacher.denseSize, d = teacher.dim;
  const n = Math.min(config.data.evalScenes, dataset.length);
  if (n < 1) throw new RangeError(measureMaskMessages.noScenes(config.data.evalScenes, n));
  if (H % h !== 0 || W % w !== 0) {
    throw new RangeError(measureMaskMessages.gridMismatch(h, w, H, W));
  }
  const unseenIds = resolveUnseen(classNames, config.data.unseen);
  const plans = MASK_SETTINGS.map((s) => settingPlan(s, unseenIds));
  const tallies = MASK_SETTINGS.map(() => new SettingTally(classNames.length));
  const grid = { height: H, width: W, h, w, dim: d };
  options.onEvent?.({ type: "cache", phase: "build", done: 0, total: n, path: null });
  for (let start = 0; start < n; start += CHUNK) {
    options.signal?.throwIfAborted();
    const m = Math.min(CHUNK, n - start);
    const scenes = Array.from({ length: m }, (_, j) => dataset.get(start + j));
    const C = dataset.channels ?? 1;
    const images = new Float32Array(m * H * W * C);
    scenes.forEach((s, j) => images.set(s.image, j * H * W * C));
    const tokens = await globalTokens(teacher, images, m, H, W, C);
    scenes.forEach((scene, j) => {
      const i = start + j;
      const dense = tokens.dense.subarray(j * h * w * d, (j + 1) * h * w * d);
      MASK_SETTINGS.forEach((_, k) => {
        const { result, generated } = generateForSetting(
          config,
          dense,
          scene.fullLabels,
          plans[k]!.annotated,
          grid,
          hashSeed(seed, i),
        );
        const matches = matchMasks(generated, scene.fullLabels, { unseenIds })
          .filter((match) => plans[k]!.scored(match));
        tallies[k]!.add(result, matches);
      });
    });
    options.onEvent?.({ type: "cache", phase: "build", done: start + m, total: n, path: null });
    // Let an abort (Ctrl-C) and the owner's messages through between chunks.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  const finished = tallies.map((t) => t.finish());
  const cost = pseudoMaskCost(tallies[0]!.results);
  return {
    scenes: n,
    classNames: [...classNames],
    unseenIds,
    settings: {
      unseen: finished[0]!,
      seen: finished[1]!,
      all: finished[2]!,
    },
    cost: { msPerImage: cost.meanMs, mflopPerImage: cost.meanFlops / 1e6 },
  };
}

/** Options of {@linkcode measurePseudoMaskCost}. */
export interface PseudoMaskCostOptions {
  readonly teacher: Teacher;
  /** Training scenes: their `labels` (seen classes only) are annotated, as in training. */
  readonly scenes: SegmentationDataset;
  /** Scenes timed (the first ones). @default COST_SCENES */
  readonly count?: number;
  /** Run seed (drives `ncut`). */
  readonly seed: number;
}

/**
 * The generator's mean cost per scene on the first `count` training scenes, with their seen
 * labels annotated as in training: milliseconds and MFLOP (the teacher pass not included).
 *
 * @throws {RangeError} When there are no scenes or the teacher grid does not divide them.
 */
export async function measurePseudoMaskCost(
  config: C2SConfig,
  options: PseudoMaskCostOptions,
): Promise<{ scenes: number; msPerImage: number; mflopPerImage: number }> {
  const { teacher, scenes: dataset } = options;
  const { height: H, width: W } = dataset;
  const [h, w] = teacher.denseSize, d = teacher.dim;
  const requested = options.count ?? COST_SCENES;
  const n = Math.min(requested, dataset.length);
  if (n < 1) throw new RangeError(measureMaskMessages.noScenes(requested, dataset.length));
  if (H % h !== 0 || W % w !== 0) {
    throw new RangeError(measureMaskMessages.gridMismatch(h, w, H, W));
  }
  const scenes = Array.from({ length: n }, (_, i) => dataset.get(i));
  const C = dataset.channels ?? 1;
  const images = new Float32Array(n * H * W * C);
  scenes.forEach((s, i) => images.set(s.image, i * H * W * C));
  const tokens = await globalTokens(teacher, images, n, H, W, C);
  const grid = { height: H, width: W, h, w, dim: d };
  const results = scenes.map((scene, i) =>
    generateForSetting(
      config,
      tokens.dense.subarray(i * h * w * d, (i + 1) * h * w * d),
      scene.labels,
      (c) => c !== IGNORE_LABEL,
      grid,
      hashSeed(options.seed, i),
    ).result
  );
  const cost = pseudoMaskCost(results);
  return { scenes: n, msPerImage: cost.meanMs, mflopPerImage: cost.meanFlops / 1e6 };
}

/**
 * The structure of the `unseen` setting's pseudo masks, as result names: K-Means clusters per
 * image before merging, after Algorithm 1 (before the `maxLatent` cap), the groups Algorithm 1
 * formed, the percent of scenes with a merge and the latent classes kept after the cap.
 */
export const MASK_STRUCTURE_METRICS = {
  clustersBefore: "clusters_per_image",
  clustersAfter: "merged_clusters_per_image",
  merges: "merges_per_image",
  scenesMerged: "scenes_merged",
  latentKept: "latent_per_image",
} as const;

/** A results row of a run record. */
export interface ResultRow {
  split: string;
  metric: string;
  value: number;
}

/**
 * The run-record rows of a measurement, split `"eval"`: `unseen`, `seen`, `all` (percent, the
 * metric names of Table XIII; a setting without masks has no row), `pseudo_mask_ms_per_image`
 * and `pseudo_mask_mflop_per_image` (the generator in the `unseen` setting); in the `unseen`
 * setting, the one training runs in: `clusters_per_image` (K-Means clusters before merging),
 * `merged_clusters_per_image` (after Algorithm 1, before the `maxLatent` cap), `merges_per_image`
 * (groups Algorithm 1 formed), `scenes_merged` (percent of scenes with a merge) and
 * `latent_per_image` (after the cap); and `masks_<setting>` (masks scored).
 */
export function maskAccuracyRows(measurement: MaskAccuracyMeasurement): ResultRow[] {
  const rows: ResultRow[] = [];
  const row = (metric: string, value: number) => rows.push({ split: "eval", metric, value });
  for (const setting of MASK_SETTINGS) {
    const s = measurement.settings[setting];
    if (s.miou !== null) row(setting, s.miou);
  }
  row("pseudo_mask_ms_per_image", measurement.cost.msPerImage);
  row("pseudo_mask_mflop_per_image", measurement.cost.mflopPerImage);
  const unseen = measurement.settings.unseen;
  const names = MASK_STRUCTURE_METRICS;
  row(names.clustersBefore, unseen.meanClustersBeforeMerge);
  row(names.clustersAfter, unseen.meanClustersAfterMerge);
  row(names.merges, unseen.meanMerges);
  row(names.scenesMerged, 100 * unseen.mergedShare);
  row(names.latentKept, unseen.meanLatent);
  for (const setting of MASK_SETTINGS) row(`masks_${setting}`, measurement.settings[setting].masks);
  return rows;
}

/**
 * Per-class rows of a run record: each class's mean best IoU in the setting that scores it
 * (unseen classes in `unseen`, seen classes in `seen`).
 */
export function maskAccuracyClassIou(measurement: MaskAccuracyMeasurement): ClassIou[] {
  const unseen = new Set(measurement.unseenIds);
  return measurement.classNames.map((className, c) => {
    const seen = !unseen.has(c);
    return {
      className,
      seen,
      iou: measurement.settings[seen ? "seen" : "unseen"].classIou[c] ?? null,
    };
  });
}

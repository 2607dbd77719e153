/**
 * Resolving a sweep: the ablations it names (one, or `all`), the hash context of this machine
 * (data digest, teacher hash, code digest) and every run, expanded and hashed. Without a
 * teacher or data a plan can still be shown, with provisional hashes.
 *
 * @module
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type Backend, type C2SConfig, DEFAULT_CONFIG } from "../c2s/config.ts";
import { loadRunData } from "../c2s/datasets.ts";
import type { Ablation } from "../spec/define.ts";
import { expandAblation, type PlannedRun } from "../spec/expand.ts";
import type { HashContext } from "../spec/hash.ts";
import { applyOverrides, mergeOverrides } from "../spec/keys.ts";
import { getPreset, type PresetName } from "../spec/presets.ts";
import { loadAblation, loadAllAblations, loadExperiment, onExperiment } from "../spec/registry.ts";
import { loadTeacher } from "../teacher/load.ts";
import { initBackend } from "../tf/backend.ts";
import { hashContext } from "./context.ts";

/** No items: the context of a folder dataset, whose identity is its sample list's digest. */
const NO_ITEMS = { images: new Uint8Array(0), labels: new Uint8Array(0), count: 0, size: 0 };

/** What to resolve. */
export interface SweepRequest {
  /** An ablation name, or `"all"`. */
  readonly target: string;
  readonly preset: PresetName;
  /** Seeds per variant; `null`: the preset's. */
  readonly seeds: number | null;
  /** `null`: the config's backend. */
  readonly backend: Backend | null;
  /** The teacher (checkpoint folder or module). */
  readonly teacher: string;
  /** Fashion-MNIST folder; `null`: the embedded copy (`data/fashion-mnist/`). */
  readonly dataDir: string | null;
  /** Folder of ablation files; `null`: the repository's `ablations/`. */
  readonly specsDir: string | null;
  /** Base experiment replacing each ablation's own (`experiments/<name>.ts`); `null`: theirs. */
  readonly experiment?: string | null;
}

/** A resolved sweep. */
export interface ResolvedSweep {
  readonly ablations: readonly Ablation[];
  /** Every run of every ablation, in plan order (seed-major per ablation). */
  readonly runs: readonly PlannedRun[];
  /** `null` when the teacher or the data could not be loaded (then `contextError` says why). */
  readonly context: HashContext | null;
  readonly contextError: Error | null;
}

/** The ablations `target` names, loaded and validated, on `experiment` when one is named. */
export async function loadTargets(
  target: string,
  specsDir: string | null,
  experiment: string | null = null,
): Promise<Ablation[]> {
  const options = specsDir === null ? {} : { dir: new URL(`${pathToFileURL(resolve(specsDir))}/`) };
  const ablations = target === "all"
    ? await loadAllAblations(options)
    : [await loadAblation(target, options)];
  if (experiment === null) return ablations;
  const base = await loadExperiment(experiment);
  return ablations.map((ablation) => onExperiment(ablation, base));
}

/**
 * The context of runs on this machine: loads the data of `data` (the Fashion-MNIST items, or a
 * VOC / COCO-Stuff folder's sample list) and the teacher (on the `wasm` backend; disposed again)
 * to digest them.
 */
export async function resolveContext(
  teacher: string,
  dataDir: string | null,
  data: C2SConfig["data"] = DEFAULT_CONFIG.data,
): Promise<HashContext> {
  const loaded = await loadRunData(data, dataDir === null ? {} : { dataDir });
  await initBackend("wasm");
  const model = await loadTeacher(teacher, { imageSize: [data.size, data.size] });
  try {
    const context = await hashContext(loaded.items ?? NO_ITEMS, model.hash);
    return loaded.identity === null ? context : { ...context, dataIdentity: loaded.identity };
  } finally {
    model.dispose();
  }
}

/**
 * Loads the ablations, resolves the context and expands every run. With `requireContext` a
 * missing teacher or data is an error; without, the runs get provisional hashes.
 */
export async function resolveSweep(
  request: SweepRequest,
  options: { requireContext: boolean },
): Promise<ResolvedSweep> {
  const ablations = await loadTargets(request.target, request.specsDir, request.experiment ?? null);
  let context: HashContext | null = null;
  let contextError: Error | null = null;
  // The data every run reads: its base's (one per sweep) at the preset's pool sizes.
  const first = ablations[0]!;
  const data = applyOverrides(
    DEFAULT_CONFIG,
    mergeOverrides(
      first.base.set,
      getPreset(request.preset).set,
      first.base.presets?.[request.preset] ?? {},
    ),
  ).data;
  try {
    context = await resolveContext(request.teacher, request.dataDir, data);
  } catch (error) {
    if (options.requireContext) throw error;
    contextError = error instanceof Error ? error : new Error(String(error));
  }
  const runs: PlannedRun[] = [];
  for (const ablation of ablations) {
    runs.push(
      ...await expandAblation(ablation, {
        preset: request.preset,
        ...(request.seeds === null ? {} : { seeds: request.seeds }),
        ...(request.backend === null ? {} : { backend: request.backend }),
        ...(context === null ? {} : { context }),
      }),
    );
  }
  return { ablations, runs, context, contextError };
}

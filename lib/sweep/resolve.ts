/**
 * Resolving a sweep: the ablations it names (one, or `all`), the hash context of this machine
 * (data digest, teacher hash, code digest) and every run, expanded and hashed. Without a
 * teacher or data a plan can still be shown, with provisional hashes.
 *
 * @module
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Backend } from "../c2s/config.ts";
import { loadFashionMnist } from "../data/fashion_mnist.ts";
import type { Ablation } from "../spec/define.ts";
import { expandAblation, type PlannedRun } from "../spec/expand.ts";
import type { HashContext } from "../spec/hash.ts";
import type { PresetName } from "../spec/presets.ts";
import { loadAblation, loadAllAblations } from "../spec/registry.ts";
import { loadTeacher } from "../teacher/load.ts";
import { initBackend } from "../tf/backend.ts";
import { hashContext } from "./context.ts";

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

/** The ablations `target` names, loaded and validated. */
export async function loadTargets(target: string, specsDir: string | null): Promise<Ablation[]> {
  const options = specsDir === null ? {} : { dir: new URL(`${pathToFileURL(resolve(specsDir))}/`) };
  return target === "all" ? await loadAllAblations(options) : [await loadAblation(target, options)];
}

/**
 * The context of runs on this machine: loads the data and the teacher (on the `wasm` backend;
 * the teacher is disposed again) to digest them.
 */
export async function resolveContext(
  teacher: string,
  dataDir: string | null,
): Promise<HashContext> {
  const { items } = await loadFashionMnist(dataDir === null ? {} : { dataDir });
  await initBackend("wasm");
  const model = await loadTeacher(teacher);
  try {
    return await hashContext(items, model.hash);
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
  const ablations = await loadTargets(request.target, request.specsDir);
  let context: HashContext | null = null;
  let contextError: Error | null = null;
  try {
    context = await resolveContext(request.teacher, request.dataDir);
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

/**
 * Presets: how long and how large the runs of an ablation are. A preset sets only the schedule,
 * the scene pool sizes and the seed count, never a method switch, so every preset runs the same
 * ablation. Order of application: `DEFAULT_CONFIG` <- base experiment <- preset <- variant <- seed.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { getPreset } from "./presets.ts";
 * assertEquals(getPreset("quick").seeds, 3);
 * ```
 *
 * @module
 */
import { suggest } from "../_suggest.ts";
import type { ConfigValue } from "./keys.ts";
import * as msg from "./messages.ts";

/** The preset names. */
export const PresetName = ["smoke", "quick", "paper"] as const;
export type PresetName = typeof PresetName[number];

/** The preset used when none is named. */
export const DEFAULT_PRESET: PresetName = "quick";

/** The only keys a preset may set: schedule and pool sizes. */
export const PRESET_KEYS = [
  "train.steps",
  "train.batchSize",
  "train.evalEvery",
  "train.logEvery",
  "data.trainScenes",
  "data.evalScenes",
] as const;
export type PresetKey = typeof PRESET_KEYS[number];

/** A preset: overrides of schedule/pool keys plus the number of seeds. */
export interface Preset {
  readonly name: PresetName;
  readonly description: string;
  /** Seeds per variant (run seeds 0 .. seeds - 1). */
  readonly seeds: number;
  readonly set: { readonly [K in PresetKey]?: ConfigValue<K> };
}

/** The presets by name. */
export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  smoke: {
    name: "smoke",
    description: "Seconds: a few steps on a handful of scenes, one seed. For tests only.",
    seeds: 1,
    set: {
      "train.steps": 3,
      "train.batchSize": 2,
      "train.evalEvery": 0,
      "train.logEvery": 1,
      "data.trainScenes": 8,
      "data.evalScenes": 4,
    },
  },
  // Budget: the token-bank ablation (4 variants x 3 seeds = 12 runs) in <= 15 min on 2 cores with
  // two single-threaded wasm workers, i.e. 6 runs per worker, ~2 min per run after the teacher
  // cache (1,024 scenes, built once, ~1 min). Measured: a training step of the default student
  // (batch 16) runs at ~33-37 images/s on one core (~7.9 GFLOP/s), and 320 steps took 2.7-3.2 min
  // per run (22 min for the sweep), so the quick schedule is 240 steps (~1.8 min of training plus
  // two evaluations of 512 scenes). The reference run showed the distillation effect by step
  // 200-250, and a 250-step check here separated baseline (hIoU 0.3) from full (24.3).
  quick: {
    name: "quick",
    description: "Minutes (the default): 240 steps of batch 16, 1,024 training scenes, 3 seeds.",
    seeds: 3,
    set: {
      "train.steps": 240,
      "train.batchSize": 16,
      "train.evalEvery": 120,
      "train.logEvery": 10,
      "data.trainScenes": 1024,
      "data.evalScenes": 512,
    },
  },
  // Twice the reference schedule's 800 steps (~5.6 TFLOP, ~6-9 min a run); 5 seeds, since 1-3
  // point gaps between variants are within 3-seed noise. Token-bank: 20 runs, ~1-1.5 h.
  paper: {
    name: "paper",
    description:
      "The longest worth running on CPU: 1,600 steps of batch 16, 4,096 scenes, 5 seeds.",
    seeds: 5,
    set: {
      "train.steps": 1600,
      "train.batchSize": 16,
      "train.evalEvery": 400,
      "train.logEvery": 10,
      "data.trainScenes": 4096,
      "data.evalScenes": 1024,
    },
  },
};

/** Whether `name` is a preset name. */
export function isPresetName(name: string): name is PresetName {
  return (PresetName as readonly string[]).includes(name);
}

/** The preset called `name`; an unknown name is a `RangeError` naming the presets. */
export function getPreset(name: string): Preset {
  if (!isPresetName(name)) {
    throw new RangeError(msg.unknownPreset(name, PresetName, suggest(name, PresetName)));
  }
  return PRESETS[name];
}

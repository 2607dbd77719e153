/**
 * Expansion of an ablation into runs: one per (variant, seed), each with its resolved config, the
 * overrides that produced it and its content hash. Overrides apply in this order, later winning:
 * `DEFAULT_CONFIG` <- base experiment <- preset <- variant <- run (`train.seed`, `backend`).
 *
 * @example Token-bank at the quick preset: 4 variants x 3 seeds
 * ```ts
 * import tokenBank from "../../ablations/token_bank.ts";
 * import { assertEquals } from "../_std.ts";
 * import { expandAblation } from "./expand.ts";
 * const runs = await expandAblation(tokenBank, { preset: "quick" });
 * assertEquals(runs.length, 12); // 4 bank sizes x 3 seeds
 * ```
 *
 * @module
 */
import { Backend, type C2SConfig, DEFAULT_CONFIG } from "../c2s/config.ts";
import { suggest } from "../_suggest.ts";
import type { Ablation, AblationKind, AblationSpec } from "./define.ts";
import { type HashContext, runHash, UNRESOLVED_CONTEXT } from "./hash.ts";
import { applyOverrides, mergeOverrides, type Overrides } from "./keys.ts";
import * as msg from "./messages.ts";
import type { TableId } from "./paper_tables.ts";
import { DEFAULT_PRESET, getPreset, type PresetName } from "./presets.ts";
import { validateConfig } from "./validate.ts";
import { ablationSource, isValidatedAblation, validateAblation } from "./validate_spec.ts";

/** The override layers of a run, in the order they apply. */
export interface OverrideLayers {
  readonly base: Overrides;
  readonly preset: Overrides;
  readonly variant: Overrides;
  /** `train.seed`, and `backend` when one was asked for. */
  readonly run: Overrides;
}

/** One run to execute: a variant of an ablation at one seed. */
export interface PlannedRun {
  /** Content hash (64 hex digits): the run's id in the tracker. */
  readonly hash: string;
  readonly ablation: string;
  readonly table: TableId;
  readonly kind: AblationKind;
  readonly variant: string;
  /** The paper row it reproduces, or `null` for an extra variant. */
  readonly paperRow: string | null;
  readonly seed: number;
  readonly preset: PresetName;
  readonly config: C2SConfig;
  /** All overrides that produced `config`, merged (later layers win). */
  readonly overrides: Overrides;
  readonly layers: OverrideLayers;
}

/** Options of `expandAblation`. */
export interface ExpandOptions {
  /** @default {"quick"} */
  readonly preset?: string;
  /**
   * Seeds per variant (run seeds 0 .. n - 1).
   * @default {the preset's count, capped by the ablation's `seeds`}
   */
  readonly seeds?: number;
  /** Overrides `backend` in every run (and so its hash). @default {the config's} */
  readonly backend?: Backend;
  /**
   * Data identity, teacher hash, code digest: the runner supplies them.
   * @default {UNRESOLVED_CONTEXT (provisional hashes, for plans)}
   */
  readonly context?: HashContext;
}

/** The number of seeds `expandAblation` uses for `ablation` under `options`. */
export function seedCount(ablation: Ablation, options: ExpandOptions = {}): number {
  if (options.seeds !== undefined) {
    if (!Number.isInteger(options.seeds) || options.seeds < 1) {
      throw new RangeError(msg.badSeedCount(options.seeds));
    }
    return options.seeds;
  }
  const preset = getPreset(options.preset ?? DEFAULT_PRESET);
  return Math.min(preset.seeds, ablation.seeds ?? Infinity);
}

/**
 * The runs of an ablation, seed-major (every variant at seed 0, then at seed 1, ...), so an
 * interrupted sweep leaves whole replicas of the table. A spec that has not been validated yet is
 * validated first (as `ablations/<name>.ts`).
 */
export async function expandAblation(
  ablation: Ablation | AblationSpec,
  options: ExpandOptions = {},
): Promise<PlannedRun[]> {
  const spec = isValidatedAblation(ablation)
    ? ablation
    : validateAblation(ablation, ablationSource(String(ablation.name)));
  const preset = getPreset(options.preset ?? DEFAULT_PRESET);
  const seeds = seedCount(spec, options);
  if (options.backend !== undefined && !Backend.includes(options.backend)) {
    const given: string = options.backend;
    throw new RangeError(msg.notOneOf("backend", Backend, given, suggest(given, Backend)));
  }
  const context = options.context ?? UNRESOLVED_CONTEXT;
  const runs: Promise<PlannedRun>[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    for (const variant of spec.variants) {
      const layers: OverrideLayers = {
        base: spec.base.set,
        preset: mergeOverrides(preset.set, spec.base.presets?.[preset.name] ?? {}),
        variant: variant.set,
        run: options.backend === undefined
          ? { "train.seed": seed }
          : { "train.seed": seed, backend: options.backend },
      };
      const overrides = mergeOverrides(layers.base, layers.preset, layers.variant, layers.run);
      const config = applyOverrides(DEFAULT_CONFIG, overrides);
      validateConfig(config, spec.source);
      runs.push(
        runHash({ config, preset: preset.name, kind: spec.kind }, context).then((hash) => ({
          hash,
          ablation: spec.name,
          table: spec.table,
          kind: spec.kind,
          variant: variant.label,
          paperRow: variant.paperRow,
          seed,
          preset: preset.name,
          config,
          overrides,
          layers,
        })),
      );
    }
  }
  return await Promise.all(runs);
}

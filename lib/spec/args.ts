/**
 * Arguments of `deno task ablate`, declared once: the ablation, preset, seeds, workers, database,
 * plan and backend. `parseAblateArgs` is the pure parser (everything is checked before any work
 * starts; the ablation name itself is checked by the registry, `loadAblation`); the runner adds
 * its own options to this declaration (`lib/sweep/args.ts`).
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { parseAblateArgs } from "./args.ts";
 * const args = parseAblateArgs(["token-bank", "--preset", "smoke", "--plan"]);
 * assert.ok(!args.help && args.target === "token-bank" && args.preset === "smoke" && args.plan);
 * ```
 *
 * @module
 */
import { choice, defineTask, flag, integer, text } from "../_args.ts";
import { Backend } from "../c2s/config.ts";
import { DEFAULT_PRESET, PresetName } from "./presets.ts";

/** Default number of parallel workers. */
export const DEFAULT_WORKERS = 2;

/** Default database file. */
export const DEFAULT_DB = "runs.duckdb";

/** The ablation to run (or report): one positional argument. */
export const ABLATION_TARGET = {
  target: text({
    value: "NAME|all",
    required: true,
    description: 'An ablation (one file of ablations/, one table of the paper), or "all"',
  }),
};

/** `ablate`, as the spec layer knows it: which table, how long, how many seeds, where to. */
export const ABLATE = defineTask({
  name: "ablate",
  summary: `Runs the ablation NAME (one file of ablations/, one table of the paper), or all of
    them: every variant x seed is one training run, tracked in a DuckDB file. Finished runs (same
    content hash) are skipped, so the command can be re-run to resume.`,
  positionals: ABLATION_TARGET,
  flags: {
    preset: choice(PresetName, {
      default: DEFAULT_PRESET,
      description: `Schedule and pool sizes. smoke: seconds, 1 seed (tests); quick: minutes, 3
        seeds; paper: the longest worth running on CPU, 5 seeds`,
    }),
    seeds: integer({
      min: 1,
      default: null,
      defaultText: "the preset's",
      description: "Seeds per variant",
    }),
    workers: integer({
      min: 1,
      default: DEFAULT_WORKERS,
      description: "Runs in parallel, one process each",
    }),
    db: text({ value: "PATH", default: DEFAULT_DB, description: "Database file" }),
    plan: flag({
      aliases: ["dry-run"],
      description: "Print the runs, their overrides, hashes and done/pending; run nothing",
    }),
    experiment: text({
      value: "NAME",
      default: null,
      defaultText: "the ablation's own base, fashion-scenes",
      description: `Run the ablation on another base experiment (experiments/NAME.ts): voc-clip or
        coco-stuff-clip for the paper's setting (with --teacher CLIP_DIR and --data DIR)`,
    }),
    backend: choice(Backend, {
      default: null,
      defaultText: "the config's, wasm",
      description: "Tensor backend",
    }),
  },
  examples: `
    # Table IX: 4 bank sizes x 3 seeds at the quick preset
    deno task ablate token-bank
    # What would run, with overrides and hashes, and what is already done
    deno task ablate token-bank --plan
    # Table IV at the longest schedule, 5 seeds
    deno task ablate module --preset paper --seeds 5
    # Every table, a few steps each (a smoke test of the whole pipeline)
    deno task ablate all --preset smoke --workers 1
    # Table X into another database file
    deno task ablate window-size --db /tmp/window.duckdb`,
});

/**
 * Parses `ablate`'s arguments (no I/O): a typed struct, or `{ help: true }`. A malformed command
 * line is a `TypeError`, a value out of range a `RangeError`, each naming the flag and the value.
 */
export const parseAblateArgs = ABLATE.parse;

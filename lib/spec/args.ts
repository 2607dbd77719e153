/**
 * Arguments of `deno task ablate`: a pure parser returning a typed struct, and the help text.
 * Everything is checked here, before any work starts; the ablation name itself is checked by the
 * registry (`loadAblation`).
 *
 * @example
 * ```ts
 * import { parseAblateArgs } from "./args.ts";
 * const args = parseAblateArgs(["token-bank", "--preset", "smoke", "--plan"]);
 * if (!args.help) console.log(args.target, args.preset, args.plan); // token-bank smoke true
 * ```
 *
 * @module
 */
import { parseArgs } from "../_std.ts";
import { Backend } from "../c2s/config.ts";
import { suggest } from "../_suggest.ts";
import * as msg from "./messages.ts";
import { DEFAULT_PRESET, PresetName } from "./presets.ts";

/** Default number of parallel workers. */
export const DEFAULT_WORKERS = 2;

/** Default database file. */
export const DEFAULT_DB = "runs.duckdb";

/** What `ablate` was asked to do (when not `--help`). */
export interface AblateRequest {
  readonly help: false;
  /** An ablation name, or `"all"`. */
  readonly target: string;
  /** @default {"quick"} */
  readonly preset: PresetName;
  /** Seeds per variant; `null`: the preset's (capped by the ablation). */
  readonly seeds: number | null;
  /** @default {2} */
  readonly workers: number;
  /** @default {"runs.duckdb"} */
  readonly db: string;
  /** `--plan` / `--dry-run`: print the runs and stop. */
  readonly plan: boolean;
  /** `null`: the config's backend. */
  readonly backend: Backend | null;
}

/** `ablate --help`. */
export interface AblateHelp {
  readonly help: true;
}

/** The parsed arguments of `ablate`. */
export type AblateArgs = AblateRequest | AblateHelp;

/** The help text of `ablate`, with worked examples. */
export const ABLATE_HELP = `Usage: deno task ablate NAME|all [options]

Runs the ablation NAME (one file of ablations/, one table of the paper), or all of them: every
variant x seed is one training run, tracked in a DuckDB file. Finished runs (same content hash)
are skipped, so the command can be re-run to resume.

Options:
  --preset smoke|quick|paper  Schedule and pool sizes (default: ${DEFAULT_PRESET}).
                                smoke: seconds, 1 seed (tests); quick: minutes, 3 seeds;
                                paper: the longest worth running on CPU, 5 seeds.
  --seeds N                   Seeds per variant (default: the preset's).
  --workers N                 Runs in parallel, one process each (default: ${DEFAULT_WORKERS}).
  --db PATH                   Database file (default: ${DEFAULT_DB}).
  --plan, --dry-run           Print the runs, their overrides, hashes and done/pending; run nothing.
  --backend ${Backend.join("|")}
                              Tensor backend (default: the config's, wasm).
  -h, --help                  Show this help.

Examples:
  # Table IX: 4 bank sizes x 3 seeds at the quick preset
  deno task ablate token-bank
  # What would run, with overrides and hashes, and what is already done
  deno task ablate token-bank --plan
  # Table IV at the longest schedule, 5 seeds
  deno task ablate module --preset paper --seeds 5
  # Every table, a few steps each (a smoke test of the whole pipeline)
  deno task ablate all --preset smoke --workers 1
  # Table X into another database file
  deno task ablate window-size --db /tmp/window.duckdb
`;

const OPTIONS = {
  preset: { type: "string" },
  seeds: { type: "string" },
  workers: { type: "string" },
  db: { type: "string" },
  plan: { type: "boolean" },
  "dry-run": { type: "boolean" },
  backend: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const OPTION_NAMES = Object.keys(OPTIONS).map((name) => `--${name}`);

function integer(option: string, value: string, min: number): number {
  const number = /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < min) {
    throw new RangeError(msg.badOptionInteger(option, min, value));
  }
  return number;
}

function choice<T extends string>(option: string, choices: readonly T[], value: string): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new RangeError(msg.badOptionChoice(option, choices, value, suggest(value, choices)));
  }
  return value as T;
}

/**
 * Parses `ablate`'s arguments. Unknown options are `TypeError`s with a suggestion; missing or
 * bad values are `TypeError`/`RangeError`s naming the option and the value given.
 */
export function parseAblateArgs(argv: readonly string[]): AblateArgs {
  const { tokens } = parseArgs({
    args: [...argv],
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  if (tokens.some((t) => t.kind === "option" && t.name === "help")) return { help: true };

  const names: string[] = [];
  let preset: PresetName = DEFAULT_PRESET;
  let seeds: number | null = null;
  let workers = DEFAULT_WORKERS;
  let db = DEFAULT_DB;
  let plan = false;
  let backend: Backend | null = null;
  for (const token of tokens) {
    if (token.kind === "positional") {
      names.push(token.value);
      continue;
    }
    if (token.kind !== "option") continue;
    const option = token.rawName;
    if (!Object.hasOwn(OPTIONS, token.name)) {
      throw new TypeError(msg.unknownOption(option, suggest(option, OPTION_NAMES)));
    }
    const type = OPTIONS[token.name as keyof typeof OPTIONS].type;
    if (type === "boolean") {
      if (token.value !== undefined) throw new TypeError(msg.flagWithValue(option, token.value));
      plan = true; // --plan and --dry-run are the only flags besides --help
      continue;
    }
    const value = token.value;
    if (value === undefined || (!token.inlineValue && /^--?[a-z]/i.test(value))) {
      throw new TypeError(msg.missingOptionValue(option));
    }
    switch (token.name) {
      case "preset":
        preset = choice(option, PresetName, value);
        break;
      case "seeds":
        seeds = integer(option, value, 1);
        break;
      case "workers":
        workers = integer(option, value, 1);
        break;
      case "db":
        if (value.trim() === "") throw new TypeError(msg.emptyOptionValue(option));
        db = value;
        break;
      case "backend":
        backend = choice(option, Backend, value);
        break;
    }
  }
  if (names.length === 0) throw new TypeError(msg.missingAblationName());
  if (names.length > 1) throw new TypeError(msg.tooManyNames(names));
  return { help: false, target: names[0] as string, preset, seeds, workers, db, plan, backend };
}

/**
 * The registry of ablations: one file per paper table under `ablations/`, named after the
 * ablation (`token-bank` -> `ablations/token_bank.ts`), whose default export is the spec.
 * Loading a file validates it; every problem names the file.
 *
 * @example
 * ```ts
 * import { assert, assertEquals } from "../_std.ts";
 * import { listAblations, loadAblation } from "./registry.ts";
 * assert((await listAblations()).includes("token-bank")); // "aggregation", "calibration-tokens", ...
 * const tokenBank = await loadAblation("token-bank");
 * assertEquals(tokenBank.variants.map((v) => v.label), ["0", "2", "6", "14"]);
 * ```
 *
 * @module
 */
import { suggest } from "../_suggest.ts";
import type { Ablation, ExperimentSpec } from "./define.ts";
import * as msg from "./messages.ts";
import {
  experimentSource,
  rebaseAblation,
  validateAblation,
  validateExperiment,
} from "./validate_spec.ts";

/** Options of the registry functions. */
export interface RegistryOptions {
  /**
   * The folder of ablation files (tests point it elsewhere).
   * @default {the repository's `ablations/`}
   */
  readonly dir?: URL;
}

const DEFAULT_DIR = new URL("../../ablations/", import.meta.url);
const EXPERIMENTS_DIR = new URL("../../experiments/", import.meta.url);

function folder(options: RegistryOptions): URL {
  const dir = options.dir ?? DEFAULT_DIR;
  return dir.href.endsWith("/") ? dir : new URL(`${dir.href}/`);
}

function shownPath(dir: URL, file: string): string {
  if (dir.href === DEFAULT_DIR.href) return `ablations/${file}`;
  return decodeURIComponent(new URL(file, dir).pathname);
}

/** The names of the ablations (kebab-case, sorted): one per `*.ts` file of the folder. */
export async function listAblations(options: RegistryOptions = {}): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(folder(options))) {
    if (!entry.isFile || !entry.name.endsWith(".ts") || entry.name.startsWith("_")) continue;
    names.push(entry.name.slice(0, -3).replaceAll("_", "-"));
  }
  return names.sort();
}

/**
 * Imports and validates the ablation called `name`. An unknown name is a `RangeError` that lists
 * the known ones (with a suggestion); a malformed file is a `TypeError`/`RangeError`/`SyntaxError`
 * that names it.
 */
export async function loadAblation(name: string, options: RegistryOptions = {}): Promise<Ablation> {
  const known = await listAblations(options);
  if (!known.includes(name)) {
    throw new RangeError(msg.unknownAblation(name, known, suggest(name, known)));
  }
  const dir = folder(options);
  const file = `${name.replaceAll("-", "_")}.ts`;
  const source = shownPath(dir, file);
  let module: Record<string, unknown>;
  try {
    module = await import(new URL(file, dir).href);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const ErrorClass = error instanceof SyntaxError
      ? SyntaxError
      : error instanceof RangeError
      ? RangeError
      : TypeError;
    throw new ErrorClass(msg.cannotLoad(source, msg.importFailed(reason)), { cause: error });
  }
  const ablation = validateAblation(module.default, source);
  if (ablation.name !== name) {
    throw new TypeError(msg.cannotLoad(source, msg.nameMismatch(ablation.name, name)));
  }
  return ablation;
}

/** Every ablation, loaded and validated, in name order. */
export async function loadAllAblations(options: RegistryOptions = {}): Promise<Ablation[]> {
  const ablations: Ablation[] = [];
  for (const name of await listAblations(options)) {
    ablations.push(await loadAblation(name, options));
  }
  return ablations;
}

/** The names of the base experiments (kebab-case, sorted): one per `experiments/*.ts` file. */
export async function listExperiments(): Promise<string[]> {
  return await listAblations({ dir: EXPERIMENTS_DIR });
}

/**
 * Imports and validates the base experiment called `name` (`experiments/<name>.ts`), e.g. to run
 * an ablation on another benchmark (`ablate --experiment voc-clip`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { loadExperiment } from "./registry.ts";
 * assertEquals((await loadExperiment("voc-clip")).set["data.source"], "voc");
 * ```
 *
 * @throws {RangeError} For an unknown name (listing the known ones, with a suggestion).
 */
export async function loadExperiment(name: string): Promise<ExperimentSpec> {
  const known = await listExperiments();
  if (!known.includes(name)) {
    throw new RangeError(msg.unknownExperiment(name, known, suggest(name, known)));
  }
  const source = experimentSource(name);
  const module = await import(new URL(`${name.replaceAll("-", "_")}.ts`, EXPERIMENTS_DIR).href);
  const experiment = validateExperiment(module.default, source);
  if (experiment.name !== name) {
    throw new TypeError(msg.cannotLoad(source, msg.nameMismatch(experiment.name, name)));
  }
  return experiment;
}

/** `ablation` with its base replaced by `experiment` (its variants apply on top). */
export function onExperiment(ablation: Ablation, experiment: ExperimentSpec): Ablation {
  return rebaseAblation(ablation, experiment);
}

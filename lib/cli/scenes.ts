/**
 * `deno task scenes`: writes PNG previews of fashion-scenes (training and/or evaluation) with
 * their label maps, and prints the data source and the class split. See `HELP` for the flags.
 *
 * @module
 */
import { parseArgs } from "../_std.ts";
import { FASHION_CLASSES, IGNORE_LABEL, type Scene } from "../data/types.ts";
import { loadFashionMnist } from "../data/fashion_mnist.ts";
import { DEFAULT_UNSEEN, resolveClassSplit } from "../data/split.ts";
import { createFashionBenchmark } from "../data/benchmark.ts";
import { scenePreview } from "../data/preview.ts";
import { encodePng } from "../data/png.ts";
import { CLASS_PALETTE, IGNORE_COLOR, rgbHex, UNSEEN_COLOR } from "../data/palette.ts";
import * as msg from "../data/messages.ts";

/** Which scene sets to preview. */
export const SceneSplit = ["train", "eval", "both"] as const;
export type SceneSplit = typeof SceneSplit[number];

/** The parsed, validated arguments of the scenes task. */
export interface ScenesArgs {
  help: boolean;
  /** Scenes per set, 1..10000. */
  count: number;
  /** Output directory (created when missing). */
  out: string;
  /** Benchmark seed: item partition and both scene sets. */
  seed: number;
  /** Unseen class names, validated. */
  unseen: string[];
  /** Fashion-MNIST directory, or null for the default search (Debian, then embedded). */
  data: string | null;
  split: SceneSplit;
}

/** The task's help text. */
export const HELP = `deno task scenes: preview fashion-scenes and their label maps as PNG files

Usage: deno task scenes [--count N] [--out DIR] [--seed N] [--unseen NAMES] [--data DIR]
                        [--split train|eval|both]

Writes, for each scene i, DIR/train-iii.png (image | training labels | full labels) and/or
DIR/eval-iii.png (image | full labels), and prints the data source and the class split.
In label maps each class has its colour, background/ignore is black, and in the training view
the pixels of unseen classes (unannotated, like background) are grey.

Flags:
  --count N        scenes per set, 1..10000 (default 8)
  --out DIR        output directory, created when missing (default scenes/)
  --seed N         benchmark seed: item partition and both scene sets, integer >= 0 (default 1)
  --unseen NAMES   comma-separated unseen classes (default ${DEFAULT_UNSEEN.join(",")});
                   valid names: ${FASHION_CLASSES.join(", ")}
  --data DIR       Fashion-MNIST directory with train-*/t10k-* IDX files, .gz or plain
                   (default: /usr/share/datasets/fashion-mnist when installed, else the
                   embedded test split in data/fashion-mnist/)
  --split WHICH    train, eval or both (default both)
  -h, --help       show this help

Example:
  deno task scenes --count 8 --out scenes/ --seed 3 --unseen "Trouser,Sneaker,Ankle boot"
`;

function parseInteger(flag: string, value: string, min: number, max: number): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in ${min}..${max}`;
    throw new RangeError(msg.cliBadInteger(flag, value, range));
  }
  return n;
}

/**
 * Parses and validates the task's arguments; does no work and touches no files.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { parseScenesArgs } from "./scenes.ts";
 * const args = parseScenesArgs(["--count", "4", "--split", "eval"]);
 * assert.ok(args.count === 4 && args.split === "eval" && args.out === "scenes/");
 * ```
 * @throws {TypeError} On an unknown flag, a flag without its value, or a stray argument.
 * @throws {RangeError} On a value out of range or an unknown class name.
 */
export function parseScenesArgs(argv: readonly string[]): ScenesArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        help: { type: "boolean", short: "h" },
        count: { type: "string" },
        out: { type: "string" },
        seed: { type: "string" },
        unseen: { type: "string" },
        data: { type: "string" },
        split: { type: "string" },
      },
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const flag = /'(-[^' ]+)/.exec((error as Error).message)?.[1] ?? "?";
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") throw new TypeError(msg.cliUnknownFlag(flag));
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      throw new TypeError(msg.cliMissingValue(flag));
    }
    throw error;
  }
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new TypeError(msg.cliUnexpectedArgument(positionals[0]!));
  if (values.help) return { ...parseScenesArgs([]), help: true };
  const count = parseInteger("--count", values.count ?? "8", 1, 10000);
  const seed = parseInteger("--seed", values.seed ?? "1", 0, Number.MAX_SAFE_INTEGER);
  const out = values.out ?? "scenes/";
  if (out.trim() === "") throw new RangeError(msg.cliEmptyValue("--out"));
  const data = values.data ?? null;
  if (data !== null && data.trim() === "") throw new RangeError(msg.cliEmptyValue("--data"));
  const split = values.split ?? "both";
  if (!(SceneSplit as readonly string[]).includes(split)) {
    throw new RangeError(msg.cliBadChoice("--split", split, SceneSplit));
  }
  const unseen = values.unseen === undefined
    ? [...DEFAULT_UNSEEN]
    : values.unseen.split(",").map((name) => name.trim()).filter((name) => name !== "");
  resolveClassSplit(unseen); // validates: unknown, duplicate, none or all
  return {
    help: false,
    count,
    out,
    seed,
    unseen,
    data,
    split: split as SceneSplit,
  };
}

function describeScene(scene: Scene, unseen: readonly number[]): string {
  return scene.items.map((placed) => {
    const name = FASHION_CLASSES[placed.classId] ?? String(placed.classId);
    const mark = unseen.includes(placed.classId) ? " (unseen)" : "";
    return `${name}${mark} ${placed.size}px@${placed.x},${placed.y}`;
  }).join(", ");
}

function names(ids: readonly number[]): string {
  return ids.map((id) => `${FASHION_CLASSES[id]} (${id})`).join(", ");
}

/** Runs the task with parsed arguments; returns the written file paths. */
export async function runScenes(args: ScenesArgs): Promise<string[]> {
  const { items, source } = await loadFashionMnist(
    args.data === null ? {} : { dataDir: args.data },
  );
  const bench = createFashionBenchmark(items, {
    unseen: args.unseen,
    seed: args.seed,
    trainScenes: Math.max(args.count, 2048),
    evalScenes: Math.max(args.count, 512),
  });
  console.log(`data: ${source}`);
  console.log(`seen: ${names(bench.split.seen)}`);
  console.log(`unseen: ${names(bench.split.unseen)}`);
  console.log(
    `items: ${bench.partition.train.length} for training scenes, ${bench.partition.eval.length} held out for evaluation scenes (seed ${args.seed})`,
  );
  console.log(
    "colours: " + FASHION_CLASSES.map((name, id) => `${name} ${rgbHex(CLASS_PALETTE[id]!)}`)
      .join(", ") +
      `; background/ignore (${IGNORE_LABEL}) ${rgbHex(IGNORE_COLOR)}; unannotated unseen ${
        rgbHex(UNSEEN_COLOR)
      }`,
  );
  await Deno.mkdir(args.out, { recursive: true });
  const written: string[] = [];
  const sets = args.split === "both" ? (["train", "eval"] as const) : [args.split];
  for (const set of sets) {
    const dataset = set === "train" ? bench.train : bench.eval;
    const panels = set === "train"
      ? "image | training labels | full labels"
      : "image | full labels";
    console.log(`${set} scenes (${panels}):`);
    for (let i = 0; i < args.count; i++) {
      const scene = dataset.get(i);
      const preview = scenePreview(scene, { view: set });
      const path = `${args.out.replace(/\/+$/, "")}/${set}-${String(i).padStart(3, "0")}.png`;
      await Deno.writeFile(
        path,
        await encodePng(preview.width, preview.height, 3, preview.pixels),
      );
      written.push(path);
      console.log(`  ${path}: ${describeScene(scene, bench.split.unseen)}`);
    }
  }
  return written;
}

if (import.meta.main) {
  try {
    const args = parseScenesArgs(Deno.args);
    if (args.help) console.log(HELP);
    else await runScenes(args);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    Deno.exit(2);
  }
}

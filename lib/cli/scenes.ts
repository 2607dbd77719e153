/**
 * `deno task scenes`: writes PNG previews of fashion-scenes (training and/or evaluation) with
 * their label maps, and prints the data source and the class split. See `SCENES` for the flags.
 *
 * @module
 */
import { arg, choice, cliMain, defineTask, integer, type RequestOf, text } from "../_args.ts";
import { FASHION_CLASSES, IGNORE_LABEL, type Scene } from "../data/types.ts";
import { loadFashionMnist } from "../data/fashion_mnist.ts";
import { DEFAULT_UNSEEN, resolveClassSplit } from "../data/split.ts";
import { createFashionBenchmark } from "../data/benchmark.ts";
import { scenePreview } from "../data/preview.ts";
import { encodePng } from "../data/png.ts";
import { CLASS_PALETTE, IGNORE_COLOR, rgbHex, UNSEEN_COLOR } from "../data/palette.ts";

/** Which scene sets to preview. */
export const SceneSplit = ["train", "eval", "both"] as const;
export type SceneSplit = typeof SceneSplit[number];

/** Comma-separated class names, checked against the classes (a `RangeError` names a bad one). */
function readClassNames(text: string): readonly string[] {
  const names = text.split(",").map((name) => name.trim()).filter((name) => name !== "");
  resolveClassSplit(names); // validates: unknown, duplicate, none or all
  return names;
}

/** `scenes`: PNG previews of the benchmark's scenes and their label maps. */
export const SCENES = defineTask({
  name: "scenes",
  summary: `Previews fashion-scenes and their label maps as PNG files: for each scene i,
    DIR/train-iii.png (image | training labels | full labels) and/or DIR/eval-iii.png (image |
    full labels); prints the data source and the class split. In label maps each class has its
    colour, background/ignore is black, and in the training view the pixels of unseen classes
    (unannotated, like background) are grey.`,
  flags: {
    count: integer({ min: 1, max: 10000, default: 8, description: "Scenes per set, 1..10000" }),
    out: text({ value: "DIR", default: "scenes/", description: "Output folder, made if missing" }),
    seed: integer({ min: 0, default: 1, description: "Benchmark seed: items and scene sets" }),
    unseen: arg({
      value: "NAMES",
      default: DEFAULT_UNSEEN,
      description: `Comma-separated unseen classes, of ${FASHION_CLASSES.join(", ")}`,
      read: readClassNames,
    }),
    data: text({
      value: "DIR",
      default: null,
      defaultText: "the test split embedded in data/fashion-mnist/",
      description: "Fashion-MNIST folder with train-*/t10k-* IDX files, .gz or plain",
    }),
    split: choice(SceneSplit, { default: "both", description: "Which scene sets" }),
  },
  examples: `
    # Eight scenes of each set, with three unseen classes
    deno task scenes --count 8 --out scenes/ --seed 3 --unseen "Trouser,Sneaker,Ankle boot"`,
});

/** The parsed, validated arguments of the scenes task. */
export type ScenesArgs = RequestOf<typeof SCENES>;

/**
 * Parses and validates the task's arguments; does no work and touches no files. A malformed
 * command line is a `TypeError`; a value out of range or an unknown class name a `RangeError`.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { parseScenesArgs } from "./scenes.ts";
 * const args = parseScenesArgs(["--count", "4", "--split", "eval"]);
 * assert.ok(!args.help && args.count === 4 && args.split === "eval" && args.out === "scenes/");
 * ```
 */
export const parseScenesArgs = SCENES.parse;

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

/** Parses `args`, writes the previews, and returns the exit code. */
export const main = cliMain(SCENES, async (args) => void await runScenes(args));

if (import.meta.main) Deno.exit(await main(Deno.args));

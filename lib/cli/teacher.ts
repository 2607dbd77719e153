/**
 * `deno task teacher`: trains the mini-CLIP teacher from scratch (resumable) and prints or
 * re-measures its card; `eval --teacher PATH` says what any teacher `loadTeacher` takes is (a
 * CLIPModel folder has no card) and measures it the same way. See `TEACHER` for the flags.
 *
 * @module
 */
import { BENCHMARK_PARTITION } from "../data/split.ts";
import {
  choice,
  cliMain,
  defineTask,
  flag,
  integer,
  number,
  type RequestOf,
  text,
} from "../_args.ts";
import { Backend } from "../c2s/config.ts";
import { initBackend } from "../tf/backend.ts";
import { loadFashionMnist } from "../data/fashion_mnist.ts";
import { createFashionBenchmark } from "../data/benchmark.ts";
import { trainTeacher } from "../teacher/train.ts";
import { FILES } from "../teacher/checkpoint.ts";
import {
  buildCard,
  cardWeightsMismatch,
  checkCard,
  formatCard,
  readCard,
  type TeacherCard,
} from "../teacher/card.ts";
import { evaluateTeacher } from "../teacher/evaluate.ts";
import { imageForwardMacs } from "../teacher/flops.ts";
import { describeTeacher } from "../teacher/describe.ts";
import { isClipFolder } from "../teacher/clip/teacher.ts";
import { DEFAULT_TEACHER_DIR, isTeacherModule, loadTeacher } from "../teacher/load.ts";
import { pathKind } from "../_files.ts";
import { createProgress, formatDuration } from "../teacher/progress.ts";
import * as msg from "../teacher/messages.ts";

/** Subcommands. */
export const TeacherCommand = ["train", "eval"] as const;
export type TeacherCommand = typeof TeacherCommand[number];

/** Steps of the shipped teacher's run (the default of `train`). */
export const DEFAULT_STEPS = 8500;

/** `teacher`: train the mini-CLIP teacher, or print / re-measure its card. */
export const TEACHER = defineTask({
  name: "teacher",
  summary: `Trains the mini-CLIP teacher, or prints / re-measures its card. Training is
    resumable: the state is saved every few minutes and on Ctrl-C; run the same command again to
    resume. At the end it writes DIR/teacher.safetensors, DIR/config.json and DIR/card.json.`,
  positionals: {
    command: choice(TeacherCommand, {
      value: "COMMAND",
      required: true,
      description: `train: trains from scratch (DESIGN.md, "Calibration": conv tower + attention
        pooling, text tower over "a photo of a {class}", AdamW, 32 single items + 32 scenes + 32
        masked items per step) on the teacher's own training items (never the held-out ones),
        with a progress bar. eval: prints DIR/card.json, or for a teacher without a card (a
        Hugging Face CLIPModel folder, a module) what it is and its sha256; with --measure it
        (re-)measures the figures on held-out data`,
    }),
  },
  flags: {
    steps: integer({
      min: 1,
      default: DEFAULT_STEPS,
      defaultText: `${DEFAULT_STEPS}, the shipped teacher's run`,
      description: "train: optimiser steps",
    }),
    seed: integer({ min: 0, default: 0, description: "train: seed of the weights and batches" }),
    out: text({
      value: "DIR",
      default: DEFAULT_TEACHER_DIR,
      defaultText: "data/teacher, the shipped teacher",
      description: "Teacher folder: the output of train, the input of eval",
    }),
    teacher: text({
      value: "PATH",
      default: null,
      defaultText: "the --out folder",
      description: `eval: the teacher to print or measure, and it wins over --out: a checkpoint
        folder, a Hugging Face CLIPModel folder, or a module whose default export makes a Teacher
        (train writes only to --out)`,
    }),
    backend: choice(Backend, { default: "wasm", description: "Tensor backend" }),
    data: text({
      value: "DIR",
      default: null,
      defaultText: "the embedded test split",
      description: "Fashion-MNIST folder",
    }),
    batch: integer({ min: 1, default: 32, description: "train: items per kind per step" }),
    workers: integer({
      min: 1,
      default: 1,
      description: `train: data-parallel worker threads, one core each; each step's batch is split
        over them and their gradients averaged (batch-norm statistics per part). A run resumes
        only with the worker count it started with`,
    }),
    checkpointMinutes: number({
      value: "M",
      min: 0,
      default: 3,
      description: "train: minutes between training-state saves",
    }),
    measure: flag({ description: "eval: re-measure instead of printing the stored card" }),
  },
  examples: `
    # A short run into a scratch folder
    deno task teacher train --out /tmp/teacher --steps 200
    # The shipped teacher's run (8,500 steps, 110 TFLOP) on both cores, Debian's 70k items
    deno task teacher train --out /tmp/teacher --workers 2 --data /usr/share/datasets/fashion-mnist
    # Re-measure the shipped teacher on held-out data
    deno task teacher eval --measure
    # What a CLIP checkpoint is, and its figures on the same held-out data
    deno task teacher eval --teacher ~/models/clip-vit-base-patch16 --measure`,
});

/** The parsed, validated arguments of the teacher task. */
export type TeacherArgs = RequestOf<typeof TEACHER>;

/**
 * Parses and validates the task's arguments; does no work. A malformed command line is a
 * `TypeError`; a value out of range or an unknown command a `RangeError`.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { parseTeacherArgs } from "./teacher.ts";
 * const a = parseTeacherArgs(["train", "--steps", "10", "--backend", "cpu"]);
 * assert.ok(!a.help && a.command === "train" && a.steps === 10 && a.backend === "cpu");
 * ```
 */
export function parseTeacherArgs(argv: readonly string[]): ReturnType<typeof TEACHER.parse> {
  const args = TEACHER.parse(argv);
  if (!args.help && args.command === "train" && args.teacher !== null) {
    throw new TypeError(msg.teacherFlagOnTrain(args.teacher));
  }
  return args;
}

const PARTITION = BENCHMARK_PARTITION;

/**
 * The teacher's figures on the held-out items and scenes. Every teacher is loaded at the scenes'
 * size (64 x 64) and fed their one grey channel: this is how C2S runs feed it (`loadTeacher(path,
 * { imageSize: [size, size] })`), a CLIP repeats the channel to RGB itself (`ClipModel.encodeImage`)
 * and resizes its position grid to the image (4 x 4 patches at patch size 16).
 */
async function measure(path: string, data: string | null) {
  const { items, source } = await loadFashionMnist(data === null ? {} : { dataDir: data });
  const bench = createFashionBenchmark(items, { seed: PARTITION.seed });
  const side = bench.eval.height;
  const teacher = await loadTeacher(path, { imageSize: [side, side] });
  try {
    return {
      accuracy: evaluateTeacher(teacher, items, bench.partition.eval, bench.eval),
      source,
      side,
      grid: teacher.denseSize,
    };
  } finally {
    teacher.dispose();
  }
}

async function train(args: TeacherArgs): Promise<number> {
  const backend = await initBackend(args.backend);
  const { items, source } = await loadFashionMnist(
    args.data === null ? {} : { dataDir: args.data },
  );
  console.log(`data: ${source}`);
  console.log(`backend: ${backend}; output: ${args.out}`);
  let stop = false;
  const onSignal = () => {
    stop = true;
  };
  Deno.addSignalListener("SIGINT", onSignal);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", onSignal);
  let progress: ReturnType<typeof createProgress> | null = null;
  try {
    const result = await trainTeacher(items, {
      outDir: args.out,
      steps: args.steps,
      seed: args.seed,
      batch: args.batch,
      workers: args.workers,
      checkpointMinutes: args.checkpointMinutes,
      partitionSeed: PARTITION.seed,
      evalFraction: PARTITION.evalFraction,
      shouldStop: () => stop,
      onStep: (p) => {
        if (progress === null) {
          if (p.resumed) console.log(`resuming at step ${p.startStep}`);
          progress = createProgress({ total: p.steps, start: p.startStep });
        }
        progress.update(
          p.step,
          `loss ${p.loss.total.toFixed(3)} (dense ${p.loss.dense.toFixed(3)})`,
        );
      },
    });
    (progress as ReturnType<typeof createProgress> | null)?.done();
    if (!result.done) {
      console.log(
        `stopped at step ${result.step}/${result.steps}; state saved, run the same command to resume`,
      );
      return 130;
    }
    console.log(
      `trained ${result.steps} steps in ${
        formatDuration(result.elapsedMs / 1000)
      }; measuring on held-out data...`,
    );
    const m = await measure(args.out, args.data);
    const card: TeacherCard = buildCard({
      sha256: result.sha256!,
      accuracy: m.accuracy,
      partitionSeed: PARTITION.seed,
      evalFraction: PARTITION.evalFraction,
      data: source,
      steps: result.steps,
      seed: result.seed,
      batch: args.batch,
      imagesSeen: result.imagesSeen,
      forwardMacsPerImage: imageForwardMacs(result.config),
      flops: result.trainingFlops,
      wallSeconds: Math.round(result.elapsedMs / 1000),
      backend,
      finalLoss: result.lastLoss,
    });
    await Deno.writeTextFile(`${args.out}/${FILES.card}`, JSON.stringify(card, null, 2) + "\n");
    console.log(formatCard(card));
    return 0;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    if (Deno.build.os !== "windows") Deno.removeSignalListener("SIGTERM", onSignal);
  }
}

/** Prints what the teacher at `path` is (it has no card); loading it checks its files. */
async function describe(path: string): Promise<void> {
  const teacher = await loadTeacher(path);
  try {
    console.log(describeTeacher(teacher));
  } finally {
    teacher.dispose();
  }
}

async function evaluate(args: TeacherArgs): Promise<number> {
  const path = args.teacher ?? args.out;
  const cardPath = `${path}/${FILES.card}`;
  const cardless = isTeacherModule(path) || await isClipFolder(path) ||
    (args.teacher !== null && await pathKind(cardPath) === null);
  if (cardless) {
    await initBackend(args.backend);
    await describe(path);
    if (args.measure) await printMeasured(path, args.data, "measured");
    return 0;
  }
  const stored = await readCard(cardPath);
  if (stored === null && !args.measure) throw new Error(msg.noCard(cardPath));
  const card = stored === null ? null : checkCard(stored, cardPath);
  if (card) {
    // A card beside other weights describes nothing here: never print it as theirs.
    const mismatch = await cardWeightsMismatch(path, card);
    if (mismatch === null) console.log(formatCard(card));
    else if (!args.measure) throw new Error(mismatch);
    else console.error(`warning: ${mismatch}`);
  }
  if (args.measure) {
    await initBackend(args.backend);
    await printMeasured(path, args.data, "re-measured");
  }
  return 0;
}

/** Measures the teacher at `path` (the backend started) and prints its three figures. */
async function printMeasured(path: string, data: string | null, verb: string): Promise<void> {
  const m = await measure(path, data);
  const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
  const [h, w] = m.grid;
  console.log(`${verb} on ${m.source} (${m.side} x ${m.side} grey images, ${h} x ${w} grid):`);
  console.log(
    `  zero-shot ${pct(m.accuracy.zeroShot)}, masked ${pct(m.accuracy.masked)}, dense ${
      pct(m.accuracy.dense)
    }`,
  );
}

/** Runs the task with `argv`; returns the exit code. */
export const main = cliMain(
  { ...TEACHER, parse: parseTeacherArgs },
  (args) => args.command === "train" ? train(args) : evaluate(args),
);

if (import.meta.main) Deno.exit(await main(Deno.args));

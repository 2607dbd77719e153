/**
 * `deno task teacher`: trains the mini-CLIP teacher from scratch (resumable) and prints or
 * re-measures its card. See `HELP` for the flags.
 *
 * @module
 */
import { BENCHMARK_PARTITION } from "../data/split.ts";
import { parseArgs } from "../_std.ts";
import { Backend } from "../c2s/config.ts";
import { initBackend } from "../tf/backend.ts";
import { loadFashionMnist } from "../data/fashion_mnist.ts";
import { createFashionBenchmark } from "../data/benchmark.ts";
import { trainTeacher } from "../teacher/train.ts";
import { FILES } from "../teacher/checkpoint.ts";
import { buildCard, formatCard, readCard, type TeacherCard } from "../teacher/card.ts";
import { evaluateTeacher } from "../teacher/evaluate.ts";
import { imageForwardMacs } from "../teacher/flops.ts";
import { DEFAULT_TEACHER_DIR, loadTeacher } from "../teacher/load.ts";
import { createProgress, formatDuration } from "../teacher/progress.ts";
import * as msg from "../teacher/messages.ts";

/** Subcommands. */
export const TeacherCommand = ["train", "eval"] as const;
export type TeacherCommand = typeof TeacherCommand[number];

/** Steps of the shipped teacher's run (the default of `train`). */
export const DEFAULT_STEPS = 2000;

/** The parsed, validated arguments of the teacher task. */
export interface TeacherArgs {
  help: boolean;
  command: TeacherCommand;
  backend: Backend;
  /** Teacher directory (output of train, input of eval). */
  out: string;
  steps: number;
  seed: number;
  /** Items per kind per step. */
  batch: number;
  checkpointMinutes: number;
  /** Fashion-MNIST directory, or null for the default search. */
  data: string | null;
  /** eval: re-measure the figures instead of only printing the card. */
  measure: boolean;
}

/** The task's help text. */
export const HELP = `deno task teacher: train the mini-CLIP teacher, or print / re-measure its card

Usage: deno task teacher train [--steps N] [--seed N] [--out DIR] [--backend B] [--data DIR]
                               [--batch N] [--checkpoint-minutes M]
       deno task teacher eval  [--out DIR] [--measure] [--backend B] [--data DIR]

train  trains from scratch (DESIGN.md, "Calibration": conv tower + attention pooling, text tower
       over "a photo of a {class}", AdamW, 32 single items + 32 scenes + 32 masked items per
       step) on the teacher's own training items (never the held-out ones), with a progress bar.
       The training state is saved every few minutes and on Ctrl-C; run the same command again
       to resume. At the end it writes DIR/teacher.safetensors, DIR/config.json and DIR/card.json.
eval   prints DIR/card.json; with --measure it re-measures the figures on held-out data.

Flags:
  --steps N               optimiser steps (default ${DEFAULT_STEPS}, the shipped teacher's run)
  --seed N                seed of the initial weights and batches (default 0)
  --out DIR               teacher directory (default data/teacher, the shipped teacher)
  --backend B             ${Backend.join(" | ")} (default wasm)
  --data DIR              Fashion-MNIST directory (default: the Debian set when installed,
                          else the embedded test split)
  --batch N               items per kind per step (default 32)
  --checkpoint-minutes M  minutes between training-state saves (default 3)
  --measure               eval: re-measure instead of printing the stored card
  -h, --help              show this help

Examples:
  deno task teacher train --out /tmp/teacher --steps 200
  deno task teacher eval --measure
`;

function parseNumber(flag: string, value: string, min: number, integer: boolean): number {
  const n = Number(value.trim());
  if (
    value.trim() === "" || !Number.isFinite(n) || n < min || (integer && !Number.isSafeInteger(n))
  ) {
    throw new RangeError(
      msg.cliBadNumber(flag, value, integer ? `an integer >= ${min}` : `a number >= ${min}`),
    );
  }
  return n;
}

/**
 * Parses and validates the task's arguments; does no work.
 *
 * @example
 * ```ts
 * import { parseTeacherArgs } from "./teacher.ts";
 * const a = parseTeacherArgs(["train", "--steps", "10", "--backend", "cpu"]);
 * console.assert(a.command === "train" && a.steps === 10 && a.backend === "cpu");
 * ```
 * @throws {TypeError} On an unknown flag or command, or a flag without its value.
 * @throws {RangeError} On a value out of range.
 */
export function parseTeacherArgs(argv: readonly string[]): TeacherArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        help: { type: "boolean", short: "h" },
        steps: { type: "string" },
        seed: { type: "string" },
        out: { type: "string" },
        backend: { type: "string" },
        data: { type: "string" },
        batch: { type: "string" },
        "checkpoint-minutes": { type: "string" },
        measure: { type: "boolean" },
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
  const help = values.help === true;
  const command = positionals[0] ?? (help ? "train" : undefined);
  if (command === undefined) throw new TypeError(msg.cliNoCommand([...TeacherCommand]));
  if (!(TeacherCommand as readonly string[]).includes(command)) {
    throw new TypeError(msg.cliUnknownCommand(command, [...TeacherCommand]));
  }
  if (positionals.length > 1) throw new TypeError(msg.cliUnexpectedArgument(positionals[1]!));
  const backend = values.backend ?? "wasm";
  if (!(Backend as readonly string[]).includes(backend)) {
    throw new RangeError(msg.cliBadBackend(backend, [...Backend]));
  }
  const out = values.out ?? DEFAULT_TEACHER_DIR;
  if (out.trim() === "") throw new RangeError(msg.cliEmptyValue("--out"));
  const data = values.data ?? null;
  if (data !== null && data.trim() === "") throw new RangeError(msg.cliEmptyValue("--data"));
  return {
    help,
    command: command as TeacherCommand,
    backend: backend as Backend,
    out,
    steps: parseNumber("--steps", values.steps ?? String(DEFAULT_STEPS), 1, true),
    seed: parseNumber("--seed", values.seed ?? "0", 0, true),
    batch: parseNumber("--batch", values.batch ?? "32", 1, true),
    checkpointMinutes: parseNumber(
      "--checkpoint-minutes",
      values["checkpoint-minutes"] ?? "3",
      0,
      false,
    ),
    data,
    measure: values.measure === true,
  };
}

const PARTITION = BENCHMARK_PARTITION;

async function measure(dir: string, data: string | null) {
  const { items, source } = await loadFashionMnist(data === null ? {} : { dataDir: data });
  const bench = createFashionBenchmark(items, { seed: PARTITION.seed });
  const teacher = await loadTeacher(dir);
  try {
    return {
      accuracy: evaluateTeacher(teacher, items, bench.partition.eval, bench.eval),
      source,
      teacher,
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

async function evaluate(args: TeacherArgs): Promise<number> {
  const card = await readCard(`${args.out}/${FILES.card}`);
  if (card === null && !args.measure) throw new Error(msg.noCard(`${args.out}/${FILES.card}`));
  if (card) console.log(formatCard(card));
  if (args.measure) {
    await initBackend(args.backend);
    const m = await measure(args.out, args.data);
    const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
    console.log(`re-measured on ${m.source}:`);
    console.log(
      `  zero-shot ${pct(m.accuracy.zeroShot)}, masked ${pct(m.accuracy.masked)}, dense ${
        pct(m.accuracy.dense)
      }`,
    );
  }
  return 0;
}

/** Runs the task with `argv`; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let args: TeacherArgs;
  try {
    args = parseTeacherArgs(argv);
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  return args.command === "train" ? await train(args) : await evaluate(args);
}

if (import.meta.main) Deno.exit(await main(Deno.args));

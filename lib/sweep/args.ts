/**
 * Arguments of `deno task ablate`: the spec layer's `parseAblateArgs` (ablation, preset, seeds,
 * workers, database, plan, backend) plus the runner's own options: where the teacher, the data,
 * the ablation files and the working area are. A pure parser; the help text adds the runner's
 * options and examples to the spec layer's.
 *
 * @example
 * ```ts
 * import { parseSweepArgs } from "./args.ts";
 * const args = parseSweepArgs(["token-bank", "--teacher", "my_teacher.ts", "--workers", "1"]);
 * if (!args.help) console.log(args.target, args.teacher, args.workers); // token-bank my_teacher.ts 1
 * ```
 *
 * @module
 */
import { ABLATE_HELP, type AblateRequest, parseAblateArgs } from "../spec/args.ts";
import { DEFAULT_WORK_DIR } from "./job.ts";
import * as msg from "./messages.ts";
import { DEFAULT_TEACHER } from "./teacher_source.ts";

/** `ablate`'s request with the runner's options. */
export interface SweepArgs extends AblateRequest {
  /** @default {the shipped checkpoint, data/teacher/} */
  readonly teacher: string;
  /** Fashion-MNIST folder; `null`: the loader's default (Debian's full set, else the embedded split). */
  readonly dataDir: string | null;
  /** Folder of ablation files; `null`: the repository's `ablations/`. */
  readonly specsDir: string | null;
  /** @default {".cache"} */
  readonly workDir: string;
}

/** The parsed arguments of `ablate`. */
export type ParsedSweepArgs = SweepArgs | { readonly help: true };

const RUNNER_OPTIONS = `Runner options:
  --teacher PATH              The frozen teacher: a checkpoint folder, or a module whose default
                              export makes a Teacher (default: data/teacher/, the shipped one).
  --data DIR                  Fashion-MNIST folder (default: the Debian package's full set when
                              installed, else the split embedded in data/fashion-mnist/).
  --specs DIR                 Folder of ablation files (default: ablations/).
  --work DIR                  Working area: job files, run records, artifacts and the teacher
                              cache under DIR/{jobs,records,artifacts,c2s} (default: ${DEFAULT_WORK_DIR}).

How it runs: one process owns the database; each run trains in its own process
(\`deno task run-one\`), which writes a run record the owner stores. Ctrl-C stops the runs in
progress and marks them interrupted; the same command resumes, skipping finished runs.
`;

const RUNNER_EXAMPLES =
  `  # Against another teacher checkpoint, with its jobs, records and caches kept apart
  deno task ablate module --teacher /data/teachers/mini-clip-100tflop/ --work /tmp/c2s-work
  # A test-sized teacher (a module whose default export makes a Teacher), a few steps per run
  deno task ablate token-bank --preset smoke --teacher tests/sweep/_tiny_teacher.ts --db /tmp/smoke.duckdb
  # One planned run by itself (the hash from --plan; ablate wrote its job file when it ran)
  deno task run-one 3f2a9c1b
`;

/** The help text of `ablate`: the spec layer's, with the runner's options and examples. */
export const SWEEP_HELP: string = (() => {
  const marker = "\nExamples:\n";
  const at = ABLATE_HELP.indexOf(marker);
  if (at < 0) return `${ABLATE_HELP}\n${RUNNER_OPTIONS}`;
  return `${ABLATE_HELP.slice(0, at)}\n${RUNNER_OPTIONS}${ABLATE_HELP.slice(at)}` +
    RUNNER_EXAMPLES;
})();

const RUNNER_FLAGS = {
  "--teacher": "teacher",
  "--data": "dataDir",
  "--specs": "specsDir",
  "--work": "workDir",
} as const;
type RunnerFlag = keyof typeof RUNNER_FLAGS;

/**
 * Parses `ablate`'s arguments: the runner's options here (a missing or empty value is a
 * `TypeError` naming the option), everything else by `parseAblateArgs`.
 */
export function parseSweepArgs(argv: readonly string[]): ParsedSweepArgs {
  const rest: string[] = [];
  const found: Partial<Record<(typeof RUNNER_FLAGS)[RunnerFlag], string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    const eq = arg.indexOf("=");
    const flag = (eq >= 0 ? arg.slice(0, eq) : arg) as RunnerFlag;
    if (!Object.hasOwn(RUNNER_FLAGS, flag)) {
      rest.push(arg);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || /^--?[a-z]/i.test(value)) {
        throw new TypeError(msg.badOption("ablate", flag, "needs a value"));
      }
      i++;
    }
    if (value.trim() === "") throw new TypeError(msg.badOption("ablate", flag, "needs a value"));
    found[RUNNER_FLAGS[flag]] = value;
  }
  const parsed = parseAblateArgs(rest);
  if (parsed.help) return parsed;
  return {
    ...parsed,
    teacher: found.teacher ?? DEFAULT_TEACHER,
    dataDir: found.dataDir ?? null,
    specsDir: found.specsDir ?? null,
    workDir: found.workDir ?? DEFAULT_WORK_DIR,
  };
}

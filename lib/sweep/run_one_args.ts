/**
 * Arguments of `deno task run-one`: a pure parser returning a typed struct, and the help text.
 *
 * @example
 * ```ts
 * import { parseRunOneArgs } from "./run_one_args.ts";
 * const args = parseRunOneArgs(["3f2a9c1b", "--records", "/tmp/records"]);
 * if (!args.help) console.log(args.job, args.records); // 3f2a9c1b /tmp/records
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "../_std.ts";
import { DEFAULT_WORK_DIR } from "./job.ts";
import * as msg from "./messages.ts";

const TASK = "run-one";

/** What `run-one` was asked to do. */
export interface RunOneRequest {
  readonly help: false;
  /** A job file, or a job hash (or a unique prefix of at least 8 hex digits). */
  readonly job: string;
  /** @default {".cache/jobs"} */
  readonly jobs: string;
  /** @default {".cache/records"} */
  readonly records: string;
  /** Load the teacher from here instead of the job's path; `null`: the job's. */
  readonly teacher: string | null;
  /** Speak the owner protocol: JSON lines on stdout, stdin end-of-file stops the run. */
  readonly json: boolean;
}

/** The parsed arguments of `run-one`. */
export type RunOneArgs = RunOneRequest | { readonly help: true };

/** The help text of `run-one`, with worked examples. */
export const RUN_ONE_HELP = `Usage: deno task run-one JOB [options]

Trains one planned run without the database and writes its run record (a file named after the
run's hash, written under a temporary name and renamed when complete). \`deno task ablate\` runs
its workers this way and stores the records; \`deno task collect\` stores records written
elsewhere (say, by a cluster job array). JOB is a job file, or the hash of one in the jobs folder
(a unique prefix of 8 or more hex digits will do). \`deno task ablate NAME --plan\` prints the
hashes; \`ablate\` writes the job files when it runs.

Options:
  --jobs DIR        Folder of job files (default: ${DEFAULT_WORK_DIR}/jobs).
  --records DIR     Where the record goes (default: ${DEFAULT_WORK_DIR}/records).
  --teacher PATH    Load the teacher from PATH instead of the job's (a checkpoint folder, or a
                    module whose default export makes a Teacher); its hash must match the job's.
  --json            Report as JSON lines on stdout (the protocol \`ablate\` reads) and stop the
                    run when stdin closes.
  -h, --help        Show this help.

Examples:
  # Train the run whose hash starts with 3f2a9c1b (a job ablate planned), record to .cache/records
  deno task run-one 3f2a9c1b
  # A job file, with its record written to a shared folder, then store it
  deno task run-one .cache/jobs/3f2a9c1b...e1.job.json --records /shared/records
  deno task collect --from /shared/records --db runs.duckdb
`;

const OPTIONS = {
  jobs: { type: "string" },
  records: { type: "string" },
  teacher: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/**
 * Parses `run-one`'s arguments. Unknown options, missing values and a missing or extra JOB are
 * `TypeError`s naming the problem.
 */
export function parseRunOneArgs(argv: readonly string[]): RunOneArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    const first = (error as Error).message.split(/\.(\s|$)/)[0] ?? "";
    throw new TypeError(`${TASK}: ${first}; see "${TASK} --help"`, { cause: error });
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (positionals.length === 0) {
    throw new TypeError(`${TASK}: give a job file or hash; see "${TASK} --help"`);
  }
  if (positionals.length > 1) {
    throw new TypeError(
      `${TASK}: one job at a time, got ${positionals.length}: ${
        positionals.map((p) => JSON.stringify(p)).join(", ")
      }`,
    );
  }
  for (const name of ["jobs", "records", "teacher"] as const) {
    if (values[name] !== undefined && values[name].trim() === "") {
      throw new TypeError(msg.badOption(TASK, `--${name}`, "needs a non-empty value"));
    }
  }
  return {
    help: false,
    job: positionals[0]!,
    jobs: values.jobs ?? join(DEFAULT_WORK_DIR, "jobs"),
    records: values.records ?? join(DEFAULT_WORK_DIR, "records"),
    teacher: values.teacher ?? null,
    json: values.json ?? false,
  };
}

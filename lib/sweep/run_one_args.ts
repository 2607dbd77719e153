/**
 * Arguments of `deno task run-one`, declared once; `parseRunOneArgs` is the pure parser.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { parseRunOneArgs } from "./run_one_args.ts";
 * const args = parseRunOneArgs(["3f2a9c1b", "--records", "/tmp/records"]);
 * assert.ok(!args.help && args.job === "3f2a9c1b" && args.records === "/tmp/records");
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { defineTask, flag, type RequestOf, text } from "../_args.ts";
import { DEFAULT_WORK_DIR } from "./job.ts";

/** `run-one`: one planned run, without the database. */
export const RUN_ONE = defineTask({
  name: "run-one",
  summary: `Trains one planned run without the database and writes its run record (a file named
    after the run's hash, written under a temporary name and renamed when complete). \`deno task
    ablate\` runs its workers this way and stores the records; \`deno task collect\` stores
    records written elsewhere (say, by a cluster job array).`,
  positionals: {
    job: text({
      value: "JOB",
      required: true,
      description: `A job file, or the hash of one in the jobs folder (a unique prefix of 8 or more
        hex digits will do; \`deno task ablate NAME --plan\` prints the hashes, \`ablate\` writes
        the job files when it runs)`,
    }),
  },
  flags: {
    jobs: text({
      value: "DIR",
      default: join(DEFAULT_WORK_DIR, "jobs"),
      description: "Folder of job files",
    }),
    records: text({
      value: "DIR",
      default: join(DEFAULT_WORK_DIR, "records"),
      description: "Where the record goes",
    }),
    teacher: text({
      value: "PATH",
      default: null,
      defaultText: "the job's",
      description: `Load the teacher from PATH (a checkpoint folder, or a module whose default
        export makes a Teacher); its hash must match the job's`,
    }),
    json: flag({
      description: `Report as JSON lines on stdout (the protocol \`ablate\` reads) and stop the run
        when stdin closes`,
    }),
  },
  examples: `
    # Train the run whose hash starts with 3f2a9c1b (a job ablate planned), record to .cache/records
    deno task run-one 3f2a9c1b
    # A job file, with its record written to a shared folder, then store it
    deno task run-one .cache/jobs/3f2a9c1b.job.json --records /shared/records
    deno task collect --from /shared/records --db runs.duckdb`,
});

/** What `run-one` was asked to do: `teacher` is `null` for the job's own. */
export type RunOneRequest = RequestOf<typeof RUN_ONE>;

/** Parses `run-one`'s arguments (no I/O; see `lib/_args.ts` for the errors). */
export const parseRunOneArgs = RUN_ONE.parse;

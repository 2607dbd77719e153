/**
 * Arguments of `deno task ablate`: the spec layer's declaration (ablation, preset, seeds, workers,
 * database, plan, backend) plus the runner's own options: where the teacher, the data, the
 * ablation files and the working area are. `parseSweepArgs` is the pure parser; the help text
 * lists the runner's options after the spec layer's and adds their examples.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { parseSweepArgs } from "./args.ts";
 * const args = parseSweepArgs(["token-bank", "--teacher", "my_teacher.ts", "--workers", "1"]);
 * assert.ok(!args.help && args.teacher === "my_teacher.ts" && args.workers === 1);
 * ```
 *
 * @module
 */
import { defineTask, flag, type RequestOf, text } from "../_args.ts";
import { ABLATE } from "../spec/args.ts";
import { waitFlag } from "../track/_cli.ts";
import { DEFAULT_TEACHER_DIR } from "../teacher/load.ts";
import { DEFAULT_WORK_DIR } from "./job.ts";

const group = "Runner options";

/** `ablate` with the runner's options: the task `deno task ablate` runs. */
export const SWEEP = defineTask({
  ...ABLATE.spec,
  flags: {
    ...ABLATE.spec.flags,
    teacher: text({
      group,
      value: "PATH",
      default: DEFAULT_TEACHER_DIR,
      defaultText: "data/teacher/, the shipped one",
      description: `The frozen teacher: a checkpoint folder, a Hugging Face CLIPModel folder, or a
        module whose default export makes a Teacher`,
    }),
    dataDir: text({
      group,
      name: "data",
      value: "DIR",
      default: null,
      defaultText: "the test split embedded in data/fashion-mnist/",
      description: `Fashion-MNIST folder, e.g. /usr/share/datasets/fashion-mnist for Debian's
        full 70k set (the data are part of each run's identity)`,
    }),
    specsDir: text({
      group,
      name: "specs",
      value: "DIR",
      default: null,
      description: "Folder of ablation files",
      defaultText: "ablations/",
    }),
    workDir: text({
      group,
      name: "work",
      value: "DIR",
      default: DEFAULT_WORK_DIR,
      description: `Working area: job files, run records, artifacts and the teacher cache under
        DIR/{jobs,records,artifacts,c2s}`,
    }),
    waitMs: waitFlag({ defaultSeconds: 0, group }),
    rerun: flag({
      group,
      description: `Train every planned run again, finished ones too. A finished run's rows are
        kept under the id HASH~N (N = 1, 2, ...); tables and reports count the new attempt`,
    }),
  },
  notes: [{
    title: "How it runs",
    text: `One process owns the database; each run trains in its own process (\`deno task
      run-one\`), which writes a run record the owner stores. Ctrl-C stops the runs in progress
      and marks them interrupted; the same command resumes, skipping finished runs.`,
  }],
  examples: `${ABLATE.spec.examples}
    # Against another teacher checkpoint, with its jobs, records and caches kept apart
    deno task ablate module --teacher /data/teachers/mini-clip-100tflop/ --work /tmp/c2s-work
    # A test-sized teacher (a module whose default export makes a Teacher), a few steps per run
    deno task ablate token-bank --preset smoke --teacher tests/sweep/_tiny_teacher.ts --db /tmp/smoke.duckdb
    # Retrain Table IX's runs although they are finished (the earlier results stay, as HASH~1)
    deno task ablate token-bank --rerun
    # One planned run by itself (the hash from --plan; ablate wrote its job file when it ran)
    deno task run-one 3f2a9c1b
    # Table IX in the paper's setting: CLIP ViT-B/16 (a Hugging Face folder) on PASCAL VOC 2012
    deno task ablate token-bank --experiment voc-clip --teacher ~/clip-vit-base-patch16 --data ~/VOC2012`,
});

/** `ablate`'s request with the runner's options (`dataDir`, `specsDir`: `null` for defaults). */
export type SweepArgs = RequestOf<typeof SWEEP>;

/** Parses `ablate`'s arguments, the runner's options included (no I/O; see `lib/_args.ts`). */
export const parseSweepArgs = SWEEP.parse;

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
import { choice, defineTask, flag, integer, many, number, type RequestOf, text } from "../_args.ts";
import { ABLATE } from "../spec/args.ts";
import { waitFlag } from "../track/_cli.ts";
import { DEFAULT_TEACHER_DIR } from "../teacher/load.ts";
import { DEFAULT_WORK_DIR } from "./job.ts";

const group = "Runner options";

/** Where `ablate`'s runs train: `local` here, `slurm` as one job array on a cluster. */
export const Launcher = ["local", "slurm"] as const;

/** Where a sweep's runs train. */
export type Launcher = typeof Launcher[number];

const slurm = "Slurm options";

/** `--launcher` and the options of a Slurm job array (`lib/sweep/slurm.ts`). */
const SLURM_FLAGS = {
  launcher: choice(Launcher, {
    group: slurm,
    default: "local",
    description: `local: train here, --workers at a time. slurm: write the job files to --work (a
      folder every node sees), submit one sbatch --array of the runs still missing, print its
      job id and return; collect (or the next ablate) stores what the tasks wrote`,
  }),
  status: flag({
    group: slurm,
    description: `Show each run's state (pending, running, finished, failed, interrupted) from
      squeue, sacct where accounting runs (else scontrol and the job completion file) and the
      record files; opens no database`,
  }),
  partition: text({ group: slurm, value: "P", default: null, description: "sbatch --partition" }),
  time: text({
    group: slurm,
    value: "T",
    default: null,
    description: "sbatch --time per run (minutes, or [D-]HH:MM:SS)",
  }),
  gpus: text({
    group: slurm,
    value: "G",
    default: null,
    description: "sbatch --gpus per run (2, or a100:1); pair it with --backend webgpu",
  }),
  arrayLimit: integer({
    group: slurm,
    min: 1,
    default: null,
    description: "At most N tasks of the array at once (--array=0-M%N)",
  }),
  module: many(text({
    group: slurm,
    value: "NAME",
    default: null,
    description: `module load NAME in each task (repeatable; $C2S_SLURM_MODULES on the node adds
      more)`,
  })),
  slurmOption: many(text({
    group: slurm,
    value: "OPT",
    default: null,
    description: `Another sbatch option, e.g. --slurm-option=--account=lab (repeatable; write it
      with =)`,
  })),
};

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
      description: `Fashion-MNIST folder (or the VOC2012 / COCO-Stuff folder of --experiment),
        e.g. /usr/share/datasets/fashion-mnist for Debian's full 70k set (the data are part of
        each run's identity)`,
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
    delta: number({
      group,
      value: "POINTS",
      min: 0,
      default: 1,
      description: `Equivalence margin of the paper's claims printed after each table: a paired 95%
        CI within +/- POINTS of 0 reads equivalent`,
    }),
    untilResolved: flag({
      group,
      description: `Add seeds until every claim of the paper on the table is resolved
        (reproduced, reversed or equivalent) or --max-seeds is reached. The seed counts looked at
        are fixed before the first run (the starting seeds, then about 1.5x more each time, up to
        the cap) and the 5% error rate is split over those looks (Bonferroni), so each look judges
        with a paired CI wider than 95% (98.75% for 4 looks). With all: table by table`,
    }),
    maxSeeds: integer({
      group,
      min: 1,
      default: null,
      defaultText: "10",
      description: "With --until-resolved: the most seeds per variant",
    }),
    rerun: flag({
      group,
      description: `Train every planned run again, finished ones too. A finished run's rows are
        kept under the id HASH~N (N = 1, 2, ...); tables and reports count the new attempt`,
    }),
    ...SLURM_FLAGS,
  },
  notes: [{
    title: "How it runs",
    text: `One process owns the database; each run trains in its own process (\`deno task
      run-one\`), which writes a run record the owner stores. Ctrl-C stops the runs in progress
      and marks them interrupted; the same command resumes, skipping finished runs.`,
  }, {
    title: "On a Slurm cluster",
    text: `--launcher slurm submits one job array (one task per missing run, each running \`deno
      task run-one HASH\` in this checkout) and returns; no task opens the database. Give a --work
      that every node sees. Run the same command again to store what landed and submit only the
      runs neither finished nor pending/running in Slurm; a cancelled, preempted, timed-out or
      failed task's run is stored as interrupted or failed with its Slurm state and log. Task
      states come from squeue, then sacct where accounting runs, else scontrol and the job
      completion file (jobcomp/filetxt). Deno on the nodes: $C2S_DENO, this Deno's path, deno on
      PATH, or npx -y deno@2.`,
  }],
  examples: `${ABLATE.spec.examples}
    # Against another teacher checkpoint, with its jobs, records and caches kept apart
    deno task ablate module --teacher /data/teachers/mini-clip-100tflop/ --work /tmp/c2s-work
    # A test-sized teacher (a module whose default export makes a Teacher), a few steps per run
    deno task ablate token-bank --preset smoke --teacher tests/sweep/_tiny_teacher.ts --db /tmp/smoke.duckdb
    # Table XI: add seeds until each of the paper's claims reads reproduced, reversed or equivalent
    deno task ablate aggregation --until-resolved --max-seeds 12
    # Retrain Table IX's runs although they are finished (the earlier results stay, as HASH~1)
    deno task ablate token-bank --rerun
    # One planned run by itself (the hash from --plan; ablate wrote its job file when it ran)
    deno task run-one 3f2a9c1b
    # Table IX in the paper's setting: CLIP ViT-B/16 (a Hugging Face folder) on PASCAL VOC 2012
    deno task ablate token-bank --experiment voc-clip --teacher ~/clip-vit-base-patch16 --data ~/VOC2012
    # Table IX as one Slurm job array on GPU nodes, a shared work folder, 8 tasks at a time
    deno task ablate token-bank --launcher slurm --work /shared/c2s --partition gpu --gpus 1 --backend webgpu --time 02:00:00 --array-limit 8 --module cuda
    # Its runs: pending, running, finished, failed, interrupted (with the Slurm state and log)
    deno task ablate token-bank --work /shared/c2s --status`,
});

/** `ablate`'s request with the runner's options (`dataDir`, `specsDir`: `null` for defaults). */
export type SweepArgs = RequestOf<typeof SWEEP>;

/** Parses `ablate`'s arguments, the runner's options included (no I/O; see `lib/_args.ts`). */
export const parseSweepArgs = SWEEP.parse;

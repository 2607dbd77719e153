/**
 * The batch script of a sweep's job array. Each task reads its run's hash from line
 * `SLURM_ARRAY_TASK_ID + 1` of the submission's `hashes.txt`, leaves a start marker, and runs
 * `deno task run-one HASH` in the checkout, which trains from the run's job file and writes its
 * record to the shared records folder; no task opens the database.
 *
 * Deno is found on the node in this order: `$C2S_DENO`, the Deno that submitted (when the same
 * path exists on the node), `deno` on PATH, `npx -y deno@2`. `module load` lines come from
 * `--module` (and `$C2S_SLURM_MODULES`, space-separated, when set on the node).
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { batchScript } from "./slurm_script.ts";
 * const script = batchScript({
 *   submission: "/shared/work/slurm/20260101T000000Z-1", repo: "/shared/c2s-lab",
 *   jobs: "/shared/work/jobs", records: "/shared/work/records", deno: "/usr/bin/deno",
 *   tasks: 4, arrayLimit: 2, partition: "gpu", time: "02:00:00", gpus: "1",
 *   modules: ["cuda/12.4"], options: ["--account=lab"], name: "c2s-token-bank",
 * });
 * assert.match(script, /^#SBATCH --array=0-3%2$/m);
 * assert.match(script, /^#SBATCH --gpus=1$/m);
 * assert.match(script, /^module load 'cuda\/12.4'$/m);
 * ```
 *
 * @module
 */

/** What the batch script of one submission says. */
export interface BatchScriptOptions {
  /** The submission's folder (`hashes.txt`, `logs/`, `started/`). */
  readonly submission: string;
  /** The checkout the tasks run in (absolute; on the shared file system). */
  readonly repo: string;
  /** Folder of the job files and of the records (absolute). */
  readonly jobs: string;
  readonly records: string;
  /** The Deno that submitted (tried after `$C2S_DENO`). */
  readonly deno: string;
  /** Array tasks: 0 .. tasks - 1. */
  readonly tasks: number;
  /** At most this many tasks at once (`%K`), or `null` for Slurm's choice. */
  readonly arrayLimit: number | null;
  /** `--partition`, `--time`, `--gpus` (`null`: the cluster's defaults). */
  readonly partition: string | null;
  readonly time: string | null;
  readonly gpus: string | null;
  /** `module load` lines. */
  readonly modules: readonly string[];
  /** Further `sbatch` options, one `#SBATCH` line each (`--account=lab`). */
  readonly options: readonly string[];
  /** The job's name. */
  readonly name: string;
}

/** Quotes `text` for bash (single quotes). */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'"'"'`)}'`;
}

/** The text of the batch script (see the module doc). */
export function batchScript(o: BatchScriptOptions): string {
  const limit = o.arrayLimit === null ? "" : `%${o.arrayLimit}`;
  const directives = [
    `--job-name=${o.name}`,
    `--array=0-${o.tasks - 1}${limit}`,
    `--output=${o.submission}/logs/%A_%a.out`,
    `--chdir=${o.repo}`,
    ...(o.partition === null ? [] : [`--partition=${o.partition}`]),
    ...(o.time === null ? [] : [`--time=${o.time}`]),
    ...(o.gpus === null ? [] : [`--gpus=${o.gpus}`]),
    ...o.options,
  ];
  const q = shellQuote;
  return `#!/bin/bash
${directives.map((d) => `#SBATCH ${d}`).join("\n")}
# One run per array task: line SLURM_ARRAY_TASK_ID + 1 of hashes.txt. Written by deno task ablate.
set -uo pipefail
cd ${q(o.repo)} || exit 2
${o.modules.map((m) => `module load ${q(m)}`).join("\n")}
for m in \${C2S_SLURM_MODULES:-}; do module load "$m"; done
submission=${q(o.submission)}
task="\${SLURM_ARRAY_TASK_ID:?not an array task}"
hash="$(sed -n "$((task + 1))p" "$submission/hashes.txt")"
if [ -z "$hash" ]; then echo "no run for task $task in $submission/hashes.txt" >&2; exit 2; fi
mkdir -p "$submission/started"
echo "\${SLURM_ARRAY_JOB_ID:-} \${SLURM_JOB_ID:-} $(hostname) $(date -u +%Y-%m-%dT%H:%M:%SZ)" \\
  >"$submission/started/$task"
if [ -n "\${C2S_DENO:-}" ]; then deno=("$C2S_DENO")
elif [ -x ${q(o.deno)} ]; then deno=(${q(o.deno)})
elif command -v deno >/dev/null 2>&1; then deno=(deno)
elif command -v npx >/dev/null 2>&1; then deno=(npx -y deno@2)
else echo "no Deno on $(hostname): set C2S_DENO, put deno on PATH, or install Node (npx)" >&2; exit 127
fi
echo "task $task: run $hash on $(hostname) with \${deno[*]}"
exec "\${deno[@]}" task run-one "$hash" --jobs ${q(o.jobs)} --records ${q(o.records)}
`;
}

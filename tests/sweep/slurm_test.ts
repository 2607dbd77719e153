/**
 * Sweeps as Slurm job arrays. The parsers of what Slurm prints, the batch script and the flags on
 * their own; then the launcher on a real cluster (`.ci/slurm-up` starts a one-node one here):
 * `ablate token-bank --preset smoke --launcher slurm` with the tiny teacher returns with a job id,
 * the array's records are stored by `collect` (every run finished exactly once, the teacher cache
 * built by one task), a second submit submits nothing, and tasks killed with `scancel` read as
 * interrupted with their Slurm state and log, and go out again with the next submit. Without
 * `sbatch` the cluster tests are skipped, saying why.
 */
import { join } from "node:path";
import { assert, assertEquals, assertThrows } from "../../lib/_std.ts";
import { parseSweepArgs, type SweepArgs } from "../../lib/sweep/args.ts";
import { jobFileName, readJob } from "../../lib/sweep/job.ts";
import { checkLauncherFlags } from "../../lib/sweep/slurm.ts";
import {
  parseKeyValueLines,
  parseSacct,
  parseSqueue,
  phaseOf,
  slurmInstalled,
} from "../../lib/sweep/slurm_query.ts";
import { batchScript, shellQuote } from "../../lib/sweep/slurm_script.ts";
import { writeRunRecord } from "../../lib/track/record.ts";
import { type Area, REPO, smokeArgs, tempArea } from "./_sweep.ts";
import { query } from "./_sweep.ts";

function sweepArgs(argv: string[]): SweepArgs {
  const args = parseSweepArgs(argv);
  assert.ok(!args.help);
  return args;
}

Deno.test("phaseOf() reads Slurm's states as pending, running, completed, failed or interrupted", () => {
  const states = ["PENDING", "RUNNING", "COMPLETED", "FAILED", "OUT_OF_MEMORY", "CANCELLED by 0"];
  assertEquals(states.map(phaseOf), [
    "pending",
    "running",
    "completed",
    "failed",
    "failed",
    "interrupted",
  ]);
  assertEquals(["PREEMPTED", "TIMEOUT", "NODE_FAIL"].map(phaseOf), [
    "interrupted",
    "interrupted",
    "interrupted",
  ]);
  assertEquals(phaseOf("SOMETHING_NEW"), "failed");
});

Deno.test("parseSqueue() and parseSacct() keep array tasks and skip pending ranges", () => {
  assertEquals(parseSqueue("16|3|PENDING|\n16|2|RUNNING|vm\n7|N/A|RUNNING|vm\n"), [
    {
      jobId: "16",
      index: 3,
      state: "PENDING",
      node: null,
      start: null,
      end: null,
      source: "squeue",
    },
    {
      jobId: "16",
      index: 2,
      state: "RUNNING",
      node: "vm",
      start: null,
      end: null,
      source: "squeue",
    },
  ]);
  const sacct = "16_[1-3]|PENDING|Unknown|Unknown|None assigned\n" +
    "16_0|CANCELLED by 0|2026-12-03T07:26:29|2026-12-03T07:26:30|vm\n";
  assertEquals(parseSacct(sacct), [{
    jobId: "16",
    index: 0,
    state: "CANCELLED",
    node: "vm",
    start: "2026-12-03T07:26:29",
    end: "2026-12-03T07:26:30",
    source: "sacct",
  }]);
});

Deno.test("parseKeyValueLines() reads scontrol and job completion lines, the later line of a task winning", () => {
  const jobcomp = [
    "JobId=8 UserId=root(0) GroupId=root(0) Name=job.sh JobState=COMPLETED Partition=debug " +
    "StartTime=2026-12-03T06:38:51 EndTime=2026-12-03T06:38:52 NodeList=vm ArrayJobId=5 ArrayTaskId=3",
    "JobId=17 UserId=root(0) Name=c2s JobState=NODE_FAIL StartTime=2026-12-03T07:26:29 " +
    "EndTime=2026-12-03T07:26:30 NodeList=vm ArrayJobId=16 ArrayTaskId=0 ExitCode=0:0",
    "JobId=17 UserId=root(0) Name=c2s JobState=COMPLETED StartTime=2026-12-03T07:27:29 " +
    "EndTime=2026-12-03T07:27:30 NodeList=vm ArrayJobId=16 ArrayTaskId=0 ExitCode=0:0",
    "JobId=16 ArrayJobId=16 ArrayTaskId=1-3%1 JobState=PENDING",
  ].join("\n");
  const tasks = parseKeyValueLines(jobcomp, "jobcomp");
  assertEquals(tasks.map((t) => `${t.jobId}_${t.index} ${t.state} ${t.start}`), [
    "5_3 COMPLETED 2026-12-03T06:38:51",
    "16_0 COMPLETED 2026-12-03T07:27:29",
  ]);
});

Deno.test("batchScript() runs run-one on the task's line of hashes.txt with the sbatch options given", () => {
  const script = batchScript({
    submission: "/shared/work/slurm/s1",
    repo: "/shared/c2s lab",
    jobs: "/shared/work/jobs",
    records: "/shared/work/records",
    deno: "/opt/deno",
    tasks: 3,
    arrayLimit: null,
    partition: null,
    time: "30",
    gpus: null,
    modules: [],
    options: ["--account=lab"],
    name: "c2s-token-bank",
  });
  assert.match(script, /^#SBATCH --array=0-2$/m);
  assert.match(script, /^#SBATCH --time=30$/m);
  assert.match(script, /^#SBATCH --account=lab$/m);
  assert.match(script, /^#SBATCH --output=\/shared\/work\/slurm\/s1\/logs\/%A_%a.out$/m);
  assert.ok(!/--partition|--gpus|^module load/m.test(script));
  assert.match(script, /^cd '\/shared\/c2s lab' \|\| exit 2$/m);
  assert.match(script, /sed -n "\$\(\(task \+ 1\)\)p" "\$submission\/hashes.txt"/);
  assert.match(
    script,
    /^exec "\$\{deno\[@\]\}" task run-one "\$hash" --jobs '\/shared\/work\/jobs' --records '\/shared\/work\/records'$/m,
  );
  assertEquals(shellQuote("it's"), `'it'"'"'s'`);
});

Deno.test("ablate's Slurm flags parse, and each is refused without --launcher slurm", () => {
  const args = sweepArgs([
    "token-bank",
    "--launcher",
    "slurm",
    "--partition",
    "gpu",
    "--time",
    "02:00:00",
    "--gpus",
    "a100:1",
    "--array-limit",
    "4",
    "--module",
    "cuda/12",
    "--module",
    "gcc",
    "--slurm-option=--account=lab",
  ]);
  assertEquals(
    [args.launcher, args.partition, args.time, args.gpus, args.arrayLimit, args.module],
    ["slurm", "gpu", "02:00:00", "a100:1", 4, ["cuda/12", "gcc"]],
  );
  assertEquals(args.slurmOption, ["--account=lab"]);
  checkLauncherFlags(args);
  assertThrows(
    () => checkLauncherFlags(sweepArgs(["token-bank", "--array-limit", "2"])),
    RangeError,
    "Flag --array-limit applies to --launcher slurm only",
  );
  assertThrows(
    () => checkLauncherFlags(sweepArgs(["token-bank", "--launcher", "slurm", "--rerun"])),
    RangeError,
    "Flag --rerun is not available with --launcher slurm",
  );
  assertThrows(
    () => parseSweepArgs(["token-bank", "--launcher", "cluster"]),
    RangeError,
    '"cluster"',
  );
});

// ---------------------------------------------------------------- on a real cluster

const SLURM = await slurmInstalled();
if (!SLURM) {
  console.log(
    "slurm_test: the cluster tests are skipped: sbatch/squeue are not on PATH " +
      "(run `sudo .ci/slurm-up` to start a one-node cluster here)",
  );
}

/**
 * `deno run SCRIPT ARGS` in the checkout to its end, with `env` added to its environment (sbatch
 * hands the submitting environment to the tasks), and how long it took.
 */
async function run(script: string, args: readonly string[], env: Record<string, string> = {}) {
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", join(REPO, "deno.json"), join(REPO, script), ...args],
    cwd: REPO,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...env },
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  const seconds = (performance.now() - started) / 1000;
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr), seconds };
}

async function squeueLines(jobId: string): Promise<string[]> {
  const out = await new Deno.Command("squeue", {
    args: ["-h", "-r", "-j", jobId, "-o", "%i %T"],
    stdout: "piped",
    stderr: "null",
  }).output();
  return new TextDecoder().decode(out.stdout).split("\n").filter(Boolean);
}

/** Waits until Slurm has no pending or running task of `jobId`; returns the seconds waited. */
async function waitForArray(jobId: string, limitSeconds = 600): Promise<number> {
  const started = performance.now();
  while ((await squeueLines(jobId)).length > 0) {
    if (performance.now() - started > limitSeconds * 1000) {
      throw new Error(`Slurm job ${jobId} still queued after ${limitSeconds} s`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return (performance.now() - started) / 1000;
}

function jobIdOf(stdout: string): string {
  const match = stdout.match(/Submitted (\d+) runs? as Slurm job array (\d+)/);
  assert.ok(match, `no job id in:\n${stdout}`);
  return match[2]!;
}

/** `ablate token-bank --launcher slurm` in `area`, with `env` added to its environment. */
async function submit(area: Area, extra: readonly string[] = [], env: Record<string, string> = {}) {
  const args = ["token-bank", ...smokeArgs(area, null), "--launcher", "slurm", ...extra];
  return await run("lib/cli/ablate.ts", args, env);
}

/**
 * A Deno for the tasks (`C2S_DENO`) that holds task 0 before it starts `run-one` while the file
 * `hold` exists, so that the test kills a running task before its run has begun.
 */
async function holdingDeno(area: Area): Promise<{ deno: string; hold: string }> {
  const deno = join(area.dir, "holding-deno.sh");
  const hold = join(area.dir, "hold");
  await Deno.writeTextFile(hold, "");
  await Deno.writeTextFile(
    deno,
    `#!/bin/bash\nwhile [ "\${SLURM_ARRAY_TASK_ID:-}" = 0 ] && [ -e '${hold}' ]; do sleep 0.2; done\n` +
      `exec '${Deno.execPath()}' "$@"\n`,
  );
  await Deno.chmod(deno, 0o755);
  return { deno, hold };
}

/** Submits the array held (no task can start before it is released); returns its job id. */
async function submitHeld(area: Area): Promise<string> {
  const held = await submit(area, ["--slurm-option=--hold"]);
  assertEquals(held.code, 0, held.stderr);
  return jobIdOf(held.stdout);
}

/** Cancels the held array `jobId` and waits until Slurm lets it go. */
async function cancelWhileHeld(jobId: string): Promise<void> {
  await new Deno.Command("scancel", { args: [jobId] }).output();
  await waitForArray(jobId);
}

async function collect(area: Area) {
  return await run("lib/cli/collect.ts", [
    "--from",
    join(area.work, "records"),
    "--db",
    area.db,
  ]);
}

async function logsOf(area: Area): Promise<string[]> {
  const texts: string[] = [];
  for await (const sub of Deno.readDir(join(area.work, "slurm"))) {
    for await (const log of Deno.readDir(join(area.work, "slurm", sub.name, "logs"))) {
      texts.push(await Deno.readTextFile(join(area.work, "slurm", sub.name, "logs", log.name)));
    }
  }
  return texts;
}

async function recordNames(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir))).filter((e) => e.isFile).map((e) => e.name)
    .sort();
}

Deno.test({
  name:
    "ablate --launcher slurm submits one array, collect stores each run once, a second submit sends nothing",
  ignore: !SLURM,
  sanitizeResources: false,
}, async () => {
  await using area = await tempArea();
  const first = await submit(area, ["--array-limit", "2"]);
  assertEquals(first.code, 0, first.stderr);
  const jobId = jobIdOf(first.stdout);
  assert.match(
    first.stdout,
    /Submitted 4 runs as Slurm job array \d+ \(tasks 0-3, at most 2 at once\)/,
  );
  assert.ok(first.seconds < 20, `submit took ${first.seconds.toFixed(1)} s`);
  const arraySeconds = await waitForArray(jobId);

  const status = await run("lib/cli/ablate.ts", [
    "token-bank",
    ...smokeArgs(area, null),
    "--status",
  ]);
  assertEquals(status.code, 0, status.stderr);
  assert.match(status.stdout, /4 finished \(from squeue, /);
  assertEquals(status.stdout.match(/record not stored yet/g)?.length, 4);

  const stored = await collect(area);
  assertEquals(stored.code, 0, stored.stderr);
  assert.match(stored.stdout, /4 records ingested/);
  const runs = await query(area.db, "SELECT id, status FROM runs ORDER BY id");
  assertEquals(runs.map((r) => r.status), ["finished", "finished", "finished", "finished"]);
  const ingested = await recordNames(join(area.work, "records", "ingested"));
  assertEquals(ingested, runs.map((r) => `${r.id}.run.json`).sort());
  // One task built the teacher cache; the others loaded it.
  const builds = (await logsOf(area)).filter((log) => /teacher cache \d+\/\d+/.test(log));
  assertEquals(builds.length, 1);

  const again = await submit(area);
  assertEquals(again.code, 0, again.stderr);
  assert.match(again.stdout, /Nothing to run: all 4 distinct runs of the plan are finished/);
  assertEquals((await Array.fromAsync(Deno.readDir(join(area.work, "slurm")))).length, 1);
  console.log(
    `slurm_test: submit ${first.seconds.toFixed(1)} s, array of 4 smoke runs ` +
      `${arraySeconds.toFixed(1)} s after it, collect ${stored.seconds.toFixed(1)} s`,
  );
});

Deno.test({
  name:
    "tasks killed with scancel read as interrupted with their Slurm state and log, and go out again",
  ignore: !SLURM,
  sanitizeResources: false,
}, async () => {
  await using area = await tempArea();
  const { deno, hold } = await holdingDeno(area);
  const first = await submit(area, ["--array-limit", "1"], { C2S_DENO: deno });
  assertEquals(first.code, 0, first.stderr);
  const jobId = jobIdOf(first.stdout);
  const again = await submit(area);
  assert.match(
    again.stdout,
    new RegExp(`Nothing to submit: the 4 unfinished runs .* \\(job ${jobId}\\)`),
  );

  // Task 0 while it runs (held before its run begins), task 3 while it waits.
  const sub = (await Array.fromAsync(Deno.readDir(join(area.work, "slurm"))))[0]!.name;
  const marker = join(area.work, "slurm", sub, "started", "0");
  while (!(await Deno.stat(marker).then(() => true, () => false))) {
    await new Promise((r) => setTimeout(r, 100));
  }
  assertEquals(await squeueLines(`${jobId}_0`), [`${jobId}_0 RUNNING`]);
  await new Deno.Command("scancel", { args: [`${jobId}_0`, `${jobId}_3`] }).output();
  await Deno.remove(hold);
  await waitForArray(jobId);

  const status = await run("lib/cli/ablate.ts", [
    "token-bank",
    ...smokeArgs(area, null),
    "--status",
  ]);
  for (const task of [0, 3]) {
    assert.match(
      status.stdout,
      new RegExp(`interrupted +${jobId}_${task} +Slurm task ${jobId}_${task} ended CANCELLED`),
    );
  }
  assert.match(status.stdout, /2 finished, 2 interrupted/);

  const resubmit = await submit(area);
  assertEquals(resubmit.code, 0, resubmit.stderr);
  const second = jobIdOf(resubmit.stdout);
  assert.match(resubmit.stdout, /Submitted 2 runs as Slurm job array/);
  // The next submit stored the two runs as interrupted, naming the task's state and log.
  const rows = await query(area.db, "SELECT status, error FROM runs WHERE status <> 'finished'");
  assertEquals(rows.length, 2);
  for (const row of rows) {
    assertEquals(row.status, "interrupted");
    assert.match(String(row.error), new RegExp(`Slurm task ${jobId}_[03] ended CANCELLED`));
    assert.match(String(row.error), new RegExp(`log .*/logs/${jobId}_[03]\\.out`));
  }
  await waitForArray(second);
  const stored = await collect(area);
  assertEquals(stored.code, 0, stored.stderr);
  const runs = await query(area.db, "SELECT status FROM runs");
  assertEquals(runs.map((r) => r.status), ["finished", "finished", "finished", "finished"]);
});

Deno.test({
  name: "collect stores the runs of an array cancelled before any task ran as interrupted",
  ignore: !SLURM,
  sanitizeResources: false,
}, async () => {
  await using area = await tempArea();
  await cancelWhileHeld(await submitHeld(area));

  const stored = await collect(area);
  assertEquals(stored.code, 0, stored.stderr);
  assert.match(stored.stdout, /4 records ingested/);
  const rows = await query(area.db, "SELECT status, error FROM runs");
  assertEquals(rows.map((r) => r.status), Array(4).fill("interrupted"));
  for (const row of rows) {
    assert.match(String(row.error), /ended CANCELLED \(cancelled before it started\); log /);
  }
});

Deno.test({
  name:
    "a record a cancelled task wrote itself gets the task's Slurm state and log added when stored",
  ignore: !SLURM,
  sanitizeResources: false,
}, async () => {
  await using area = await tempArea();
  const jobId = await submitHeld(area);
  // As run-one writes it when SIGTERM stops its run.
  const sub = (await Array.fromAsync(Deno.readDir(join(area.work, "slurm"))))[0]!.name;
  const hash = (await Deno.readTextFile(join(area.work, "slurm", sub, "hashes.txt"))).split(
    "\n",
  )[0]!;
  const job = await readJob(join(area.work, "jobs", jobFileName(hash)));
  const now = new Date().toISOString();
  await writeRunRecord(join(area.work, "records"), {
    ...{ hash, ablation: job.ablation, variant: job.variant, seed: job.seed, preset: job.preset },
    ...{ config: job.config, overrides: job.overrides, status: "interrupted", startedAt: now },
    ...{ endedAt: now, backend: "wasm", host: "vm", versions: {}, git: job.git },
    ...{ error: "Training was interrupted at step 2", failedStep: null, metrics: [] },
    ...{ results: [], classIou: [], artifacts: [] },
  });
  await cancelWhileHeld(jobId);

  const stored = await collect(area);
  assertEquals(stored.code, 0, stored.stderr);
  const [row] = await query(area.db, "SELECT status, error FROM runs WHERE id = ?", [hash]);
  assertEquals(row?.status, "interrupted");
  assert.match(
    String(row?.error),
    new RegExp(
      `^Training was interrupted at step 2\\. Slurm task ${jobId}_0 ended CANCELLED .*; log `,
    ),
  );
});

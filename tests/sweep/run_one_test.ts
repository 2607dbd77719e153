/**
 * `run-one` as a real process: trains a job named by a hash prefix and writes a complete record
 * with its sample artifact; speaks the owner protocol with `--json`; stops when its owner's pipe
 * closes; says where it looked for an unknown job.
 */
import { join } from "node:path";
import { assert } from "../../lib/_std.ts";
import { gitState } from "../../lib/sweep/context.ts";
import { readJob, workPaths, writeJob } from "../../lib/sweep/job.ts";
import * as msg from "../../lib/sweep/messages.ts";
import { decodeLine } from "../../lib/sweep/protocol.ts";
import { resolveSweep } from "../../lib/sweep/resolve.ts";
import { jobOf } from "../../lib/sweep/sweep.ts";
import { listRecordFiles, readRunRecord } from "../../lib/track/record.ts";
import { saveTeacher } from "../../lib/teacher/checkpoint.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { Running, runOne, SPECS, tempArea, TINY_TEACHER } from "./_sweep.ts";
import tinyTeacher, { TINY_TEACHER_CONFIG } from "./_tiny_teacher.ts";

/** Writes the job files of sweep-trio at the smoke preset into `work`; returns their paths. */
async function trioJobs(work: string, teacher: string = TINY_TEACHER): Promise<string[]> {
  const resolved = await resolveSweep({
    target: "sweep-trio",
    preset: "smoke",
    seeds: null,
    backend: null,
    teacher,
    dataDir: null,
    specsDir: SPECS,
  }, { requireContext: true });
  const paths = workPaths(work);
  const git = await gitState();
  const out: string[] = [];
  for (const run of resolved.runs) {
    const job = jobOf(run, resolved.context!, paths, { teacher, dataDir: null, git });
    out.push(await writeJob(paths.jobs, job));
  }
  return out;
}

/** Saves the tiny teacher as a checkpoint folder `teacher/` under `root`. */
async function tinyCheckpoint(root: string): Promise<{ dir: string; hash: string }> {
  const dir = join(root, "teacher");
  await initBackend("wasm");
  const model = tinyTeacher();
  const hash = await saveTeacher(dir, TINY_TEACHER_CONFIG, model.weights);
  model.dispose();
  return { dir, hash };
}

async function sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("run-one trains the job a hash prefix names and writes a complete record with its samples", async () => {
  await using area = await tempArea();
  const [jobPath] = await trioJobs(area.work);
  const job = await readJob(jobPath!);
  const records = join(area.dir, "records");
  const out = await runOne([
    job.hash.slice(0, 10),
    "--jobs",
    workPaths(area.work).jobs,
    "--records",
    records,
  ]);
  assert.equal(out.code, 0, out.stdout + out.stderr);
  const files = await listRecordFiles(records);
  assert.deepEqual(files, [join(records, `${job.hash}.run.json`)]);
  const record = await readRunRecord(files[0]!);
  assert.equal(record.status, "finished");
  assert.equal(record.hash, job.hash);
  assert.deepEqual(record.config, job.config);
  assert.deepEqual(
    record.results.map((r) => r.metric).sort(),
    [
      "hIoU",
      "mIoU",
      "pixelAccuracy",
      "pseudo_mask_mflop_per_image",
      "pseudo_mask_ms_per_image",
      "sIoU",
      "uIoU",
    ],
  );
  assert.equal(record.classIou.length, 10);
  assert.ok(record.metrics.some((m) => m.name === "loss.total" && m.step === 3));
  assert.equal(record.versions.code, job.context.codeVersion);
  assert.match(record.versions.codeFiles ?? "", /^lib\/c2s\/pixel_loss\.ts=[0-9a-f]{12}$/m);
  const [samples] = record.artifacts;
  assert.equal(samples?.kind, "samples");
  assert.equal(samples.path, join(job.artifactDir, "samples.json"));
  assert.equal(samples.sha256, await sha256(samples.path));
});

Deno.test("run-one --json writes started first and record last, as protocol lines", async () => {
  await using area = await tempArea();
  const [jobPath] = await trioJobs(area.work);
  const records = join(area.dir, "records");
  const child = new Running("lib/cli/run_one.ts", [jobPath!, "--json", "--records", records]);
  const out = await child.output();
  assert.equal(out.code, 0, out.stderr);
  const messages = child.lines.map(decodeLine).filter((m) => m !== null);
  assert.equal(messages[0]?.type, "started");
  const last = messages.at(-1);
  assert.equal(last?.type, "record");
  if (last?.type === "record") {
    assert.equal(last.status, "finished");
    assert.equal((await readRunRecord(last.path)).status, "finished");
  }
  const types = new Set(messages.map((m) => m!.type));
  assert.ok(types.has("cache") && types.has("progress") && types.has("eval"), [...types].join());
});

Deno.test("run-one --json stops its run as interrupted when its owner's pipe closes", async () => {
  await using area = await tempArea();
  const [jobPath] = await trioJobs(area.work);
  const records = join(area.dir, "records");
  const child = new Running("lib/cli/run_one.ts", [jobPath!, "--json", "--records", records]);
  await child.process.stdin.close();
  const out = await child.output();
  assert.equal(out.code, 130, out.stderr);
  const [file] = await listRecordFiles(records);
  const record = await readRunRecord(file!);
  assert.equal(record.status, "interrupted");
  assert.deepEqual(record.results, []);
});

Deno.test("run-one with an unknown hash says where it looked and exits with 2", async () => {
  await using area = await tempArea();
  const jobs = join(area.dir, "jobs");
  const out = await runOne(["0123456789abcdef", "--jobs", jobs]);
  assert.equal(out.code, 2);
  assert.equal(out.stderr.trim(), `error: ${msg.jobRefNotFound("0123456789abcdef", jobs)}`);
});

Deno.test("run-one loads a teacher checkpoint folder and records its card as an artifact", async () => {
  await using area = await tempArea();
  const { dir, hash } = await tinyCheckpoint(area.dir);
  const card = join(dir, "card.json");
  await Deno.writeTextFile(card, JSON.stringify({ format: "c2s-mini-clip-card", sha256: hash }));
  const [jobPath] = await trioJobs(area.work, dir);
  assert.equal((await readJob(jobPath!)).context.teacherHash, hash);
  const records = join(area.dir, "records");
  const out = await runOne([jobPath!, "--records", records]);
  assert.equal(out.code, 0, out.stdout + out.stderr);
  const record = await readRunRecord((await listRecordFiles(records))[0]!);
  assert.equal(record.status, "finished");
  assert.deepEqual(record.artifacts.find((a) => a.kind === "teacher-card"), {
    kind: "teacher-card",
    path: card,
    sha256: await sha256(card),
  });
});

Deno.test("run-one records a failed run when the teacher is not the one the job was hashed with", async () => {
  await using area = await tempArea();
  const { dir, hash } = await tinyCheckpoint(area.dir);
  const [jobPath] = await trioJobs(area.work);
  const job = await readJob(jobPath!);
  const records = join(area.dir, "records");
  const out = await runOne([jobPath!, "--records", records, "--teacher", dir]);
  assert.equal(out.code, 1);
  const record = await readRunRecord((await listRecordFiles(records))[0]!);
  assert.equal(record.status, "failed");
  assert.equal(record.error, msg.contextMismatch("teacher", job.context.teacherHash!, hash));
});

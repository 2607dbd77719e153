/**
 * The run executor in this process and in a Deno Worker: a training job gives a finished record
 * with its results, versions and artifacts (the student's weights among them, loadable as the
 * trained tensors); a job whose teacher is missing gives a failed record; aborting gives an
 * interrupted one.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert } from "../../lib/_std.ts";
import { type C2SConfig, DEFAULT_CONFIG } from "../../lib/c2s/config.ts";
import { loadRunData } from "../../lib/c2s/datasets.ts";
import type { C2SEvent } from "../../lib/c2s/events.ts";
import { openTeacherCache } from "../../lib/c2s/teacher_cache.ts";
import { trainC2S } from "../../lib/c2s/trainer.ts";
import { EMBEDDED_DIR } from "../../lib/data/fashion_mnist.ts";
import { STUDENT_WEIGHTS_FILE } from "../../lib/sweep/artifacts.ts";
import { runInWorker } from "../../lib/sweep/in_worker.ts";
import { JOB_FORMAT, type RunJob } from "../../lib/sweep/job.ts";
import * as msg from "../../lib/sweep/messages.ts";
import { executeJob } from "../../lib/sweep/run_job.ts";
import { loadTeacher } from "../../lib/teacher/load.ts";
import { readSafetensors, sha256Hex } from "../../lib/teacher/safetensors.ts";
import { tinyConfig } from "../c2s/_fixtures.ts";
import { tempArea } from "./_sweep.ts";

const TEACHER = fileURLToPath(new URL("../c2s/_tiny_teacher_module.ts", import.meta.url));

function tinyJob(work: string, patch: (c: C2SConfig) => void = () => {}): RunJob {
  // The tiny fixtures' config on the benchmark's scenes: default split and windows, 3 steps.
  const config = tinyConfig((c) => {
    c.data.unseen = [...DEFAULT_CONFIG.data.unseen];
    c.pseudoMask.windowSizes = [...DEFAULT_CONFIG.pseudoMask.windowSizes];
    c.data.trainScenes = 12;
    c.data.evalScenes = 6;
    c.train.steps = 3;
    patch(c);
  });
  return {
    format: JOB_FORMAT,
    hash: "h1",
    ablation: "test",
    variant: "full",
    seed: 0,
    preset: "smoke",
    kind: "training",
    config,
    overrides: { "train.steps": 3 },
    context: { dataIdentity: null, teacherHash: null, codeVersion: null },
    teacher: TEACHER,
    dataDir: EMBEDDED_DIR,
    cacheDir: join(work, "c2s"),
    artifactDir: join(work, "artifacts", "h1"),
    git: { commit: "abc", dirty: false },
  };
}

Deno.test("executeJob() trains a job and returns a finished record with results, versions and artifacts", async () => {
  await using area = await tempArea();
  const job = tinyJob(area.work);
  const record = await executeJob(job);
  assert.equal(record.status, "finished", record.error ?? "");
  assert.equal(record.hash, "h1");
  assert.equal(record.backend, "wasm");
  assert.deepEqual(record.overrides, { "train.steps": 3 });
  assert.deepEqual(record.git, job.git);
  assert.deepEqual(record.results.map((r) => r.metric), [
    "hIoU",
    "sIoU",
    "uIoU",
    "mIoU",
    "pixelAccuracy",
    "pseudo_mask_ms_per_image",
    "pseudo_mask_mflop_per_image",
  ]);
  assert.equal(record.classIou.length, 10);
  assert.deepEqual(record.classIou.filter((c) => !c.seen).map((c) => c.className), [
    "Trouser",
    "Sneaker",
    "Bag",
  ]);
  assert.ok(record.metrics.some((m) => m.name === "loss.total" && m.step === 3));
  assert.equal(record.versions.teacher, "tiny-random@tiny-1-16");
  assert.match(record.versions.teacherCache ?? "", /^[0-9a-f]{64}$/);
  assert.deepEqual(record.artifacts.map((a) => [a.kind, a.path]), [
    ["samples", join(job.artifactDir, "samples.json")],
    ["student-weights", join(job.artifactDir, STUDENT_WEIGHTS_FILE)],
  ]);
  for (const artifact of record.artifacts) {
    assert.equal(artifact.sha256, await sha256Hex(await Deno.readFile(artifact.path)));
  }
  const cached = await Array.fromAsync(Deno.readDir(job.cacheDir));
  assert.ok(cached.some((e) => e.name.endsWith(".bin")), "the teacher cache was written");
});

Deno.test("executeJob() saves the student's weights as safetensors that load back to the trained tensors", async () => {
  await using area = await tempArea();
  const job = tinyJob(area.work);
  const record = await executeJob(job);
  const artifact = record.artifacts.find((a) => a.kind === "student-weights");
  assert.ok(artifact !== undefined, record.error ?? "no student-weights artifact");
  const saved = await readSafetensors(artifact.path);
  assert.deepEqual(saved.metadata, {
    format: "c2s-student",
    run: "h1",
    arch: "conv",
    width: "4",
    dim: "16",
  });
  // Training is reproducible: the same job trained again here gives the tensors to compare.
  const data = await loadRunData(job.config.data, { dataDir: EMBEDDED_DIR });
  const teacher = await loadTeacher(TEACHER);
  try {
    const { cache } = await openTeacherCache(teacher, data.train, {
      seenIds: data.split.seen,
      pseudoMask: job.config.pseudoMask,
      sceneSeed: job.config.data.sceneSeed,
    }, { dir: job.cacheDir });
    const outcome = await trainC2S(job.config, { teacher, data, cache });
    assert.ok(outcome.weights !== null);
    assert.deepEqual([...saved.tensors.keys()], [...outcome.weights.keys()]);
    assert.ok(saved.tensors.has("stem1.kernel") && saved.tensors.has("stem1.variance"));
    assert.deepEqual(saved.tensors, outcome.weights);
  } finally {
    teacher.dispose();
  }
});

Deno.test("executeJob() returns a failed record, not an exception, when the teacher cannot be loaded", async () => {
  await using area = await tempArea();
  const record = await executeJob({ ...tinyJob(area.work), teacher: "/nonexistent/teacher.ts" });
  assert.equal(record.status, "failed");
  assert.ok(record.error?.includes("/nonexistent/teacher.ts"), record.error ?? "");
  assert.deepEqual(record.results, []);
  assert.deepEqual(record.artifacts, []);
});

Deno.test("executeJob() of an aborted job records it as interrupted before training began", async () => {
  await using area = await tempArea();
  const controller = new AbortController();
  controller.abort();
  const record = await executeJob(tinyJob(area.work), { signal: controller.signal });
  assert.equal(record.status, "interrupted");
  assert.equal(record.error, msg.interruptedBeforeTraining());
});

Deno.test("runInWorker() trains in a Deno Worker and forwards its events", async () => {
  await using area = await tempArea();
  const events: C2SEvent[] = [];
  const record = await runInWorker(tinyJob(area.work), { onEvent: (e) => events.push(e) });
  assert.equal(record.status, "finished", record.error ?? "");
  assert.deepEqual(events.filter((e) => e.type === "progress").map((e) => e.step), [1, 2, 3]);
  assert.equal(events.at(-1)!.type, "done");
});

Deno.test("runInWorker() stops the run when its signal aborts: the record says interrupted", async () => {
  await using area = await tempArea();
  const controller = new AbortController();
  const record = await runInWorker(tinyJob(area.work, (c) => (c.train.steps = 200)), {
    signal: controller.signal,
    onEvent: (e) => {
      if (e.type === "progress" && e.step === 2) controller.abort();
    },
  });
  assert.equal(record.status, "interrupted");
  assert.ok(record.metrics.every((m) => m.step < 200));
  assert.deepEqual(record.artifacts.filter((a) => a.kind === "student-weights"), []);
});

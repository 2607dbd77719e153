import { fileURLToPath } from "node:url";
import { assert } from "../../lib/_std.ts";
import { type C2SConfig, DEFAULT_CONFIG } from "../../lib/c2s/config.ts";
import type { C2SEvent } from "../../lib/c2s/events.ts";
import { runOne, type RunPlan } from "../../lib/c2s/run.ts";
import { runInWorker } from "../../lib/c2s/worker.ts";
import { EMBEDDED_DIR } from "../../lib/data/fashion_mnist.ts";

const TEACHER = fileURLToPath(new URL("./_tiny_teacher_module.ts", import.meta.url));

function plan(patch: (c: C2SConfig) => void = () => {}): RunPlan {
  const config = structuredClone(DEFAULT_CONFIG) as C2SConfig;
  config.data.trainScenes = 12;
  config.data.evalScenes = 6;
  config.student.width = 4;
  config.pseudoMask.maxLatent = 2;
  config.latent.heads = 2;
  config.train.steps = 3;
  config.train.batchSize = 4;
  config.train.evalEvery = 0;
  config.train.logEvery = 1;
  patch(config);
  return {
    hash: "h1",
    ablation: "test",
    variant: "full",
    seed: 0,
    preset: "smoke",
    config,
    overrides: { "train.steps": 3 },
  };
}

Deno.test("runOne() trains a planned run and returns a finished record with results and versions", async () => {
  const cacheDir = await Deno.makeTempDir();
  const record = await runOne(plan(), { teacherModule: TEACHER, dataDir: EMBEDDED_DIR, cacheDir });
  assert.equal(record.status, "finished", record.error ?? "");
  assert.equal(record.hash, "h1");
  assert.equal(record.backend, "wasm");
  assert.deepEqual(record.overrides, { "train.steps": 3 });
  assert.deepEqual(record.results.map((r) => r.metric), [
    "hIoU",
    "sIoU",
    "uIoU",
    "mIoU",
    "pixelAccuracy",
  ]);
  assert.equal(record.classIou.length, 10);
  assert.deepEqual(record.classIou.filter((c) => !c.seen).map((c) => c.className), [
    "Trouser",
    "Sneaker",
    "Bag",
  ]);
  assert.ok(record.metrics.some((m) => m.name === "loss.total" && m.step === 3));
  assert.equal(record.versions.teacher, "tiny-random@tiny-1-16");
  assert.ok(
    (await Deno.readDir(cacheDir)[Symbol.asyncIterator]().next()).value.name.endsWith(".bin"),
  );
  await Deno.remove(cacheDir, { recursive: true });
});

Deno.test("runOne() returns a failed record, not an exception, when the teacher cannot be loaded", async () => {
  const record = await runOne(plan(), {
    teacherModule: "/nonexistent/teacher.ts",
    dataDir: EMBEDDED_DIR,
  });
  assert.equal(record.status, "failed");
  assert.ok(
    record.error !== null && record.error.includes("/nonexistent/teacher.ts"),
    record.error ?? "",
  );
  assert.deepEqual(record.results, []);
});

Deno.test("runInWorker() trains in a Deno Worker and forwards its events", async () => {
  const cacheDir = await Deno.makeTempDir();
  const events: C2SEvent[] = [];
  const record = await runInWorker(plan(), {
    teacherModule: TEACHER,
    dataDir: EMBEDDED_DIR,
    cacheDir,
    onEvent: (e) => events.push(e),
  });
  assert.equal(record.status, "finished", record.error ?? "");
  assert.deepEqual(events.filter((e) => e.type === "progress").map((e) => e.step), [1, 2, 3]);
  assert.equal(events.at(-1)!.type, "done");
  await Deno.remove(cacheDir, { recursive: true });
});

Deno.test("runInWorker() stops the run when its signal aborts: the record says interrupted", async () => {
  const cacheDir = await Deno.makeTempDir();
  const controller = new AbortController();
  const record = await runInWorker(plan((c) => (c.train.steps = 200)), {
    teacherModule: TEACHER,
    dataDir: EMBEDDED_DIR,
    cacheDir,
    signal: controller.signal,
    onEvent: (e) => {
      if (e.type === "progress" && e.step === 2) controller.abort();
    },
  });
  assert.equal(record.status, "interrupted");
  assert.ok(record.metrics.every((m) => m.step < 200));
  await Deno.remove(cacheDir, { recursive: true });
});

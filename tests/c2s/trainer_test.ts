import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../../lib/_std.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import type { C2SConfig } from "../../lib/c2s/config.ts";
import type { C2SEvent, ProgressEvent } from "../../lib/c2s/events.ts";
import { createTrainingState, trainC2S, trainingStep } from "../../lib/c2s/trainer.ts";
import { buildTeacherCache, type TeacherCache } from "../../lib/c2s/teacher_cache.ts";
import { buildTrainPool, makeBatch } from "../../lib/c2s/batch.ts";
import { C2SObjective } from "../../lib/c2s/objective.ts";
import { predict } from "../../lib/c2s/evaluate.ts";
import { Student } from "../../lib/c2s/student.ts";
import { messages } from "../../lib/c2s/messages.ts";
import { tinyConfig, TinyScenes, TinyTeacher } from "./_fixtures.ts";

await initBackend("wasm");

const UNSEEN = [2]; // class "c"
const train = new TinyScenes(24, { unseenIds: UNSEEN });
const evalSet = new TinyScenes(8, { seed: 77 });
const data = { train, eval: evalSet };
const teacher = new TinyTeacher();
const cache: TeacherCache = await buildTeacherCache(teacher, train, {
  seenIds: [0, 1, 3, 4],
  pseudoMask: tinyConfig().pseudoMask,
  sceneSeed: tinyConfig().data.sceneSeed,
}, "test");

Deno.test("the tiny training pool has latent classes (the latent path is exercised)", () => {
  assert.ok(cache.latentCount.some((n) => n > 0));
});

Deno.test("a full training step leaks no tensor: only the returned loss terms remain", async () => {
  const state = await createTrainingState(tinyConfig(), { teacher, data, cache });
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) {
    const terms = trainingStep(state, 1e-3);
    assert.equal(tf.memory().numTensors, before + 1);
    assert.deepEqual(terms.shape, [4]);
    terms.dispose();
    assert.equal(tf.memory().numTensors, before);
  }
  state.dispose();
});

Deno.test("trainC2S() frees every tensor it made, the teacher's own excepted", async () => {
  const before = tf.memory().numTensors;
  await trainC2S(tinyConfig((c) => (c.train.steps = 2)), { teacher, data, cache });
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("a smoke run lowers the loss and reports progress, evaluation and results", async () => {
  const events: C2SEvent[] = [];
  const config = tinyConfig((c) => {
    c.train.steps = 40;
    c.train.logEvery = 5;
    c.train.evalEvery = 20;
  });
  const outcome = await trainC2S(config, { teacher, data, cache, onEvent: (e) => events.push(e) });
  assert.equal(outcome.status, "finished");
  const progress = events.filter((e): e is ProgressEvent => e.type === "progress");
  assert.deepEqual(progress.map((e) => e.step), [5, 10, 15, 20, 25, 30, 35, 40]);
  assert.ok(
    progress.at(-1)!.loss.total < progress[0]!.loss.total,
    `loss ${progress[0]!.loss.total} -> ${progress.at(-1)!.loss.total}`,
  );
  for (const e of progress) {
    const { total, global, local, pixel } = e.loss;
    assert.ok(Math.abs(total - (global + local + pixel)) < 1e-4);
    assert.ok(global > 0 && local > 0 && pixel > 0);
  }
  assert.deepEqual(events.filter((e) => e.type === "eval").map((e) => e.step), [20, 40]);
  const done = events.at(-1)!;
  assert.equal(done.type, "done");
  if (done.type !== "done") return;
  assert.deepEqual(done.results.map((r) => r.metric), [
    "hIoU",
    "sIoU",
    "uIoU",
    "mIoU",
    "pixelAccuracy",
  ]);
  assert.deepEqual(done.classIou.map((c) => [c.className, c.seen]), [
    ["a", true],
    ["b", true],
    ["c", false],
    ["d", true],
    ["e", true],
  ]);
  assert.equal(done.samples.length, 8);
  const sample = done.samples[0]!;
  assert.equal(sample.prediction.length, 32 * 32);
  assert.ok(sample.prediction.every((v) => v < 5));
  // Latent classes appear in the pseudo masks as 5 + u.
  assert.ok(done.samples.some((s) => s.pseudoMask?.some((v) => v >= 5 && v < 255)));
});

Deno.test("training learns the seen classes: seen-pixel accuracy on the pool far above chance", async () => {
  const config = tinyConfig((c) => {
    c.latent.enabled = false;
    c.distill.global.enabled = false;
    c.distill.local.enabled = false;
  });
  const state = await createTrainingState(config, { teacher, data, cache });
  const accuracy = async () => {
    // Classify with the seen text embeddings only: slot k is seen class state.split.seen[k].
    const pred = await predict(state.student, state.textSeen, state.pool.images, 24, 32, 32);
    let right = 0, all = 0;
    for (let i = 0; i < 24; i++) {
      const labels = train.get(i).labels;
      labels.forEach((g, p) => {
        if (g === 255) return;
        all++;
        if (state.split.seen[pred[i * 1024 + p]!] === g) right++;
      });
    }
    return right / all;
  };
  const before = await accuracy();
  for (let step = 0; step < 60; step++) trainingStep(state, 2e-3).dispose();
  const after = await accuracy();
  // Chance is 1/4; a student that stalls (e.g. without batch norm) stays near it.
  assert.ok(after > 0.6 && after > before + 0.2, `seen accuracy ${before} -> ${after}`);
  state.dispose();
});

Deno.test("the default-size student's feature scale stays bounded while it trains", async () => {
  // 64 x 64 scenes, width 16, D = 64, batch 16: the size at which a student without batch norm
  // grew |F| a thousandfold in 20 steps and stalled.
  const big = new TinyScenes(32, { size: 64, unseenIds: UNSEEN });
  const wide = new TinyTeacher({ dim: 64, imageSize: 64 });
  const config = tinyConfig((c) => {
    c.student.width = 16;
    c.train.batchSize = 16;
    c.latent.heads = 4;
  });
  const state = await createTrainingState(config, {
    teacher: wide,
    data: { train: big, eval: big },
  });
  const images = tf.tensor4d(state.pool.images.subarray(0, 8 * 4096), [8, 64, 64, 1]);
  const meanNorm = () =>
    tf.tidy(() =>
      tf.mean(tf.norm(state.student.forward(images, false), "euclidean", -1)).dataSync()[0]!
    );
  const before = meanNorm();
  for (let step = 0; step < 20; step++) trainingStep(state, 2e-3).dispose();
  const after = meanNorm();
  assert.ok(after < 5 * before, `mean |F| ${before} -> ${after}`);
  images.dispose();
  state.dispose();
  wide.dispose();
});

Deno.test("a run is reproducible: the same config gives the same losses and scores", async () => {
  const config = tinyConfig((c) => (c.train.steps = 5));
  const a = await trainC2S(config, { teacher, data, cache });
  const b = await trainC2S(config, { teacher, data, cache });
  assert.deepEqual(a.metrics, b.metrics);
  assert.deepEqual(a.results?.results, b.results?.results);
  const other = await trainC2S(
    tinyConfig((c) => {
      c.train.steps = 5;
      c.train.seed = 1;
    }),
    { teacher, data, cache },
  );
  assert.notDeepEqual(other.metrics, a.metrics);
});

Deno.test("a NaN loss stops the run with a failed event naming the step", async () => {
  const events: C2SEvent[] = [];
  // lr = NaN: step 1's loss is finite, its update makes every weight NaN, step 2's loss is NaN.
  const config = tinyConfig((c) => {
    c.train.lr = NaN;
    c.train.warmupFraction = 0;
    c.train.logEvery = 3;
  });
  const outcome = await trainC2S(config, { teacher, data, cache, onEvent: (e) => events.push(e) });
  assert.equal(outcome.status, "failed");
  assert.equal(outcome.error, "NaN loss at step 2");
  assert.deepEqual(events.at(-1), { type: "failed", step: 2, error: messages.nanLoss(2) });
  assert.ok(!events.some((e) => e.type === "done" || e.type === "progress"));
});

Deno.test("an aborted run stops after the current step with an interrupted event", async () => {
  const controller = new AbortController();
  const events: C2SEvent[] = [];
  const outcome = await trainC2S(tinyConfig((c) => (c.train.steps = 50)), {
    teacher,
    data,
    cache,
    signal: controller.signal,
    onEvent: (e) => {
      events.push(e);
      if (e.type === "progress" && e.step === 2) controller.abort();
    },
  });
  assert.equal(outcome.status, "interrupted");
  assert.deepEqual(events.at(-1), { type: "interrupted", step: 2 });
});

Deno.test("training labels of an unseen class are rejected", async () => {
  const leaky = new TinyScenes(24); // labels carry class "c"
  let first = 0;
  while (!leaky.get(first).labels.includes(2)) first++;
  await assert.rejects(
    () =>
      createTrainingState(tinyConfig(), { teacher, data: { train: leaky, eval: evalSet }, cache }),
    { name: "RangeError", message: messages.unseenLabelInTraining(first, 2) },
  );
});

// ---------------------------------------------------------------------------------------------
// Each switch changes the computation of Eq. 8.

function termsOf(patch: (c: C2SConfig) => void, withBank = false) {
  const config = tinyConfig(patch);
  const pool = buildTrainPool(train, cache);
  const batch = makeBatch(pool, [0, 1, 2, 3]);
  const student = new Student({ width: 4, dim: 16, seed: 9 });
  const objective = new C2SObjective(config, { dim: 16, numSeen: 4, maxLatent: 2 }, 9);
  const text = teacher.textEmbeddings(["a", "b", "d", "e"]);
  const bank = withBank ? tf.tidy(() => tf.reverse(batch.globalCls, 1)) as tf.Tensor2D : null;
  const out = tf.tidy(() => {
    const t = objective.terms(student.forward(batch.images), batch, bank, text);
    return tf.stack([t.total, t.global, t.local, t.pixel]);
  });
  const [total, global, local, pixel] = Array.from(out.dataSync());
  const variables = objective.variables.length;
  tf.dispose([out, text, ...(bank ? [bank] : [])]);
  batch.dispose();
  student.dispose();
  objective.dispose();
  return { total: total!, global: global!, local: local!, pixel: pixel!, variables };
}

Deno.test("switching global distillation off removes L_g; its aggregation, loss and bank change it", () => {
  const full = termsOf(() => {});
  const off = termsOf((c) => (c.distill.global.enabled = false));
  assert.equal(off.global, 0);
  assert.equal(off.local, full.local);
  assert.equal(off.pixel, full.pixel);
  const values = [
    full.global,
    termsOf((c) => (c.distill.global.aggregation = "mean")).global,
    termsOf((c) => (c.distill.global.aggregation = "max")).global,
    termsOf((c) => (c.distill.global.loss = "cosine")).global,
    termsOf((c) => (c.distill.global.loss = "l2")).global,
    termsOf((c) => (c.distill.global.loss = "residual")).global,
    termsOf(() => {}, true).global,
  ];
  assert.equal(new Set(values).size, values.length);
});

Deno.test("switching local distillation off removes L_l; its temperature changes it", () => {
  const full = termsOf(() => {});
  assert.ok(full.local > 0);
  assert.equal(termsOf((c) => (c.distill.local.enabled = false)).local, 0);
  assert.notEqual(termsOf((c) => (c.distill.local.temperature = 0.5)).local, full.local);
});

Deno.test("switching latent embeddings off removes X_u and the generator: L_s is seen-only CE", () => {
  const full = termsOf(() => {});
  const off = termsOf((c) => (c.latent.enabled = false));
  assert.equal(off.variables, 0);
  assert.ok(full.variables > 0);
  assert.notEqual(off.pixel, full.pixel);
  // Seen-only CE ignores the focal and dice weights.
  assert.equal(
    termsOf((c) => {
      c.latent.enabled = false;
      c.loss.focal = 0;
      c.loss.dice = 0;
    }).pixel,
    off.pixel,
  );
  const baseline = termsOf((c) => {
    c.latent.enabled = false;
    c.distill.global.enabled = false;
    c.distill.local.enabled = false;
  });
  assert.equal(baseline.total, off.pixel);
});

Deno.test("latent feature, calibrator, key and loss-weight switches change L_s", () => {
  const values = [
    termsOf(() => {}).pixel,
    termsOf((c) => (c.latent.features = "prototypes")).pixel,
    termsOf((c) => (c.latent.features = "cls")).pixel,
    termsOf((c) => (c.latent.calibrator = "mlp")).pixel,
    termsOf((c) => (c.latent.calibrator = "none")).pixel,
    termsOf((c) => (c.latent.useGlobalCls = false)).pixel,
    termsOf((c) => (c.latent.useLocalCls = false)).pixel,
    termsOf((c) => (c.loss.dice = 0)).pixel,
    termsOf((c) => (c.loss.focal = 0)).pixel,
    termsOf((c) => (c.loss.beta = 5)).pixel,
  ];
  assert.equal(new Set(values).size, values.length);
});

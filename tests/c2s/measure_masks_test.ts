import * as tf from "@tensorflow/tfjs-core";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { assert, assertRejects } from "../../lib/_std.ts";
import type { C2SConfig } from "../../lib/c2s/config.ts";
import type { C2SEvent } from "../../lib/c2s/events.ts";
import {
  MASK_SETTINGS,
  maskAccuracyClassIou,
  maskAccuracyRows,
  measureMaskAccuracy,
  measureMaskMessages,
  measurePseudoMaskCost,
  settingAnnotation,
  settingPlan,
} from "../../lib/c2s/measure_masks.ts";
import { IGNORE_LABEL, type Scene, type SegmentationDataset } from "../../lib/data/types.ts";
import type { Teacher, TeacherOutput } from "../../lib/teacher/teacher.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { ablate, query, REPO, tempArea, TINY_TEACHER } from "../sweep/_sweep.ts";
import { TINY_CLASSES, tinyConfig, TinyScenes, TinyTeacher } from "./_fixtures.ts";

await initBackend("wasm");

/** The tiny fixtures' config: unseen class "c" (id 2), windows [3], at most 2 latent classes. */
function config(evalScenes: number): C2SConfig {
  return tinyConfig((c) => {
    c.data.evalScenes = evalScenes;
    c.backend = "wasm";
  });
}

Deno.test("measureMaskAccuracy() on a tiny teacher gives percentages in [0, 100] for the three settings", async () => {
  const teacher = new TinyTeacher({ dim: 16, imageSize: 32 });
  try {
    const events: C2SEvent[] = [];
    const m = await measureMaskAccuracy(config(40), {
      teacher,
      data: { eval: new TinyScenes(48, { seed: 11 }) },
      seed: 0,
      onEvent: (e) => events.push(e),
    });
    assert.equal(m.scenes, 40, "the configured number of evaluation scenes");
    assert.deepEqual(m.unseenIds, [2]);
    for (const setting of MASK_SETTINGS) {
      const s = m.settings[setting];
      assert.ok(s.miou !== null && s.miou >= 0 && s.miou <= 100, `${setting}: ${s.miou}`);
      assert.ok(s.masks > 0, setting);
    }
    const { unseen, seen, all } = m.settings;
    assert.equal(unseen.masks + seen.masks, all.masks, "every class mask is scored in one of them");
    assert.ok(m.cost.msPerImage >= 0 && m.cost.mflopPerImage > 0);
    const rows = maskAccuracyRows(m);
    assert.deepEqual(rows.slice(0, 5).map((r) => r.metric), [
      "unseen",
      "seen",
      "all",
      "pseudo_mask_ms_per_image",
      "pseudo_mask_mflop_per_image",
    ]);
    assert.ok(rows.every((r) => r.split === "eval" && Number.isFinite(r.value)));
    assert.deepEqual(
      events.map((e) => e.type === "cache" ? `${e.done}/${e.total}` : e.type),
      ["0/40", "32/40", "40/40"],
    );
  } finally {
    teacher.dispose();
  }
});

Deno.test("measureMaskAccuracy() leaves no tensors behind", async () => {
  const teacher = new TinyTeacher({ dim: 16, imageSize: 32 });
  const data = { eval: new TinyScenes(4) };
  try {
    await measureMaskAccuracy(config(4), { teacher, data, seed: 0 });
    const before = tf.memory().numTensors;
    await measureMaskAccuracy(config(4), { teacher, data, seed: 0 });
    assert.equal(tf.memory().numTensors, before);
  } finally {
    teacher.dispose();
  }
});

// ------------------------------------------------------------------ a hand-made scene

/**
 * A teacher that sees only brightness: the dense feature of each 4 x 4 cell is e1 where the
 * cell's mean intensity passes 0.25, else e0. Two items of equal brightness are one "object" to it.
 */
class BrightnessTeacher implements Teacher {
  readonly name = "brightness";
  readonly dim = 4;
  readonly denseSize = [8, 8] as const;
  readonly hash = "brightness-1";

  encodeImages(images: tf.Tensor4D): TeacherOutput {
    return tf.tidy(() => {
      const bright = tf.cast(tf.greater(tf.avgPool(images, 4, 4, "valid"), 0.25), "float32");
      const zeros = tf.zerosLike(bright);
      const dense = tf.concat([tf.sub(1, bright), bright, zeros, zeros], 3) as tf.Tensor4D;
      const mean = tf.mean(dense, [1, 2]);
      const cls = tf.div(mean, tf.norm(mean, 2, 1, true)) as tf.Tensor2D;
      return { cls, dense };
    });
  }

  textEmbeddings(classNames: readonly string[]): tf.Tensor2D {
    return tf.tidy(() =>
      tf.cast(tf.oneHot(classNames.map((_, i) => i % 4), 4), "float32") as tf.Tensor2D
    );
  }

  dispose(): void {}
}

/**
 * One 32 x 32 scene: class "a" (id 0, seen) fills rows 8-15, columns 0-15; class "c" (id 2,
 * unseen) fills rows 16-23, columns 16-31; both at intensity 1, on a dark background. Both items
 * cover whole 4 x 4 cells.
 */
class HandScene implements SegmentationDataset {
  readonly name = "hand-scene";
  readonly classNames = TINY_CLASSES;
  readonly height = 32;
  readonly width = 32;
  readonly length = 1;

  get(): Scene {
    const image = new Float32Array(32 * 32);
    const fullLabels = new Uint8Array(32 * 32).fill(IGNORE_LABEL);
    const paint = (y0: number, x0: number, cls: number) => {
      for (let y = y0; y < y0 + 8; y++) {
        for (let x = x0; x < x0 + 16; x++) {
          image[y * 32 + x] = 1;
          fullLabels[y * 32 + x] = cls;
        }
      }
    };
    paint(8, 0, 0);
    paint(16, 16, 2);
    const labels = fullLabels.map((v) => (v === 2 ? IGNORE_LABEL : v));
    return { image, fullLabels, labels, items: [] };
  }
}

Deno.test("settingAnnotation() annotates the seen classes for unseen, the unseen ones for seen, nothing for all", () => {
  const scene = new HandScene().get();
  const size = { height: 32, width: 32, h: 8, w: 8 };
  const cells = (setting: (typeof MASK_SETTINGS)[number]) => {
    const a = settingAnnotation(scene.fullLabels, settingPlan(setting, [2]).annotated, size);
    return [...a.keys()].filter((p) => a[p] === 1);
  };
  // Class a: cell rows 2-3, cell columns 0-3. Class c: cell rows 4-5, cell columns 4-7.
  const block = (r0: number, c0: number) =>
    [r0, r0 + 1].flatMap((r) => [0, 1, 2, 3].map((c) => r * 8 + c0 + c));
  assert.deepEqual(cells("unseen"), block(2, 0));
  assert.deepEqual(cells("seen"), block(4, 4));
  assert.deepEqual(cells("all"), []);
});

Deno.test("measureMaskAccuracy() scores only unseen masks with seen classes annotated, only seen masks with unseen ones annotated, every mask with nothing annotated", async () => {
  // To the brightness teacher both items are one object. Unseen setting: class a's cells are
  // annotated (zeroed), so the object cluster is exactly class c: IoU 100, and class a is not
  // scored. Seen setting: the mirror image. All: one mask covers both items, so each matches it
  // with IoU 128 / 256 = 50.
  const m = await measureMaskAccuracy(config(1), {
    teacher: new BrightnessTeacher(),
    data: { eval: new HandScene() },
    seed: 0,
  });
  const { unseen, seen, all } = m.settings;
  assert.deepEqual([unseen.masks, seen.masks, all.masks], [1, 1, 2]);
  assert.equal(unseen.miou, 100);
  assert.equal(seen.miou, 100);
  assert.equal(all.miou, 50);
  assert.deepEqual(unseen.classIou, [null, null, 100, null, null], "only class c is scored");
  assert.deepEqual(seen.classIou, [100, null, null, null, null], "only class a is scored");
  assert.deepEqual(all.classIou, [50, null, 50, null, null]);
  assert.deepEqual(
    maskAccuracyClassIou(m).map((c) => [c.className, c.seen, c.iou]),
    [["a", true, 100], ["b", true, null], ["c", false, 100], ["d", true, null], [
      "e",
      true,
      null,
    ]],
  );
  assert.deepEqual(
    maskAccuracyRows(m).filter((r) => MASK_SETTINGS.includes(r.metric as "all")),
    [
      { split: "eval", metric: "unseen", value: 100 },
      { split: "eval", metric: "seen", value: 100 },
      { split: "eval", metric: "all", value: 50 },
    ],
  );
});

Deno.test("measurePseudoMaskCost() runs the generator as training does: seen labels annotated", async () => {
  // A training view of the hand-made scene carries class a only; the generator's operation
  // count is deterministic, so it must equal the unseen setting's (seen classes annotated).
  const teacher = new BrightnessTeacher();
  const cost = await measurePseudoMaskCost(config(1), {
    teacher,
    scenes: new HandScene(),
    seed: 0,
  });
  const m = await measureMaskAccuracy(config(1), {
    teacher,
    data: { eval: new HandScene() },
    seed: 0,
  });
  assert.equal(cost.scenes, 1);
  assert.ok(cost.mflopPerImage > 0 && cost.msPerImage >= 0);
  assert.equal(cost.mflopPerImage, m.cost.mflopPerImage);
  await assertRejects(
    () => measurePseudoMaskCost(config(1), { teacher, scenes: new HandScene(), count: 0, seed: 0 }),
    RangeError,
    measureMaskMessages.noScenes(0, 1),
  );
});

Deno.test("measureMaskAccuracy() leaves out the row of a setting without masks", async () => {
  // Only the seen class a is present: the unseen setting has nothing to score.
  const onlySeen: SegmentationDataset = {
    ...new HandScene(),
    classNames: TINY_CLASSES,
    name: "only-seen",
    height: 32,
    width: 32,
    length: 1,
    get() {
      const s = new HandScene().get();
      const fullLabels = s.fullLabels.map((v) => (v === 2 ? IGNORE_LABEL : v));
      const image = s.image.map((v, i) => (s.fullLabels[i] === 2 ? 0 : v));
      return { ...s, image, fullLabels, labels: fullLabels };
    },
  };
  const m = await measureMaskAccuracy(config(1), {
    teacher: new BrightnessTeacher(),
    data: { eval: onlySeen },
    seed: 0,
  });
  assert.equal(m.settings.unseen.miou, null);
  assert.equal(m.settings.unseen.masks, 0);
  assert.deepEqual(
    maskAccuracyRows(m).filter((r) => MASK_SETTINGS.includes(r.metric as "all")).map((r) =>
      r.metric
    ),
    ["seen", "all"],
  );
});

Deno.test("measureMaskAccuracy() rejects an unseen class the scenes do not have, and no scenes", async () => {
  const teacher = new BrightnessTeacher();
  const data = { eval: new HandScene() };
  const bad = config(1);
  bad.data.unseen = ["Trouser"];
  await assertRejects(
    () => measureMaskAccuracy(bad, { teacher, data, seed: 0 }),
    RangeError,
    measureMaskMessages.unknownClass("Trouser", TINY_CLASSES),
  );
  const empty = { eval: { ...new HandScene(), length: 0, get: () => new HandScene().get() } };
  await assertRejects(
    () => measureMaskAccuracy(config(4), { teacher, data: empty, seed: 0 }),
    RangeError,
    measureMaskMessages.noScenes(4, 0),
  );
});

// ------------------------------------------------------------------ through the sweep

/** A folder of ablation files (imports by absolute URL, so it can live anywhere). */
async function writeSpecs(dir: string): Promise<void> {
  const url = (path: string) => pathToFileURL(join(REPO, path)).href;
  const head = `import fashionScenes from "${url("experiments/fashion_scenes.ts")}";\n` +
    `import { defineAblation } from "${url("lib/spec/define.ts")}";\n`;
  await Deno.writeTextFile(
    join(dir, "measure_masks.ts"),
    head + `export default defineAblation({
  name: "measure-masks", table: "XIII", title: "Mask accuracy (test)", kind: "measurement",
  base: fashionScenes,
  variants: [
    { label: "kmeans (ours)", paperRow: "mIoU", set: {} },
    { label: "proposals", extra: true, set: { "pseudoMask.method": "proposals" } },
  ],
  metrics: ["unseen", "seen", "all"],
});\n`,
  );
  await Deno.writeTextFile(
    join(dir, "measure_cost.ts"),
    head + `export default defineAblation({
  name: "measure-cost", table: "III", title: "Efficiency (test)", kind: "efficiency",
  base: fashionScenes,
  variants: [{ label: "student (conv)", extra: true, set: {} }],
  metrics: ["params_M", "GFLOPs", "FPS"],
  seeds: 1,
});\n`,
  );
}

Deno.test("ablate all runs measurement and efficiency ablations end to end on a tiny teacher", async () => {
  await using area = await tempArea();
  const specs = join(area.dir, "specs");
  await Deno.mkdir(specs);
  await writeSpecs(specs);
  const out = await ablate([
    "all",
    "--preset",
    "smoke",
    "--teacher",
    TINY_TEACHER,
    "--specs",
    specs,
    "--db",
    area.db,
    "--work",
    area.work,
  ]);
  assert.equal(out.code, 0, out.stdout + out.stderr);
  assert.match(out.stdout, /^Running 3 runs \(0 of 3 already finished\)/m);
  assert.match(out.stdout, /finished\s+measure-masks "kmeans \(ours\)" seed 0 \(\w+\) unseen \d/);
  assert.match(
    out.stdout,
    /finished\s+measure-cost "student \(conv\)" seed 0 \(\w+\) params_M 0\.\d+/,
  );
  assert.match(out.stdout, /^Table XIII: Mask accuracy \(test\) \(measure-masks\)$/m);
  assert.match(
    out.stdout,
    /^ {2}kmeans \(ours\)\s+1\s+58\.5\s+\d+\.\d\s+53\.1\s+\d+\.\d\s+49\.5\s+\d+\.\d$/m,
  );
  assert.match(out.stdout, /^Table III: Efficiency \(test\) \(measure-cost\)$/m);
  assert.match(out.stdout, /^Done: 3 runs finished$/m);

  const runs = await query(area.db, "SELECT ablation, variant, status FROM runs ORDER BY 1, 2");
  assert.deepEqual(runs.map((r) => `${r.ablation}/${r.variant}/${r.status}`), [
    "measure-cost/student (conv)/finished",
    "measure-masks/kmeans (ours)/finished",
    "measure-masks/proposals/finished",
  ]);
  const results = await query(
    area.db,
    "SELECT r.variant, s.metric, s.value FROM results s JOIN runs r ON r.id = s.run_id " +
      "WHERE s.split = 'eval' AND s.metric IN ('unseen', 'seen', 'all', 'params', 'GFLOPs', 'FPS')",
  );
  const value = (variant: string, metric: string) =>
    results.find((r) => r.variant === variant && r.metric === metric)?.value as number;
  for (const variant of ["kmeans (ours)", "proposals"]) {
    for (const metric of ["unseen", "seen", "all"]) {
      const v = value(variant, metric);
      assert.ok(v >= 0 && v <= 100, `${variant} ${metric}: ${v}`);
    }
  }
  // The tiny teacher's width is 16: the student's parameters for D = 16 at base width 16.
  const { Student } = await import("../../lib/c2s/student.ts");
  const student = new Student({ width: 16, dim: 16 });
  assert.equal(value("student (conv)", "params"), student.parameterCount);
  student.dispose();
  assert.ok(value("student (conv)", "GFLOPs") > 0 && value("student (conv)", "FPS") > 0);
  const summary = await query(
    area.db,
    "SELECT metric, paper, mean FROM variant_summary WHERE ablation = 'measure-masks' AND " +
      "variant = 'kmeans (ours)' ORDER BY metric",
  );
  assert.deepEqual(
    summary.filter((r) => ["all", "seen", "unseen"].includes(String(r.metric))).map((r) => [
      r.metric,
      r.paper,
    ]),
    [["all", 49.5], ["seen", 53.1], ["unseen", 58.5]],
  );
});

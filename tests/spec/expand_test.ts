import { assert } from "../../lib/_std.ts";
import tokenBank from "../../ablations/token_bank.ts";
import efficiency from "../../ablations/efficiency.ts";
import fashionScenes from "../../experiments/fashion_scenes.ts";
import { expandAblation, seedCount } from "../../lib/spec/expand.ts";
import type { HashContext } from "../../lib/spec/hash.ts";
import { PRESETS } from "../../lib/spec/presets.ts";
import { loadAblation } from "../../lib/spec/registry.ts";
import { assertRejectsExactly, assertThrowsExactly } from "./_assert.ts";

const CONTEXT: HashContext = { dataIdentity: "d", teacherHash: "t", codeVersion: "c" };

Deno.test("expandAblation() gives token-bank at quick 4 variants x 3 seeds, seed-major", async () => {
  const runs = await expandAblation(tokenBank, { preset: "quick", context: CONTEXT });
  assert.equal(runs.length, 12);
  assert.deepEqual(
    runs.map((run) => `${run.variant}@${run.seed}`),
    ["0@0", "2@0", "6@0", "14@0", "0@1", "2@1", "6@1", "14@1", "0@2", "2@2", "6@2", "14@2"],
  );
  assert.equal(new Set(runs.map((run) => run.hash)).size, 12);
  for (const run of runs) {
    assert.equal(run.ablation, "token-bank");
    assert.equal(run.table, "IX");
    assert.equal(run.kind, "training");
    assert.equal(run.preset, "quick");
    assert.equal(run.paperRow, run.variant);
    assert.equal(run.config.distill.global.bankSize, Number(run.variant));
    assert.equal(run.config.train.seed, run.seed);
    assert.equal(run.config.train.steps, PRESETS.quick.set["train.steps"]);
    assert.equal(run.config.data.trainScenes, PRESETS.quick.set["data.trainScenes"]);
    assert.match(run.hash, /^[0-9a-f]{64}$/);
  }
});

Deno.test("expandAblation() defaults to the quick preset", async () => {
  const runs = await expandAblation(tokenBank);
  assert.equal(runs.length, 12);
  assert.ok(runs.every((run) => run.preset === "quick"));
});

Deno.test("expandAblation() uses the preset's seed count unless seeds are given", async () => {
  assert.equal((await expandAblation(tokenBank, { preset: "smoke" })).length, 4);
  assert.equal((await expandAblation(tokenBank, { preset: "paper" })).length, 20);
  const five = await expandAblation(tokenBank, { preset: "quick", seeds: 5 });
  assert.equal(five.length, 20);
  assert.deepEqual([...new Set(five.map((run) => run.seed))], [0, 1, 2, 3, 4]);
});

Deno.test("expandAblation() caps the seeds at the ablation's own count, --seeds still wins", async () => {
  const ablation = await loadAblation("efficiency");
  assert.equal(seedCount(ablation, { preset: "paper" }), 1);
  assert.equal((await expandAblation(efficiency, { preset: "paper" })).length, 1);
  assert.equal((await expandAblation(efficiency, { preset: "paper", seeds: 3 })).length, 3);
});

Deno.test("expandAblation() records the overrides that produced each config, layer by layer", async () => {
  const [run] = await expandAblation(tokenBank, { preset: "smoke", backend: "cpu" });
  assert.ok(run);
  assert.deepEqual(run.layers.variant, { "distill.global.bankSize": 0 });
  assert.deepEqual(run.layers.preset, PRESETS.smoke.set);
  assert.deepEqual(run.layers.run, { "train.seed": 0, backend: "cpu" });
  assert.deepEqual(run.overrides, {
    ...run.layers.base,
    ...PRESETS.smoke.set,
    "distill.global.bankSize": 0,
    "train.seed": 0,
    backend: "cpu",
  });
  assert.equal(run.config.backend, "cpu");
});

Deno.test("expandAblation() hashes are stable and depend on the context and backend", async () => {
  const first = await expandAblation(tokenBank, { preset: "smoke", context: CONTEXT });
  const again = await expandAblation(tokenBank, { preset: "smoke", context: CONTEXT });
  assert.deepEqual(first.map((r) => r.hash), again.map((r) => r.hash));
  const otherTeacher = await expandAblation(tokenBank, {
    preset: "smoke",
    context: { ...CONTEXT, teacherHash: "t2" },
  });
  const cpu = await expandAblation(tokenBank, {
    preset: "smoke",
    context: CONTEXT,
    backend: "cpu",
  });
  for (let i = 0; i < first.length; i++) {
    assert.notEqual(first[i]?.hash, otherTeacher[i]?.hash);
    assert.notEqual(first[i]?.hash, cpu[i]?.hash);
  }
});

Deno.test("expandAblation() rejects a bad seed count, preset or backend", async () => {
  await assertRejectsExactly(
    () => expandAblation(tokenBank, { seeds: 0 }),
    RangeError,
    "Seed count must be an integer >= 1, got 0",
  );
  await assertRejectsExactly(
    () => expandAblation(tokenBank, { preset: "quik" }),
    RangeError,
    `Unknown preset "quik" (did you mean "quick"?); presets are "smoke", "quick", "paper"`,
  );
  await assertRejectsExactly(
    // deno-lint-ignore no-explicit-any
    () => expandAblation(tokenBank, { backend: "gpu" as any }),
    RangeError,
    `"backend" must be one of "wasm", "cpu", "webgpu", "tensorflow", got "gpu" (did you mean ` +
      `"cpu"?)`,
  );
});

Deno.test("expandAblation() validates a spec it is given directly, naming its file", async () => {
  await assertRejectsExactly(
    () =>
      expandAblation({
        name: "token-bank",
        table: "IX",
        title: "Bank",
        base: fashionScenes,
        variants: [{ label: "7", set: { "distill.global.bankSize": 7 } }],
        metrics: ["hIoU"],
      }),
    RangeError,
    `Cannot load spec "ablations/token_bank.ts": variant "7" matches no row of Table IX; the ` +
      `rows are "0", "2", "6", "14": give "paperRow", or mark the variant "extra: true"`,
  );
});

Deno.test("seedCount() rejects a non-integer count", () => {
  assertThrowsExactly(
    () => seedCount({ seeds: null } as never, { seeds: 1.5 }),
    RangeError,
    "Seed count must be an integer >= 1, got 1.5",
  );
});

import { assert } from "../../lib/_std.ts";
import { listAblations, loadAblation, loadAllAblations } from "../../lib/spec/registry.ts";
import { assertRejectsExactly } from "./_assert.ts";

const NAMES = [
  "aggregation",
  "calibration-tokens",
  "calibrator",
  "distill-loss",
  "efficiency",
  "global-local",
  "mask-accuracy",
  "mask-method",
  "module",
  "token-bank",
  "window-size",
];

const DEFINE = new URL("../../lib/spec/define.ts", import.meta.url).href;
const BASE = new URL("../../experiments/fashion_scenes.ts", import.meta.url).href;

function specFile(body: string): string {
  return `import { defineAblation } from "${DEFINE}";\nimport base from "${BASE}";\n${body}\n`;
}

/** A folder of spec files for the test; removed afterwards. */
async function withSpecs(
  files: Record<string, string>,
  fn: (dir: URL, path: string) => Promise<void>,
): Promise<void> {
  const path = await Deno.makeTempDir({ prefix: "c2s-specs-" });
  try {
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(`${path}/${name}`, text);
    }
    await fn(new URL(`file://${path}/`), path);
  } finally {
    await Deno.remove(path, { recursive: true });
  }
}

Deno.test("listAblations() lists one kebab-case name per file of ablations/", async () => {
  assert.deepEqual(await listAblations(), NAMES);
});

Deno.test("loadAblation() loads and validates every ablation file", async () => {
  for (const name of NAMES) {
    const ablation = await loadAblation(name);
    assert.equal(ablation.name, name);
    assert.equal(ablation.source, `ablations/${name.replaceAll("-", "_")}.ts`);
  }
  assert.equal((await loadAllAblations()).length, NAMES.length);
});

Deno.test("loadAblation() lists the known ablations for an unknown name, with a suggestion", async () => {
  await assertRejectsExactly(
    () => loadAblation("tokenbank"),
    RangeError,
    `Unknown ablation "tokenbank" (did you mean "token-bank"?); known ablations: ` +
      NAMES.map((name) => `"${name}"`).join(", "),
  );
});

Deno.test("loadAblation() names a malformed spec file and its unknown key", async () => {
  const body = specFile(`export default defineAblation({
  name: "bad-key", table: "IX", title: "Bad", base, metrics: ["hIoU"],
  // @ts-ignore: the typo under test
  variants: [{ label: "6", set: { "distill.globl.bankSize": 6 } }],
});`);
  await withSpecs({ "bad_key.ts": body }, async (dir, path) => {
    await assertRejectsExactly(
      () => loadAblation("bad-key", { dir }),
      TypeError,
      `Cannot load spec "${path}/bad_key.ts": unknown key "distill.globl.bankSize" (did you ` +
        `mean "distill.global.bankSize"?)`,
    );
  });
});

Deno.test("loadAblation() names a file without a spec as its default export", async () => {
  await withSpecs({ "empty.ts": "export const x = 1;\n" }, async (dir, path) => {
    await assertRejectsExactly(
      () => loadAblation("empty", { dir }),
      TypeError,
      `Cannot load spec "${path}/empty.ts": the default export must be an object made with ` +
        `defineAblation(), got undefined`,
    );
  });
});

Deno.test("loadAblation() names a file whose spec has another name", async () => {
  const body = specFile(`export default defineAblation({
  name: "token-bank", table: "IX", title: "Bank", base, metrics: ["hIoU"],
  vary: { "distill.global.bankSize": [0, 2] },
});`);
  await withSpecs({ "bank.ts": body }, async (dir, path) => {
    await assertRejectsExactly(
      () => loadAblation("bank", { dir }),
      TypeError,
      `Cannot load spec "${path}/bank.ts": name "token-bank" does not match the file name ` +
        `(expected "bank")`,
    );
  });
});

Deno.test("loadAblation() names a file that fails to import", async () => {
  await withSpecs({ "broken.ts": "export default {{;\n" }, async (dir, path) => {
    let error: unknown;
    try {
      await loadAblation("broken", { dir });
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof Error);
    assert.ok(
      error.message.startsWith(`Cannot load spec "${path}/broken.ts": it fails to import: `),
      error.message,
    );
  });
});

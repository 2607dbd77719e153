import { assert } from "../../lib/_std.ts";
import { type AblationSpec, defineExperiment } from "../../lib/spec/define.ts";
import { validateAblation, validateExperiment } from "../../lib/spec/validate_spec.ts";
import { assertThrowsExactly } from "./_assert.ts";

const FILE = "ablations/x.ts";
const prefix = `Cannot load spec "${FILE}": `;
const base = defineExperiment({ name: "fashion-scenes", title: "Fashion scenes", set: {} });
const good = {
  name: "token-bank",
  table: "IX",
  title: "Bank",
  base,
  vary: { "distill.global.bankSize": [0, 2, 6, 14] },
  metrics: ["hIoU", "sIoU", "uIoU"],
};

/** `good` with some fields replaced (`undefined` removes one). */
function spec(changes: Record<string, unknown>): unknown {
  const result: Record<string, unknown> = { ...good, ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete result[key];
  return result;
}

Deno.test("validateAblation() expands a single-key vary into variants labelled by value", () => {
  const ablation = validateAblation(good, FILE);
  assert.deepEqual(ablation.variants.map((v) => [v.label, v.paperRow, v.set]), [
    ["0", "0", { "distill.global.bankSize": 0 }],
    ["2", "2", { "distill.global.bankSize": 2 }],
    ["6", "6", { "distill.global.bankSize": 6 }],
    ["14", "14", { "distill.global.bankSize": 14 }],
  ]);
  assert.equal(ablation.kind, "training");
  assert.equal(ablation.source, FILE);
  assert.equal(ablation.seeds, null);
});

Deno.test("validateAblation() labels a multi-key vary key=value and crosses the values", () => {
  const ablation = validateAblation(
    spec({
      extra: true,
      vary: { "distill.global.bankSize": [0, 2], "distill.global.aggregation": ["mean", "max"] },
    }),
    FILE,
  );
  assert.deepEqual(ablation.variants.map((v) => [v.label, v.paperRow]), [
    ["bankSize=0, aggregation=mean", null],
    ["bankSize=0, aggregation=max", null],
    ["bankSize=2, aggregation=mean", null],
    ["bankSize=2, aggregation=max", null],
  ]);
});

Deno.test("validateAblation() names an unknown key inside vary and variants", () => {
  assertThrowsExactly(
    () => validateAblation(spec({ vary: { "distill.globl.bankSize": [0] } }), FILE),
    TypeError,
    `${prefix}unknown key "distill.globl.bankSize" (did you mean "distill.global.bankSize"?)`,
  );
  assertThrowsExactly(
    () =>
      validateAblation(
        spec({
          vary: undefined,
          variants: [{ label: "0", set: { "distill.global.banksize": 0 } }],
        }),
        FILE,
      ),
    TypeError,
    `${prefix}unknown key "distill.global.banksize" (did you mean "distill.global.bankSize"?)`,
  );
});

Deno.test("validateAblation() checks each vary value", () => {
  assertThrowsExactly(
    () => validateAblation(spec({ vary: { "distill.global.bankSize": [0, -2] } }), FILE),
    RangeError,
    `${prefix}"distill.global.bankSize" must be an integer >= 0, got -2`,
  );
  assertThrowsExactly(
    () => validateAblation(spec({ vary: { "distill.global.bankSize": [] } }), FILE),
    RangeError,
    `${prefix}"vary" gives no values for "distill.global.bankSize"`,
  );
  assertThrowsExactly(
    () => validateAblation(spec({ vary: { "distill.global.bankSize": 2 } }), FILE),
    TypeError,
    `${prefix}field "vary.distill.global.bankSize" in the spec must be a list of values, got 2 ` +
      `(a number)`,
  );
});

Deno.test("validateAblation() names an unknown field with the nearest one", () => {
  assertThrowsExactly(
    () => validateAblation(spec({ vary: undefined, varients: [] }), FILE),
    TypeError,
    `${prefix}unknown field "varients" in the spec (did you mean "variants"?)`,
  );
  assertThrowsExactly(
    () =>
      validateAblation(
        spec({ vary: undefined, variants: [{ label: "6", set: {}, paper: "6" }] }),
        FILE,
      ),
    TypeError,
    `${prefix}unknown field "paper" in variant 1`,
  );
});

Deno.test("validateAblation() names a missing field", () => {
  assertThrowsExactly(
    () => validateAblation(spec({ metrics: undefined }), FILE),
    TypeError,
    `${prefix}missing field "metrics" in the spec`,
  );
});

Deno.test("validateAblation() wants exactly one of vary and variants", () => {
  assertThrowsExactly(
    () => validateAblation(spec({ variants: [{ label: "6", set: {} }] }), FILE),
    TypeError,
    `${prefix}give either "vary" or "variants", not both`,
  );
  assertThrowsExactly(
    () => validateAblation(spec({ vary: undefined }), FILE),
    TypeError,
    `${prefix}give "vary" or "variants"`,
  );
  assertThrowsExactly(
    () => validateAblation(spec({ vary: undefined, variants: [] }), FILE),
    RangeError,
    `${prefix}"variants" lists no variants`,
  );
});

Deno.test("validateAblation() wants a short kebab-case name", () => {
  for (const name of ["Token_Bank", "token bank", "-x", "a".repeat(33)]) {
    assertThrowsExactly(
      () => validateAblation(spec({ name }), FILE),
      TypeError,
      `${prefix}ablation name "${name}" is not short kebab-case (like "token-bank")`,
    );
  }
});

Deno.test("validateAblation() names an unknown table", () => {
  assertThrowsExactly(
    () => validateAblation(spec({ table: "IIX" }), FILE),
    RangeError,
    `${prefix}unknown table "IIX" (did you mean "IX"?); the tables are "IV", "V", "VI", "VII", ` +
      `"VIII", "IX", "X", "XI", "XII", "XIII", "III"`,
  );
});

Deno.test("validateAblation() maps every variant to a paper row or an explicit extra", () => {
  const variants = (list: unknown[]) => spec({ vary: undefined, variants: list });
  assertThrowsExactly(
    () => validateAblation(variants([{ label: "bank 6", set: {} }]), FILE),
    RangeError,
    `${prefix}variant "bank 6" matches no row of Table IX; the rows are "0", "2", "6", "14": ` +
      `give "paperRow", or mark the variant "extra: true"`,
  );
  assertThrowsExactly(
    () => validateAblation(variants([{ label: "bank 6", paperRow: "66", set: {} }]), FILE),
    RangeError,
    `${prefix}variant "bank 6" (paper row "66") matches no row of Table IX (did you mean "6"?); ` +
      `the rows are "0", "2", "6", "14": give "paperRow", or mark the variant "extra: true"`,
  );
  const mapped = validateAblation(
    variants([
      { label: "bank 6", paperRow: "6", set: {} },
      { label: "bank 24", extra: true, set: { "distill.global.bankSize": 24 } },
    ]),
    FILE,
  );
  assert.deepEqual(mapped.variants.map((v) => v.paperRow), ["6", null]);
});

Deno.test("validateAblation() rejects two variants with one label or one config", () => {
  const variants = (list: unknown[]) => spec({ vary: undefined, variants: list });
  assertThrowsExactly(
    () =>
      validateAblation(
        variants([{ label: "6", set: {} }, { label: "6", set: { "distill.global.bankSize": 2 } }]),
        FILE,
      ),
    TypeError,
    `${prefix}two variants are labelled "6"`,
  );
  assertThrowsExactly(
    () =>
      validateAblation(
        variants([{ label: "6", set: {} }, {
          label: "2",
          paperRow: "2",
          set: { "distill.global.bankSize": 6 },
        }]),
        FILE,
      ),
    RangeError,
    `${prefix}variants "6" and "2" resolve to the same configuration`,
  );
});

Deno.test("validateAblation() checks the metrics against the paper's columns", () => {
  assertThrowsExactly(
    () => validateAblation(spec({ metrics: ["hIou"] }), FILE),
    RangeError,
    `${prefix}unknown metric "hIou" (did you mean "hIoU"?); the metrics are "hIoU", "sIoU", ` +
      `"uIoU", "GFLOPs", "unseen", "seen", "all", "params_M", "FPS", "mIoU"`,
  );
  assertThrowsExactly(
    () => validateAblation(spec({ metrics: [] }), FILE),
    RangeError,
    `${prefix}"metrics" is empty: name at least one`,
  );
});

Deno.test("validateAblation() checks kind and seeds", () => {
  assertThrowsExactly(
    () => validateAblation(spec({ kind: "train" }), FILE),
    RangeError,
    `${prefix}"kind" must be one of "training", "measurement", "efficiency", got "train"`,
  );
  assertThrowsExactly(
    () => validateAblation(spec({ seeds: 0 }), FILE),
    RangeError,
    `${prefix}"seeds" must be an integer >= 1, got 0`,
  );
  assertThrowsExactly(
    () => validateAblation(spec({ seeds: "1" }), FILE),
    TypeError,
    `${prefix}field "seeds" in the spec must be an integer, got "1" (a string)`,
  );
});

Deno.test("validateAblation() checks the resolved config of each variant", () => {
  assertThrowsExactly(
    () =>
      validateAblation(
        spec({
          vary: undefined,
          variants: [{
            label: "6",
            set: { "latent.useGlobalCls": false, "latent.useLocalCls": false },
          }],
        }),
        FILE,
      ),
    RangeError,
    `${prefix}"latent.useGlobalCls" and "latent.useLocalCls" are both false, but the ` +
      `transformer calibrator needs at least one as keys and values (set "latent.enabled" to ` +
      `false for no latent embedding)`,
  );
});

Deno.test("validateAblation() rejects a default export that is not a spec", () => {
  assertThrowsExactly(
    () => validateAblation(undefined, FILE),
    TypeError,
    `${prefix}the default export must be an object made with defineAblation(), got undefined`,
  );
});

Deno.test("validateExperiment() names the experiment's own file", () => {
  assertThrowsExactly(
    () => validateExperiment({ name: "fashion-scenes", title: "F", set: { "data.unseen": [] } }),
    RangeError,
    `Cannot load spec "experiments/fashion_scenes.ts": "data.unseen" must hold at least 1 ` +
      `value, got []`,
  );
  assertThrowsExactly(
    () => validateAblation(spec({ base: { name: "fashion-scenes", title: "F" } }), FILE),
    TypeError,
    `Cannot load spec "experiments/fashion_scenes.ts": missing field "set" in the experiment`,
  );
});

Deno.test("defineAblation() specs type-check as short data", () => {
  // Compile-time: a typo in a key is a type error (kept here so `deno check` guards it).
  const typed: AblationSpec = {
    ...good,
    table: "IX",
    metrics: ["hIoU"],
    // @ts-expect-error unknown dotted key
    vary: { "distill.globl.bankSize": [0] },
  };
  assert.ok(typed);
});

import { assert } from "../../lib/_std.ts";
import { CONFIG_CONSTRAINTS, CONFIG_ENUMS, DEFAULT_CONFIG } from "../../lib/c2s/config.ts";
import { CONFIG_KEYS, getAtKey } from "../../lib/spec/keys.ts";
import { resolveConfig, validateOverrides } from "../../lib/spec/validate.ts";
import { assertThrowsExactly } from "./_assert.ts";

const FILE = "ablations/token_bank.ts";
const prefix = `Cannot load spec "${FILE}": `;

Deno.test("validateOverrides() names the file and the unknown key, with the nearest key", () => {
  assertThrowsExactly(
    () => validateOverrides({ "distill.globl.bankSize": 2 }, FILE),
    TypeError,
    `Cannot load spec "ablations/token_bank.ts": unknown key "distill.globl.bankSize" ` +
      `(did you mean "distill.global.bankSize"?)`,
  );
});

Deno.test("validateOverrides() suggests the full key for a bare field name", () => {
  assertThrowsExactly(
    () => validateOverrides({ bankSize: 2 }, FILE),
    TypeError,
    `${prefix}unknown key "bankSize" (did you mean "distill.global.bankSize"?)`,
  );
});

Deno.test("validateOverrides() makes no suggestion when no key is close", () => {
  assertThrowsExactly(
    () => validateOverrides({ foo: 1 }, FILE),
    TypeError,
    `${prefix}unknown key "foo"`,
  );
});

Deno.test("validateOverrides() rejects a section as a key", () => {
  assertThrowsExactly(
    () => validateOverrides({ "distill.global": { bankSize: 2 } }, FILE),
    TypeError,
    `${prefix}"distill.global" is a section, not a value: set one of its keys, e.g. ` +
      `"distill.global.enabled"`,
  );
});

Deno.test("validateOverrides() names the key, the expected type and the value given", () => {
  assertThrowsExactly(
    () => validateOverrides({ "distill.global.bankSize": "6" }, FILE),
    TypeError,
    `${prefix}"distill.global.bankSize" must be an integer, got "6" (a string)`,
  );
  assertThrowsExactly(
    () => validateOverrides({ "latent.enabled": "yes" }, FILE),
    TypeError,
    `${prefix}"latent.enabled" must be a boolean, got "yes" (a string)`,
  );
  assertThrowsExactly(
    () => validateOverrides({ "pseudoMask.lambda": null }, FILE),
    TypeError,
    `${prefix}"pseudoMask.lambda" must be a finite number, got null (null)`,
  );
  assertThrowsExactly(
    () => validateOverrides({ "pseudoMask.windowSizes": 3 }, FILE),
    TypeError,
    `${prefix}"pseudoMask.windowSizes" must be a list of integers, got 3 (a number)`,
  );
  assertThrowsExactly(
    () => validateOverrides({ "pseudoMask.windowSizes": [3, "7"] }, FILE),
    TypeError,
    `${prefix}"pseudoMask.windowSizes" must be a list of integers, got [3, "7"] (a list)`,
  );
  assertThrowsExactly(
    () => validateOverrides({ "data.unseen": "Bag" }, FILE),
    TypeError,
    `${prefix}"data.unseen" must be a list of strings, got "Bag" (a string)`,
  );
});

Deno.test("validateOverrides() checks enum values against the config's as-const lists", () => {
  assertThrowsExactly(
    () => validateOverrides({ "pseudoMask.method": "kmean" }, FILE),
    RangeError,
    `${prefix}"pseudoMask.method" must be one of "kmeans", "ncut", "proposals", got "kmean" ` +
      `(did you mean "kmeans"?)`,
  );
  assertThrowsExactly(
    () => validateOverrides({ "distill.global.aggregation": 1 }, FILE),
    RangeError,
    `${prefix}"distill.global.aggregation" must be one of "attention", "mean", "max", got 1 ` +
      `(a number)`,
  );
  for (const [key, values] of Object.entries(CONFIG_ENUMS)) {
    for (const value of values) validateOverrides({ [key]: value }, FILE);
  }
});

Deno.test("validateOverrides() rejects a negative or fractional bank size", () => {
  assertThrowsExactly(
    () => validateOverrides({ "distill.global.bankSize": -1 }, FILE),
    RangeError,
    `${prefix}"distill.global.bankSize" must be an integer >= 0, got -1`,
  );
  assertThrowsExactly(
    () => validateOverrides({ "distill.global.bankSize": 2.5 }, FILE),
    RangeError,
    `${prefix}"distill.global.bankSize" must be an integer >= 0, got 2.5`,
  );
  validateOverrides({ "distill.global.bankSize": 0 }, FILE);
});

Deno.test("validateOverrides() keeps window sizes within 1..32, non-empty and distinct", () => {
  const range = `${prefix}"pseudoMask.windowSizes" must be a list of integers in [1, 32], got `;
  assertThrowsExactly(
    () => validateOverrides({ "pseudoMask.windowSizes": [0] }, FILE),
    RangeError,
    `${range}[0]`,
  );
  assertThrowsExactly(
    () => validateOverrides({ "pseudoMask.windowSizes": [3, 33] }, FILE),
    RangeError,
    `${range}[3, 33]`,
  );
  assertThrowsExactly(
    () => validateOverrides({ "pseudoMask.windowSizes": [] }, FILE),
    RangeError,
    `${prefix}"pseudoMask.windowSizes" must hold at least 1 value, got []`,
  );
  assertThrowsExactly(
    () => validateOverrides({ "pseudoMask.windowSizes": [3, 3] }, FILE),
    RangeError,
    `${prefix}"pseudoMask.windowSizes" must not repeat a value (3 is there twice), got [3, 3]`,
  );
  validateOverrides({ "pseudoMask.windowSizes": [1, 32] }, FILE);
});

Deno.test("validateOverrides() keeps lambda in (0, 1]", () => {
  for (const lambda of [0, -0.5, 1.5]) {
    assertThrowsExactly(
      () => validateOverrides({ "pseudoMask.lambda": lambda }, FILE),
      RangeError,
      `${prefix}"pseudoMask.lambda" must be a number in (0, 1], got ${lambda}`,
    );
  }
  validateOverrides({ "pseudoMask.lambda": 1 }, FILE);
  validateOverrides({ "pseudoMask.lambda": 0.01 }, FILE);
});

Deno.test("validateOverrides() needs at least one training step", () => {
  assertThrowsExactly(
    () => validateOverrides({ "train.steps": 0 }, FILE),
    RangeError,
    `${prefix}"train.steps" must be an integer >= 1, got 0`,
  );
  assertThrowsExactly(
    () => validateOverrides({ "train.steps": Infinity }, FILE),
    TypeError,
    `${prefix}"train.steps" must be an integer, got Infinity (a number)`,
  );
});

Deno.test("validateOverrides() requires an object of overrides", () => {
  assertThrowsExactly(
    () => validateOverrides([["train.steps", 3]], FILE),
    TypeError,
    `${prefix}"set" must be an object of dotted config keys, got [["train.steps", 3]] (a list)`,
  );
});

Deno.test("resolveConfig() rejects unseen class names the data set does not have", () => {
  assertThrowsExactly(
    () => resolveConfig({ "data.unseen": ["Trouser", "Sneakers"] }, FILE),
    RangeError,
    `${prefix}"data.unseen" names unknown class "Sneakers" (did you mean "Sneaker"?); the ` +
      `classes are "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", ` +
      `"Sneaker", "Bag", "Ankle boot"`,
  );
});

Deno.test("resolveConfig() keeps at least one class seen", () => {
  assertThrowsExactly(
    () =>
      resolveConfig({
        "data.unseen": [
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot",
        ],
      }, FILE),
    RangeError,
    `${prefix}"data.unseen" holds every class: at least one class must stay seen`,
  );
});

Deno.test("resolveConfig() rejects a transformer calibrator with no CLS tokens to attend to", () => {
  assertThrowsExactly(
    () => resolveConfig({ "latent.useGlobalCls": false, "latent.useLocalCls": false }, FILE),
    RangeError,
    `${prefix}"latent.useGlobalCls" and "latent.useLocalCls" are both false, but the ` +
      `transformer calibrator needs at least one as keys and values (set "latent.enabled" to ` +
      `false for no latent embedding)`,
  );
  // Without the generator, the token switches do not matter.
  resolveConfig({
    "latent.enabled": false,
    "latent.useGlobalCls": false,
    "latent.useLocalCls": false,
  }, FILE);
});

Deno.test("resolveConfig() applies overrides to a copy of the defaults", () => {
  const config = resolveConfig(
    { "distill.global.bankSize": 14, "pseudoMask.windowSizes": [7] },
    FILE,
  );
  assert.equal(config.distill.global.bankSize, 14);
  assert.deepEqual(config.pseudoMask.windowSizes, [7]);
  assert.equal(DEFAULT_CONFIG.distill.global.bankSize, 6);
  assert.deepEqual(DEFAULT_CONFIG.pseudoMask.windowSizes, [3, 7]);
});

Deno.test("the default config passes its own validation, key by key", () => {
  const all = Object.fromEntries(CONFIG_KEYS.map((key) => [key, getAtKey(DEFAULT_CONFIG, key)]));
  assert.deepEqual(resolveConfig(all, FILE), DEFAULT_CONFIG);
});

Deno.test("every enum and constraint names a config key", () => {
  const keys: readonly string[] = CONFIG_KEYS;
  for (const key of [...Object.keys(CONFIG_ENUMS), ...Object.keys(CONFIG_CONSTRAINTS)]) {
    assert.ok(keys.includes(key), `"${key}" is not a config key`);
  }
});

Deno.test("every numeric config field has a range", () => {
  for (const key of CONFIG_KEYS) {
    const value = getAtKey(DEFAULT_CONFIG, key);
    const numeric = typeof value === "number" ||
      (Array.isArray(value) && typeof value[0] === "number");
    if (numeric) {
      assert.ok(key in CONFIG_CONSTRAINTS, `"${key}" has no entry in CONFIG_CONSTRAINTS`);
    }
  }
});

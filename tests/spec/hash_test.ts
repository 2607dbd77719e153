import { assert } from "../../lib/_std.ts";
import { type C2SConfig, CONFIG_ENUMS, DEFAULT_CONFIG } from "../../lib/c2s/config.ts";
import {
  canonicalJson,
  type HashContext,
  runHash,
  sha256Hex,
  UNRESOLVED_CONTEXT,
} from "../../lib/spec/hash.ts";
import { applyOverrides, CONFIG_KEYS, getAtKey, type Overrides } from "../../lib/spec/keys.ts";
import { assertThrowsExactly } from "./_assert.ts";

const CONTEXT: HashContext = {
  dataIdentity: "fashion-mnist:test:sha256-0123",
  teacherHash: "feedbeef",
  codeVersion: "1",
};
const input = (config: C2SConfig) => ({ config, preset: "quick", kind: "training" });

function reversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversed);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversed(v)]));
  }
  return value;
}

Deno.test("canonicalJson() sorts keys at every level and keeps list order", () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [2, 1], c: "x" }, e: null, f: true }),
    `{"a":{"c":"x","d":[2,1]},"b":1,"e":null,"f":true}`,
  );
});

Deno.test("canonicalJson() refuses values JSON cannot hold exactly", () => {
  assertThrowsExactly(
    () => canonicalJson({ train: { lr: NaN } }),
    TypeError,
    `Cannot hash NaN at "train.lr": only finite numbers, strings, booleans, null, lists and ` +
      `plain objects have a canonical JSON form`,
  );
  assertThrowsExactly(
    () => canonicalJson({ a: [1, undefined] }),
    TypeError,
    `Cannot hash undefined at "a[1]": only finite numbers, strings, booleans, null, lists and ` +
      `plain objects have a canonical JSON form`,
  );
  assert.throws(() => canonicalJson({ when: new Date(0) }), TypeError);
});

Deno.test("sha256Hex() is the standard sha256", async () => {
  assert.equal(
    await sha256Hex("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});

Deno.test("runHash() does not depend on key order", async () => {
  const shuffled = reversed(DEFAULT_CONFIG) as C2SConfig;
  assert.notEqual(JSON.stringify(shuffled), JSON.stringify(DEFAULT_CONFIG));
  assert.equal(
    await runHash(input(shuffled), CONTEXT),
    await runHash(input(DEFAULT_CONFIG), CONTEXT),
  );
  assert.equal(
    await runHash(input(DEFAULT_CONFIG), reversed(CONTEXT) as HashContext),
    await runHash(input(DEFAULT_CONFIG), CONTEXT),
  );
});

function changed(key: string, value: unknown): unknown {
  const allowed = (CONFIG_ENUMS as Record<string, readonly string[]>)[key];
  if (allowed !== undefined) return allowed.find((v) => v !== value) ?? `${value}-other`;
  if (typeof value === "number") return value + 1;
  if (typeof value === "boolean") return !value;
  if (typeof value === "string") return `${value}-other`;
  if (Array.isArray(value)) return value.length > 1 ? value.slice(0, -1) : [...value, value[0]];
  throw new Error(`no change for ${key}`);
}

Deno.test("runHash() changes with every config field", async () => {
  const base = await runHash(input(DEFAULT_CONFIG), CONTEXT);
  const hashes = new Set([base]);
  for (const key of CONFIG_KEYS) {
    const config = applyOverrides(DEFAULT_CONFIG, {
      [key]: changed(key, getAtKey(DEFAULT_CONFIG, key)),
    } as Overrides);
    hashes.add(await runHash(input(config), CONTEXT));
  }
  assert.equal(hashes.size, CONFIG_KEYS.length + 1);
});

Deno.test("runHash() changes with the preset, the kind and every context field", async () => {
  const base = await runHash(input(DEFAULT_CONFIG), CONTEXT);
  const others = [
    await runHash({ ...input(DEFAULT_CONFIG), preset: "paper" }, CONTEXT),
    await runHash({ ...input(DEFAULT_CONFIG), kind: "measurement" }, CONTEXT),
    await runHash(input(DEFAULT_CONFIG), { ...CONTEXT, dataIdentity: "debian:70k" }),
    await runHash(input(DEFAULT_CONFIG), { ...CONTEXT, teacherHash: "0000" }),
    await runHash(input(DEFAULT_CONFIG), { ...CONTEXT, codeVersion: "2" }),
    await runHash(input(DEFAULT_CONFIG), UNRESOLVED_CONTEXT),
  ];
  assert.equal(new Set([base, ...others]).size, others.length + 1);
  for (const hash of others) assert.match(hash, /^[0-9a-f]{64}$/);
});

/**
 * Dotted keys of the C2S config (`"distill.global.bankSize"`), their value types and the override
 * objects built from them. Types and the runtime key list are both derived from `DEFAULT_CONFIG`,
 * so a field added there is a valid key here with no further edit.
 *
 * @example Reading and writing a dotted key
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { DEFAULT_CONFIG } from "../c2s/config.ts";
 * import { applyOverrides, getAtKey } from "./keys.ts";
 * const config = applyOverrides(DEFAULT_CONFIG, { "distill.global.bankSize": 2 });
 * assertEquals(getAtKey(config, "distill.global.bankSize"), 2);
 * ```
 *
 * @module
 */
import { type C2SConfig, DEFAULT_CONFIG } from "../c2s/config.ts";

type Leaf = string | number | boolean | readonly unknown[];

type PathsOf<T, Prefix extends string> = {
  [K in keyof T & string]: T[K] extends Leaf ? `${Prefix}${K}`
    : PathsOf<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

type ValueOf<T, P extends string> = P extends `${infer Head}.${infer Rest}`
  ? Head extends keyof T ? ValueOf<T[Head], Rest> : never
  : P extends keyof T ? T[P]
  : never;

type Readonlyish<V> = V extends readonly (infer E)[] ? readonly E[] : V;

/** A dotted key of a config leaf, e.g. `"distill.global.bankSize"` or `"backend"`. */
export type ConfigKey = PathsOf<C2SConfig, "">;

/** The value type at a dotted key (lists may be readonly). */
export type ConfigValue<K extends ConfigKey> = Readonlyish<ValueOf<C2SConfig, K>>;

/** Changes to a config: dotted key -> new value. A spec's overrides are one of these. */
export type Overrides = { readonly [K in ConfigKey]?: ConfigValue<K> };

/** Plain-object test used to tell sections from leaves. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function collectKeys(node: Record<string, unknown>, prefix: string, out: string[]): string[] {
  for (const [name, value] of Object.entries(node)) {
    if (isPlainObject(value)) collectKeys(value, `${prefix}${name}.`, out);
    else out.push(`${prefix}${name}`);
  }
  return out;
}

/** Every dotted key of `DEFAULT_CONFIG`, in declaration order. */
export const CONFIG_KEYS: readonly ConfigKey[] = Object.freeze(
  collectKeys(DEFAULT_CONFIG, "", []) as ConfigKey[],
);

/** Dotted keys of the sections (`"distill"`, `"distill.global"`, ...): not settable themselves. */
export const CONFIG_SECTIONS: readonly string[] = Object.freeze(
  [
    ...new Set(CONFIG_KEYS.flatMap((key) => {
      const parts = key.split(".");
      return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join("."));
    })),
  ],
);

/** Whether `key` names a config leaf. */
export function isConfigKey(key: string): key is ConfigKey {
  return (CONFIG_KEYS as readonly string[]).includes(key);
}

/** The value at a dotted key of a config-shaped object (`undefined` when absent). */
export function getAtKey(config: unknown, key: string): unknown {
  let node: unknown = config;
  for (const part of key.split(".")) {
    if (!isPlainObject(node) || !Object.hasOwn(node, part)) return undefined;
    node = node[part];
  }
  return node;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/**
 * A deep copy of `config` with `overrides` applied in order (the input is not changed). Keys are
 * assumed valid: validate first (`validateOverrides`).
 */
export function applyOverrides(config: C2SConfig, overrides: Overrides): C2SConfig {
  const result = clone(config) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) {
    const parts = key.split(".");
    let node = result;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (!isPlainObject(next)) throw new TypeError(`Cannot set "${key}": "${part}" is no section`);
      node = next;
    }
    node[parts[parts.length - 1] as string] = clone(value);
  }
  return result as unknown as C2SConfig;
}

/** Several override objects merged into one, later ones winning. */
export function mergeOverrides(...layers: readonly Overrides[]): Overrides {
  return Object.assign({}, ...layers) as Overrides;
}

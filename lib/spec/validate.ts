/**
 * Validation of overrides against `DEFAULT_CONFIG`: every key must name a config field, every value
 * must have that field's type (taken from its default), enum values must be in the field's
 * `as const` list (`CONFIG_ENUMS`) and numbers within `CONFIG_CONSTRAINTS`. Problems are
 * `TypeError` (unknown key, wrong type) or `RangeError` (impossible value) with a message that
 * names the spec file, the key, what was expected and what was given.
 *
 * @example An unknown key
 * ```ts
 * import { assertThrows } from "../_std.ts";
 * import { validateOverrides } from "./validate.ts";
 * assertThrows(
 *   () => validateOverrides({ "distill.globl.bankSize": 2 }, "ablations/token_bank.ts"),
 *   TypeError,
 *   'Cannot load spec "ablations/token_bank.ts": unknown key "distill.globl.bankSize" ' +
 *     '(did you mean "distill.global.bankSize"?)',
 * );
 * ```
 *
 * @module
 */
import {
  type C2SConfig,
  CONFIG_CONSTRAINTS,
  CONFIG_ENUMS,
  type ConfigConstraint,
  DEFAULT_CONFIG,
} from "../c2s/config.ts";
import { FASHION_CLASSES } from "../data/types.ts";
import { suggest } from "../_suggest.ts";
import {
  applyOverrides,
  CONFIG_KEYS,
  CONFIG_SECTIONS,
  getAtKey,
  isConfigKey,
  isPlainObject,
  type Overrides,
} from "./keys.ts";
import * as msg from "./messages.ts";

const ENUMS: Readonly<Record<string, readonly string[]>> = CONFIG_ENUMS;

/** The data sources whose class names are known here, by `data.source`. */
const CLASS_NAMES: Readonly<Record<string, readonly string[]>> = {
  "fashion-scenes": FASHION_CLASSES,
};

/**
 * A constraint in words: "an integer >= 0", "a number in (0, 1]", or for a list field
 * "a list of integers in [1, 16]".
 */
export function describeConstraint(constraint: ConfigConstraint, list = false): string {
  const kind = constraint.integer ? "integer" : "number";
  const base = list ? `a list of ${kind}s` : `${kind === "integer" ? "an" : "a"} ${kind}`;
  const { min, max } = constraint;
  if (min !== undefined && max !== undefined) {
    const open = constraint.exclusiveMin ? "(" : "[";
    const close = constraint.exclusiveMax ? ")" : "]";
    return `${base} in ${open}${min}, ${max}${close}`;
  }
  if (min !== undefined) return `${base} ${constraint.exclusiveMin ? ">" : ">="} ${min}`;
  if (max !== undefined) return `${base} ${constraint.exclusiveMax ? "<" : "<="} ${max}`;
  return base;
}

function withinConstraint(value: number, c: ConfigConstraint): boolean {
  if (c.integer && !Number.isInteger(value)) return false;
  if (c.min !== undefined && (c.exclusiveMin ? value <= c.min : value < c.min)) return false;
  if (c.max !== undefined && (c.exclusiveMax ? value >= c.max : value > c.max)) return false;
  return true;
}

function fail(
  ErrorClass: TypeErrorConstructor | RangeErrorConstructor,
  source: string,
  detail: string,
): never {
  throw new ErrorClass(msg.cannotLoad(source, detail));
}

function checkNumber(key: string, value: unknown, source: string): void {
  const constraint = CONFIG_CONSTRAINTS[key] ?? {};
  if (typeof value !== "number" || !Number.isFinite(value)) {
    fail(
      TypeError,
      source,
      msg.wrongType(key, constraint.integer ? "an integer" : "a finite number", value),
    );
  }
  if (!withinConstraint(value, constraint)) {
    fail(RangeError, source, msg.outOfRange(key, describeConstraint(constraint), value));
  }
}

function checkList(
  key: string,
  value: unknown,
  fallback: readonly unknown[],
  source: string,
): void {
  const constraint = CONFIG_CONSTRAINTS[key] ?? {};
  const itemType = typeof fallback[0];
  const expected = itemType === "number"
    ? `a list of ${constraint.integer ? "integers" : "numbers"}`
    : itemType === "string"
    ? "a list of strings"
    : "a list";
  if (!Array.isArray(value)) fail(TypeError, source, msg.wrongType(key, expected, value));
  if (fallback.length > 0 && !value.every((item) => typeof item === itemType)) {
    fail(TypeError, source, msg.wrongType(key, expected, value));
  }
  if (itemType === "number") {
    const ok = value.every((item) => Number.isFinite(item) && withinConstraint(item, constraint));
    if (!ok) {
      fail(
        RangeError,
        source,
        msg.outOfRange(
          key,
          describeConstraint(constraint, true),
          value,
        ),
      );
    }
  }
  if (constraint.minItems !== undefined && value.length < constraint.minItems) {
    fail(RangeError, source, msg.tooFewItems(key, constraint.minItems, value));
  }
  if (constraint.unique) {
    const repeated = value.find((item, i) => value.indexOf(item) !== i);
    if (repeated !== undefined) fail(RangeError, source, msg.repeatedItem(key, repeated, value));
  }
}

/**
 * Checks one value for the dotted key `key` (which must exist) and throws as described in the
 * module doc.
 */
export function validateValue(key: string, value: unknown, source: string): void {
  const fallback = getAtKey(DEFAULT_CONFIG, key);
  const allowed = ENUMS[key];
  if (allowed !== undefined) {
    if (typeof value !== "string" || !allowed.includes(value)) {
      const guess = typeof value === "string" ? suggest(value, allowed) : undefined;
      fail(RangeError, source, msg.notOneOf(key, allowed, value, guess));
    }
  } else if (typeof fallback === "boolean") {
    if (typeof value !== "boolean") fail(TypeError, source, msg.wrongType(key, "a boolean", value));
  } else if (typeof fallback === "number") {
    checkNumber(key, value, source);
  } else if (typeof fallback === "string") {
    if (typeof value !== "string") fail(TypeError, source, msg.wrongType(key, "a string", value));
  } else if (Array.isArray(fallback)) {
    checkList(key, value, fallback, source);
  }
}

/**
 * Checks that `overrides` is an object of dotted config keys with valid values, and returns it
 * typed. `source` names the spec file in messages.
 */
export function validateOverrides(overrides: unknown, source: string): Overrides {
  if (!isPlainObject(overrides)) {
    fail(TypeError, source, msg.wrongType("set", "an object of dotted config keys", overrides));
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (!isConfigKey(key)) {
      if (CONFIG_SECTIONS.includes(key)) {
        const example = CONFIG_KEYS.find((k) => k.startsWith(`${key}.`)) as string;
        fail(TypeError, source, msg.sectionKey(key, example));
      }
      fail(TypeError, source, msg.unknownKey(key, suggest(key, CONFIG_KEYS)));
    }
    validateValue(key, value, source);
  }
  return overrides as Overrides;
}

/**
 * Checks what no single value shows: unseen class names against the data source's classes (at
 * least one class stays seen), and that a transformer calibrator has tokens to attend to.
 */
export function validateConfig(config: C2SConfig, source: string): void {
  const classes = CLASS_NAMES[config.data.source];
  if (classes !== undefined) {
    for (const name of config.data.unseen) {
      if (!classes.includes(name)) {
        fail(
          RangeError,
          source,
          msg.unknownClass("data.unseen", name, classes, suggest(name, classes)),
        );
      }
    }
    if (classes.every((name) => config.data.unseen.includes(name))) {
      fail(RangeError, source, msg.noSeenClass("data.unseen"));
    }
  }
  const latent = config.latent;
  if (
    latent.enabled && latent.calibrator === "transformer" && !latent.useGlobalCls &&
    !latent.useLocalCls
  ) {
    fail(RangeError, source, msg.noGeneratorTokens());
  }
}

/**
 * `DEFAULT_CONFIG` with `overrides` applied, after checking them (`validateOverrides`) and the
 * result (`validateConfig`).
 */
export function resolveConfig(overrides: unknown, source: string): C2SConfig {
  const config = applyOverrides(DEFAULT_CONFIG, validateOverrides(overrides, source));
  validateConfig(config, source);
  return config;
}

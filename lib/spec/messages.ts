/**
 * Every user-facing message of `lib/spec`, as typed functions, so they read alike and tests can
 * assert them exactly. Spec problems read `Cannot load spec "<file>": <detail>`.
 *
 * @module
 */

/** A value as it would be written in a spec: strings quoted, lists in brackets. */
export function formatValue(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(", ")}]`;
  return JSON.stringify(value) ?? String(value);
}

/** "a string", "a number", "a list", ...: what kind of value was given. */
export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    case "undefined":
      return "undefined";
    case "object":
      return "an object";
    default:
      return `a ${typeof value}`;
  }
}

function quoteList(values: readonly unknown[]): string {
  return values.map((v) => (typeof v === "string" ? `"${v}"` : formatValue(v))).join(", ");
}

function didYouMean(suggestion: string | undefined): string {
  return suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`;
}

/** Prefix of every problem found in a spec. */
export function cannotLoad(source: string, detail: string): string {
  return `Cannot load spec "${source}": ${detail}`;
}

// Overrides (config keys and values)

/** A dotted key that names no config field. */
export function unknownKey(key: string, suggestion: string | undefined): string {
  return `unknown key "${key}"${didYouMean(suggestion)}`;
}

/** A dotted key that names a section rather than a value. */
export function sectionKey(key: string, example: string): string {
  return `"${key}" is a section, not a value: set one of its keys, e.g. "${example}"`;
}

/** A value of the wrong type. */
export function wrongType(key: string, expected: string, value: unknown): string {
  return `"${key}" must be ${expected}, got ${formatValue(value)} (${describeType(value)})`;
}

/** A value outside an enum's `as const` list. */
export function notOneOf(
  key: string,
  allowed: readonly string[],
  value: unknown,
  suggestion: string | undefined,
): string {
  const type = typeof value === "string" ? "" : ` (${describeType(value)})`;
  return `"${key}" must be one of ${quoteList(allowed)}, got ${formatValue(value)}${type}` +
    didYouMean(suggestion);
}

/** A number (or a list's number) outside its range; `range` reads like "an integer >= 0". */
export function outOfRange(key: string, range: string, value: unknown): string {
  return `"${key}" must be ${range}, got ${formatValue(value)}`;
}

/** A list with too few values. */
export function tooFewItems(key: string, min: number, value: unknown): string {
  return `"${key}" must hold at least ${min} value${min === 1 ? "" : "s"}, got ${
    formatValue(value)
  }`;
}

/** A list that repeats a value. */
export function repeatedItem(key: string, item: unknown, value: unknown): string {
  return `"${key}" must not repeat a value (${formatValue(item)} is there twice), got ${
    formatValue(value)
  }`;
}

/** Class names the data source does not have. */
export function unknownClass(
  key: string,
  name: string,
  known: readonly string[],
  suggestion: string | undefined,
): string {
  return `"${key}" names unknown class "${name}"${didYouMean(suggestion)}; the classes are ${
    quoteList(known)
  }`;
}

/** An unseen split that leaves nothing seen. */
export function noSeenClass(key: string): string {
  return `"${key}" holds every class: at least one class must stay seen`;
}

/** A transformer calibrator with neither CLS token as keys and values. */
export function noGeneratorTokens(): string {
  return `"latent.useGlobalCls" and "latent.useLocalCls" are both false, but the transformer ` +
    `calibrator needs at least one as keys and values (set "latent.enabled" to false for no ` +
    `latent embedding)`;
}

// Spec structure

/** A spec (or a part of one) that is not an object. */
export function notASpec(what: string, value: unknown): string {
  return `${what} must be an object made with ${
    what === "the default export" ? "defineAblation()" : "defineExperiment()"
  }, got ${describeType(value)}`;
}

/** A spec field that does not exist. */
export function unknownField(
  where: string,
  field: string,
  suggestion: string | undefined,
): string {
  return `unknown field "${field}" in ${where}${didYouMean(suggestion)}`;
}

/** A required spec field that is missing. */
export function missingField(where: string, field: string): string {
  return `missing field "${field}" in ${where}`;
}

/** A spec field of the wrong type. */
export function fieldType(where: string, field: string, expected: string, value: unknown): string {
  return `field "${field}" in ${where} must be ${expected}, got ${formatValue(value)} (${
    describeType(value)
  })`;
}

/** A name that is not kebab-case. */
export function badName(what: string, name: string): string {
  return `${what} name "${name}" is not short kebab-case (like "token-bank")`;
}

/** A spec whose name differs from its file's. */
export function nameMismatch(name: string, expected: string): string {
  return `name "${name}" does not match the file name (expected "${expected}")`;
}

/** A table id that is not a paper table. */
export function unknownTable(
  table: unknown,
  known: readonly string[],
  suggestion: string | undefined,
): string {
  return `unknown table ${formatValue(table)}${didYouMean(suggestion)}; the tables are ${
    quoteList(known)
  }`;
}

/** Both or neither of `vary` and `variants`. */
export function varyOrVariants(both: boolean): string {
  return both ? `give either "vary" or "variants", not both` : `give "vary" or "variants"`;
}

/** An empty `variants` list or `vary` object. */
export function noVariants(field: string): string {
  return `"${field}" lists no variants`;
}

/** A `vary` key with no values. */
export function emptyVary(key: string): string {
  return `"vary" gives no values for "${key}"`;
}

/** Two variants with one label. */
export function duplicateLabel(label: string): string {
  return `two variants are labelled "${label}"`;
}

/** A variant with no paper row that is not marked extra. */
export function noPaperRow(
  label: string,
  paperRow: string,
  table: string,
  rows: readonly string[],
  suggestion: string | undefined,
): string {
  const which = label === paperRow
    ? `variant "${label}"`
    : `variant "${label}" (paper row "${paperRow}")`;
  return `${which} matches no row of Table ${table}${didYouMean(suggestion)}; the rows are ${
    quoteList(rows)
  }: give "paperRow", or mark the variant "extra: true"`;
}

/** Two variants that resolve to the same configuration. */
export function sameConfig(first: string, second: string): string {
  return `variants "${first}" and "${second}" resolve to the same configuration`;
}

/** A metric no table reports. */
export function unknownMetric(
  metric: unknown,
  known: readonly string[],
  suggestion: string | undefined,
): string {
  return `unknown metric ${formatValue(metric)}${didYouMean(suggestion)}; the metrics are ${
    quoteList(known)
  }`;
}

/** An empty metrics list. */
export function noMetrics(): string {
  return `"metrics" is empty: name at least one`;
}

/** A spec kind that does not exist. */
export function badKind(kind: unknown, kinds: readonly string[]): string {
  return `"kind" must be one of ${quoteList(kinds)}, got ${formatValue(kind)}`;
}

/** A spec's seed count that is not a positive integer. */
export function badSpecSeeds(value: unknown): string {
  return `"seeds" must be an integer >= 1, got ${formatValue(value)}`;
}

/** A spec file that fails to import. */
export function importFailed(reason: string): string {
  return `it fails to import: ${reason}`;
}

// Registry, presets, expansion

/** An ablation name with no file. */
export function unknownAblation(
  name: string,
  known: readonly string[],
  suggestion: string | undefined,
): string {
  return `Unknown ablation "${name}"${didYouMean(suggestion)}; known ablations: ${
    quoteList(known)
  }`;
}

/** An experiment name with no file. */
export function unknownExperiment(
  name: string,
  known: readonly string[],
  suggestion: string | undefined,
): string {
  return `Unknown experiment "${name}"${didYouMean(suggestion)}; known experiments: ${
    quoteList(known)
  }`;
}

/** A preset name that does not exist. */
export function unknownPreset(
  name: string,
  known: readonly string[],
  suggestion: string | undefined,
): string {
  return `Unknown preset "${name}"${didYouMean(suggestion)}; presets are ${quoteList(known)}`;
}

/** A seed count that is not a positive integer. */
export function badSeedCount(value: unknown): string {
  return `Seed count must be an integer >= 1, got ${formatValue(value)}`;
}

/** Hash input that cannot be written as canonical JSON. */
export function notCanonical(path: string, value: unknown): string {
  return `Cannot hash ${formatValue(value)} at "${path}": only finite numbers, strings, ` +
    `booleans, null, lists and plain objects have a canonical JSON form`;
}

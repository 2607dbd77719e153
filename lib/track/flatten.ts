/**
 * Flattens a nested config into the `params` table's dotted key / text value rows, so a run's
 * settings can be filtered in SQL: `WHERE key = 'distill.global.bankSize' AND value = '6'`.
 *
 * @module
 */

import * as msg from "./messages.ts";

/** One `params` row (without the run id). */
export interface ParamRow {
  key: string;
  /** The value as text; `null` for a JSON null. */
  value: string | null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Dotted key / text value rows of a nested object. Objects nest with `.`; strings are kept as
 * they are, numbers and booleans become text (`6`, `0.5`, `true`, `NaN`), arrays become JSON text
 * (`[3,7]`), `null` stays `null`, an empty object is `{}` and `undefined` fields are left out.
 * Keys come out in the object's own order.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { flattenConfig } from "./flatten.ts";
 * const rows = flattenConfig({ distill: { global: { bankSize: 6 } }, data: { unseen: ["Bag"] } });
 * assert.deepEqual(rows, [
 *   { key: "distill.global.bankSize", value: "6" },
 *   { key: "data.unseen", value: '["Bag"]' },
 * ]);
 * ```
 */
export function flattenConfig(config: unknown): ParamRow[] {
  if (!isPlainObject(config)) throw new TypeError(msg.flattenNotObject(config));
  const rows: ParamRow[] = [];
  walk(config, "", rows);
  return rows;
}

function walk(obj: Record<string, unknown>, prefix: string, rows: ParamRow[]): void {
  const entries = Object.entries(obj).filter(([, v]) => v !== undefined);
  if (entries.length === 0 && prefix !== "") {
    rows.push({ key: prefix.slice(0, -1), value: "{}" });
    return;
  }
  for (const [k, v] of entries) {
    const key = prefix + k;
    if (isPlainObject(v)) walk(v, `${key}.`, rows);
    else rows.push({ key, value: textOf(v) });
  }
}

function textOf(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  return JSON.stringify(value) ?? String(value);
}

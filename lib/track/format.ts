/**
 * Renders query results for people (aligned text table) and programs (CSV, JSON).
 *
 * @module
 */

import type { JsonValue, QueryResult } from "./store.ts";
import { rowCount } from "./messages.ts";

/** Output formats of `deno task query` and `deno task runs`. */
export const OutputFormat = ["table", "csv", "json"] as const;
/** An output format. */
export type OutputFormat = typeof OutputFormat[number];

/** Whether `value` is an {@linkcode OutputFormat}. */
export function isOutputFormat(value: unknown): value is OutputFormat {
  return typeof value === "string" && (OutputFormat as readonly string[]).includes(value);
}

/** Options of {@linkcode formatTable}. */
export interface TableOptions {
  /**
   * Decimals shown for non-integer numbers.
   * @default 4
   */
  digits?: number;
  /**
   * Cells longer than this are cut and end with "…".
   * @default 60
   */
  maxWidth?: number;
  /**
   * Print a `(N rows)` footer.
   * @default true
   */
  footer?: boolean;
}

function cellText(value: JsonValue, digits: number): string {
  if (value === null) return "NULL";
  if (typeof value === "number") {
    return Number.isInteger(value) || !Number.isFinite(value)
      ? String(value)
      : value.toFixed(digits);
  }
  if (typeof value === "string") return value.replaceAll("\r", "\\r").replaceAll("\n", "\\n");
  if (typeof value === "boolean") return String(value);
  return JSON.stringify(value, nonFinite);
}

function cut(text: string, max: number): string {
  return text.length > max ? text.slice(0, Math.max(1, max - 1)) + "…" : text;
}

/**
 * Aligned text columns: a header, a rule, one line per row; numeric columns right-aligned,
 * non-integers with `digits` decimals (CSV and JSON keep full precision), NULL spelled out.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { formatTable } from "./format.ts";
 * const text = formatTable({ columns: ["variant", "hIoU"], rows: [["6", 41.5], ["0", 38.25]] });
 * assert.equal(text.split("\n")[2], "6        41.5000");
 * ```
 */
export function formatTable(result: QueryResult, options: TableOptions = {}): string {
  const digits = options.digits ?? 4;
  const maxWidth = options.maxWidth ?? 60;
  const { columns, rows } = result;
  const cells = rows.map((row) =>
    columns.map((_, i) => cut(cellText(row[i] ?? null, digits), maxWidth))
  );
  const numeric = columns.map((_, i) =>
    rows.length > 0 && rows.every((row) => typeof row[i] === "number" || row[i] === null) &&
    rows.some((row) => typeof row[i] === "number")
  );
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (parts: string[]) =>
    parts.map((p, i) => numeric[i] ? p.padStart(widths[i]!) : p.padEnd(widths[i]!)).join("  ")
      .trimEnd();
  const out = [line(columns), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)];
  if (options.footer ?? true) out.push(rowCount(rows.length));
  return out.join("\n");
}

function csvField(value: JsonValue): string {
  if (value === null) return "";
  const text = typeof value === "object" ? JSON.stringify(value, nonFinite) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * RFC 4180 CSV: a header line, then one line per row; fields with commas, quotes or line breaks
 * are quoted, NULL is an empty field, objects are JSON text, numbers keep full precision.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { formatCsv } from "./format.ts";
 * assert.equal(formatCsv({ columns: ["a", "b"], rows: [["x,y", null]] }), 'a,b\n"x,y",\n');
 * ```
 */
export function formatCsv(result: QueryResult): string {
  const lines = [result.columns.map(csvField), ...result.rows.map((row) => row.map(csvField))];
  return lines.map((fields) => fields.join(",")).join("\n") + "\n";
}

function nonFinite(_key: string, value: unknown): unknown {
  return typeof value === "number" && !Number.isFinite(value) ? String(value) : value;
}

/**
 * A JSON array with one object per row (keys = column names); NaN and infinities become the
 * strings "NaN", "Infinity", "-Infinity".
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { formatJson } from "./format.ts";
 * assert.equal(formatJson({ columns: ["n"], rows: [[1]] }), '[\n  {\n    "n": 1\n  }\n]\n');
 * ```
 */
export function formatJson(result: QueryResult): string {
  const objects = result.rows.map((row) =>
    Object.fromEntries(result.columns.map((c, i) => [c, row[i] ?? null]))
  );
  return JSON.stringify(objects, nonFinite, 2) + "\n";
}

/** Formats `result` as `format`; table output ends without a newline, CSV and JSON with one. */
export function formatResult(result: QueryResult, format: OutputFormat): string {
  switch (format) {
    case "table":
      return formatTable(result);
    case "csv":
      return formatCsv(result);
    case "json":
      return formatJson(result);
  }
}

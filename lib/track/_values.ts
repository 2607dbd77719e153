/**
 * Converts DuckDB result values to plain JSON-like JavaScript values: BIGINT/HUGEINT to numbers
 * (strings beyond 2^53), DECIMAL to numbers, timestamps to ISO 8601 strings, DATE to
 * `YYYY-MM-DD`, intervals to DuckDB's text (`1 day 02:00:00`), JSON columns parsed, lists and structs recursively. DOUBLE NaN stays NaN.
 *
 * @module
 */

import {
  type DuckDBDecimalValue,
  type DuckDBTimestampValue,
  DuckDBTypeId,
  type DuckDBValueConverter,
  type Json,
  JsonDuckDBValueConverter,
} from "@duckdb/node-api";

/** A value `query()` returns: what JSON can hold, plus non-finite numbers. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

function bigintToJson(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

function isoFromMicros(micros: bigint, fallback: string): string {
  const ms = Number(micros / 1000n);
  const date = new Date(ms);
  return isNaN(date.getTime()) ? fallback : date.toISOString();
}

/** The converter `RunStore.query()` reads results with. */
export const jsonValueConverter: DuckDBValueConverter<JsonValue> = (value, type, self) => {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return bigintToJson(value as bigint);
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return value as number;
    case DuckDBTypeId.DECIMAL:
      return (value as DuckDBDecimalValue).toDouble();
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return isoFromMicros((value as DuckDBTimestampValue).micros, String(value));
    case DuckDBTypeId.TIMESTAMP_S:
      return isoFromMicros((value as { seconds: bigint }).seconds * 1_000_000n, String(value));
    case DuckDBTypeId.TIMESTAMP_MS:
      return isoFromMicros((value as { millis: bigint }).millis * 1000n, String(value));
    case DuckDBTypeId.TIMESTAMP_NS:
      return isoFromMicros((value as { nanos: bigint }).nanos / 1000n, String(value));
    case DuckDBTypeId.INTERVAL:
      return String(value);
    case DuckDBTypeId.VARCHAR:
      if (type.alias === "JSON") {
        try {
          return JSON.parse(value as string) as JsonValue;
        } catch {
          return value as string;
        }
      }
      return value as string;
    default:
      return JsonDuckDBValueConverter(
        value,
        type,
        self as unknown as DuckDBValueConverter<Json>,
      ) as JsonValue;
  }
};

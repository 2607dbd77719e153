/**
 * Writes every table and view of the run store as one Parquet file each, for pandas, polars,
 * Spark or a notebook elsewhere.
 *
 * @module
 */

import { join, resolve } from "node:path";
import type { RunStore } from "./store.ts";
import { VIEWS } from "./schema.ts";

/** One exported file. */
export interface ExportedFile {
  /** Table or view name. */
  name: string;
  /** Path written (`<dir>/<name>.parquet`). */
  path: string;
  rows: number;
}

/** A SQL string literal (COPY's target cannot be a bound parameter). */
function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Exports each base table of the store's file (sorted by name), then the views (`variant_summary`,
 * `claims`, ...; a table macro such as `claims_at(delta)` takes a parameter, so its default view
 * stands for it), to `<dir>/<name>.parquet` with `COPY ... (FORMAT parquet)`.
 * Creates `dir`; replaces files of the same names. Works on a read-only store.
 *
 * @example
 * ```ts ignore
 * const store = await RunStore.open("runs.duckdb", { readOnly: true });
 * const files = await exportParquet(store, "export/");
 * ```
 */
export async function exportParquet(store: RunStore, dir: string): Promise<ExportedFile[]> {
  await Deno.mkdir(dir, { recursive: true });
  const tables = await store.query(
    "SELECT table_name FROM duckdb_tables() " +
      "WHERE database_name = current_database() AND schema_name = 'main' ORDER BY table_name",
  );
  const views = Object.entries(VIEWS).filter(([, view]) => !("params" in view));
  const names = [...tables.rows.map((row) => String(row[0])), ...views.map(([name]) => name)];
  const out: ExportedFile[] = [];
  for (const name of names) {
    const path = join(dir, `${name}.parquet`);
    const copied = await store.query(
      `COPY (SELECT * FROM ${sqlIdent(name)}) TO ${sqlString(resolve(path))} (FORMAT parquet)`,
    );
    out.push({ name, path, rows: Number(copied.rows[0]?.[0] ?? 0) });
  }
  return out;
}

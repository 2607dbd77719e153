/**
 * The second client: opens each DuckDB file named on the command line read-only with
 * `@duckdb/node-api` (not through the run store), in a process of its own, and prints one JSON
 * array: per file, whether it opened, its runs (id, hash, status) and the runs with a row stored
 * twice. The drill runs it after every fault ({@linkcode ./probe.ts}).
 *
 * @module
 */
import { DuckDBInstance } from "@duckdb/node-api";
import type { Probed } from "./probe.ts";

/** Natural key of each table holding part of a run; its first column is the run id. */
const KEYS: Readonly<Record<string, readonly string[]>> = {
  runs: ["id"],
  run_variants: ["run_id", "ablation", "variant"],
  params: ["run_id", "key"],
  metrics: ["run_id", "step", "name"],
  results: ["run_id", "split", "metric"],
  class_iou: ["run_id", "class"],
  artifacts: ["run_id", "kind", "path"],
};

async function probeOne(path: string): Promise<Probed> {
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, { access_mode: "READ_ONLY" });
  } catch (error) {
    return { path, opens: false, error: (error as Error).message, runs: [], duplicated: [] };
  }
  const conn = await instance.connect();
  try {
    const tables = new Set(
      (await conn.runAndReadAll("SELECT table_name FROM information_schema.tables"))
        .getRowsJS().map((row) => String(row[0])),
    );
    const runs = tables.has("runs")
      ? (await conn.runAndReadAll(
        "SELECT id, hash, status, error, CAST(ended_at AS VARCHAR) FROM runs ORDER BY id",
      )).getRowsJS().map(([id, hash, status, error, endedAt]) => ({
        id: String(id),
        hash: String(hash),
        status: String(status),
        error: error === null ? null : String(error),
        endedAt: endedAt === null ? null : String(endedAt),
      }))
      : [];
    const duplicated = new Set<string>();
    for (const [table, key] of Object.entries(KEYS)) {
      if (!tables.has(table)) continue;
      const cols = key.map((c) => `"${c}"`).join(", ");
      const sql = `SELECT DISTINCT ${cols.split(",")[0]} FROM "${table}" GROUP BY ${cols} ` +
        "HAVING count(*) > 1";
      for (const [id] of (await conn.runAndReadAll(sql)).getRowsJS()) duplicated.add(String(id));
    }
    return { path, opens: true, error: null, runs, duplicated: [...duplicated].sort() };
  } catch (error) {
    return { path, opens: false, error: (error as Error).message, runs: [], duplicated: [] };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

if (import.meta.main) {
  const out: Probed[] = [];
  for (const path of Deno.args) out.push(await probeOne(path));
  console.log(JSON.stringify(out));
}

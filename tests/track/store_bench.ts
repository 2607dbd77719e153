/**
 * Run store figures: open time, ingest time of records with long curves, summary query time.
 *
 * @module
 */

import { RunStore } from "../../lib/track/store.ts";
import { sampleRecord } from "./_helpers.ts";

/** Prints open / ingest / query timings for a temporary database. */
export async function bench(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "c2s-track-bench-" });
  try {
    const path = `${dir}/runs.duckdb`;
    let t = performance.now();
    let store = await RunStore.open(path);
    console.log(`create + schema: ${(performance.now() - t).toFixed(0)} ms`);
    const runs = 40;
    const points = 5000;
    const metrics = Array.from({ length: points }, (_, i) => ({
      step: i,
      name: i % 2 ? "loss" : "lr",
      value: 1 / (i + 1),
    }));
    t = performance.now();
    for (let r = 0; r < runs; r++) {
      await store.ingestRecord(sampleRecord({
        hash: `run${r}`,
        variant: String(r % 4),
        seed: r,
        metrics,
        results: [{ split: "eval", metric: "hIoU", value: 30 + (r % 7) }],
      }));
    }
    const ingest = performance.now() - t;
    console.log(
      `ingest: ${runs} records x ${points} curve points in ${ingest.toFixed(0)} ms ` +
        `(${(ingest / runs).toFixed(1)} ms per record, ` +
        `${((runs * points) / (ingest / 1000) / 1000).toFixed(0)}k rows/s)`,
    );
    t = performance.now();
    const summary = await store.query("SELECT * FROM variant_summary");
    console.log(
      `variant_summary: ${summary.rows.length} rows in ${(performance.now() - t).toFixed(1)} ms`,
    );
    await store.close();
    t = performance.now();
    store = await RunStore.open(path);
    console.log(`reopen: ${(performance.now() - t).toFixed(0)} ms`);
    await store.close();
    console.log(`file size: ${((await Deno.stat(path)).size / 1e6).toFixed(1)} MB`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

import { assert } from "../../lib/_std.ts";
import { exportParquet } from "../../lib/track/export.ts";
import { databaseWith, sampleRecord, tempDir, withStoreAt } from "./_helpers.ts";

Deno.test("exportParquet() writes every table and view with its rows", async () => {
  await using tmp = await tempDir();
  const path = await databaseWith(tmp.dir, [sampleRecord()]);
  await withStoreAt(path, async (store) => {
    const files = await exportParquet(store, `${tmp.dir}/out`);
    assert.deepEqual(files.map((f) => [f.name, f.rows]), [
      ["artifacts", 1],
      ["class_iou", 2],
      ["metrics", 3],
      ["paper_values", 0],
      ["params", 6],
      ["results", 3],
      ["run_variants", 1],
      ["runs", 1],
      ["schema_version", 1],
      ["t_crit", 1000],
      ["current_runs", 1],
      ["variant_summary", 3],
      ["run_eval", 1],
      ["ablation_runs", 1],
      ["claim_differences", 0],
      ["claims", 0],
    ]);
    assert.equal(files[0]!.path, `${tmp.dir}/out/artifacts.parquet`);
    const back = await store.query(
      `SELECT metric, value FROM read_parquet('${tmp.dir}/out/results.parquet') ORDER BY metric`,
    );
    assert.deepEqual(back.rows, [["hIoU", 40], ["sIoU", 60], ["uIoU", 30]]);
    const runs = await store.query(
      `SELECT id, config FROM read_parquet('${tmp.dir}/out/runs.parquet')`,
    );
    assert.deepEqual(runs.rows[0]![0], "h0001");
  }, { readOnly: true });
});

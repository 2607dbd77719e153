import { assert } from "../../lib/_std.ts";
import { collectRecords, ingestRecordFile } from "../../lib/track/collect.ts";
import { writeRunRecord } from "../../lib/track/record.ts";
import { RunStore } from "../../lib/track/store.ts";
import { sampleRecord, tempDir } from "./_helpers.ts";

const COUNTS = "SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM metrics), " +
  "(SELECT count(*) FROM results), (SELECT count(*) FROM run_variants)";

Deno.test("collectRecords() ingests records and moves them to ingested/", async () => {
  await using tmp = await tempDir();
  const dir = `${tmp.dir}/records`;
  await writeRunRecord(dir, sampleRecord({ hash: "a", seed: 1 }));
  await writeRunRecord(dir, sampleRecord({ hash: "b", seed: 2, status: "failed", error: "x" }));
  const store = await RunStore.open(`${tmp.dir}/runs.duckdb`);
  try {
    const result = await collectRecords(store, dir);
    assert.deepEqual([result.failed, result.kept], [[], []]);
    assert.deepEqual(
      result.ingested.map(({ record, ...o }) => ({ ...o, id: record.hash, status: record.status })),
      [["a", "finished"], ["b", "failed"]].map(([id, status]) => ({
        ok: true,
        path: `${dir}/${id}.run.json`,
        applied: true,
        id,
        status,
        movedTo: `${dir}/ingested/${id}.run.json`,
      })),
    );
    assert.deepEqual((await store.query("SELECT id, status FROM runs ORDER BY id")).rows, [
      ["a", "finished"],
      ["b", "failed"],
    ]);
    assert.deepEqual(
      (await Array.fromAsync(Deno.readDir(`${dir}/ingested`))).map((e) => e.name).sort(),
      ["a.run.json", "b.run.json"],
    );
    // A second collect finds nothing new.
    const again = await collectRecords(store, dir);
    assert.deepEqual([again.ingested.length, again.failed.length], [0, 0]);
  } finally {
    await store.close();
  }
});

Deno.test("collecting the same record again leaves the same rows", async () => {
  await using tmp = await tempDir();
  const dir = `${tmp.dir}/records`;
  await writeRunRecord(dir, sampleRecord());
  const store = await RunStore.open(`${tmp.dir}/runs.duckdb`);
  try {
    await collectRecords(store, dir, { move: false });
    const once = await store.query(COUNTS);
    const second = await collectRecords(store, dir, { move: false });
    assert.equal(second.ingested.length, 1);
    assert.deepEqual(await store.query(COUNTS), once);
    assert.deepEqual(once.rows, [[1, 3, 3, 1]]);
    // --keep: the file is still there.
    assert.ok((await Deno.stat(`${dir}/h0001.run.json`)).isFile);
  } finally {
    await store.close();
  }
});

Deno.test("collectRecords() skips files being written and moves a corrupt record to rejected/", async () => {
  await using tmp = await tempDir();
  const dir = `${tmp.dir}/records`;
  await writeRunRecord(dir, sampleRecord({ hash: "good" }));
  await Deno.writeTextFile(`${dir}/.half.run.json.99.z.tmp`, '{"hash": "half", "ab');
  await Deno.writeTextFile(`${dir}/bad.run.json`, '{"hash": "bad"}');
  const store = await RunStore.open(`${tmp.dir}/runs.duckdb`);
  try {
    const seen: string[] = [];
    const result = await collectRecords(store, dir, { onFile: (o) => seen.push(o.path) });
    assert.deepEqual(seen, [`${dir}/bad.run.json`, `${dir}/good.run.json`]);
    assert.deepEqual(result.ingested.map((r) => r.record.hash), ["good"]);
    assert.equal(result.failed.length, 1);
    const [failed] = result.failed;
    assert.equal(failed!.path, `${dir}/bad.run.json`);
    assert.ok(failed!.error instanceof TypeError);
    assert.equal(
      failed!.error.message,
      `Invalid run record "${dir}/bad.run.json": field "ablation" is missing`,
    );
    assert.deepEqual([failed!.rejected, failed!.movedTo], [true, `${dir}/rejected/bad.run.json`]);
    assert.equal(await Deno.readTextFile(`${dir}/rejected/bad.run.json`), '{"hash": "bad"}');
    assert.match(
      await Deno.readTextFile(`${dir}/rejected/bad.run.json.reason.txt`),
      /field "ablation" is missing/,
    );
    assert.ok((await Deno.stat(`${dir}/.half.run.json.99.z.tmp`)).isFile);
    assert.deepEqual((await store.query("SELECT id FROM runs")).rows, [["good"]]);
  } finally {
    await store.close();
  }
});

Deno.test("ingestRecordFile() stores one record and moves it beside, or leaves it with move: false", async () => {
  await using tmp = await tempDir();
  const dir = `${tmp.dir}/records`;
  const a = await writeRunRecord(dir, sampleRecord({ hash: "a" }));
  const b = await writeRunRecord(dir, sampleRecord({ hash: "b" }));
  const store = await RunStore.open(`${tmp.dir}/runs.duckdb`);
  try {
    const moved = await ingestRecordFile(store, a);
    assert.ok(moved.ok);
    assert.deepEqual([moved.record.hash, moved.movedTo], ["a", `${dir}/ingested/a.run.json`]);
    const kept = await ingestRecordFile(store, b, { move: false });
    assert.ok(kept.ok);
    assert.deepEqual([kept.record.hash, kept.movedTo], ["b", null]);
    assert.ok((await Deno.stat(b)).isFile);
    assert.deepEqual((await store.query("SELECT id FROM runs ORDER BY id")).rows, [["a"], ["b"]]);
  } finally {
    await store.close();
  }
});

Deno.test("a later record of a run gets the next free name in ingested/, an identical one none", async () => {
  await using tmp = await tempDir();
  const dir = `${tmp.dir}/records`;
  const store = await RunStore.open(`${tmp.dir}/runs.duckdb`);
  try {
    const failed = sampleRecord({ status: "failed", error: "x" });
    for (const record of [failed, failed, sampleRecord(), failed]) {
      await writeRunRecord(dir, record);
      await collectRecords(store, dir);
    }
    assert.deepEqual(
      (await Array.fromAsync(Deno.readDir(`${dir}/ingested`))).map((e) => e.name).sort(),
      ["h0001.1.run.json", "h0001.run.json"],
    );
    assert.deepEqual(
      (await Array.fromAsync(Deno.readDir(`${dir}/not-applied`))).map((e) => e.name),
      ["h0001.run.json"],
    );
    assert.deepEqual((await store.query("SELECT status FROM runs")).rows, [["finished"]]);
  } finally {
    await store.close();
  }
});

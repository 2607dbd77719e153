/**
 * What ingesting keeps, as real processes on a real DuckDB file: a finished run stays finished
 * with its results whatever late record arrives, a rerun is explicit and keeps the earlier rows,
 * every record read stays on disk, and bad records are refused naming the file and the field.
 */
import { join } from "node:path";
import { assert } from "../../lib/_std.ts";
import { readRunRecord, type RunRecord, writeRunRecord } from "../../lib/track/record.ts";
import { ablate, type Output, query, Running, smokeArgs, tempArea } from "../sweep/_sweep.ts";
import { sampleRecord, tempDir } from "./_helpers.ts";

/** `deno task collect ARGS`, to the end. */
function collect(...args: string[]): Promise<Output> {
  return new Running("lib/cli/collect.ts", args).output();
}

/** The one-run measurement ablation of the sweep tests: a sweep of it takes seconds. */
const ONE_RUN = "sweep-masks";

/** The run's status, error and eval results as stored. */
async function stored(db: string, id: string) {
  return await query(
    db,
    "SELECT status, error, (SELECT list(metric || '=' || value ORDER BY metric) FROM results " +
      "WHERE run_id = runs.id) AS results FROM runs WHERE id = ?",
    [id],
  );
}

/** Names in `dir`, sorted; none when it does not exist. */
async function names(dir: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

/** A finished sweep of {@linkcode ONE_RUN} in `area`: its run's hash and record folder. */
async function finishedRun(area: Awaited<ReturnType<typeof tempArea>>) {
  const out = await ablate([ONE_RUN, ...smokeArgs(area)]);
  assert.equal(out.code, 0, out.stdout + out.stderr);
  const [run] = await query(area.db, "SELECT id FROM runs");
  const hash = String(run!.id);
  const records = join(area.work, "records");
  const ingested = join(records, "ingested", `${hash}.run.json`);
  return { hash, records, ingested, text: await Deno.readTextFile(ingested) };
}

Deno.test("a finished run keeps its status, results and ingested record when stale records arrive", async () => {
  await using area = await tempArea();
  const run = await finishedRun(area);
  const before = await stored(area.db, run.hash);
  assert.equal(before[0]!.status, "finished");

  // `run-one HASH` of the finished run, stopped with Ctrl-C: an interrupted record, then collect.
  const again = new Running("lib/cli/run_one.ts", [
    run.hash,
    "--jobs",
    join(area.work, "jobs"),
    "--records",
    run.records,
  ]);
  await again.waitFor(/^run /);
  again.process.kill("SIGINT");
  assert.equal((await again.output()).code, 130);
  const stale = join(run.records, `${run.hash}.run.json`);
  assert.equal((await readRunRecord(stale)).status, "interrupted");
  const collected = await collect("--from", run.records, "--db", area.db);
  assert.equal(collected.code, 0, collected.stderr);
  const notApplied = join(run.records, "not-applied");
  assert.equal(
    collected.stdout,
    `kept, not applied: run ${run.hash} is finished (${stale} -> ${notApplied}/${run.hash}.run.json)` +
      "; `deno task ablate NAME --rerun` retrains it\n" +
      `0 records ingested into ${area.db}, 1 kept, not applied (runs already finished)`,
  );
  assert.deepEqual(await stored(area.db, run.hash), before);
  assert.equal(await Deno.readTextFile(run.ingested), run.text);

  // A failed record of it left for the next sweep: kept beside the first, nothing retrained.
  const finished = await readRunRecord(run.ingested);
  const failed: RunRecord = {
    ...finished,
    status: "failed",
    error: "late failure",
    startedAt: new Date().toISOString(),
    endedAt: new Date().toISOString(),
    results: [],
    classIou: [],
  };
  await writeRunRecord(run.records, failed);
  const second = await ablate([ONE_RUN, ...smokeArgs(area)]);
  assert.equal(second.code, 0, second.stdout + second.stderr);
  assert.match(
    second.stdout,
    /^sweep-masks "kmeans \(ours\)" seed 0: kept, not applied: its failed record \(".*not-applied\/\w+\.1\.run\.json"\) is of another attempt/m,
  );
  assert.match(second.stdout, /^Nothing to run: all 1 distinct run of the plan are finished/m);
  assert.deepEqual(await stored(area.db, run.hash), before);
  assert.deepEqual(await names(notApplied), [`${run.hash}.1.run.json`, `${run.hash}.run.json`]);
  assert.equal(
    (await readRunRecord(join(notApplied, `${run.hash}.1.run.json`))).error,
    "late failure",
  );
  assert.equal(await Deno.readTextFile(run.ingested), run.text);
});

Deno.test("ablate --rerun retrains a finished run and keeps the earlier one's rows as HASH~1", async () => {
  await using area = await tempArea();
  const run = await finishedRun(area);
  const [old] = await stored(area.db, run.hash);
  const out = await ablate([ONE_RUN, "--rerun", ...smokeArgs(area)]);
  assert.equal(out.code, 0, out.stdout + out.stderr);
  assert.match(
    out.stdout,
    new RegExp(
      `^sweep-masks "kmeans \\(ours\\)" seed 0: retraining; the earlier finished run is kept as "${run.hash}~1"$`,
      "m",
    ),
  );
  const rows = await query(
    area.db,
    "SELECT id, hash, status, (SELECT count(*) FROM results WHERE run_id = runs.id) AS results, " +
      "(SELECT count(*) FROM run_variants WHERE run_id = runs.id) AS rows FROM runs ORDER BY id",
  );
  assert.deepEqual(rows.map((r) => [r.id, r.hash, r.status, r.rows]), [
    [run.hash, run.hash, "finished", 1],
    [`${run.hash}~1`, run.hash, "finished", 0],
  ]);
  assert.deepEqual(await stored(area.db, `${run.hash}~1`), [old]);
  assert.equal(rows[0]!.results, rows[1]!.results);
  const [summary] = await query(
    area.db,
    "SELECT max(n) AS n FROM variant_summary WHERE ablation = ?",
    [ONE_RUN],
  );
  assert.equal(summary!.n, 1);
  // Both records stay on disk.
  assert.deepEqual(await names(join(run.records, "ingested")), [
    `${run.hash}.1.run.json`,
    `${run.hash}.run.json`,
  ]);
  assert.equal(await Deno.readTextFile(run.ingested), run.text);
  // Without --rerun the next sweep has nothing to do.
  const again = await ablate([ONE_RUN, ...smokeArgs(area)]);
  assert.match(again.stdout, /^Nothing to run/m);
});

Deno.test("collect rejects non-finite scores, misnamed and malformed records, naming file and field, and moves them aside", async () => {
  await using tmp = await tempDir();
  const dir = join(tmp.dir, "records");
  const db = join(tmp.dir, "runs.duckdb");
  await writeRunRecord(dir, sampleRecord({ hash: "good" }));
  // Curves may hold NaN (a diverged loss): that record is fine.
  await writeRunRecord(
    dir,
    sampleRecord({
      hash: "diverged",
      status: "failed",
      error: "NaN loss at step 3",
      failedStep: 3,
      metrics: [{ step: 3, name: "loss", value: NaN }],
      results: [],
      classIou: [],
    }),
  );
  const bad = (hash: string, change: Record<string, unknown>) =>
    Deno.writeTextFile(
      join(dir, `${hash}.run.json`),
      JSON.stringify({ ...sampleRecord({ hash }), ...change }),
    );
  await bad("inf", { results: [{ split: "eval", metric: "hIoU", value: "Infinity" }] });
  await bad("nan", { classIou: [{ className: "Bag", seen: false, iou: "NaN" }] });
  await Deno.writeTextFile(
    join(dir, "aaaa.run.json"),
    JSON.stringify(sampleRecord({ hash: "bbbb" })),
  );
  await Deno.writeTextFile(join(dir, "torn.run.json"), '{"hash": "torn", "abl');

  const out = await collect("--from", dir, "--db", db);
  assert.equal(out.code, 1);
  const rejected = join(dir, "rejected");
  const expected = [
    [
      "aaaa",
      `Invalid run record "${dir}/aaaa.run.json": the file is named for run "aaaa" but holds run "bbbb"`,
    ],
    [
      "inf",
      `Invalid run record "${dir}/inf.run.json": field "results[0].value" must be a finite ` +
      `number, got "Infinity" (a string)`,
    ],
    [
      "nan",
      `Invalid run record "${dir}/nan.run.json": field "classIou[0].iou" must be a finite ` +
      `number, got "NaN" (a string)`,
    ],
    ["torn", `Cannot read run record "${dir}/torn.run.json": not valid JSON (`],
  ] as const;
  const lines = out.stderr.trim().split("\n");
  assert.equal(lines.length, expected.length, out.stderr);
  expected.forEach(([name, reason], i) => {
    assert.ok(
      lines[i]!.startsWith(`rejected ${dir}/${name}.run.json: ${reason}`),
      `${lines[i]}\n!= ${reason}`,
    );
    assert.ok(lines[i]!.endsWith(` -> ${rejected}/${name}.run.json`), lines[i]);
  });
  assert.match(out.stdout, /, 4 rejected \(moved aside\)$/);
  // Moved aside with the reason, never deleted.
  assert.deepEqual(await names(rejected), [
    "aaaa.run.json",
    "aaaa.run.json.reason.txt",
    "inf.run.json",
    "inf.run.json.reason.txt",
    "nan.run.json",
    "nan.run.json.reason.txt",
    "torn.run.json",
    "torn.run.json.reason.txt",
  ]);
  assert.match(
    await Deno.readTextFile(join(rejected, "inf.run.json.reason.txt")),
    /field "results\[0\]\.value" must be a finite number/,
  );
  assert.deepEqual(await names(dir), ["ingested", "rejected"]);
  const runs = await query(db, "SELECT id, status FROM runs ORDER BY id");
  assert.deepEqual(runs.map((r) => [r.id, r.status]), [["diverged", "failed"], [
    "good",
    "finished",
  ]]);
  const [curve] = await query(db, "SELECT value FROM metrics WHERE run_id = 'diverged'");
  assert.ok(Number.isNaN(curve!.value));
});

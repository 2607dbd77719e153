import { assert } from "../../lib/_std.ts";
import { columnNames } from "../../lib/track/schema.ts";
import { DatabaseBusyError, RunStore } from "../../lib/track/store.ts";
import {
  CONFIG,
  databaseWith,
  plannedRun,
  rejectsWith,
  sampleRecord,
  tempDir,
  withStore,
  withStoreAt,
} from "./_helpers.ts";

Deno.test("RunStore.open() creates every table and view of the schema", () =>
  withStore(async (store) => {
    const { rows } = await store.query(
      "SELECT table_name, table_type FROM information_schema.tables ORDER BY table_name",
    );
    assert.deepEqual(rows, [
      ["ablation_runs", "VIEW"],
      ["artifacts", "BASE TABLE"],
      ["claim_differences", "VIEW"],
      ["claims", "VIEW"],
      ["class_iou", "BASE TABLE"],
      ["current_runs", "VIEW"],
      ["metrics", "BASE TABLE"],
      ["paper_values", "BASE TABLE"],
      ["params", "BASE TABLE"],
      ["results", "BASE TABLE"],
      ["run_eval", "VIEW"],
      ["run_variants", "BASE TABLE"],
      ["runs", "BASE TABLE"],
      ["schema_version", "BASE TABLE"],
      ["t_crit", "BASE TABLE"],
      ["variant_summary", "VIEW"],
    ]);
  }));

Deno.test("RunStore.open() gives runs the contract's columns and types", () =>
  withStore(async (store) => {
    const { rows } = await store.query(
      "SELECT column_name, data_type FROM information_schema.columns " +
        "WHERE table_name = 'runs' ORDER BY ordinal_position",
    );
    assert.deepEqual(rows, [
      ["id", "VARCHAR"],
      ["hash", "VARCHAR"],
      ["ablation", "VARCHAR"],
      ["variant", "VARCHAR"],
      ["seed", "INTEGER"],
      ["preset", "VARCHAR"],
      ["config", "JSON"],
      ["overrides", "JSON"],
      ["status", "VARCHAR"],
      ["started_at", "TIMESTAMP"],
      ["ended_at", "TIMESTAMP"],
      ["git_commit", "VARCHAR"],
      ["git_dirty", "BOOLEAN"],
      ["versions", "JSON"],
      ["backend", "VARCHAR"],
      ["host", "VARCHAR"],
      ["pid", "INTEGER"],
      ["error", "VARCHAR"],
      ["failed_step", "INTEGER"],
    ]);
  }));

Deno.test("reopening a run store keeps its rows and writes one schema version", async () => {
  await using tmp = await tempDir();
  const path = await databaseWith(tmp.dir, [sampleRecord()]);
  const { rows } = await withStoreAt(path, (store) =>
    store.query(
      "SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM schema_version), " +
        "(SELECT count(*) FROM t_crit), (SELECT max(version) FROM schema_version)",
    ));
  assert.deepEqual(rows, [[1, 1, 1000, 1]]);
});

Deno.test("RunStore.open() refuses a file written by a newer schema version", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/runs.duckdb`;
  const store = await RunStore.open(path);
  await store.query("INSERT INTO schema_version VALUES (99, now()::TIMESTAMP)");
  await store.close();
  const expected =
    `Database "${path}" has schema version 99, newer than this code's 1: update c2s-lab to read it`;
  await rejectsWith(() => RunStore.open(path), Error, expected);
  // The failed open released the file, so a second open reaches the same check.
  await rejectsWith(() => RunStore.open(path, { readOnly: true }), Error, expected);
});

Deno.test("a read-only open of a missing file fails with NotFound and creates nothing", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/none.duckdb`;
  await rejectsWith(
    () => RunStore.open(path, { readOnly: true }),
    Deno.errors.NotFound,
    `Database "${path}" does not exist: run an ablation first (\`deno task ablate NAME\`) ` +
      "or point --db at an existing file",
  );
  await assert.rejects(() => Deno.stat(path), Deno.errors.NotFound);
});

Deno.test("opening one file twice in a process is refused until the first store closes", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/runs.duckdb`;
  const first = await RunStore.open(path);
  await rejectsWith(
    () => RunStore.open(path),
    Error,
    `Database "${path}" is already open in this process: ` +
      "pass the open RunStore around instead of opening the file twice",
  );
  await first.close();
  const second = await RunStore.open(path);
  await second.close();
});

Deno.test("a closed store rejects calls with an error naming it", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/runs.duckdb`;
  const store = await RunStore.open(path);
  await store.close();
  await store.close();
  await rejectsWith(() => store.finishedHashes(), Error, `Run store "${path}" is closed`);
});

Deno.test("a read-only store refuses writes", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/runs.duckdb`;
  await (await RunStore.open(path)).close();
  const store = await RunStore.open(path, { readOnly: true });
  try {
    await rejectsWith(() => store.startRun(plannedRun()), Error, /read-only mode/);
  } finally {
    await store.close();
  }
});

Deno.test("startRun() writes a running row, flattened params and the run's membership", () =>
  withStore(async (store) => {
    await store.startRun(plannedRun(), {
      pid: 4242,
      host: "box",
      backend: "wasm",
      versions: { deno: "2.9.6" },
      git: { commit: "abc", dirty: true },
      startedAt: new Date("2025-01-02T03:04:05.678Z"),
    });
    const runs = await store.queryObjects(
      "SELECT id, hash, status, started_at, ended_at, pid, host, backend, git_commit, git_dirty, " +
        "versions, config, overrides FROM runs",
    );
    assert.deepEqual(runs, [{
      id: "h0001",
      hash: "h0001",
      status: "running",
      started_at: "2025-01-02T03:04:05.678Z",
      ended_at: null,
      pid: 4242,
      host: "box",
      backend: "wasm",
      git_commit: "abc",
      git_dirty: true,
      versions: { deno: "2.9.6" },
      config: CONFIG,
      overrides: { "distill.global.bankSize": 6 },
    }]);
    const params = await store.query("SELECT key, value FROM params ORDER BY key");
    assert.deepEqual(params.rows, [
      ["data.trainScenes", "64"],
      ["data.unseen", '["Trouser","Bag"]'],
      ["distill.global.bankSize", "6"],
      ["distill.global.loss", "infonce"],
      ["distill.weight", "0.5"],
      ["teacherPath", null],
    ]);
    const members = await store.query("SELECT * FROM run_variants");
    assert.deepEqual(members.rows, [["token-bank", "6", "h0001", 1]]);
  }));

Deno.test("startRun() rejects a planned run without a hash", () =>
  withStore(async (store) => {
    await rejectsWith(
      () => store.startRun(plannedRun({ hash: "" })),
      TypeError,
      'startRun(): run.hash must be a non-empty string, got ""',
    );
  }));

Deno.test("endRun() sets status, end time and the reason of a run that left no record", () =>
  withStore(async (store) => {
    for (const hash of ["a", "b", "c"]) await store.startRun(plannedRun({ hash }));
    const before = Date.now();
    await store.endRun("b", "failed", "Worker process 7 exited with code 1");
    await store.endRun("c", "interrupted", "SIGINT");
    const rows = await store.queryObjects(
      "SELECT id, status, ended_at, error, failed_step FROM runs ORDER BY id",
    );
    assert.deepEqual(rows.map((r) => [r.id, r.status, r.error, r.failed_step]), [
      ["a", "running", null, null],
      ["b", "failed", "Worker process 7 exited with code 1", null],
      ["c", "interrupted", "SIGINT", null],
    ]);
    assert.equal(rows[0]!.ended_at, null);
    for (const row of rows.slice(1)) {
      const ended = Date.parse(String(row.ended_at));
      assert.ok(ended >= before - 1 && ended <= Date.now(), String(row.ended_at));
    }
  }));

Deno.test("endRun() on an unknown run is a RangeError naming it", () =>
  withStore(async (store) => {
    await rejectsWith(
      () => store.endRun("nope", "failed", "x"),
      RangeError,
      'Unknown run "nope": no row in "runs" has this id',
    );
  }));

Deno.test("runningRuns() lists the runs marked running with their process ids", () =>
  withStore(async (store) => {
    await store.startRun(plannedRun({ hash: "b" }), { pid: 12 });
    await store.startRun(plannedRun({ hash: "a" }), { pid: 34 });
    await store.ingestRecord(sampleRecord());
    assert.deepEqual(await store.runningRuns(), [{ id: "a", pid: 34 }, { id: "b", pid: 12 }]);
  }));

Deno.test("ingestRecord() round-trips every part of a record", () =>
  withStore(async (store) => {
    const record = sampleRecord();
    assert.deepEqual(await store.ingestRecord(record), { id: "h0001", applied: true });
    const [run] = await store.queryObjects("SELECT * EXCLUDE (pid) FROM runs");
    assert.deepEqual(Object.keys(run!), columnNames("runs").filter((c) => c !== "pid"));
    const { id, hash, ablation, variant, seed, preset, status } = run!;
    assert.deepEqual(
      [id, hash, ablation, variant, seed, preset, status],
      ["h0001", "h0001", "token-bank", "6", 1, "smoke", "finished"],
    );
    assert.deepEqual(
      [run!.config, run!.overrides, run!.versions],
      [CONFIG, { "distill.global.bankSize": 6 }, { deno: "2.9.6", tfjs: "4.22.0" }],
    );
    assert.deepEqual(
      [run!.started_at, run!.ended_at, run!.git_commit, run!.git_dirty],
      ["2025-03-01T10:00:00.000Z", "2025-03-01T10:02:30.500Z", "abc123", false],
    );
    assert.deepEqual(
      [run!.backend, run!.host, run!.error, run!.failed_step],
      ["wasm", "box", null, null],
    );
    const metrics = await store.query("SELECT step, name, value FROM metrics ORDER BY step, name");
    assert.deepEqual(metrics.rows, record.metrics.map((m) => [m.step, m.name, m.value]));
    const results = await store.query("SELECT split, metric, value FROM results ORDER BY metric");
    assert.deepEqual(results.rows, [["eval", "hIoU", 40], ["eval", "sIoU", 60], [
      "eval",
      "uIoU",
      30,
    ]]);
    const classes = await store.query("SELECT class, seen, iou FROM class_iou ORDER BY class");
    assert.deepEqual(classes.rows, [["Coat", true, null], ["Trouser", false, 31.5]]);
    const files = await store.query("SELECT kind, path, sha256 FROM artifacts");
    assert.deepEqual(files.rows, [["checkpoint", "ckpt/h0001.bin", "ab".repeat(32)]]);
    const members = await store.query("SELECT * FROM run_variants");
    assert.deepEqual(members.rows, [["token-bank", "6", "h0001", 1]]);
    assert.deepEqual(await store.finishedHashes(), new Set(["h0001"]));
  }));

Deno.test("ingesting a record twice leaves the same rows", () =>
  withStore(async (store) => {
    const counts = () =>
      store.query(
        "SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM params), " +
          "(SELECT count(*) FROM metrics), (SELECT count(*) FROM results), " +
          "(SELECT count(*) FROM class_iou), (SELECT count(*) FROM artifacts), " +
          "(SELECT count(*) FROM run_variants)",
      );
    await store.ingestRecord(sampleRecord());
    const once = await counts();
    await store.ingestRecord(sampleRecord());
    assert.deepEqual(await counts(), once);
    assert.deepEqual(once.rows, [[1, 6, 3, 3, 2, 1, 1]]);
  }));

Deno.test("ingestRecord() keeps the pid startRun() wrote", () =>
  withStore(async (store) => {
    await store.startRun(plannedRun(), { pid: 777 });
    await store.ingestRecord(sampleRecord());
    const { rows } = await store.query(
      "SELECT pid, status, (SELECT count(*) FROM metrics) FROM runs",
    );
    assert.deepEqual(rows, [[777, "finished", 3]]);
  }));

Deno.test("a new attempt of a run that did not finish clears the rows of the earlier one", () =>
  withStore(async (store) => {
    await store.ingestRecord(sampleRecord({ status: "interrupted", error: "stopped" }));
    assert.equal(await store.startRun(plannedRun()), null);
    const { rows } = await store.query(
      "SELECT id, status, (SELECT count(*) FROM results), (SELECT count(*) FROM class_iou), " +
        "(SELECT count(*) FROM artifacts), (SELECT count(*) FROM metrics) FROM runs",
    );
    assert.deepEqual(rows, [["h0001", "running", 0, 0, 0, 0]]);
    assert.deepEqual(await store.finishedHashes(), new Set());
  }));

Deno.test("a new attempt of a finished run keeps the earlier one's rows under HASH~N", () =>
  withStore(async (store) => {
    const counts =
      "SELECT id, status, (SELECT count(*) FROM results r WHERE r.run_id = runs.id), " +
      "(SELECT count(*) FROM params p WHERE p.run_id = runs.id), " +
      "(SELECT count(*) FROM metrics m WHERE m.run_id = runs.id), " +
      "(SELECT count(*) FROM run_variants v WHERE v.run_id = runs.id) FROM runs ORDER BY id";
    await store.ingestRecord(sampleRecord());
    assert.equal(await store.startRun(plannedRun()), "h0001~1");
    assert.deepEqual((await store.query(counts)).rows, [
      ["h0001", "running", 0, 6, 0, 1],
      ["h0001~1", "finished", 3, 6, 3, 0],
    ]);
    assert.deepEqual(await store.finishedHashes(), new Set());
    await store.ingestRecord(sampleRecord({ startedAt: "2025-03-02T10:00:00.000Z" }));
    assert.equal(await store.startRun(plannedRun()), "h0001~2");
    const { rows } = await store.query(counts);
    assert.deepEqual(rows.map((r) => r.slice(0, 3)), [
      ["h0001", "running", 0],
      ["h0001~1", "finished", 3],
      ["h0001~2", "finished", 3],
    ]);
    const [view] = (await store.query("SELECT n FROM variant_summary WHERE metric = 'hIoU'")).rows;
    assert.equal(view, undefined, "the kept attempts are not counted");
  }));

Deno.test("a finished run is final: other attempts' records and endRun() leave it as it is", () =>
  withStore(async (store) => {
    const rows = () =>
      store.query("SELECT status, error, (SELECT count(*) FROM results) FROM runs");
    await store.ingestRecord(sampleRecord());
    const before = await rows();
    const late = { startedAt: "2025-03-02T10:00:00.000Z", results: [], classIou: [] };
    for (
      const record of [
        sampleRecord({ ...late, status: "interrupted", error: "Ctrl-C" }),
        sampleRecord({ ...late, status: "failed", error: "boom" }),
        sampleRecord({ ...late, status: "finished" }),
        sampleRecord({ status: "failed", error: "same start, other status" }),
      ]
    ) {
      assert.deepEqual(await store.ingestRecord(record), { id: "h0001", applied: false });
    }
    assert.equal(await store.endRun("h0001", "interrupted", "stopped"), false);
    assert.deepEqual(await rows(), before);
    // The same record again is the same attempt: stored again, the same rows.
    assert.deepEqual(await store.ingestRecord(sampleRecord()), { id: "h0001", applied: true });
    assert.deepEqual(await rows(), before);
  }));

Deno.test("an ingest that fails midway leaves the database as it was", () =>
  withStore(async (store) => {
    await store.startRun(plannedRun(), { pid: 1 });
    // Without the artifacts table the last bulk insert fails, after runs, params, metrics and
    // results were written in the same transaction.
    await store.query("DROP TABLE artifacts");
    await rejectsWith(() => store.ingestRecord(sampleRecord()), Error, /artifacts/);
    const { rows } = await store.query(
      "SELECT status, ended_at, (SELECT count(*) FROM metrics), (SELECT count(*) FROM results) FROM runs",
    );
    assert.deepEqual(rows, [["running", null, 0, 0]]);
  }));

Deno.test("ingestRecord() validates the record before writing", () =>
  withStore(async (store) => {
    const bad = sampleRecord({ seed: 1.5 });
    await rejectsWith(
      () => store.ingestRecord(bad),
      TypeError,
      'Invalid run record "record h0001": field "seed" must be an integer in [-2^31, 2^31), got 1.5 (a number)',
    );
    assert.deepEqual((await store.query("SELECT count(*) FROM runs")).rows, [[0]]);
  }));

Deno.test("addVariantMembership() lets one run serve rows of several tables, once each", () =>
  withStore(async (store) => {
    await store.ingestRecord(sampleRecord());
    await store.addVariantMembership("loss", "infonce", "h0001", 1);
    await store.addVariantMembership("loss", "infonce", "h0001", 1);
    const { rows } = await store.query(
      "SELECT ablation, variant, run_id, seed FROM run_variants ORDER BY ablation",
    );
    assert.deepEqual(rows, [["loss", "infonce", "h0001", 1], ["token-bank", "6", "h0001", 1]]);
  }));

Deno.test("setPaperValues() replaces the values of the ablations it names only", () =>
  withStore(async (store) => {
    await store.setPaperValues([
      { tableId: "IX", ablation: "token-bank", variant: "0", metric: "hIoU", value: 1 },
      { tableId: "VI", ablation: "loss", variant: "l2", metric: "hIoU", value: 2 },
    ]);
    assert.equal(
      await store.setPaperValues([
        { tableId: "IX", ablation: "token-bank", variant: "6", metric: "hIoU", value: 3 },
      ]),
      1,
    );
    const { rows } = await store.query(
      "SELECT table_id, ablation, variant, metric, value FROM paper_values ORDER BY ablation",
    );
    assert.deepEqual(rows, [["VI", "loss", "l2", "hIoU", 2], ["IX", "token-bank", "6", "hIoU", 3]]);
  }));

Deno.test("setPaperValues() rejects duplicate keys and non-finite values", () =>
  withStore(async (store) => {
    const row = { tableId: "IX", ablation: "token-bank", variant: "6", metric: "hIoU", value: 1 };
    await rejectsWith(
      () => store.setPaperValues([row, row]),
      TypeError,
      'Paper values list (ablation "token-bank", variant "6", metric "hIoU") twice',
    );
    await rejectsWith(
      () => store.setPaperValues([{ ...row, value: NaN }]),
      TypeError,
      'Paper value 0: field "value" must be a finite number, got NaN',
    );
    assert.deepEqual((await store.query("SELECT count(*) FROM paper_values")).rows, [[0]]);
  }));

Deno.test("query() returns plain values: numbers for integers and decimals, ISO times, parsed JSON", () =>
  withStore(async (store) => {
    const result = await store.query(
      "SELECT 7::BIGINT AS big, 9007199254740993::HUGEINT AS huge, 1.25::DECIMAL(5,2) AS dec, " +
        "TIMESTAMP '2024-05-06 07:08:09.5' AS ts, DATE '2024-05-06' AS d, '{\"a\":[1]}'::JSON AS j, " +
        "[1, 2] AS list, 'nan'::DOUBLE AS nan, INTERVAL 90 MINUTE AS span, ? AS bound",
      ["x"],
    );
    assert.deepEqual(result.columns, [
      "big",
      "huge",
      "dec",
      "ts",
      "d",
      "j",
      "list",
      "nan",
      "span",
      "bound",
    ]);
    assert.deepEqual(result.rows, [[
      7,
      "9007199254740993",
      1.25,
      "2024-05-06T07:08:09.500Z",
      "2024-05-06",
      { a: [1] },
      [1, 2],
      NaN,
      "01:30:00",
      "x",
    ]]);
  }));

Deno.test("calls on one store run in call order even when not awaited", () =>
  withStore(async (store) => {
    const calls = [
      store.startRun(plannedRun()),
      store.ingestRecord(sampleRecord({ status: "failed", error: "boom" })),
      store.endRun("h0001", "interrupted", "stopped"),
      store.query("SELECT status, (SELECT count(*) FROM metrics) FROM runs"),
    ] as const;
    const [, , , result] = await Promise.all(calls);
    assert.deepEqual(result.rows, [["interrupted", 3]]);
  }));

Deno.test("DatabaseBusyError carries the path and pid", () => {
  const error = new DatabaseBusyError("runs.duckdb", 12, 0);
  assert.equal(error.pid, 12);
  assert.equal(error.path, "runs.duckdb");
  assert.equal(error.name, "DatabaseBusyError");
  assert.match(error.message, /^Database "runs\.duckdb" is in use by another process \(pid 12\): /);
});

import { assert } from "../../lib/_std.ts";
import {
  hashOfRecordFile,
  listRecordFiles,
  readRunRecord,
  recordFileName,
  writeRunRecord,
} from "../../lib/track/record.ts";
import { rejectsWith, sampleRecord, tempDir } from "./_helpers.ts";

Deno.test("writeRunRecord() then readRunRecord() returns the same record", async () => {
  await using tmp = await tempDir();
  const record = sampleRecord();
  const path = await writeRunRecord(`${tmp.dir}/records`, record);
  assert.equal(path, `${tmp.dir}/records/h0001.run.json`);
  assert.deepEqual(await readRunRecord(path), record);
  assert.equal(hashOfRecordFile(path), "h0001");
});

Deno.test("non-finite curve values survive the JSON record as numbers", async () => {
  await using tmp = await tempDir();
  const record = sampleRecord({
    metrics: [{ step: 3, name: "loss", value: NaN }, { step: 4, name: "loss", value: -Infinity }],
  });
  const path = await writeRunRecord(tmp.dir, record);
  assert.match(await Deno.readTextFile(path), /"value": "NaN"/);
  const back = await readRunRecord(path);
  assert.ok(Number.isNaN(back.metrics[0]!.value));
  assert.equal(back.metrics[1]!.value, -Infinity);
});

Deno.test("a result or class IoU that is not finite is refused naming the field", async () => {
  await using tmp = await tempDir();
  await rejectsWith(
    () =>
      writeRunRecord(
        tmp.dir,
        sampleRecord({ classIou: [{ className: "Bag", seen: false, iou: -Infinity }] }),
      ),
    TypeError,
    'Invalid run record "record h0001": field "classIou[0].iou" must be a finite number, got ' +
      "-Infinity (a number)",
  );
  await rejectsWith(
    () =>
      writeRunRecord(
        tmp.dir,
        sampleRecord({ results: [{ split: "eval", metric: "hIoU", value: NaN }] }),
      ),
    TypeError,
    'Invalid run record "record h0001": field "results[0].value" must be a finite number, got ' +
      "NaN (a number)",
  );
  assert.deepEqual(await Array.fromAsync(Deno.readDir(tmp.dir)), []);
});

Deno.test("readRunRecord() refuses a record saved under another run's file name, naming both", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/aaaa.run.json`;
  await Deno.writeTextFile(path, JSON.stringify(sampleRecord({ hash: "bbbb" })));
  await rejectsWith(
    () => readRunRecord(path),
    TypeError,
    `Invalid run record "${path}": the file is named for run "aaaa" but holds run "bbbb"`,
  );
  // A later record of a run kept under a numbered name is still its own.
  await Deno.writeTextFile(
    `${tmp.dir}/bbbb.2.run.json`,
    JSON.stringify(sampleRecord({ hash: "bbbb" })),
  );
  assert.equal((await readRunRecord(`${tmp.dir}/bbbb.2.run.json`)).hash, "bbbb");
});

Deno.test("writeRunRecord() leaves no temporary file and replaces an earlier record", async () => {
  await using tmp = await tempDir();
  await writeRunRecord(tmp.dir, sampleRecord({ status: "failed", error: "boom", failedStep: 3 }));
  await writeRunRecord(tmp.dir, sampleRecord());
  const names = [];
  for await (const entry of Deno.readDir(tmp.dir)) names.push(entry.name);
  assert.deepEqual(names, ["h0001.run.json"]);
  assert.equal((await readRunRecord(`${tmp.dir}/h0001.run.json`)).status, "finished");
});

Deno.test("writeRunRecord() refuses an invalid record without writing anything", async () => {
  await using tmp = await tempDir();
  await rejectsWith(
    () => writeRunRecord(tmp.dir, sampleRecord({ startedAt: "yesterday" })),
    TypeError,
    'Invalid run record "record h0001": field "startedAt" must be an ISO 8601 date-time ' +
      'string, got "yesterday" (a string)',
  );
  await rejectsWith(
    () => writeRunRecord(tmp.dir, sampleRecord({ hash: "../escape" })),
    TypeError,
    'Cannot write run record: hash "../escape" must be letters, digits, "-" or "_" ' +
      "(it names the file)",
  );
  assert.deepEqual(await Array.fromAsync(Deno.readDir(tmp.dir)), []);
});

Deno.test("listRecordFiles() never lists a record still being written", async () => {
  await using tmp = await tempDir();
  await writeRunRecord(tmp.dir, sampleRecord({ hash: "b" }));
  await writeRunRecord(tmp.dir, sampleRecord({ hash: "a" }));
  // What a writer leaves while it works (or after it crashed): a dot-name temporary file.
  await Deno.writeTextFile(`${tmp.dir}/.c.run.json.123.x1.tmp`, '{"hash": "c", "abl');
  await Deno.writeTextFile(`${tmp.dir}/notes.txt`, "hello");
  await Deno.mkdir(`${tmp.dir}/ingested`);
  assert.deepEqual(await listRecordFiles(tmp.dir), [
    `${tmp.dir}/a.run.json`,
    `${tmp.dir}/b.run.json`,
  ]);
});

Deno.test("listRecordFiles() on a missing directory is NotFound naming it", async () => {
  await rejectsWith(
    () => listRecordFiles("/nonexistent/records"),
    Deno.errors.NotFound,
    'Record directory "/nonexistent/records" does not exist: nothing to collect',
  );
});

Deno.test("readRunRecord() on text that is not JSON is a SyntaxError naming the file", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/x.run.json`;
  await Deno.writeTextFile(path, '{"hash": "x", "abl');
  await rejectsWith(
    () => readRunRecord(path),
    SyntaxError,
    new RegExp(`^Cannot read run record "${path}": not valid JSON \\(.+\\)$`),
  );
});

Deno.test("readRunRecord() names the file and the field that is wrong", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/x.run.json`;
  const write = (value: unknown) => Deno.writeTextFile(path, JSON.stringify(value));
  const cases: [unknown, string][] = [
    [[], `Invalid run record "${path}": field "(record)" must be an object, got [] (an array)`],
    [
      { ...sampleRecord(), extra: 1 },
      `Invalid run record "${path}": unknown field "extra"`,
    ],
    [
      { ...sampleRecord(), metrics: undefined },
      `Invalid run record "${path}": field "metrics" is missing`,
    ],
    [
      { ...sampleRecord(), status: "running" },
      `Invalid run record "${path}": field "status" must be one of finished, failed, ` +
      `interrupted, got "running" (a string)`,
    ],
    [
      sampleRecord({ metrics: [{ step: 1, name: "loss", value: "low" as unknown as number }] }),
      `Invalid run record "${path}": field "metrics[0].value" must be a number ` +
      `(or "NaN", "Infinity", "-Infinity"), got "low" (a string)`,
    ],
    [
      sampleRecord({
        classIou: [{ className: "Bag", seen: "yes" as unknown as boolean, iou: 1 }],
      }),
      `Invalid run record "${path}": field "classIou[0].seen" must be a boolean, got "yes" ` +
      `(a string)`,
    ],
    [
      sampleRecord({ git: { commit: "a", dirty: false, branch: "x" } as RunGit }),
      `Invalid run record "${path}": unknown field "git.branch"`,
    ],
    [
      sampleRecord({
        results: [
          { split: "eval", metric: "hIoU", value: 1 },
          { split: "eval", metric: "hIoU", value: 2 },
        ],
      }),
      `Invalid run record "${path}": result (split "eval", metric "hIoU") appears twice`,
    ],
    [
      sampleRecord({ config: "full" }),
      `Invalid run record "${path}": field "config" must be an object, got "full" (a string)`,
    ],
  ];
  for (const [value, message] of cases) {
    await write(value);
    await rejectsWith(() => readRunRecord(path), TypeError, message);
  }
});

type RunGit = ReturnType<typeof sampleRecord>["git"];

Deno.test("readRunRecord() on a missing file is NotFound naming it", async () => {
  await rejectsWith(
    () => readRunRecord("/nonexistent/a.run.json"),
    Deno.errors.NotFound,
    'Cannot read run record "/nonexistent/a.run.json": no such file',
  );
});

Deno.test("recordFileName() is the hash plus .run.json", () => {
  assert.equal(recordFileName("3f2a_9c-1"), "3f2a_9c-1.run.json");
});

Deno.test("a record write that cannot complete removes its temporary file", async () => {
  await using tmp = await tempDir();
  // A directory where the record should land makes the final rename fail.
  await Deno.mkdir(`${tmp.dir}/h0001.run.json`);
  await rejectsWith(() => writeRunRecord(tmp.dir, sampleRecord()), Error, /h0001\.run\.json/);
  const names = (await Array.fromAsync(Deno.readDir(tmp.dir))).map((e) => e.name);
  assert.deepEqual(names, ["h0001.run.json"]);
  assert.deepEqual(await listRecordFiles(tmp.dir), []);
});

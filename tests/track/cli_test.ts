import { assert } from "../../lib/_std.ts";
import { writeRunRecord } from "../../lib/track/record.ts";
import { RunStore } from "../../lib/track/store.ts";
import { sampleRecord, tempDir } from "./_helpers.ts";

const ROOT = new URL("../../", import.meta.url);

async function task(file: string, ...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `lib/cli/${file}.ts`, ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

Deno.test("query, runs and export on a missing database fail naming it and create nothing", async () => {
  await using tmp = await tempDir();
  const db = `${tmp.dir}/none.duckdb`;
  const expected = `error: Database "${db}" does not exist: run an ablation first ` +
    "(`deno task ablate NAME`) or point --db at an existing file\n";
  for (const args of [["query", "SELECT 1"], ["runs"], ["export", "--parquet", tmp.dir]]) {
    const [file, ...rest] = args;
    const out = await task(file!, ...rest, "--db", db);
    assert.deepEqual(out, { code: 1, stdout: "", stderr: expected });
  }
  await assert.rejects(() => Deno.stat(db), Deno.errors.NotFound);
});

Deno.test("deno task collect then query prints the ingested run as a table, CSV and JSON", async () => {
  await using tmp = await tempDir();
  const db = `${tmp.dir}/runs.duckdb`;
  await writeRunRecord(`${tmp.dir}/rec`, sampleRecord());
  const collected = await task("collect", "--from", `${tmp.dir}/rec`, "--db", db);
  assert.equal(collected.code, 0, collected.stderr);
  assert.equal(
    collected.stdout,
    `ingested ${tmp.dir}/rec/h0001.run.json (run h0001, finished) -> ` +
      `${tmp.dir}/rec/ingested/h0001.run.json\n1 record ingested into ${db}\n`,
  );
  const sql = "SELECT metric, value FROM results ORDER BY metric";
  const table = await task("query", sql, "--db", db);
  assert.equal(
    table.stdout,
    [
      "metric  value",
      "------  -----",
      "hIoU       40",
      "sIoU       60",
      "uIoU       30",
      "(3 rows)",
      "",
    ].join("\n"),
  );
  const csv = await task("query", sql, "--db", db, "--format", "csv");
  assert.equal(csv.stdout, "metric,value\nhIoU,40\nsIoU,60\nuIoU,30\n");
  const json = await task(
    "query",
    "SELECT metric, value FROM results WHERE metric = 'hIoU'",
    "--db",
    db,
    "-f",
    "json",
  );
  assert.deepEqual(JSON.parse(json.stdout), [{ metric: "hIoU", value: 40 }]);
});

Deno.test("deno task query reports an SQL error and exits 1", async () => {
  await using tmp = await tempDir();
  const db = `${tmp.dir}/runs.duckdb`;
  await (await RunStore.open(db)).close();
  const out = await task("query", "SELEC 1", "--db", db);
  assert.equal(out.code, 1);
  assert.match(out.stderr, /^error: Parser Error: syntax error at or near "SELEC"/);
});

Deno.test("--help of each task prints a worked example and exits 0", async () => {
  for (const file of ["query", "runs", "export", "collect"]) {
    const out = await task(file, "--help");
    assert.equal(out.code, 0);
    assert.match(out.stdout, new RegExp(`^Usage: deno task ${file} `));
    assert.match(out.stdout, new RegExp(`\\nExamples:\\n(?: {2}#.*\\n)? {2}deno task ${file}`));
  }
});

Deno.test("a usage error names the flag, points to --help, exits 2 and opens no database", async () => {
  await using tmp = await tempDir();
  const db = `${tmp.dir}/runs.duckdb`;
  const out = await task("collect", "--db", db, "--db", db, "--from", tmp.dir);
  assert.deepEqual(out, {
    code: 2,
    stdout: "",
    stderr: `error: Flag "--db" of deno task collect is given twice ("${db}", then "${db}"): ` +
      'give it once\nRun "deno task collect --help" for its usage and examples.\n',
  });
  await assert.rejects(() => Deno.stat(db), Deno.errors.NotFound);
});

Deno.test("deno task collect from a missing directory fails naming it and creates no database", async () => {
  await using tmp = await tempDir();
  const db = `${tmp.dir}/runs.duckdb`;
  const out = await task("collect", "--from", `${tmp.dir}/nothing`, "--db", db);
  assert.deepEqual(out, {
    code: 1,
    stdout: "",
    stderr: `error: Record directory "${tmp.dir}/nothing" does not exist: nothing to collect\n`,
  });
  await assert.rejects(() => Deno.stat(db), Deno.errors.NotFound);
});

Deno.test("deno task collect exits 1 when a record is invalid and still ingests the rest", async () => {
  await using tmp = await tempDir();
  const db = `${tmp.dir}/runs.duckdb`;
  await writeRunRecord(`${tmp.dir}/rec`, sampleRecord());
  await Deno.writeTextFile(`${tmp.dir}/rec/bad.run.json`, "{");
  const out = await task("collect", "--from", `${tmp.dir}/rec`, "--db", db);
  assert.equal(out.code, 1);
  assert.match(
    out.stderr,
    new RegExp(
      `^rejected ${tmp.dir}/rec/bad\\.run\\.json: Cannot read run record .+ not valid JSON.+ -> ` +
        `${tmp.dir}/rec/rejected/bad\\.run\\.json\n$`,
    ),
  );
  assert.match(out.stdout, /\n1 record ingested into .+, 1 rejected \(moved aside\)\n$/);
});

/**
 * Which files become run stores, as real processes: a DuckDB file of someone else's is refused
 * and left as it was; a command line that fails early (unknown ablation, bad folder, bad flag)
 * leaves no database file behind, and folder errors name the flag and the path.
 */
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { assert } from "../../lib/_std.ts";
import { ablate, type Output, Running, SPECS, TINY_TEACHER } from "../sweep/_sweep.ts";
import { tempDir } from "./_helpers.ts";

/** The tables of the DuckDB file at `path`, sorted. */
async function tables(path: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(path, { access_mode: "READ_ONLY" });
  try {
    const conn = await instance.connect();
    try {
      const reader = await conn.runAndReadAll(
        "SELECT table_name FROM duckdb_tables() ORDER BY table_name",
      );
      return reader.getRowsJS().map((row) => String(row[0]));
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

async function names(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
}

Deno.test("a DuckDB file that is not a run store is refused naming it and a table, and left as it was", async () => {
  await using tmp = await tempDir();
  const db = join(tmp.dir, "shop.duckdb");
  const instance = await DuckDBInstance.create(db);
  const conn = await instance.connect();
  await conn.run("CREATE TABLE orders (id INTEGER); CREATE TABLE customers (id INTEGER)");
  conn.closeSync();
  instance.closeSync();
  await Deno.mkdir(join(tmp.dir, "records"));
  const expected = `error: Database "${db}" is not a c2s-lab run store: it holds table ` +
    `"customers" and no "schema_version" table; point --db at a run store or a new file`;
  const collected = await new Running("lib/cli/collect.ts", [
    "--from",
    join(tmp.dir, "records"),
    "--db",
    db,
  ]).output();
  assert.deepEqual([collected.code, collected.stderr.trim()], [1, expected]);
  const swept = await ablate([
    "sweep-masks",
    ...["--preset", "smoke", "--specs", SPECS, "--teacher", TINY_TEACHER],
    ...["--db", db, "--work", join(tmp.dir, "work")],
  ]);
  assert.equal(swept.code, 1);
  assert.ok(swept.stderr.includes(expected), swept.stderr);
  assert.deepEqual(await tables(db), ["customers", "orders"]);
});

Deno.test("ablate errors before any work leave no database file and name the flag and path", async () => {
  await using tmp = await tempDir();
  const file = join(tmp.dir, "a-file");
  await Deno.writeTextFile(file, "");
  const db = join(tmp.dir, "runs.duckdb");
  const cases: [string[], number, string][] = [
    [["no-such-table", "--specs", SPECS], 1, 'error: Unknown ablation "no-such-table"'],
    [
      ["sweep-masks", "--specs", join(tmp.dir, "none")],
      1,
      `error: Flag --specs: folder "${tmp.dir}/none" does not exist`,
    ],
    [["sweep-masks", "--specs", file], 1, `error: Flag --specs: "${file}" is not a folder`],
    [
      ["sweep-masks", "--specs", SPECS, "--work", file],
      1,
      `error: Flag --work: "${file}" is not a folder`,
    ],
    [
      ["sweep-masks", "--specs", SPECS, "--work", join(file, "work")],
      1,
      `error: Flag --work: "${file}/work" cannot be a folder: "${file}" is not one`,
    ],
    [["sweep-masks", "--specs", SPECS, "--wokr", "x"], 2, 'error: Unknown flag "--wokr"'],
  ];
  for (const [args, code, message] of cases) {
    for (const plan of [[], ["--plan"]]) {
      const out: Output = await ablate([
        ...args,
        ...plan,
        ...["--preset", "smoke", "--teacher", TINY_TEACHER, "--db", db],
      ]);
      const said = `${args.join(" ")} ${plan.join(" ")}: ${out.stderr}`;
      assert.equal(out.code, code, said);
      assert.ok(out.stderr.startsWith(message), said);
      assert.deepEqual(await names(tmp.dir), ["a-file"], said);
    }
  }
});

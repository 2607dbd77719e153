import { assert } from "../../lib/_std.ts";
import { SCHEMA_DOC, SCHEMA_VERSION, TABLES, VIEWS } from "../../lib/track/schema.ts";
import { RunStore } from "../../lib/track/store.ts";
import { tempDir } from "./_helpers.ts";

Deno.test("the created tables have exactly the declared columns and types", async () => {
  await using tmp = await tempDir();
  const store = await RunStore.open(`${tmp.dir}/runs.duckdb`);
  try {
    for (const table of TABLES) {
      const { rows } = await store.query(
        "SELECT column_name, data_type FROM information_schema.columns " +
          "WHERE table_name = ? ORDER BY ordinal_position",
        [table.name],
      );
      assert.deepEqual(rows, table.columns.map((c) => [c.name, c.type]), table.name);
    }
    for (const view of VIEWS.filter((v) => v.name === "variant_summary")) {
      const { columns } = await store.query(`SELECT * FROM ${view.name} LIMIT 0`);
      assert.deepEqual(columns, view.columns.map((c) => c.name));
    }
  } finally {
    await store.close();
  }
});

Deno.test("SCHEMA_DOC documents every table, column and view", () => {
  assert.match(SCHEMA_DOC, new RegExp(`Schema version: ${SCHEMA_VERSION}\\.`));
  for (const table of TABLES) {
    assert.ok(SCHEMA_DOC.includes(`### \`${table.name}\``), table.name);
    for (const c of table.columns) {
      assert.ok(
        SCHEMA_DOC.includes(`| \`${c.name}\` | ${c.type} | ${c.doc} |`),
        `${table.name}.${c.name}`,
      );
    }
  }
  for (const view of VIEWS) assert.ok(SCHEMA_DOC.includes(`### view \`${view.name}\``), view.name);
});

Deno.test("the runs table refuses a status outside the lifecycle", async () => {
  await using tmp = await tempDir();
  const store = await RunStore.open(`${tmp.dir}/runs.duckdb`);
  try {
    await assert.rejects(
      () =>
        store.query(
          "INSERT INTO runs (id, hash, ablation, variant, seed, preset, status) " +
            "VALUES ('x', 'x', 'a', 'v', 1, 'smoke', 'done')",
        ),
      /CHECK constraint/,
    );
  } finally {
    await store.close();
  }
});

/** Markdown with table padding and line wrapping (as `deno fmt` leaves it) taken out. */
function normalise(markdown: string): string {
  return markdown.replace(/-{3,}/g, "---").replace(/[ \t]*\|[ \t]*/g, " | ").replace(/\s+/g, " ")
    .trim();
}

Deno.test("lib/track/README.md carries the current SCHEMA_DOC", async () => {
  const readme = await Deno.readTextFile(new URL("../../lib/track/README.md", import.meta.url));
  assert.ok(
    normalise(readme).includes(normalise(SCHEMA_DOC)),
    "lib/track/README.md is out of date: replace its schema section with the output of " +
      `deno eval "import { SCHEMA_DOC } from './lib/track/schema.ts'; console.log(SCHEMA_DOC)"`,
  );
});

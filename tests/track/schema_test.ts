import { assert } from "../../lib/_std.ts";
import {
  columnNames,
  RUN_PART_TABLES,
  SCHEMA_DOC,
  SCHEMA_VERSION,
  type TableName,
  TABLES,
  VIEWS,
} from "../../lib/track/schema.ts";
import { withStore } from "./_helpers.ts";

Deno.test("the created tables have exactly the declared columns and types", () =>
  withStore(async (store) => {
    for (const [name, table] of Object.entries(TABLES)) {
      const { rows } = await store.query(
        "SELECT column_name, data_type FROM information_schema.columns " +
          "WHERE table_name = ? ORDER BY ordinal_position",
        [name],
      );
      const declared = Object.entries(table.columns).map(([column, c]) => [column, c.type]);
      assert.deepEqual(rows, declared, name);
      assert.deepEqual(columnNames(name as TableName), declared.map(([column]) => column));
    }
    const { columns } = await store.query("SELECT * FROM variant_summary LIMIT 0");
    assert.deepEqual(columns, Object.keys(VIEWS.variant_summary.columns));
    const claims = await store.query("SELECT * FROM claims_at(0.5) LIMIT 0");
    assert.deepEqual(claims.columns, Object.keys(VIEWS.claims_at.columns));
    const shared = await store.query("SELECT * FROM ablation_runs LIMIT 0");
    assert.deepEqual(
      shared.columns.join(", "),
      Object.keys(VIEWS.ablation_runs.columns).join(", "),
    );
  }));

Deno.test("SCHEMA_DOC documents every table, column and view", () => {
  assert.match(SCHEMA_DOC, new RegExp(`Schema version: ${SCHEMA_VERSION}\\.`));
  for (const [name, table] of Object.entries(TABLES)) {
    assert.ok(SCHEMA_DOC.includes(`### \`${name}\``), name);
    for (const [column, c] of Object.entries(table.columns)) {
      assert.ok(
        SCHEMA_DOC.includes(`| \`${column}\` | ${c.type} | ${c.doc} |`),
        `${name}.${column}`,
      );
    }
  }
  for (const [name, view] of Object.entries(VIEWS)) {
    const heading = "params" in view
      ? `### table macro \`${name}(${Object.keys(view.params).join(", ")})\``
      : `### view \`${name}\``;
    assert.ok(SCHEMA_DOC.includes(heading), name);
  }
});

Deno.test("the tables that hold part of a run start with run_id", () => {
  assert.deepEqual(RUN_PART_TABLES, ["params", "metrics", "results", "class_iou", "artifacts"]);
  for (const name of RUN_PART_TABLES) assert.equal(columnNames(name)[0], "run_id", name);
});

Deno.test("the runs table refuses a status outside the lifecycle", () =>
  withStore(async (store) => {
    await assert.rejects(
      () =>
        store.query(
          "INSERT INTO runs (id, hash, ablation, variant, seed, preset, status) " +
            "VALUES ('x', 'x', 'a', 'v', 1, 'smoke', 'done')",
        ),
      /CHECK constraint/,
    );
  }));

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

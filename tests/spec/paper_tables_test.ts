import { assert } from "../../lib/_std.ts";
import {
  PAPER_NOTES,
  PAPER_SOURCE,
  PAPER_TABLES,
  paperValue,
  TABLE_IDS,
} from "../../lib/spec/paper_tables.ts";

// The paper's tables live beside the repository (`../shared/paper/tables.json`), both here and on CI.
const SHARED = new URL("../../../shared/paper/tables.json", import.meta.url);
const shared = await Deno.stat(SHARED).then(() => true, () => false);

Deno.test("paper tables come in order IV-XIII, then III", () => {
  assert.deepEqual(TABLE_IDS, [
    "IV",
    "V",
    "VI",
    "VII",
    "VIII",
    "IX",
    "X",
    "XI",
    "XII",
    "XIII",
    "III",
  ]);
});

Deno.test("every paper row has a number for each of its table's columns", () => {
  for (const id of TABLE_IDS) {
    const table = PAPER_TABLES[id];
    assert.ok(table.rows.length > 0, id);
    for (const row of table.rows as readonly Record<string, unknown>[]) {
      for (const column of table.columns) {
        assert.equal(typeof row[column], "number", `${id} ${row.variant} ${column}`);
      }
    }
  }
});

Deno.test("paperValue() reads a value, null for a missing row or column", () => {
  assert.equal(paperValue("IX", "6", "hIoU"), 42.3);
  assert.equal(paperValue("IV", "baseline", "uIoU"), 6.4);
  assert.equal(paperValue("XIII", "mIoU", "all"), 49.5);
  assert.equal(paperValue("III", "Ours+Segformer", "FPS"), 23.0);
  assert.equal(paperValue("IX", "24", "hIoU"), null);
  assert.equal(paperValue("IX", "6", "bankSize"), null);
});

Deno.test({
  name: shared
    ? "paper tables equal paper/tables.json, notes included"
    : `paper tables equal paper/tables.json: IGNORED, ${SHARED.pathname} is missing`,
  ignore: !shared,
  async fn() {
    const json = JSON.parse(await Deno.readTextFile(SHARED));
    assert.equal(PAPER_SOURCE, json.source);
    assert.deepEqual(PAPER_NOTES, json.notes);
    assert.deepEqual(JSON.parse(JSON.stringify(PAPER_TABLES)), json.tables);
    assert.deepEqual(Object.keys(json.tables).sort(), [...TABLE_IDS].sort());
  },
});

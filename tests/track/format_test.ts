import { assert } from "../../lib/_std.ts";
import { formatCsv, formatJson, formatResult, formatTable } from "../../lib/track/format.ts";
import type { QueryResult } from "../../lib/track/store.ts";

const RESULT: QueryResult = {
  columns: ["variant", "n", "mean", "note"],
  rows: [
    ["6", 3, 41.123456, 'says "hi", twice'],
    ["14", 10, null, "line1\nline2"],
  ],
};

Deno.test("formatTable() aligns columns, right-aligns numbers and rounds to 4 decimals", () => {
  assert.equal(
    formatTable(RESULT),
    [
      "variant   n     mean  note",
      "-------  --  -------  ----------------",
      '6         3  41.1235  says "hi", twice',
      "14       10     NULL  line1\\nline2",
      "(2 rows)",
    ].join("\n"),
  );
});

Deno.test("formatTable() cuts long cells and prints objects as JSON", () => {
  const text = formatTable(
    { columns: ["config"], rows: [[{ a: "x".repeat(20) }], [[1, 2]]] },
    { maxWidth: 10, footer: false },
  );
  assert.equal(text, ["config", "----------", '{"a":"xxx…', "[1,2]"].join("\n"));
});

Deno.test("formatTable() of no rows prints the header and (0 rows)", () => {
  assert.equal(formatTable({ columns: ["id"], rows: [] }), "id\n--\n(0 rows)");
});

Deno.test("formatCsv() quotes commas, quotes and line breaks and keeps full precision", () => {
  assert.equal(
    formatCsv(RESULT),
    'variant,n,mean,note\n6,3,41.123456,"says ""hi"", twice"\n14,10,,"line1\nline2"\n',
  );
});

Deno.test("formatJson() writes one object per row and spells out NaN", () => {
  const text = formatJson({ columns: ["a", "b"], rows: [[NaN, { x: [1] }], [1.5, null]] });
  assert.deepEqual(JSON.parse(text), [{ a: "NaN", b: { x: [1] } }, { a: 1.5, b: null }]);
});

Deno.test("formatResult() dispatches on the format name", () => {
  const result: QueryResult = { columns: ["x"], rows: [[1]] };
  assert.equal(formatResult(result, "csv"), "x\n1\n");
  assert.equal(formatResult(result, "json"), '[\n  {\n    "x": 1\n  }\n]\n');
  assert.equal(formatResult(result, "table"), "x\n-\n1\n(1 row)");
});

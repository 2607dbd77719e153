/**
 * `ablate all --preset smoke` over the shipped ablations (with the tiny teacher): every training
 * table's every row ends with a finished run, measurement and efficiency tables included.
 * The slowest sweep test (a few dozen smoke runs).
 */
import { assert } from "../../lib/_std.ts";
import { loadAllAblations } from "../../lib/spec/registry.ts";
import { ablate, query, smokeArgs, tempArea } from "./_sweep.ts";

Deno.test("ablate all --preset smoke finishes every row of every shipped ablation", async () => {
  await using area = await tempArea();
  const out = await ablate(["all", ...smokeArgs(area, null)]);
  assert.equal(out.code, 0, out.stdout + out.stderr);
  const ablations = await loadAllAblations();
  const [, count] = out.stdout.match(/^Running (\d+) runs \(0 of \d+ already finished\)/m) ?? [];
  assert.ok(count !== undefined, out.stdout);
  assert.match(out.stdout, new RegExp(`^Done: ${count} runs finished$`, "m"));
  const rows = await query(
    area.db,
    "SELECT rv.ablation, rv.variant FROM run_variants rv JOIN runs r ON r.id = rv.run_id " +
      "WHERE r.status = 'finished'",
  );
  const done = new Set(rows.map((r) => `${r.ablation}/${r.variant}`));
  const expected = ablations.flatMap((a) => a.variants.map((v) => `${a.name}/${v.label}`));
  assert.deepEqual([...done].sort(), expected.sort());
  const [distinct] = await query(
    area.db,
    "SELECT count(*) AS n FROM runs WHERE status = 'finished'",
  );
  assert.equal(distinct!.n, Number(count));
  assert.ok(Number(count) < expected.length, "configs shared by several tables train once");
  for (const a of ablations) {
    assert.match(out.stdout, new RegExp(`^Table ${a.table}: .*\\(${a.name}\\)$`, "m"));
  }
});

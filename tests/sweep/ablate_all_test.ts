/**
 * `ablate all --preset smoke` over the shipped ablations (with the tiny teacher): every training
 * table's every row ends with a finished run, and the kinds the core cannot run yet are named.
 * The slowest sweep test (a few dozen smoke runs).
 */
import { assert } from "../../lib/_std.ts";
import { loadAllAblations } from "../../lib/spec/registry.ts";
import * as msg from "../../lib/sweep/messages.ts";
import { ablate, query, tempArea, TINY_TEACHER } from "./_sweep.ts";

Deno.test("ablate all --preset smoke trains every row of every shipped training ablation", async () => {
  await using area = await tempArea();
  const args = [
    "--preset",
    "smoke",
    "--teacher",
    TINY_TEACHER,
    "--db",
    area.db,
    "--work",
    area.work,
  ];
  const out = await ablate(["all", ...args]);
  assert.equal(out.code, 0, out.stdout + out.stderr);
  const ablations = await loadAllAblations();
  for (const a of ablations.filter((a) => a.kind !== "training")) {
    assert.ok(
      out.stdout.includes(msg.kindSkipped(a.name, a.table, a.kind, a.variants.length)),
      a.name,
    );
  }
  const [, count] = out.stdout.match(/^Running (\d+) runs \(0 of \d+ already finished\)/m) ?? [];
  assert.ok(count !== undefined, out.stdout);
  assert.match(out.stdout, new RegExp(`^Done: ${count} runs finished$`, "m"));
  const rows = await query(
    area.db,
    "SELECT rv.ablation, rv.variant FROM run_variants rv JOIN runs r ON r.id = rv.run_id " +
      "WHERE r.status = 'finished'",
  );
  const done = new Set(rows.map((r) => `${r.ablation}/${r.variant}`));
  const expected = ablations.filter((a) => a.kind === "training")
    .flatMap((a) => a.variants.map((v) => `${a.name}/${v.label}`));
  assert.deepEqual([...done].sort(), expected.sort());
  const [distinct] = await query(
    area.db,
    "SELECT count(*) AS n FROM runs WHERE status = 'finished'",
  );
  assert.equal(distinct!.n, Number(count));
  assert.ok(Number(count) < expected.length, "configs shared by several tables train once");
  for (const a of ablations.filter((a) => a.kind === "training")) {
    assert.match(out.stdout, new RegExp(`^Table ${a.table}: .*\\(${a.name}\\)$`, "m"));
  }
});

import { assert } from "../../lib/_std.ts";
import { sampleRecord, withStore } from "./_helpers.ts";

/** A finished record of `variant` with eval hIoU `value` and seed `seed`. */
function run(
  variant: string,
  seed: number,
  value: number,
  status: "finished" | "failed" = "finished",
) {
  return sampleRecord({
    hash: `${variant}-s${seed}`,
    variant,
    seed,
    status,
    results: [
      { split: "eval", metric: "hIoU", value },
      { split: "train", metric: "hIoU", value: 1000 },
    ],
  });
}

function close(actual: unknown, expected: number, tolerance = 1e-9): void {
  assert.equal(typeof actual, "number");
  assert.ok(
    Math.abs((actual as number) - expected) <= tolerance,
    `expected ${expected}, got ${actual}`,
  );
}

Deno.test("variant_summary gives mean, sample std and a Student t 95% CI over seeds", () =>
  withStore(async (store) => {
    // Seeds 40, 42, 44: mean 42, sample variance ((-2)^2 + 0 + 2^2) / (3 - 1) = 4, std 2.
    for (const [seed, value] of [[1, 40], [2, 42], [3, 44]] as const) {
      await store.ingestRecord(run("6", seed, value));
    }
    // A failed run and train-split results must not count.
    await store.ingestRecord(run("6", 4, 0, "failed"));
    await store.setPaperValues([
      { tableId: "IX", ablation: "token-bank", variant: "6", metric: "hIoU", value: 41 },
    ]);
    const [row] = await store.queryObjects(
      "SELECT * FROM variant_summary WHERE variant = '6' AND metric = 'hIoU'",
    );
    assert.ok(row);
    // t(0.975, df = 2) has the closed form (2p - 1) * sqrt(2 / (4 p (1 - p))) at p = 0.975.
    const t = 0.95 * Math.sqrt(2 / (4 * 0.975 * 0.025));
    const half = t * 2 / Math.sqrt(3);
    assert.equal(row.ablation, "token-bank");
    assert.equal(row.n, 3);
    close(row.mean, 42);
    close(row.std, 2);
    close(row.ci95_low, 42 - half);
    close(row.ci95_high, 42 + half);
    close(row.ci95_low, 37.0317, 1e-4);
    assert.equal(row.paper, 41);
    close(row.delta, 1);
  }));

Deno.test("variant_summary leaves std and CI empty for one seed and paper empty when absent", () =>
  withStore(async (store) => {
    await store.ingestRecord(run("14", 1, 37.5));
    const rows = await store.queryObjects("SELECT * FROM variant_summary");
    assert.deepEqual(rows, [{
      ablation: "token-bank",
      variant: "14",
      preset: "smoke",
      metric: "hIoU",
      n: 1,
      mean: 37.5,
      std: null,
      ci95_low: null,
      ci95_high: null,
      paper: null,
      delta: null,
    }]);
  }));

Deno.test("variant_summary uses t(0.975, 1) = 12.706 for two seeds", () =>
  withStore(async (store) => {
    await store.ingestRecord(run("2", 1, 10));
    await store.ingestRecord(run("2", 2, 12));
    const [row] = await store.queryObjects("SELECT mean, std, ci95_high FROM variant_summary");
    // std = sqrt(2), t(0.975, 1) = tan(0.475 pi); half width = t * sqrt(2) / sqrt(2) = t.
    const t = Math.tan(0.475 * Math.PI);
    close(row?.mean, 11);
    close(row?.std, Math.SQRT2);
    close(row?.ci95_high, 11 + t);
    close(t, 12.7062, 1e-4);
  }));

Deno.test("variant_summary counts a run in every ablation row it serves", () =>
  withStore(async (store) => {
    await store.ingestRecord(run("6", 1, 40));
    await store.ingestRecord(run("6", 2, 50));
    // The same two runs are the "infonce" row of the loss table.
    await store.addVariantMembership("loss", "infonce", "6-s1", 1);
    await store.addVariantMembership("loss", "infonce", "6-s2", 2);
    const { rows } = await store.query(
      "SELECT ablation, variant, n, mean FROM variant_summary ORDER BY ablation",
    );
    assert.deepEqual(rows, [["loss", "infonce", 2, 45], ["token-bank", "6", 2, 45]]);
  }));

Deno.test("variant_summary counts one run per seed: the latest finished one of the ablation's latest preset", () =>
  withStore(async (store) => {
    const at = (minute: number) => `2026-01-01T00:${String(minute).padStart(2, "0")}:00.000Z`;
    const cell = (hash: string, seed: number, value: number, preset: string, minute: number) =>
      sampleRecord({
        hash,
        variant: "6",
        seed,
        preset,
        startedAt: at(minute),
        endedAt: at(minute + 1),
        results: [{ split: "eval", metric: "hIoU", value }],
      });
    // Seed 1 ran with old code (10), then again after an edit under a new hash (30); seed 2 once.
    await store.ingestRecord(cell("old-s1", 1, 10, "quick", 0));
    await store.ingestRecord(cell("new-s1", 1, 30, "quick", 10));
    await store.ingestRecord(cell("new-s2", 2, 34, "quick", 12));
    let [row] = await store.queryObjects("SELECT * FROM variant_summary");
    assert.equal(row?.preset, "quick");
    assert.equal(row?.n, 2);
    close(row?.mean, 32);
    // A later smoke run of the same table replaces the quick ones instead of pooling with them.
    await store.ingestRecord(cell("smoke-s1", 1, 5, "smoke", 20));
    [row] = await store.queryObjects("SELECT * FROM variant_summary");
    assert.equal(row?.preset, "smoke");
    assert.equal(row?.n, 1);
    close(row?.mean, 5);
    const current = await store.queryObjects("SELECT run_id FROM current_runs ORDER BY run_id");
    assert.deepEqual(current.map((r) => r.run_id), ["smoke-s1"]);
  }));

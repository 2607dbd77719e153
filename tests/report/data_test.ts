import { assert, assertRejects } from "../../lib/_std.ts";
import { listReportAblations, loadReportData, tableOrder } from "../../lib/report/data.ts";
import { Msg } from "../../lib/report/messages.ts";
import { RunStore } from "../../lib/track/store.ts";
import { makeFixtureDb } from "./_fixture.ts";

const fx = await makeFixtureDb();
globalThis.addEventListener("unload", () => Deno.removeSync(fx.dir, { recursive: true }));

async function withStore<T>(fn: (store: RunStore) => Promise<T>): Promise<T> {
  const store = await RunStore.open(fx.db, { readOnly: true });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Means computed here from the raw `results` rows, independently of the view. */
async function rawMeans(store: RunStore, ablation: string, metric: string) {
  const rows = await store.queryObjects(
    `select rv.variant, r.value from run_variants rv join runs on runs.id = rv.run_id
     join results r on r.run_id = rv.run_id
     where rv.ablation = ? and r.metric = ? and runs.status = 'finished'`,
    [ablation, metric],
  );
  const by = new Map<string, number[]>();
  for (const r of rows) {
    const list = by.get(String(r.variant)) ?? [];
    list.push(Number(r.value));
    by.set(String(r.variant), list);
  }
  return new Map([...by].map(([v, xs]) => [v, xs.reduce((a, b) => a + b, 0) / xs.length]));
}

Deno.test("loadReportData() gives each variant's mean over its finished seeds", async () => {
  await withStore(async (store) => {
    const data = await loadReportData(store, "token-bank");
    const expected = await rawMeans(store, "token-bank", "hIoU");
    assert.deepEqual(data.variants, ["0", "2", "6", "14"]);
    for (const variant of data.variants) {
      const row = data.summary.find((r) => r.variant === variant && r.metric === "hIoU")!;
      assert.equal(row.n, 3);
      assert.ok(Math.abs(row.mean! - expected.get(variant)!) < 1e-9, variant);
      assert.ok(row.ci95Low! < row.mean! && row.mean! < row.ci95High!);
      assert.ok(Math.abs(row.delta! - (row.mean! - row.paper!)) < 1e-9);
    }
    assert.equal(data.tableId, "IX");
    assert.deepEqual(data.metrics, ["hIoU", "sIoU", "uIoU"]);
  });
});

Deno.test("loadReportData() lists a failed run but leaves it out of means, curves and settings", async () => {
  await withStore(async (store) => {
    const data = await loadReportData(store, "token-bank");
    const failed = data.runs.filter((r) => r.status === "failed");
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.failedStep, 340);
    assert.equal(data.runs.length, 13);
    assert.ok(!data.curves.some((c) => c.runId === failed[0]!.runId));
    assert.ok(!data.params.some((p) => p.runId === failed[0]!.runId));
    assert.equal(data.summary.find((r) => r.variant === "14" && r.metric === "hIoU")!.n, 3);
  });
});

Deno.test("loadReportData() reads a run shared by two tables in both", async () => {
  await withStore(async (store) => {
    const tb = await loadReportData(store, "token-bank");
    const mod = await loadReportData(store, "module");
    const six = tb.summary.find((r) => r.variant === "6" && r.metric === "hIoU")!;
    const full = mod.summary.find((r) => r.variant === "full" && r.metric === "hIoU")!;
    assert.equal(full.n, 3);
    assert.equal(full.mean, six.mean);
    assert.equal(full.paper, 42.3);
    assert.deepEqual(mod.variants, ["baseline", "+latent", "+distillation", "full"]);
  });
});

Deno.test("loadReportData() gives a table without runs its paper values with n = 0", async () => {
  await withStore(async (store) => {
    const data = await loadReportData(store, "window-size");
    assert.deepEqual(data.variants, ["3", "7", "3,7"]);
    assert.equal(data.runs.length, 0);
    const hiou = data.summary.filter((r) => r.metric === "hIoU");
    assert.deepEqual(hiou.map((r) => [r.variant, r.n, r.mean, r.paper]), [
      ["3", 0, null, 41.2],
      ["7", 0, null, 41.8],
      ["3,7", 0, null, 42.3],
    ]);
  });
});

Deno.test("loadReportData() takes the spec's order and paper values when given", async () => {
  await withStore(async (store) => {
    const data = await loadReportData(store, "aggregation", {
      variants: ["mean", "max", "attention"],
      metrics: ["hIoU"],
      paper: { tableId: "XI", values: [{ variant: "max", metric: "hIoU", value: 42.0 }] },
    });
    assert.equal(data.tableId, "XI");
    assert.deepEqual(data.variants, ["mean", "max", "attention"]);
    assert.deepEqual(data.summary.map((r) => [r.variant, r.paper, r.n]), [["max", 42.0, 0]]);
  });
});

Deno.test("loadReportData() names the known ablations for an unknown one", async () => {
  await withStore(async (store) => {
    await assertRejects(
      () => loadReportData(store, "tokn-bank", { known: ["zeta"] }),
      RangeError,
      Msg.unknownAblation("tokn-bank", ["module", "token-bank", "window-size", "zeta"]),
    );
    await assertRejects(() => loadReportData(store, " "), TypeError, Msg.emptyAblationName());
  });
});

Deno.test("listReportAblations() lists the database's ablations in the paper's table order", async () => {
  await withStore(async (store) => {
    const listed = await listReportAblations(store);
    assert.deepEqual(listed.map((a) => [a.ablation, a.tableId, a.finishedRuns]), [
      ["module", "IV", fx.finished.module],
      ["token-bank", "IX", fx.finished["token-bank"]],
      ["window-size", "X", 0],
    ]);
  });
});

Deno.test("tableOrder() reads Roman numerals and puts other ids last", () => {
  assert.deepEqual(["IV", "IX", "XIII", "III", "XII"].map(tableOrder), [4, 9, 13, 3, 12]);
  assert.equal(tableOrder("T1"), Infinity);
  assert.equal(tableOrder(null), Infinity);
});

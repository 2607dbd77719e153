import { assert } from "../../lib/_std.ts";
import { listRuns } from "../../lib/track/list_runs.ts";
import { sampleRecord, withStore } from "./_helpers.ts";

Deno.test("listRuns() lists newest first and filters by ablation membership, status and limit", () =>
  withStore(async (store) => {
    await store.ingestRecord(sampleRecord({
      hash: "old",
      startedAt: "2025-01-01T00:00:00Z",
      endedAt: "2025-01-01T00:02:30.5Z",
    }));
    await store.ingestRecord(
      sampleRecord({
        hash: "new",
        startedAt: "2025-02-01T00:00:00Z",
        status: "failed",
        error: "RangeError: boom\n    at x",
        failedStep: 3,
      }),
    );
    await store.ingestRecord(
      sampleRecord({
        hash: "other",
        ablation: "loss",
        variant: "l2",
        startedAt: "2025-01-15T00:00:00Z",
      }),
    );
    await store.addVariantMembership("loss", "infonce", "old", 1);

    const all = await listRuns(store);
    assert.deepEqual(all.columns, [
      "id",
      "ablation",
      "variant",
      "seed",
      "preset",
      "status",
      "started",
      "seconds",
      "hIoU",
      "sIoU",
      "uIoU",
      "error",
    ]);
    assert.deepEqual(all.rows.map((r) => [r[0], r[1], r[2], r[5], r[6], r[11]]), [
      ["new", "token-bank", "6", "failed", "2025-02-01 00:00:00", "RangeError: boom"],
      ["other", "loss", "l2", "finished", "2025-01-15 00:00:00", null],
      ["old", "token-bank", "6", "finished", "2025-01-01 00:00:00", null],
    ]);
    assert.deepEqual(all.rows[2]!.slice(7, 11), [150.5, 40, 60, 30]);

    const loss = await listRuns(store, { ablation: "loss" });
    assert.deepEqual(loss.rows.map((r) => [r[0], r[1], r[2]]), [
      ["other", "loss", "l2"],
      ["old", "loss", "infonce"],
    ]);
    const failed = await listRuns(store, { status: "failed" });
    assert.deepEqual(failed.rows.map((r) => r[0]), ["new"]);
    const one = await listRuns(store, { limit: 1 });
    assert.deepEqual(one.rows.map((r) => r[0]), ["new"]);
  }));

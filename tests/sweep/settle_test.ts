/**
 * What a sweep stores when a run's child ends (its record, or the run ended with the reason),
 * and the records an earlier sweep left behind.
 */
import { assert } from "../../lib/_std.ts";
import * as msg from "../../lib/sweep/messages.ts";
import type { PoolOutcome } from "../../lib/sweep/pool.ts";
import {
  type RunRef,
  settleOutcome,
  storeLeftoverRecords,
  type SweepScope,
} from "../../lib/sweep/settle.ts";
import { writeRunRecord } from "../../lib/track/record.ts";
import { RunStore } from "../../lib/track/store.ts";
import { plannedRun, sampleRecord, tempDir } from "../track/_helpers.ts";

const RUN: RunRef = { hash: "h0001", ablation: "token-bank", variant: "6", seed: 1 };

/** How a child that wrote no record ended; `change` replaces fields. */
function outcome(change: Partial<PoolOutcome> = {}): PoolOutcome {
  return {
    pid: 77,
    exit: { code: 1, signal: null },
    record: null,
    error: null,
    startError: null,
    stderr: "boom",
    stopped: false,
    ...change,
  };
}

/** A started run `RUN` in a fresh store, and a scope whose log lines land in `lines`. */
async function withScope(
  fn: (scope: SweepScope, lines: string[]) => Promise<void>,
): Promise<void> {
  await using tmp = await tempDir();
  const store = await RunStore.open(`${tmp.dir}/runs.duckdb`);
  const lines: string[] = [];
  try {
    await store.startRun(plannedRun(), { pid: 77 });
    const runs = new Map([[RUN.hash, RUN]]);
    await fn({ store, records: `${tmp.dir}/records`, runs, log: (l) => lines.push(l) }, lines);
  } finally {
    await store.close();
  }
}

async function runRow(scope: SweepScope) {
  const [row] = await scope.store.queryObjects("SELECT status, error FROM runs WHERE id = ?", [
    RUN.hash,
  ]);
  return row;
}

Deno.test("settleOutcome() stores the record a child wrote and moves it to ingested/", async () => {
  await withScope(async (scope) => {
    const path = await writeRunRecord(scope.records, sampleRecord());
    const settled = await settleOutcome(scope, RUN, outcome({ exit: { code: 0, signal: null } }));
    assert.deepEqual([settled.status, settled.error], ["finished", null]);
    assert.equal(settled.results.length, 3);
    assert.deepEqual(await runRow(scope), { status: "finished", error: null });
    await assert.rejects(() => Deno.stat(path), Deno.errors.NotFound);
    assert.ok((await Deno.stat(`${scope.records}/ingested/h0001.run.json`)).isFile);
  });
});

Deno.test("settleOutcome() fails a run whose child exited without a record, with its output", async () => {
  await withScope(async (scope) => {
    const settled = await settleOutcome(scope, RUN, outcome());
    const reason = msg.childDiedWithoutRecord(77, "exited with code 1", "boom");
    assert.deepEqual(settled, { status: "failed", error: reason, results: [] });
    assert.deepEqual(await runRow(scope), { status: "failed", error: reason });
  });
});

Deno.test("settleOutcome() marks a run interrupted when a signal killed its child or the sweep stopped it", async () => {
  await withScope(async (scope) => {
    const killed = await settleOutcome(
      scope,
      RUN,
      outcome({ exit: { code: 137, signal: "SIGKILL" }, stderr: "" }),
    );
    assert.deepEqual(
      [killed.status, killed.error],
      ["interrupted", msg.childDiedWithoutRecord(77, "was killed by SIGKILL", "")],
    );
    const stopped = await settleOutcome(scope, RUN, outcome({ stopped: true }));
    assert.deepEqual([stopped.status, stopped.error], ["interrupted", msg.STOPPED_BY_USER]);
    assert.deepEqual(await runRow(scope), { status: "interrupted", error: msg.STOPPED_BY_USER });
  });
});

Deno.test("settleOutcome() reports a run it cannot store and does not throw", async () => {
  await withScope(async (scope) => {
    const ghost = { ...RUN, hash: "ghost" };
    const settled = await settleOutcome(scope, ghost, outcome({ startError: new Error("no") }));
    assert.equal(settled.status, "failed");
    assert.equal(
      settled.error,
      msg.outcomeNotStored(
        msg.runLabel(ghost),
        'Unknown run "ghost": no row in "runs" has this id',
      ),
    );
  });
});

Deno.test("storeLeftoverRecords() stores the records an earlier sweep left and names the unusable ones", async () => {
  await withScope(async (scope, lines) => {
    await writeRunRecord(scope.records, sampleRecord({ status: "interrupted", error: "x" }));
    await Deno.writeTextFile(`${scope.records}/other.run.json`, "{");
    await storeLeftoverRecords(scope, [RUN.hash, "other", "absent"]);
    assert.equal(lines.length, 2);
    assert.equal(lines[0], msg.leftoverIngested(msg.runLabel(RUN), "interrupted"));
    assert.match(lines[1]!, /^The run record ".*other\.run\.json" could not be stored: /);
    assert.deepEqual(await runRow(scope), { status: "interrupted", error: "x" });
  });
});

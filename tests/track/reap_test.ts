import { assert } from "../../lib/_std.ts";
import { plannedRun, sampleRecord, withStore } from "./_helpers.ts";

/** The pid of a process that has exited (and been waited for). */
async function deadPid(): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "0"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  await child.status;
  return child.pid;
}

Deno.test("reapDeadRuns() marks running rows of dead local processes interrupted, only those", () =>
  withStore(async (store) => {
    const dead = await deadPid();
    await store.startRun(plannedRun({ hash: "dead" }), { pid: dead, host: "here" });
    await store.startRun(plannedRun({ hash: "alive" }), { pid: Deno.pid, host: "here" });
    await store.startRun(plannedRun({ hash: "elsewhere" }), { pid: dead, host: "other-host" });
    await store.startRun(plannedRun({ hash: "done" }), { pid: dead, host: "here" });
    await store.ingestRecord(sampleRecord({ hash: "done" }));

    const reaped = await store.reapDeadRuns({ host: "here" });
    assert.deepEqual(reaped, [{
      id: "dead",
      ablation: "token-bank",
      variant: "6",
      seed: 1,
      pid: dead,
      host: "here",
    }]);
    const { rows } = await store.query(
      "SELECT id, status, error, ended_at IS NOT NULL FROM runs ORDER BY id",
    );
    assert.deepEqual(rows, [
      ["alive", "running", null, false],
      [
        "dead",
        "interrupted",
        `Process ${dead} on "here" ended while the run was marked running`,
        true,
      ],
      ["done", "finished", null, true],
      ["elsewhere", "running", null, false],
    ]);
    assert.deepEqual(await store.reapDeadRuns({ host: "here" }), []);
  }));

Deno.test("reapDeadRuns() judges this machine's host name by default", () =>
  withStore(async (store) => {
    const dead = await deadPid();
    await store.startRun(plannedRun({ hash: "dead" }), { pid: dead });
    const reaped = await store.reapDeadRuns();
    assert.deepEqual(reaped.map((r) => [r.id, r.host]), [["dead", Deno.hostname()]]);
    assert.deepEqual(await store.runningRuns(), []);
  }));

import { DuckDBInstance } from "@duckdb/node-api";
import { assert } from "../../lib/_std.ts";
import * as msg from "../../lib/track/messages.ts";
import { DatabaseBusyError, RunStore } from "../../lib/track/store.ts";
import { parseCollectArgs } from "../../lib/cli/collect.ts";
import { parseExportArgs } from "../../lib/cli/export.ts";
import { parseQueryArgs } from "../../lib/cli/query.ts";
import { parseRunsArgs } from "../../lib/cli/runs.ts";
import { parseReportArgs } from "../../lib/report/args.ts";
import { parseSweepArgs } from "../../lib/sweep/args.ts";
import { rejectsWith, tempDir } from "./_helpers.ts";

const ROOT = new URL("../../", import.meta.url);
const HOLDER = new URL("./_hold_db.ts", import.meta.url).pathname;

/** A second process holding `path` open until released. */
async function holdDatabase(path: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", HOLDER, path],
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("ready\n")) {
    const { value, done } = await lines.read();
    if (done) throw new Error(`holder exited before it was ready: ${seen}`);
    seen += value;
  }
  const writer = child.stdin.getWriter();
  return {
    pid: child.pid,
    process: child,
    async release() {
      await writer.write(new TextEncoder().encode("\n"));
      await writer.close();
      while (!seen.includes("closed\n")) {
        const { value, done } = await lines.read();
        if (done) break;
        seen += value;
      }
      lines.releaseLock();
      await child.stdout.cancel().catch(() => {});
      const status = await child.status;
      assert.equal(status.code, 0, `holder exited with ${status.code}`);
    },
  };
}

/** The file opens for writing and still holds the holder's run. */
async function assertHeldRunKept(path: string): Promise<void> {
  const store = await RunStore.open(path);
  const { rows } = await store.query("SELECT id, status FROM runs").finally(() => store.close());
  assert.deepEqual(rows, [["held", "running"]]);
}

const HINT = "pass --wait SECONDS to keep retrying, or stop that process";

Deno.test("opening a database another process holds names that process, and corrupts nothing", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/runs.duckdb`;
  const holder = await holdDatabase(path);
  try {
    const error = await rejectsWith(
      () => RunStore.open(path),
      DatabaseBusyError,
      `Database "${path}" is being written by another process (pid ${holder.pid}), a sweep or ` +
        `collect: one process at a time may write it: ${HINT}`,
    );
    assert.equal((error as DatabaseBusyError).pid, holder.pid);
    assert.equal((error as DatabaseBusyError).holder, "owner");
    await rejectsWith(
      () => RunStore.open(path, { readOnly: true }),
      DatabaseBusyError,
      `Database "${path}" is in use by another process (pid ${holder.pid}): ${HINT}`,
    );
  } finally {
    await holder.release();
  }
  await assertHeldRunKept(path);
});

Deno.test("a bounded wait on a held database fails saying how long it waited", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/runs.duckdb`;
  const holder = await holdDatabase(path);
  try {
    await rejectsWith(
      () => RunStore.open(path, { readOnly: true, waitMs: 300, pollMs: 50 }),
      DatabaseBusyError,
      `Database "${path}" is in use by another process (pid ${holder.pid}); waited 0.3 s: ${HINT}`,
    );
  } finally {
    await holder.release();
  }
});

Deno.test("waiting for a held database opens it once the other process lets go", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/runs.duckdb`;
  const holder = await holdDatabase(path);
  const busy: (number | null)[] = [];
  let refused!: () => void;
  const firstRefusal = new Promise<void>((resolve) => refused = resolve);
  const opening = RunStore.open(path, {
    waitMs: 120_000,
    pollMs: 50,
    onBusy: (pid) => {
      busy.push(pid);
      refused();
    },
  });
  await firstRefusal;
  await holder.release();
  const store = await opening;
  const { rows } = await store.query("SELECT id FROM runs").finally(() => store.close());
  assert.equal(busy[0], holder.pid);
  assert.deepEqual(rows, [["held"]]);
});

Deno.test("deno task query on a held database says whom it waits for, then exits 1 with the busy message", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/runs.duckdb`;
  const holder = await holdDatabase(path);
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "lib/cli/query.ts", "SELECT 1", "--db", path, "--wait", "1.5"],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 1);
    assert.equal(
      new TextDecoder().decode(out.stderr),
      `${msg.waitingFor(path, holder.pid, 1500)}\n` +
        `error: Database "${path}" is in use by another process (pid ${holder.pid}); ` +
        `waited 1.5 s: ${HINT}\n`,
    );
    assert.equal(new TextDecoder().decode(out.stdout), "");
  } finally {
    await holder.release();
  }
});

Deno.test("a dead owner's lock does not keep the next owner out", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/runs.duckdb`;
  const holder = await holdDatabase(path);
  holder.process.kill("SIGKILL");
  await holder.process.status;
  await holder.process.stdout.cancel().catch(() => {});
  await assertHeldRunKept(path);
});

Deno.test("a store holding the file only while it writes lets readers in between its writes", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/runs.duckdb`;
  const owner = await RunStore.open(path, { holdFile: false });
  try {
    await owner.addVariantMembership("token-bank", "6", "h1", 1);
    // What any DuckDB client does to read the file.
    const reader = await DuckDBInstance.create(path, { access_mode: "READ_ONLY" });
    const conn = await reader.connect();
    const rows = (await conn.runAndReadAll("SELECT run_id FROM run_variants")).getRowsJS();
    conn.closeSync();
    reader.closeSync();
    assert.deepEqual(rows, [["h1"]]);
    await owner.addVariantMembership("token-bank", "6", "h2", 2);
    assert.equal((await owner.query("SELECT count(*) FROM run_variants")).rows[0]![0], 2);
  } finally {
    await owner.close();
  }
});

Deno.test("every task that opens the database takes --wait SECONDS", () => {
  const parsed = [
    parseQueryArgs(["SELECT 1", "--wait", "2"]),
    parseRunsArgs(["--wait", "2"]),
    parseExportArgs(["--parquet", "out", "--wait", "2"]),
    parseCollectArgs(["--wait", "2"]),
    parseReportArgs(["token-bank", "--wait", "2"]),
    parseSweepArgs(["token-bank", "--wait", "2"]),
  ];
  for (const args of parsed) assert.ok(!args.help && args.waitMs === 2000, JSON.stringify(args));
});

import { assert } from "../../lib/_std.ts";
import { DatabaseBusyError, RunStore } from "../../lib/track/store.ts";
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

const HINT = "only one process may write a DuckDB file: stop that process, pass --wait SECONDS, " +
  "or let it ingest per-run record files with `deno task collect`";

Deno.test("opening a database another process holds names that process, and corrupts nothing", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/runs.duckdb`;
  const holder = await holdDatabase(path);
  try {
    const error = await rejectsWith(
      () => RunStore.open(path),
      DatabaseBusyError,
      `Database "${path}" is in use by another process (pid ${holder.pid}): ${HINT}`,
    );
    assert.equal((error as DatabaseBusyError).pid, holder.pid);
    await rejectsWith(
      () => RunStore.open(path, { readOnly: true }),
      DatabaseBusyError,
      `Database "${path}" is in use by another process (pid ${holder.pid}): ${HINT}`,
    );
  } finally {
    await holder.release();
  }
  const store = await RunStore.open(path);
  const { rows } = await store.query("SELECT id, status FROM runs").finally(() => store.close());
  assert.deepEqual(rows, [["held", "running"]]);
});

Deno.test("a bounded wait on a held database fails saying how long it waited", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/runs.duckdb`;
  const holder = await holdDatabase(path);
  try {
    await rejectsWith(
      () => RunStore.open(path, { waitMs: 300, pollMs: 50 }),
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

Deno.test("deno task query on a held database exits 1 with the busy message", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/runs.duckdb`;
  const holder = await holdDatabase(path);
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "lib/cli/query.ts", "SELECT 1", "--db", path],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 1);
    assert.equal(
      new TextDecoder().decode(out.stderr),
      `error: Database "${path}" is in use by another process (pid ${holder.pid}): ${HINT}\n`,
    );
    assert.equal(new TextDecoder().decode(out.stdout), "");
  } finally {
    await holder.release();
  }
});

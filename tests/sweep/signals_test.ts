/**
 * An `ablate` process tree as real processes, started the ways users start it (`deno run`,
 * `deno task`, behind the `sh -c` that `npx` puts in between): SIGTERM and SIGINT to any process
 * of the tree stop the whole tree, each run in progress recorded `interrupted` with the signal;
 * a closed stdout stops the output, not the sweep; a WebGPU backend that cannot work fails before
 * any worker starts; a dumb terminal gets plain lines.
 */
import { join } from "node:path";
import { assert } from "../../lib/_std.ts";
import * as msg from "../../lib/sweep/messages.ts";
import {
  exitCodeOf,
  isLauncher,
  listenForInterrupts,
  raiseInterrupt,
  signalOfExitCode,
  stopSignalOf,
} from "../../lib/sweep/signals.ts";
import { messages as tfMessages } from "../../lib/tf/messages.ts";
import {
  ablate,
  alive,
  query,
  REPO,
  Running,
  smokeArgs,
  startAblate,
  statuses,
  tempArea,
} from "./_sweep.ts";

const SPECS_SLOW = join(REPO, "tests/sweep/specs_slow/");
const DENO = Deno.execPath();

/** `sweep-slow` at the smoke preset, one worker, in `area`. */
function slowArgs(area: Parameters<typeof smokeArgs>[0]): string[] {
  return ["sweep-slow", "--workers", "1", ...smokeArgs(area, SPECS_SLOW)];
}

/**
 * `argv` started in the repository with pipes, in this environment less `NO_COLOR` and `TERM`,
 * plus `env` (by default: without colour).
 */
function launcher(
  argv: readonly string[],
  env: Record<string, string> = { NO_COLOR: "1" },
): Deno.Command {
  const { NO_COLOR: _, TERM: __, ...inherited } = Deno.env.toObject();
  return new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    cwd: REPO,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    clearEnv: true,
    env: { ...inherited, ...env },
  });
}

/** One shell word. */
function shellWord(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The command line of `deno run lib/cli/ablate.ts ARGS`. */
function ablateLine(args: readonly string[]): string {
  return [DENO, "run", "-A", "--config", join(REPO, "deno.json"), join(REPO, "lib/cli/ablate.ts")]
    .concat(args).map(shellWord).join(" ");
}

/** Every process below `pid` (Linux), from the parent links in /proc. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...children.get(ppid) ?? [], Number(entry.name)]);
    } catch { /* gone meanwhile */ }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const child of children.get(p) ?? []) {
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

/** The launched process of `run` and every process below it now. */
function treeOf(run: Running): number[] {
  return [run.process.pid, ...descendants(run.process.pid)];
}

/**
 * Waits up to `ms` for `pids`, and what they started since, to end; kills what is left (SIGKILL)
 * and throws when they do not.
 */
async function endsWithin(pids: readonly number[], ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const living = [...new Set([...pids, ...pids.flatMap(descendants)])].filter(alive);
    if (living.length === 0) return;
    if (Date.now() > deadline) {
      for (const pid of living) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch { /* it has ended meanwhile */ }
      }
      throw new Error(`Still running ${ms} ms after the signal: ${living.join(", ")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `status` and `error` of every run, by variant. */
async function runRows(db: string): Promise<Record<string, { status: string; error: string }>> {
  const rows = await query(
    db,
    "SELECT rv.variant, r.status, r.error FROM run_variants rv JOIN runs r ON r.id = rv.run_id",
  );
  return Object.fromEntries(
    rows.map((r) => [String(r.variant), { status: String(r.status), error: String(r.error) }]),
  );
}

/** The worker of sweep-slow's first run, once it has started. */
async function firstWorker(run: Running): Promise<number> {
  const [, pid] = await run.waitFor(/^start\s+sweep-slow "first" seed 0 \(\w+\) pid (\d+)$/);
  // Let it reach its training loop, so the record names the step it stopped at.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return Number(pid);
}

/** The first run was stopped while training, by `signal`, and the second never started. */
async function assertStoppedBy(db: string, signal: string): Promise<void> {
  const rows = await runRows(db);
  assert.deepEqual(Object.keys(rows), ["first"], JSON.stringify(rows));
  assert.equal(rows.first!.status, "interrupted");
  assert.match(
    rows.first!.error,
    new RegExp(`^Training was interrupted at step \\d+ \\(${signal}\\)$`),
  );
}

Deno.test("SIGTERM to ablate stops its worker, records the run interrupted by SIGTERM and exits with 143", async () => {
  await using area = await tempArea();
  const run = startAblate(slowArgs(area));
  const worker = await firstWorker(run);
  const tree = treeOf(run);
  run.process.kill("SIGTERM");
  await endsWithin(tree, 20_000);
  const out = await run.output();
  assert.equal(out.code, 143, out.stdout + out.stderr);
  assert.ok(out.stdout.split("\n").includes(msg.stopping("SIGTERM")), out.stdout);
  assert.equal(out.stdout.trim().split("\n").at(-1), msg.interruptedSummary(1, 0));
  await assertStoppedBy(area.db, "SIGTERM");
  assert.equal(alive(worker), false, "the worker must be stopped");
});

/**
 * Starts `deno task ablate sweep-slow` behind `prefix`, sends SIGTERM to `target(pid)` once the
 * first run trains, and checks that the tree ends with 143 and the run interrupted by SIGTERM.
 */
async function taskStopsOnSigterm(prefix: string[], target: (pid: number) => number) {
  await using area = await tempArea();
  const run = new Running("", [], launcher([...prefix, DENO, "task", "ablate", ...slowArgs(area)]));
  await firstWorker(run);
  const tree = treeOf(run);
  Deno.kill(target(run.process.pid), "SIGTERM");
  await endsWithin(tree, 20_000);
  const out = await run.output();
  assert.equal(out.code, 143, out.stdout + out.stderr);
  await assertStoppedBy(area.db, "SIGTERM");
}

Deno.test("SIGTERM to `deno task ablate` stops the whole tree and exits with 143", async () => {
  await taskStopsOnSigterm([], (pid) => pid);
});

Deno.test("SIGTERM to every process of the tree at once (its process group) stops each run once, by SIGTERM, killing nothing", async () => {
  await taskStopsOnSigterm(["setsid"], (pid) => -pid);
});

Deno.test("SIGTERM to the `sh -c` that npx puts above `deno task ablate` stops the sweep it orphans", async () => {
  await using area = await tempArea();
  const line = [DENO, "task", "ablate", ...slowArgs(area)].map(shellWord).join(" ");
  const run = new Running("", [], launcher(["sh", "-c", line]));
  await firstWorker(run);
  const tree = treeOf(run);
  run.process.kill("SIGTERM");
  assert.equal((await run.process.status).signal, "SIGTERM", "sh dies of it");
  await endsWithin(tree, 20_000);
  await assertStoppedBy(area.db, "SIGTERM");
});

Deno.test("a sweep a script started in the background outlives the script", async () => {
  await using area = await tempArea();
  const script = join(area.dir, "start.sh");
  const line = [DENO, "task", "ablate", ...slowArgs(area)].map(shellWord).join(" ");
  await Deno.writeTextFile(script, `${line} &\n`);
  const run = new Running("", [], launcher(["sh", script]));
  assert.equal((await run.process.status).code, 0);
  const worker = await firstWorker(run);
  await new Promise((resolve) => setTimeout(resolve, 2500));
  const owner = Number(Deno.readTextFileSync(`/proc/${worker}/stat`).split(") ")[1]!.split(" ")[1]);
  try {
    assert.ok(alive(worker), "the sweep must go on");
  } finally {
    Deno.kill(owner, "SIGTERM");
    await endsWithin([owner, worker], 20_000);
  }
  await assertStoppedBy(area.db, "SIGTERM");
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.test(`${signal} to a worker stops the whole sweep with exit ${signal === "SIGINT" ? 130 : 143}`, async () => {
    await using area = await tempArea();
    const run = startAblate(slowArgs(area));
    const worker = await firstWorker(run);
    const tree = treeOf(run);
    Deno.kill(worker, signal);
    await endsWithin(tree, 20_000);
    const out = await run.output();
    assert.equal(out.code, signal === "SIGINT" ? 130 : 143, out.stdout + out.stderr);
    await assertStoppedBy(area.db, signal);
  });
}

Deno.test("a closed stdout (`ablate | head -1`) stops the output quietly and the sweep runs to the end", async () => {
  await using area = await tempArea();
  const line = `${ablateLine(["sweep-trio", "--workers", "1", ...smokeArgs(area)])} | head -1`;
  const run = new Running("", [], launcher(["bash", "-o", "pipefail", "-c", line]));
  const out = await run.output();
  assert.equal(out.code, 0, out.stdout + out.stderr);
  assert.equal(out.stdout, msg.sweepStart(3, 0, 3, 1, area.db));
  assert.deepEqual(await statuses(area.db, "sweep-trio"), {
    "0": "finished",
    "2": "finished",
    "6": "finished",
  });
});

/** The WebGPU adapter this machine offers: `null` without one. */
async function webGpuAdapter(): Promise<{ fallback: boolean; description: string } | null> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  const adapter = await gpu?.requestAdapter() as
    | { info?: { isFallbackAdapter?: boolean; description?: string } }
    | null
    | undefined;
  if (!adapter) return null;
  return {
    fallback: adapter.info?.isFallbackAdapter === true,
    description: adapter.info?.description ?? "",
  };
}

const adapter = await webGpuAdapter().catch(() => null);

Deno.test({
  name: "--backend webgpu with only a software adapter fails before any worker starts",
  ignore: adapter === null || !adapter.fallback,
  fn: async () => {
    await using area = await tempArea();
    const out = await ablate(["sweep-trio", "--backend", "webgpu", ...smokeArgs(area)]);
    assert.equal(out.code, 1, out.stdout + out.stderr);
    assert.equal(out.stderr.trim(), `error: ${msg.softwareWebGpu(adapter!.description)}`);
    assert.doesNotMatch(out.stdout, /^start/m);
  },
});

Deno.test("--backend webgpu without an adapter fails before any worker starts, with run-one's message", async () => {
  await using area = await tempArea();
  // On Linux, a backend Deno's WebGPU cannot use there leaves it without an adapter.
  const env = { NO_COLOR: "1", DENO_WEBGPU_BACKEND: "dx12" };
  const run = new Running(
    "",
    [],
    launcher([
      DENO,
      "run",
      "-A",
      "lib/cli/ablate.ts",
      "sweep-trio",
      "--backend",
      "webgpu",
      ...smokeArgs(area),
    ], env),
  );
  const out = await run.output();
  assert.equal(out.code, 1, out.stdout + out.stderr);
  const detail = "navigator.gpu.requestAdapter() returned null";
  assert.equal(out.stderr.trim(), `error: ${tfMessages.noWebGpuAdapter(detail)}`);
  assert.doesNotMatch(out.stdout, /^start/m);
});

/** What `ablate sweep-trio` writes to a terminal (a pseudo-terminal from `script`) under `env`. */
async function onTerminal(env: Record<string, string>): Promise<string> {
  await using area = await tempArea();
  const line = ablateLine(["sweep-trio", "--workers", "1", ...smokeArgs(area)]);
  const run = new Running("", [], launcher(["script", "-qfec", line, "/dev/null"], env));
  const out = await run.output();
  assert.equal(out.code, 0, out.stdout + out.stderr);
  return out.stdout;
}

Deno.test("the progress display moves the cursor on a terminal, and writes plain lines when TERM=dumb or NO_COLOR is set", async () => {
  // deno-lint-ignore no-control-regex
  const cursor = /\x1b\[\d*[FJ]/;
  assert.match(await onTerminal({ TERM: "xterm" }), cursor);
  assert.doesNotMatch(await onTerminal({ TERM: "dumb" }), cursor);
  assert.doesNotMatch(await onTerminal({ TERM: "xterm", NO_COLOR: "1" }), cursor);
});

Deno.test("listenForInterrupts() counts a repeat within repeatMs as the first stop and a later one as kill", async () => {
  const causes: string[] = [];
  const interrupts = listenForInterrupts((cause) => causes.push(cause.signal), {
    repeatMs: 50,
    watchLaunchers: false,
  });
  try {
    assert.equal(raiseInterrupt("SIGTERM"), true);
    assert.equal(raiseInterrupt("SIGTERM"), true);
    assert.deepEqual(causes, ["SIGTERM"]);
    assert.equal(stopSignalOf(interrupts.stop), "SIGTERM");
    assert.equal(interrupts.kill.aborted, false, "a repeat within 50 ms is the same stop");
    await new Promise((resolve) => setTimeout(resolve, 60));
    raiseInterrupt("SIGINT");
    assert.equal(interrupts.kill.aborted, true);
  } finally {
    interrupts.dispose();
  }
  assert.equal(raiseInterrupt("SIGINT"), false, "nobody listens once disposed");
});

Deno.test("exit codes are 128 + the signal's number, and an abort without a signal stops as SIGINT", () => {
  assert.deepEqual([exitCodeOf("SIGINT"), exitCodeOf("SIGTERM")], [130, 143]);
  assert.deepEqual([130, 143, 137, 1].map(signalOfExitCode), ["SIGINT", "SIGTERM", null, null]);
  const stop = new AbortController();
  assert.equal(stopSignalOf(stop.signal), null);
  stop.abort();
  assert.equal(stopSignalOf(stop.signal), "SIGINT");
});

Deno.test("isLauncher() knows the processes that exist only to run a sweep", () => {
  const cases: [string[], boolean][] = [
    [["/usr/bin/deno", "task", "ablate"], true],
    [["deno", "run", "-A", "lib/cli/ablate.ts"], false],
    [["deno", "test", "-A"], false],
    [["sh", "-c", "deno task ablate"], true],
    [["/bin/bash", "-c", "deno task ablate"], true],
    [["bash", "start.sh"], false],
    [["-bash"], false],
    [["npm exec deno@2 task ablate"], true],
    [["node", "/usr/lib/node_modules/npm/bin/npx-cli.js", "-y", "deno@2"], true],
    [["node", "server.js"], false],
  ];
  for (const [argv, launcher] of cases) assert.equal(isLauncher(argv), launcher, argv.join(" "));
});

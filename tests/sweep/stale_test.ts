/**
 * Results know what produced them: an edit to the code that produces results (the training core,
 * teacher, data, kernels) makes a plan show the runs it touches as stale, naming the files, and
 * `ablate` retrains them under new hashes while the old runs keep their rows; an edit to reports
 * or CLI tasks retrains nothing; other data make runs stale too. The process tests edit a
 * temporary copy of the checkout (smoke preset, tiny teacher, the test ablations).
 */
import { join } from "node:path";
import { assert } from "../../lib/_std.ts";
import { DEFAULT_CONFIG } from "../../lib/c2s/config.ts";
import { formatPlan } from "../../lib/spec/plan.ts";
import type { PlannedRun } from "../../lib/spec/expand.ts";
import * as msg from "../../lib/sweep/messages.ts";
import { type StaleInputs, staleReasons } from "../../lib/sweep/stale.ts";
import type { FinishedRowRun } from "../../lib/track/finished_runs.ts";
import { query, REPO, tempArea } from "./_sweep.ts";

// ---------------------------------------------------------------- reasons

const NOW: StaleInputs = {
  context: { dataIdentity: "fashion-mnist:10000x28:aa", teacherHash: "t2", codeVersion: "code-2" },
  code: {
    digest: "code-2",
    files: { "lib/c2s/pixel_loss.ts": "222222222222", "lib/tf/adamw.ts": "333333333333" },
  },
  finished: [],
};

const RUN = {
  hash: "b".repeat(64),
  ablation: "token-bank",
  variant: "6",
  seed: 0,
  preset: "smoke",
  config: DEFAULT_CONFIG,
} as unknown as PlannedRun;

function oldRun(
  versions: Record<string, string>,
  config: unknown = DEFAULT_CONFIG,
): FinishedRowRun {
  return {
    ablation: "token-bank",
    variant: "6",
    seed: 0,
    preset: "smoke",
    runId: "a".repeat(64),
    endedAt: "2025-01-01T00:00:00.000Z",
    config: config as FinishedRowRun["config"],
    versions: {
      code: "code-2",
      codeFiles: "lib/c2s/pixel_loss.ts=222222222222\nlib/tf/adamw.ts=333333333333",
      dataIdentity: "fashion-mnist:10000x28:aa",
      data: 'embedded "/repo/data/fashion-mnist/": t10k, 10000 items',
      teacher: "mini-clip@t2",
      ...versions,
    },
  };
}

function reasonFor(old: FinishedRowRun): string | undefined {
  return staleReasons([RUN], { ...NOW, finished: [old] }).get(RUN.hash);
}

Deno.test("staleReasons() names the code files that changed since the row's run", () => {
  const old = oldRun({
    code: "code-1",
    codeFiles:
      "lib/c2s/pixel_loss.ts=111111111111\nlib/tf/adamw.ts=333333333333\nlib/c2s/gone.ts=1",
  });
  assert.equal(reasonFor(old), msg.staleCode(["lib/c2s/gone.ts", "lib/c2s/pixel_loss.ts"]));
  assert.equal(
    reasonFor(old),
    "code changed since it ran (lib/c2s/gone.ts, lib/c2s/pixel_loss.ts)",
  );
});

Deno.test("staleReasons() says so when an old record lists no code files", () => {
  const old = oldRun({ code: "c2s-core-1" });
  delete (old.versions as Record<string, string>).codeFiles;
  assert.equal(reasonFor(old), "code changed since it ran (its record lists no files)");
});

Deno.test("staleReasons() says the teacher or the data changed, with what the run used", () => {
  assert.equal(
    reasonFor(oldRun({ teacher: "mini-clip@0123456789abcdef0123" })),
    'teacher changed (it ran with "mini-clip@0123456789ab")',
  );
  assert.equal(
    reasonFor(oldRun({
      dataIdentity: "fashion-mnist:70000x28:bb",
      data: 'Debian dataset-fashion-mnist "/usr/share/datasets/fashion-mnist": train + t10k, ' +
        "70000 items",
    })),
    'data changed (it ran on Debian dataset-fashion-mnist "/usr/share/datasets/fashion-mnist": ' +
      "train + t10k, 70000 items)",
  );
});

Deno.test("staleReasons() names config keys that differ and joins several reasons", () => {
  const config = { ...DEFAULT_CONFIG, train: { ...DEFAULT_CONFIG.train, lr: 0.5 } };
  assert.equal(
    reasonFor(oldRun({ code: "code-1", codeFiles: "lib/tf/adamw.ts=0" }, config)),
    "code changed since it ran (lib/c2s/pixel_loss.ts, lib/tf/adamw.ts); config changed (train.lr)",
  );
  assert.equal(reasonFor(oldRun({})), msg.staleIdentity());
});

Deno.test("staleReasons() leaves finished runs and rows without a finished run alone", () => {
  const other = { ...RUN, hash: "c".repeat(64), variant: "2" } as PlannedRun;
  const done = { ...oldRun({ code: "code-1" }), runId: RUN.hash };
  assert.deepEqual(staleReasons([RUN, other], { ...NOW, finished: [done] }), new Map());
});

Deno.test("formatPlan() marks stale runs and says why once per reason", () => {
  const runs = ["0", "2"].map((variant, i) => ({
    ...RUN,
    hash: String(i).repeat(64),
    variant,
    table: "IX",
    kind: "training",
    layers: { base: {}, preset: {}, variant: {}, run: {} },
  })) as unknown as PlannedRun[];
  const why = msg.staleCode(["lib/c2s/pixel_loss.ts"]);
  const plan = formatPlan(runs, [], new Map(runs.map((r) => [r.hash, why])));
  assert.match(plan, /^ {2}0\s+0\s+000000000000\s+stale\s+-$/m);
  assert.match(
    plan,
    /^ {2}stale: code changed since it ran \(lib\/c2s\/pixel_loss\.ts\): 2 runs$/m,
  );
  assert.match(plan, /^ {2}2 runs: 0 done, 2 pending \(2 stale\)$/m);
});

// ---------------------------------------------------------------- processes

/** A temporary copy of this checkout's code, data and test ablations (packages linked). */
async function checkoutCopy(): Promise<AsyncDisposable & { dir: string }> {
  const dir = await Deno.makeTempDir({ prefix: "c2s-checkout-" });
  const cp = await new Deno.Command("cp", {
    args: ["-r", "lib", "data", "ablations", "experiments", "deno.json", "deno.lock", dir],
    cwd: REPO,
  }).output();
  assert.ok(cp.success, new TextDecoder().decode(cp.stderr));
  await Deno.mkdir(join(dir, "tests"));
  const tests = await new Deno.Command("cp", {
    args: ["-r", join(REPO, "tests/sweep"), join(dir, "tests")],
  }).output();
  assert.ok(tests.success, new TextDecoder().decode(tests.stderr));
  await Deno.symlink(join(REPO, "node_modules"), join(dir, "node_modules"));
  return {
    dir,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }).catch(() => {}),
  };
}

/** `ablate ARGS` of the checkout at `dir`, to the end. */
async function ablateIn(dir: string, args: readonly string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--config",
      join(dir, "deno.json"),
      join(dir, "lib/cli/ablate.ts"),
      ...args,
    ],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

async function append(path: string, text: string): Promise<void> {
  await Deno.writeTextFile(path, text, { append: true });
}

/** A copy of the embedded t10k files, plain, with one pixel of item 0 changed when `edit`. */
async function dataCopy(from: string, to: string, edit: boolean): Promise<void> {
  await Deno.mkdir(to);
  for (const name of ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]) {
    const file = await Deno.open(join(from, `${name}.gz`));
    const body = file.readable.pipeThrough(new DecompressionStream("gzip"));
    const bytes = new Uint8Array(await new Response(body).arrayBuffer());
    if (edit && name.startsWith("t10k-images")) bytes[16] = bytes[16]! ^ 0xff;
    await Deno.writeFile(join(to, name), bytes);
  }
}

Deno.test("an edit to the training core makes --plan show its runs stale, naming the file, and ablate retrains them; an edit to reports or CLI does not", async () => {
  await using area = await tempArea();
  await using copy = await checkoutCopy();
  const args = [
    "sweep-trio",
    "--preset",
    "smoke",
    "--teacher",
    join(copy.dir, "tests/sweep/_tiny_teacher.ts"),
    "--specs",
    join(copy.dir, "tests/sweep/specs"),
    "--db",
    area.db,
    "--work",
    area.work,
  ];
  const first = await ablateIn(copy.dir, args);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  const [stored] = await query(area.db, "SELECT versions FROM runs LIMIT 1");
  const versions = stored!.versions as Record<string, string>;
  assert.match(versions.code ?? "", /^code-[0-9a-f]{16}$/);
  assert.match(versions.codeFiles ?? "", /^lib\/c2s\/pixel_loss\.ts=[0-9a-f]{12}$/m);
  assert.match(versions.dataIdentity ?? "", /^fashion-mnist:10000x28:[0-9a-f]{16}$/);
  assert.match(versions.data ?? "", /^embedded ".*": t10k, 10000 items$/);

  await append(join(copy.dir, "lib/report/html.ts"), "\n// edited\n");
  await append(join(copy.dir, "lib/cli/query.ts"), "\n// edited\n");
  const unaffected = await ablateIn(copy.dir, [...args, "--plan"]);
  assert.equal(unaffected.code, 0, unaffected.stderr);
  assert.match(unaffected.stdout, /^ {2}3 runs: 3 done, 0 pending$/m);
  assert.doesNotMatch(unaffected.stdout, /stale/);

  await append(join(copy.dir, "lib/c2s/pixel_loss.ts"), "\n// edited\n");
  const plan = await ablateIn(copy.dir, [...args, "--plan"]);
  assert.equal(plan.code, 0, plan.stderr);
  for (const size of [0, 2, 6]) {
    assert.match(plan.stdout, new RegExp(`^ {2}${size}\\s+0\\s+[0-9a-f]{12}\\s+stale\\s+`, "m"));
  }
  assert.match(
    plan.stdout,
    /^ {2}stale: code changed since it ran \(lib\/c2s\/pixel_loss\.ts\): 3 runs$/m,
  );
  assert.match(plan.stdout, /^ {2}3 runs: 0 done, 3 pending \(3 stale\)$/m);

  const again = await ablateIn(copy.dir, args);
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.match(again.stdout, /^Running 3 runs \(0 of 3 already finished\)/m);
  const runs = await query(
    area.db,
    "SELECT status, count(*)::INTEGER AS n, count(DISTINCT versions->>'code')::INTEGER AS codes " +
      "FROM runs GROUP BY status",
  );
  assert.deepEqual(runs, [{ status: "finished", n: 6, codes: 2 }], "old runs keep their rows");
  const [results] = await query(
    area.db,
    "SELECT count(DISTINCT run_id)::INTEGER AS n FROM results",
  );
  assert.equal(results!.n, 6);
  const after = await ablateIn(copy.dir, [...args, "--plan"]);
  assert.match(after.stdout, /^ {2}3 runs: 3 done, 0 pending$/m);

  const same = join(area.dir, "same-data");
  await dataCopy(join(copy.dir, "data/fashion-mnist"), same, false);
  const sameData = await ablateIn(copy.dir, [...args, "--plan", "--data", same]);
  assert.match(sameData.stdout, /^ {2}3 runs: 3 done, 0 pending$/m, sameData.stderr);
  const other = join(area.dir, "other-data");
  await dataCopy(join(copy.dir, "data/fashion-mnist"), other, true);
  const otherData = await ablateIn(copy.dir, [...args, "--plan", "--data", other]);
  assert.match(
    otherData.stdout,
    /^ {2}stale: data changed \(it ran on embedded ".*": t10k, 10000 items\): 3 runs$/m,
    otherData.stdout + otherData.stderr,
  );
});

/**
 * `ablate` end to end, as real processes: plans, resuming after the owner is killed, a killed
 * worker, the database lock, Ctrl-C, a diverging run and `all` with a run shared by two tables.
 * Runs use the smoke preset, the tiny teacher and the test ablations of `specs/`.
 */
import { assert } from "../../lib/_std.ts";
import * as msg from "../../lib/sweep/messages.ts";
import { paperValue } from "../../lib/spec/paper_tables.ts";
import {
  ablate,
  alive,
  query,
  smokeArgs,
  SPECS_NAN,
  startAblate,
  statuses,
  tempArea,
  waitGone,
} from "./_sweep.ts";

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("ablate --plan prints every run with its overrides, hash and status and trains nothing", async () => {
  await using area = await tempArea();
  const out = await ablate(["sweep-trio", "--plan", ...smokeArgs(area)]);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /^sweep-trio: Table IX \(training\), preset smoke$/m);
  assert.match(out.stdout, /^ {2}preset: train\.steps=3 train\.batchSize=2 /m);
  for (const size of [0, 2, 6]) {
    const row = new RegExp(
      `^ {2}${size}\\s+0\\s+[0-9a-f]{12}\\s+pending\\s+distill\\.global\\.bankSize=${size}$`,
      "m",
    );
    assert.match(out.stdout, row);
  }
  assert.match(out.stdout, /^ {2}3 runs: 0 done, 3 pending$/m);
  assert.equal(await exists(area.db), false, "a plan must not create the database");
  assert.equal(await exists(area.work), false, "a plan must not write job files");
});

Deno.test("a sweep killed with SIGKILL resumes: finished runs are skipped, the killed run is re-done", async () => {
  await using area = await tempArea();
  const args = ["sweep-trio", "--workers", "1", ...smokeArgs(area)];
  const first = startAblate(args);
  await first.waitFor(/^\[1\/3\] finished\s+sweep-trio "0" seed 0/);
  const [, childPid] = await first.waitFor(/^start\s+sweep-trio "2" seed 0 \(\w+\) pid (\d+)$/);
  first.process.kill("SIGKILL");
  try {
    Deno.kill(Number(childPid), "SIGKILL");
  } catch { /* it stopped by itself when its owner's pipe closed */ }
  await first.output();
  await waitGone([Number(childPid)]);
  assert.deepEqual(await statuses(area.db, "sweep-trio"), { "0": "finished", "2": "running" });
  const [kept] = await query(
    area.db,
    "SELECT id, started_at, ended_at FROM runs WHERE variant = '0'",
  );

  const second = await ablate(args);
  assert.equal(second.code, 0, second.stdout + second.stderr);
  assert.match(
    second.stdout,
    /^sweep-trio "2" seed 0 (was left running by process \d+, which is gone: marked interrupted|: stored its interrupted record)/m,
  );
  assert.match(second.stdout, /^Running 2 runs \(1 of 3 already finished\) with 1 worker/m);
  assert.doesNotMatch(second.stdout, /^start\s+sweep-trio "0"/m);
  assert.deepEqual(await statuses(area.db, "sweep-trio"), {
    "0": "finished",
    "2": "finished",
    "6": "finished",
  });
  const [after] = await query(
    area.db,
    "SELECT id, started_at, ended_at FROM runs WHERE variant = '0'",
  );
  assert.deepEqual(after, kept, "the finished run must not be trained again");

  const third = await ablate(args);
  assert.equal(third.code, 0, third.stderr);
  assert.match(third.stdout, new RegExp(`^${msg.nothingToRun(3)}$`, "m"));
  const plan = await ablate(["sweep-trio", "--plan", ...smokeArgs(area)]);
  assert.match(plan.stdout, /^ {2}3 runs: 3 done, 0 pending$/m);
});

Deno.test("a sweep started while a killed sweep's worker is still stopping stores that worker's record and re-runs its run", async () => {
  await using area = await tempArea();
  const args = ["sweep-trio", "--workers", "1", ...smokeArgs(area)];
  const first = startAblate(args);
  const [, childPid] = await first.waitFor(/^start\s+sweep-trio "0" seed 0 \(\w+\) pid (\d+)$/);
  first.process.kill("SIGKILL");
  await first.output();
  // The worker lives on until it reads end-of-file on its stdin and writes an interrupted record.
  const second = await ablate(args);
  await waitGone([Number(childPid)]);
  assert.equal(second.code, 0, second.stdout + second.stderr);
  assert.match(
    second.stdout,
    /^sweep-trio "0" seed 0(: stored its interrupted record left by an earlier sweep| was left running by process \d+, which is gone)/m,
  );
  assert.match(second.stdout, /^Running 3 runs \(0 of 3 already finished\)/m);
  assert.deepEqual(await statuses(area.db, "sweep-trio"), {
    "0": "finished",
    "2": "finished",
    "6": "finished",
  });
});

Deno.test("a worker killed with SIGKILL gets its run marked interrupted with the reason and the sweep goes on", async () => {
  await using area = await tempArea();
  const run = startAblate(["sweep-trio", "--workers", "1", ...smokeArgs(area)]);
  const [, pid] = await run.waitFor(/^start\s+sweep-trio "0" seed 0 \(\w+\) pid (\d+)$/);
  Deno.kill(Number(pid), "SIGKILL");
  const out = await run.output();
  assert.equal(out.code, 1, out.stdout + out.stderr);
  const reason = msg.childDiedWithoutRecord(Number(pid), "was killed by SIGKILL", "");
  assert.match(
    out.stdout,
    /^\[1\/3\] interrupted\s+sweep-trio "0" seed 0 \(\w+\): Worker process/m,
  );
  assert.deepEqual(await statuses(area.db, "sweep-trio"), {
    "0": "interrupted",
    "2": "finished",
    "6": "finished",
  });
  const [row] = await query(area.db, "SELECT error FROM runs WHERE variant = '0'");
  assert.ok(String(row!.error).startsWith(reason), String(row!.error));
  assert.match(out.stdout, /^Done: 2 runs finished, 1 interrupted; /m);
});

Deno.test("a second ablate on the same database fails with a clear error naming the holder", async () => {
  await using area = await tempArea();
  const first = startAblate(["sweep-trio", "--workers", "1", ...smokeArgs(area)]);
  try {
    await first.waitFor(/^start\s+sweep-trio/);
    const second = await ablate(["sweep-trio", ...smokeArgs(area)]);
    assert.equal(second.code, 1);
    assert.equal(second.stderr.trim(), `error: ${msg.databaseBusy(area.db, first.process.pid)}`);
    assert.equal(second.stdout, "");
  } finally {
    first.process.kill("SIGINT");
    await first.output();
  }
});

Deno.test("Ctrl-C marks the runs in progress interrupted, keeps finished ones and exits with 130", async () => {
  await using area = await tempArea();
  const run = startAblate(["sweep-trio", "--workers", "1", ...smokeArgs(area)]);
  await run.waitFor(/^\[1\/3\] finished/);
  const [, pid] = await run.waitFor(/^start\s+sweep-trio "2" seed 0 \(\w+\) pid (\d+)$/);
  run.process.kill("SIGINT");
  const out = await run.output();
  assert.equal(out.code, 130, out.stdout + out.stderr);
  assert.match(out.stdout, new RegExp(`^${msg.STOPPING.replace(/[()]/g, "\\$&")}$`, "m"));
  assert.equal(out.stdout.trim().split("\n").at(-1), msg.interruptedSummary(1, 1));
  assert.deepEqual(await statuses(area.db, "sweep-trio"), { "0": "finished", "2": "interrupted" });
  assert.equal(alive(Number(pid)), false, "the worker must be stopped");
});

Deno.test("a NaN loss marks its run failed with the step and the sweep goes on", async () => {
  await using area = await tempArea();
  const out = await ablate(["sweep-nan", "--workers", "1", ...smokeArgs(area, SPECS_NAN)]);
  assert.equal(out.code, 1, out.stdout + out.stderr);
  assert.deepEqual(await statuses(area.db, "sweep-nan"), {
    "6": "finished",
    "absurd lr": "failed",
  });
  const [failed] = await query(
    area.db,
    "SELECT failed_step, error FROM runs WHERE variant = 'absurd lr'",
  );
  const step = Number(failed!.failed_step);
  assert.ok(Number.isInteger(step) && step >= 1 && step <= 3, `failed_step ${step}`);
  assert.equal(failed!.error, `NaN loss at step ${step}`);
  assert.match(
    out.stdout,
    new RegExp(
      `^\\[1/2\\] failed\\s+sweep-nan "absurd lr" seed 0 \\(\\w+\\): NaN loss at step ${step}$`,
      "m",
    ),
  );
  assert.match(out.stdout, /^\[2\/2\] finished\s+sweep-nan "6" seed 0/m);
  assert.match(out.stdout, /^Done: 1 run finished, 1 failed; /m);
});

Deno.test("ablate all trains a config shared by two tables once, records both rows and runs the measurement kind", async () => {
  await using area = await tempArea();
  const out = await ablate(["all", ...smokeArgs(area)]);
  assert.equal(out.code, 0, out.stdout + out.stderr);
  assert.match(out.stdout, /^Running 5 runs \(0 of 5 already finished\) with 2 workers/m);
  const runs = await query(area.db, "SELECT id, status FROM runs");
  assert.equal(runs.length, 5);
  assert.ok(runs.every((r) => r.status === "finished"));
  const shared = await query(
    area.db,
    "SELECT run_id, string_agg(ablation || ':' || variant, ',' ORDER BY ablation) AS rows " +
      "FROM run_variants GROUP BY run_id HAVING count(*) > 1",
  );
  assert.deepEqual(shared.map((r) => r.rows), ["sweep-pair:attention,sweep-trio:6"]);
  const summary = await query(
    area.db,
    "SELECT ablation, variant, n, mean, paper FROM variant_summary WHERE metric = 'hIoU' " +
      "AND variant IN ('6', 'attention') ORDER BY ablation",
  );
  assert.equal(summary.length, 2);
  assert.equal(summary[0]!.paper, paperValue("XI", "attention", "hIoU"));
  assert.equal(summary[1]!.paper, paperValue("IX", "6", "hIoU"));
  assert.equal(summary[0]!.mean, summary[1]!.mean, "one run serves both rows");
  assert.match(out.stdout, /^Table IX: Three bank sizes \(sweep tests\) \(sweep-trio\)$/m);
  assert.match(out.stdout, /^ {2}6\s+1\s+42\.3\s+\d+\.\d/m);
  const masks = await query(
    area.db,
    "SELECT r.status, count(res.metric) AS n FROM runs r JOIN results res ON res.run_id = r.id " +
      "WHERE r.ablation = 'sweep-masks' GROUP BY all",
  );
  assert.equal(masks.length, 1);
  assert.equal(masks[0]!.status, "finished");
  assert.ok(Number(masks[0]!.n) >= 3, "the three mask-accuracy settings are stored");
});

Deno.test("ablate --delta sets the equivalence margin of the claims printed after the table", async () => {
  await using area = await tempArea();
  const first = await ablate(["sweep-trio", ...smokeArgs(area)]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /equivalent: CI inside ±1\.0\):/);
  // Everything is finished now: the second call only prints the tables, at the new margin.
  const again = await ablate(["sweep-trio", "--delta", "0.25", ...smokeArgs(area)]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /equivalent: CI inside ±0\.25\):/);
});

Deno.test("ablate --until-resolved adds seeds look by look and judges each look at the split level", async () => {
  await using area = await tempArea();
  // all: sweep-trio and sweep-pair (the smoke preset's 1 seed, then 2) and sweep-masks.
  const out = await ablate(["all", "--until-resolved", "--max-seeds", "2", ...smokeArgs(area)]);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /looks at 1, 2 seeds per variant; .* paired 97\.5% CI\./);
  // One seed resolves nothing (no CI from one difference): the second look follows.
  assert.match(out.stdout, /Table IX \(sweep-trio\), look 1 of 2 at 1 seeds:/);
  assert.match(out.stdout, /unresolved: next look at 2 seeds\./);
  assert.match(out.stdout, /look 2 of 2 at 2 seeds:\n.*\n.*a - b \[97\.5% CI\]/);
  assert.match(out.stdout, /(every claim is resolved|still unresolved at the cap of 2 seeds)/);
  const seeds = await query(
    area.db,
    "SELECT variant, count(*) AS n FROM ablation_runs WHERE ablation = 'sweep-trio' " +
      "AND status = 'finished' GROUP BY variant ORDER BY variant",
  );
  assert.deepEqual(seeds.map((r) => Number(r.n)), [2, 2, 2]);
  assert.match(out.stdout, /Table XI \(sweep-pair\), look 2 of 2 at 2 seeds:/);
  // A measurement table (the paper orders none of its rows) runs once, with its own seeds.
  assert.match(out.stdout, /Table XIII \(sweep-masks\): the paper orders no pair of its rows/);
  const masks = await query(
    area.db,
    "SELECT count(*) AS n FROM ablation_runs WHERE ablation = 'sweep-masks'",
  );
  assert.equal(Number(masks[0]!.n), 1);
});

Deno.test("ablate refuses --max-seeds without --until-resolved, and --until-resolved on Slurm", async () => {
  await using area = await tempArea();
  const alone = await ablate(["sweep-trio", "--max-seeds", "4", ...smokeArgs(area)]);
  assert.equal(alone.code, 1, alone.stdout);
  assert.match(alone.stderr, /--max-seeds goes with --until-resolved/);
  const slurm = await ablate([
    "sweep-trio",
    "--until-resolved",
    "--launcher",
    "slurm",
    ...smokeArgs(area),
  ]);
  assert.equal(slurm.code, 1, slurm.stdout);
  assert.match(slurm.stderr, /--until-resolved runs here only/);
  const low = await ablate([
    "sweep-trio",
    "--until-resolved",
    "--seeds",
    "3",
    "--max-seeds",
    "2",
    ...smokeArgs(area),
  ]);
  assert.match(low.stderr, /--max-seeds 2 is below the starting seeds \(3/);
  assert.ok(!(await exists(area.db)), "no database file for a refused command line");
});

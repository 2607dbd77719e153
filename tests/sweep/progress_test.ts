/**
 * The progress display: durations, the time-left estimate, worker lines, plain lines at most
 * every interval, the terminal block redrawn in place only where the cursor may move, and the
 * state it shows.
 */
import { assert } from "../../lib/_std.ts";
import {
  createDisplay,
  cursorAllowed,
  estimateRemaining,
  formatDuration,
  headline,
  PlainDisplay,
  SweepProgress,
  type SweepView,
  TerminalDisplay,
  workerLine,
  type WorkerView,
} from "../../lib/sweep/progress.ts";

function worker(change: Partial<WorkerView> = {}): WorkerView {
  return {
    label: 'token-bank "6" seed 1',
    pid: 42,
    startedAt: 0,
    phase: "training",
    cacheDone: 0,
    cacheTotal: 0,
    step: 80,
    totalSteps: 320,
    loss: 2.31414,
    imagesPerSecond: 31.04,
    ...change,
  };
}

function view(change: Partial<SweepView> = {}): SweepView {
  return {
    total: 12,
    finished: 3,
    failed: 0,
    interrupted: 0,
    startedAt: 0,
    workers: new Map(),
    durations: [],
    parallel: 2,
    ...change,
  };
}

Deno.test("formatDuration() writes seconds, minutes and hours", () => {
  assert.equal(formatDuration(4_400), "4s");
  assert.equal(formatDuration(245_000), "4m05s");
  assert.equal(formatDuration(3_720_000), "1h02m");
});

Deno.test("estimateRemaining() spreads the runs left over the workers at the mean run time", () => {
  // 12 runs, 3 done, 2 running for 20 s of 60 s each, 7 queued: (7 * 60 + 2 * 40) / 2 = 250 s.
  const running = new Map([[1, worker({ startedAt: 0 })], [2, worker({ startedAt: 0 })]]);
  const v = view({ workers: running, durations: [60_000, 60_000, 60_000] });
  assert.equal(estimateRemaining(v, 20_000), 250_000);
});

Deno.test("estimateRemaining() projects from step fractions before any run has finished, else says nothing", () => {
  assert.equal(estimateRemaining(view({ finished: 0 }), 5_000), null);
  // A quarter of the steps in 10 s: 40 s a run; 12 runs, one running for 10 s, 11 queued.
  const v = view({ finished: 0, workers: new Map([[1, worker()]]), parallel: 1 });
  assert.equal(estimateRemaining(v, 10_000), 11 * 40_000 + 30_000);
});

Deno.test("workerLine() and headline() say what each worker does and how far the sweep is", () => {
  assert.equal(
    workerLine(1, worker()),
    'w1 token-bank "6" seed 1  step 80/320  loss 2.3141  31.0 img/s',
  );
  assert.equal(
    workerLine(2, worker({ phase: "cache", cacheDone: 64, cacheTotal: 1024 })),
    'w2 token-bank "6" seed 1  teacher cache 64/1024',
  );
  assert.equal(
    headline(view({ failed: 1, durations: [60_000] }), 130_000),
    "4/12 runs done (1 failed) · 2m10s elapsed · ETA 4m00s",
  );
});

Deno.test("PlainDisplay prints log lines and a worker's progress at most once per interval", () => {
  const out: string[] = [];
  let now = 0;
  const display = new PlainDisplay({
    write: (t) => out.push(t),
    now: () => now,
    plainIntervalMs: 30_000,
  });
  display.log("start token-bank");
  const v = view({ workers: new Map([[1, worker()]]) });
  display.update(v); // first sight: remembered, not printed
  now = 10_000;
  display.update(v);
  now = 31_000;
  display.update(v);
  now = 40_000;
  display.update(v);
  assert.equal(out.length, 2);
  assert.equal(out[0], "start token-bank\n");
  assert.match(out[1]!, /^ {2}w1 token-bank "6" seed 1 {2}step 80\/320 .*\[3\/12 runs done · /);
});

Deno.test("TerminalDisplay redraws its block in place and keeps log lines above it", () => {
  const out: string[] = [];
  const display = new TerminalDisplay({
    write: (t) => out.push(t),
    now: () => 1_000,
    redrawMs: 0,
    columns: 200,
  });
  display.update(view({ workers: new Map([[1, worker()]]) }));
  assert.equal(out[0]!.split("\n").length, 3, "headline, one worker, trailing newline");
  display.log("[4/12] finished");
  assert.ok(out[1]!.startsWith("\x1b[2F\x1b[J[4/12] finished\n"), JSON.stringify(out[1]));
  display.close();
  assert.equal(out[2], "\x1b[2F\x1b[J");
});

Deno.test("SweepProgress follows each slot from start through cache and steps to its end", () => {
  let now = 1_000;
  const progress = new SweepProgress(3, 2, () => now);
  progress.started(1, 'token-bank "6" seed 1', 42);
  progress.report(1, { type: "cache", phase: "build", done: 4, total: 8 }, true);
  assert.equal(progress.label(1), 'token-bank "6" seed 1');
  assert.deepEqual(
    [progress.view().workers.get(1)!.phase, progress.view().workers.get(1)!.cacheDone],
    ["cache", 4],
  );
  progress.report(1, {
    type: "progress",
    step: 10,
    totalSteps: 20,
    loss: 1.5,
    lr: 0.001,
    imagesPerSecond: 30,
  }, true);
  assert.equal(
    workerLine(1, progress.view().workers.get(1)!),
    'w1 token-bank "6" seed 1  step 10/20  loss 1.5000  30.0 img/s',
  );
  progress.started(2, 'mask-accuracy "kmeans" seed 0', 43);
  progress.report(2, { type: "cache", phase: "build", done: 1, total: 3 }, false);
  assert.equal(progress.view().workers.get(2)!.phase, "measuring");
  now = 61_000;
  assert.equal(progress.ended(1, "finished"), 60_000);
  assert.equal(progress.ended(2, "failed"), 60_000);
  assert.equal(progress.label(1), "");
  const v = progress.view();
  assert.deepEqual([v.total, v.finished, v.failed, v.interrupted, v.parallel], [3, 1, 1, 0, 2]);
  assert.deepEqual([v.startedAt, v.durations, v.workers.size], [1_000, [60_000], 0]);
  assert.deepEqual([progress.done, progress.counts], [2, {
    finished: 1,
    failed: 1,
    interrupted: 0,
  }]);
});

Deno.test("cursorAllowed() only on a terminal, not under TERM=dumb or with NO_COLOR set", () => {
  const cases: [boolean, Record<string, string>, boolean][] = [
    [true, { TERM: "xterm-256color" }, true],
    [true, {}, true],
    [true, { TERM: "xterm", NO_COLOR: "" }, true],
    [false, { TERM: "xterm" }, false],
    [true, { TERM: "dumb" }, false],
    [true, { TERM: "xterm", NO_COLOR: "1" }, false],
  ];
  for (const [terminal, env, allowed] of cases) {
    assert.equal(cursorAllowed(terminal, (name) => env[name]), allowed, JSON.stringify(env));
  }
  const dumb = createDisplay({ terminal: true, env: (name) => ({ TERM: "dumb" })[name] });
  assert.ok(dumb instanceof PlainDisplay);
});

/**
 * `kill -9` at seeded random moments. A round sweeps the drill's ablation with a few seeds into
 * a fresh database; each step resumes it (`deno task ablate`) and kills one process with
 * SIGKILL: the owner at a random time, a worker a random time after it started, the owner a few
 * milliseconds after a worker's record landed (while the owner ingests it), or the owner a few
 * milliseconds after its last line (while it closes the database, which checkpoints it). After
 * each kill a second client opens the database and the drill counts what was lost. A round ends
 * with a resume that must finish every planned run exactly once.
 *
 * @module
 */
import { join } from "node:path";
import { type Area, type Place, plannedRuns, RUNS_PER_SEED, sweepArgs } from "./area.ts";
import { announcedFinished, Ledger, recordsUnder, retrained, short } from "./ledger.ts";
import * as msg from "./messages.ts";
import { look } from "./look.ts";
import {
  firstChild,
  type Proc,
  shownCommand,
  signal,
  sleep,
  startTask,
  treeOf,
  waitGone,
} from "./proc.ts";
import { type Row, row } from "./table.ts";

/** The processes and moments a kill may hit, in the order a round cycles through them. */
export const KillMode = ["owner", "ingest", "worker", "close"] as const;
/** One of {@linkcode KillMode}. */
export type KillMode = typeof KillMode[number];

/** Seeds of a round: {@linkcode RUNS_PER_SEED} runs each. */
const SEEDS = 3;
/** A kill of the owner at a random time lands this long after it starts, at most. */
const OWNER_WINDOW_MS = 7_000;
/** A worker is killed this long after its start, at most. */
const WORKER_WINDOW_MS = 2_500;
/** Kills after a record landed or after the last line land this long after, at most. */
const NEAR_MS = 25;
/** How long workers get to stop after their owner died. */
const ORPHAN_MS = 20_000;

/** `count` kills (cycling through the modes), then a resume per round; one row each. */
export async function killDrill(
  area: Area,
  rng: () => number,
  options: { count: number; reproduce: string },
): Promise<Row[]> {
  const rows: Row[] = [];
  let kills = 0;
  for (let round = 0; kills < options.count; round++) {
    const place = await area.place(`kill-${round}`);
    const args = sweepArgs(place, SEEDS);
    const ledger = new Ledger();
    const total = RUNS_PER_SEED * SEEDS;
    while (kills < options.count) {
      const mode = KillMode[kills % KillMode.length]!;
      const step = await killStep(place, args, ledger, { mode, rng });
      kills++;
      rows.push({ ...step.row, reproduce: options.reproduce });
      if (step.finished >= total) break;
    }
    // Planned now, not before the kills: a code edit meanwhile changes the hashes.
    const planned = await plannedRuns(args);
    rows.push({
      ...await resume(place, args, ledger, planned, kills),
      reproduce: options.reproduce,
    });
  }
  return rows;
}

interface Step {
  readonly row: Row;
  readonly finished: number;
}

/** One resume of the sweep, killed once as `mode` says. */
async function killStep(
  place: Place,
  args: readonly string[],
  ledger: Ledger,
  options: { mode: KillMode; rng: () => number },
): Promise<Step> {
  const { mode, rng } = options;
  const finishedBefore = new Set(ledger.finished.keys());
  const task = startTask("ablate", args);
  const owner = await firstChild(task.pid);
  const problems: string[] = [];
  let what: string;
  let target: number | null = owner;
  if (mode === "owner") {
    const ms = Math.round(300 + rng() * OWNER_WINDOW_MS);
    await sleep(ms);
    what = msg.killOwnerAt(ms);
  } else if (mode === "worker") {
    const started = await task.waitFor(/^start .* pid (\d+)$/, 60_000);
    const ms = Math.round(rng() * WORKER_WINDOW_MS);
    await sleep(ms);
    target = started === null ? null : Number(started[1]);
    what = msg.killWorkerAt(ms);
  } else if (mode === "ingest") {
    const landed = await recordLands(place, task, 60_000);
    const ms = Math.round(rng() * NEAR_MS);
    await sleep(ms);
    const still = landed !== null && await exists(join(place.records, landed));
    what = msg.killDuringIngest(ms, landed !== null, still);
  } else {
    const last = await task.waitFor(/^Done:/, 120_000);
    const ms = Math.round(rng() * NEAR_MS);
    await sleep(ms);
    what = msg.killAtClose(ms, last !== null);
  }
  const tree = owner === null ? [] : treeOf(owner);
  ledger.sawFinished(announcedFinished(task.lines));
  ledger.sawRecords(await recordsUnder(place.records));
  if (target === null) problems.push(msg.NO_TARGET);
  else signal(target, "SIGKILL");
  if (mode === "close") what += msg.walLeft(await exists(`${place.db}.wal`));
  const ended = await task.done;
  if (ended.hung) problems.push(msg.hung("ablate", ended.ms));
  const left = await waitGone(tree, ORPHAN_MS);
  if (left.length > 0) {
    problems.push(msg.orphans(left, ORPHAN_MS));
    for (const pid of left) signal(pid, "SIGKILL");
    await waitGone(left, 5_000);
  }
  problems.push(...retrained(task.lines, finishedBefore));
  const after = await look(place, ledger, mode === "worker" && !ended.hung);
  return {
    row: row({
      group: "kill",
      scenario: what,
      ...after.figures,
      problems: [...problems, ...after.problems],
      reproduce: "",
    }),
    finished: after.figures.finished ?? 0,
  };
}

/** The resume that ends a round: every planned run must end finished, exactly once. */
async function resume(
  place: Place,
  args: readonly string[],
  ledger: Ledger,
  planned: ReadonlySet<string>,
  kills: number,
): Promise<Row> {
  const finishedBefore = new Set(ledger.finished.keys());
  const task = startTask("ablate", args);
  const ended = await task.done;
  const problems: string[] = [];
  if (ended.code !== 0) problems.push(msg.exitCode("ablate", ended.code, ended.stderr));
  problems.push(...retrained(task.lines, finishedBefore));
  const after = await look(place, ledger, true);
  for (const hash of planned) {
    const times = after.probed.runs.filter((r) =>
      short(r.hash) === hash && r.status === "finished"
    );
    if (times.length !== 1) problems.push(msg.notFinishedOnce(hash, times.length));
  }
  return row({
    group: "kill",
    scenario: msg.resumeAfterKills(kills, planned.size),
    ...after.figures,
    problems: [...problems, ...after.problems],
    reproduce: shownCommand("ablate", args),
  });
}

/** Waits for a new record file at the top of the records folder; its name, or `null`. */
async function recordLands(place: Place, task: Proc, ms: number): Promise<string | null> {
  const before = new Set(await names(place.records));
  const until = Date.now() + ms;
  let over = false;
  task.done.then(() => over = true);
  while (!over && Date.now() < until) {
    const fresh = (await names(place.records)).find((n) => !before.has(n));
    if (fresh !== undefined) return fresh;
    await sleep(2);
  }
  return null;
}

async function names(dir: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(dir)))
      .filter((e) => e.isFile && e.name.endsWith(".run.json") && !e.name.startsWith("."))
      .map((e) => e.name);
  } catch {
    return [];
  }
}

/** Whether something is at `path`. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGTERM and SIGINT to each process of a sweep's tree: the `deno task` process a user starts,
 * the `deno run` owner below it, and a worker. A signal to any of them stops the whole tree (a
 * user who signals a worker means to stop, as with Ctrl-C, which reaches every process of the
 * group): the runs in flight are marked interrupted with the signal named, and the sweep exits
 * 130 (SIGINT) or 143 (SIGTERM).
 *
 * @module
 */
import { type Area, copyPlace, type Place, sweepArgs } from "./area.ts";
import { Ledger } from "./ledger.ts";
import { before, look } from "./look.ts";
import * as msg from "./messages.ts";
import { firstChild, signal, sleep, startTask, treeOf, waitGone } from "./proc.ts";
import { type Row, row } from "./table.ts";

/** A signal and the process of the tree it goes to. */
export interface SignalCase {
  readonly signal: "SIGTERM" | "SIGINT";
  readonly target: keyof typeof msg.TARGETS;
}

/** Every signal to every process of the tree. */
export const SIGNAL_CASES: readonly SignalCase[] = (["task", "owner", "worker"] as const)
  .flatMap((target) => (["SIGTERM", "SIGINT"] as const).map((signal) => ({ signal, target })));

/** The cases `--short` runs. */
export const SHORT_SIGNAL_CASES: readonly SignalCase[] = [
  { signal: "SIGTERM", target: "task" },
  { signal: "SIGINT", target: "owner" },
  { signal: "SIGTERM", target: "worker" },
];

/** The exit code a sweep should end with. */
function expectedCode(c: SignalCase): number {
  return c.signal === "SIGINT" ? 130 : 143;
}

/** One row per case, each on its own copy of `base`. */
export async function signalDrill(
  area: Area,
  base: Place,
  cases: readonly SignalCase[],
  reproduce: string,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [i, c] of cases.entries()) {
    rows.push(await signalOne(await copyPlace(area, base, `signal-${i}`), c, reproduce));
  }
  return rows;
}

async function signalOne(place: Place, c: SignalCase, reproduce: string): Promise<Row> {
  const ledger = new Ledger();
  await before(place, ledger);
  const task = startTask("ablate", sweepArgs(place, 2), { deadlineMs: 90_000 });
  const owner = await firstChild(task.pid);
  const started = await task.waitFor(/^start .* pid (\d+)$/);
  await sleep(300);
  const tree = treeOf(task.pid);
  const pid = c.target === "task" ? task.pid : c.target === "owner" ? owner : Number(started?.[1]);
  const problems: string[] = [];
  if (pid === null || Number.isNaN(pid)) problems.push(msg.NO_TARGET);
  else signal(pid, c.signal);
  const ended = await task.done;
  const left = await waitGone(tree, 15_000);
  if (ended.hung) problems.push(msg.hung("ablate", ended.ms));
  else if (ended.code !== expectedCode(c)) {
    problems.push(msg.exitCode("ablate", ended.code, ended.stderr, expectedCode(c)));
  }
  if (left.length > 0) {
    problems.push(msg.orphans(left, 15_000));
    for (const p of left) signal(p, "SIGKILL");
    await waitGone(left, 5_000);
  }
  const after = await look(place, ledger, c.target === "worker");
  const running = after.probed.runs.filter((r) => r.status === "running").length;
  if (running > 0) problems.push(msg.leftRunning(running));
  const stopped = after.probed.runs.filter((r) =>
    r.status === "interrupted" || r.status === "failed"
  );
  const named = stopped.some((r) => (r.error ?? "").includes(c.signal));
  if (stopped.length > 0 && !named) {
    problems.push(msg.signalUnnamed(c.signal, stopped.map((r) => r.error ?? "")));
  }
  return row({
    group: "signals",
    scenario: msg.signalTo(c.signal, msg.TARGETS[c.target]),
    ...after.figures,
    culprit: stopped.length === 0 ? null : named,
    problems: [...problems, ...after.problems],
    reproduce,
  });
}

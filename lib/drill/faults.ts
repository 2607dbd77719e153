/**
 * The drill's other faults, each on its own copy of a finished sweep: two owners on one
 * database, readers (`query`) during a sweep, a full disk (a small tmpfs, root only), a
 * read-only working folder, and stale and corrupt records dropped into the records folder.
 *
 * @module
 */
import { join } from "node:path";
import { type Area, copyPlace, type Place, RUNS_PER_SEED, sweepArgs } from "./area.ts";
import { contentsUnder, digestOf, Ledger, recordsUnder, retrained } from "./ledger.ts";
import { before, look, namesCulprit, verdict } from "./look.ts";
import * as msg from "./messages.ts";
import { firstChild, runTask, shownCommand, signal, sleep, startTask } from "./proc.ts";
import { type Row, row } from "./table.ts";

/** A query slower than this during a sweep is a finding. */
export const READ_GOAL_MS = 2_000;

/** A copy of `base` named `name`, and a ledger that has seen it. */
async function start(area: Area, base: Place, name: string): Promise<[Place, Ledger]> {
  const place = await copyPlace(area, base, name);
  const ledger = new Ledger();
  await before(place, ledger);
  return [place, ledger];
}

/** Full hashes of the runs `place` has job files for, sorted. */
export async function jobHashes(place: Place): Promise<string[]> {
  const entries = await Array.fromAsync(Deno.readDir(join(place.work, "jobs")));
  return entries.map((e) => e.name.split(".")[0]!).sort();
}

/** A second `ablate` on a database a sweep holds: refused, naming the file and the holder. */
export async function twoOwners(area: Area, base: Place, reproduce: string): Promise<Row> {
  const [place, ledger] = await start(area, base, "two-owners");
  const args = sweepArgs(place, 2);
  const first = startTask("ablate", args);
  const owner = await firstChild(first.pid);
  await first.waitFor(/^start /);
  const second = await runTask("ablate", args, { deadlineMs: 90_000 });
  const ended = await first.done;
  const problems = ended.code === 0
    ? []
    : [msg.exitCode("the first ablate", ended.code, ended.stderr)];
  const after = await look(place, ledger, true);
  return row({
    group: "owners",
    scenario: msg.TWO_OWNERS,
    ...verdict("the second ablate", second, [place.db, String(owner)], after, { problems }),
    reproduce,
  });
}

/** `query` again and again while a sweep runs: each must answer within {@linkcode READ_GOAL_MS}. */
export async function readersDuringSweep(
  area: Area,
  base: Place,
  options: { tries: number; reproduce: string },
): Promise<Row> {
  const [place, ledger] = await start(area, base, "readers");
  // Enough runs to outlast the queries: about one smoke run per query.
  const sweep = startTask("ablate", sweepArgs(place, 1 + Math.ceil(options.tries / RUNS_PER_SEED)));
  let over = false;
  sweep.done.then(() => over = true);
  await sweep.waitFor(/^Running /);
  const answered: number[] = [];
  const problems: string[] = [];
  let failure: string | null = null;
  let tries = 0;
  for (; tries < options.tries && !over; tries++) {
    const args = ["SELECT count(*) AS n FROM runs", "--db", place.db];
    const t0 = Date.now();
    const ended = await runTask("query", args, { deadlineMs: 30_000 });
    const ms = Date.now() - t0;
    if (ended.code === 0) answered.push(ms);
    else failure ??= `${ended.stdout}\n${ended.stderr}`;
    if (ended.code !== 0 && problems.length === 0) {
      problems.push(msg.readerFailed(ms, failure ?? ""));
    }
    if (ended.code === 0 && ms > READ_GOAL_MS) problems.push(msg.readerSlow(ms, READ_GOAL_MS));
    await sleep(200);
  }
  const ended = await sweep.done;
  if (ended.code !== 0) problems.push(msg.exitCode("ablate", ended.code, ended.stderr));
  const unnamed = failure === null ? null : namesCulprit(failure, [place.db]);
  const after = await look(place, ledger, true);
  const sorted = answered.toSorted((a, b) => a - b);
  const median = sorted.length === 0 ? null : sorted[Math.floor(sorted.length / 2)]!;
  return row({
    group: "readers",
    scenario: msg.readers(answered.length, tries, median),
    ...after.figures,
    culprit: failure === null ? null : unnamed === null,
    problems: [...problems, ...after.problems],
    reproduce: options.reproduce,
  });
}

/** Runs `command` (a mount or unmount); its error output, or `null` when it worked. */
async function system(command: string[]): Promise<string | null> {
  try {
    const out = await new Deno.Command(command[0]!, { args: command.slice(1), stderr: "piped" })
      .output();
    return out.success ? null : new TextDecoder().decode(out.stderr).trim() || "failed";
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * A sweep on a tmpfs with room for the database and about two runs' files: it must fail
 * naming the full disk and lose nothing; once the disk has room, a resume finishes every run.
 * Skipped (with the reason) where a tmpfs cannot be mounted.
 */
export async function diskFull(area: Area, base: Place, reproduce: string): Promise<Row[]> {
  const skip = (reason: string) => [
    row({ group: "disk", scenario: msg.DISK_FULL, skipped: msg.noTmpfs(reason), reproduce }),
  ];
  if (Deno.build.os !== "linux" || Deno.uid() !== 0) return skip("not root");
  const dir = join(area.root, "disk-full");
  await Deno.mkdir(dir);
  const size = Math.ceil((await Deno.stat(base.db)).size / 1024) + 3 * 1024;
  const failed = await system(["mount", "-t", "tmpfs", "-o", `size=${size}k`, "tmpfs", dir]);
  if (failed !== null) return skip(failed);
  try {
    const [place, ledger] = await start(area, base, "disk-full");
    const args = sweepArgs(place, 3);
    const full = await runTask("ablate", args, { deadlineMs: 180_000 });
    const first = await look(place, ledger, false);
    await system(["mount", "-o", "remount,size=262144k", dir]);
    const again = await runTask("ablate", args, { deadlineMs: 180_000 });
    const second = await look(place, ledger, true);
    const missing = RUNS_PER_SEED * 3 - (second.figures.finished ?? 0);
    return [
      row({
        group: "disk",
        scenario: msg.DISK_FULL,
        ...verdict("ablate", full, ["space"], first),
        reproduce,
      }),
      row({
        group: "disk",
        scenario: msg.DISK_FREED,
        ...second.figures,
        problems: [
          ...(again.code === 0 ? [] : [msg.exitCode("ablate", again.code, again.stderr)]),
          ...(missing > 0 ? [msg.notFinished(missing)] : []),
          ...second.problems,
        ],
        reproduce,
      }),
    ];
  } finally {
    await system(["umount", "-l", dir]);
  }
}

/**
 * A sweep whose working folder cannot be written (a read-only bind mount as root, else file
 * modes): it must fail naming the folder and lose nothing.
 */
export async function readOnlyWork(area: Area, base: Place, reproduce: string): Promise<Row> {
  const [place, ledger] = await start(area, base, "read-only");
  const asRoot = Deno.build.os === "linux" && Deno.uid() === 0;
  const failed = asRoot
    ? (await system(["mount", "--bind", place.work, place.work])) ??
      await system(["mount", "-o", "remount,bind,ro", place.work])
    : await system(["chmod", "-R", "a-w", place.work]);
  if (failed !== null) {
    if (asRoot) await system(["umount", "-l", place.work]);
    const skipped = msg.noReadOnly(failed);
    return row({ group: "read-only", scenario: msg.READ_ONLY, skipped, reproduce });
  }
  try {
    const ended = await runTask("ablate", sweepArgs(place, 2), { deadlineMs: 120_000 });
    const after = await look(place, ledger, true);
    return row({
      group: "read-only",
      scenario: msg.READ_ONLY,
      ...verdict("ablate", ended, [place.work], after),
      reproduce,
    });
  } finally {
    await system(asRoot ? ["umount", "-l", place.work] : ["chmod", "-R", "u+w", place.work]);
  }
}

/**
 * Stale and corrupt records: `run-one` of a finished run stopped by Ctrl-C then `collect`; a
 * failed record of a finished run then `ablate`; corrupt records then `ablate`. A finished run
 * must stay finished and every record must stay on disk.
 */
export async function staleAndCorrupt(area: Area, base: Place, reproduce: string): Promise<Row[]> {
  return [
    await staleRunOne(area, base, reproduce),
    await staleFailed(area, base, reproduce),
    await corruptRecords(area, base, reproduce),
  ];
}

async function staleRunOne(area: Area, base: Place, reproduce: string): Promise<Row> {
  const [place, ledger] = await start(area, base, "stale-run-one");
  const [hash] = await jobHashes(place);
  const runOne = startTask("run-one", [
    hash!,
    "--jobs",
    join(place.work, "jobs"),
    "--records",
    place.records,
  ]);
  const child = await firstChild(runOne.pid);
  await sleep(800);
  for (const pid of [runOne.pid, child ?? runOne.pid]) signal(pid, "SIGINT");
  await runOne.done;
  const landed = [...(await recordsUnder(place.records)).values()]
    .find((r) => r.hash === hash && r.status !== "finished");
  const collect = await runTask("collect", ["--from", place.records, "--db", place.db]);
  const after = await look(place, ledger, true);
  return row({
    group: "records",
    scenario: `${msg.STALE_RUN_ONE}${landed ? ` (${landed.status} record)` : ""}`,
    ...after.figures,
    problems: [...after.problems, ...(collect.hung ? [msg.hung("collect", collect.ms)] : [])],
    reproduce,
  });
}

async function staleFailed(area: Area, base: Place, reproduce: string): Promise<Row> {
  const [place, ledger] = await start(area, base, "stale-failed");
  const [hash] = await jobHashes(place);
  const name = `${hash}.run.json`;
  const record = JSON.parse(await Deno.readTextFile(join(place.records, "ingested", name)));
  const stale = { ...record, status: "failed", error: "a stale failure", results: [] };
  await Deno.writeTextFile(join(place.records, name), JSON.stringify(stale));
  const args = sweepArgs(place);
  const finished = new Set(ledger.finished.keys());
  const ended = await runTask("ablate", args, { deadlineMs: 120_000 });
  const after = await look(place, ledger, true);
  const problems = ended.code === 0 ? [] : [msg.exitCode("ablate", ended.code, ended.stdout)];
  problems.push(...retrained(ended.stdout.split("\n"), finished));
  return row({
    group: "records",
    scenario: msg.STALE_FAILED,
    ...after.figures,
    problems: [...problems, ...after.problems],
    reproduce: `${reproduce} # or: ${shownCommand("ablate", args)}`,
  });
}

async function corruptRecords(area: Area, base: Place, reproduce: string): Promise<Row> {
  const place = await copyPlace(area, base, "corrupt");
  const [hash] = await jobHashes(place);
  const corrupt = join(place.records, `${hash}.run.json`);
  const text = '{"hash": "';
  await Deno.writeTextFile(corrupt, text);
  const ledger = new Ledger();
  await before(place, ledger);
  const finished = new Set(ledger.finished.keys());
  const ended = await runTask("ablate", sweepArgs(place), { deadlineMs: 120_000 });
  const after = await look(place, ledger, true);
  // Kept where it was, or set aside (moved or renamed) under the records folder.
  const kept = (await contentsUnder(place.records)).has(await digestOf(text));
  const problems = [
    ...(kept ? [] : [msg.lostItem(msg.deleted(corrupt))]),
    ...retrained(ended.stdout.split("\n"), finished),
  ];
  return row({
    group: "records",
    scenario: msg.CORRUPT_RECORDS,
    ...verdict("ablate", ended, [corrupt], after, { mustFail: false, problems }),
    reproduce,
  });
}

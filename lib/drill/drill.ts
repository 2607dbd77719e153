/**
 * The fault drill: builds a finished smoke sweep in a throwaway folder, runs each scenario group
 * against copies of it (or fresh places), and returns one row per scenario. A scenario that
 * throws becomes a failing row, so one broken scenario does not hide the others.
 *
 * @module
 */
import { createRng } from "../data/rng.ts";
import { Area, finishedPlace, type Place } from "./area.ts";
import type { DrillArgs, Group } from "./args.ts";
import {
  diskFull,
  readersDuringSweep,
  readOnlyWork,
  staleAndCorrupt,
  twoOwners,
} from "./faults.ts";
import { killDrill } from "./kills.ts";
import { CASES, malformedDrill, SHORT_CASES } from "./malformed.ts";
import * as msg from "./messages.ts";
import { shownCommand } from "./proc.ts";
import { SHORT_SIGNAL_CASES, SIGNAL_CASES, signalDrill } from "./signals.ts";
import { passed, type Row, row } from "./table.ts";

/** How many of each the full drill and `--short` run. */
const SIZES = {
  full: { kills: 24, readers: 10, lanes: 2 },
  short: { kills: 4, readers: 3, lanes: 2 },
} as const;

/** Where the drill's progress goes. */
export interface DrillIo {
  /** A line saying where the drill runs, and each row as it completes. */
  readonly progress: (line: string) => void;
}

/** Runs the drill `args` asks for; its rows, in order. */
export async function runDrill(
  args: Omit<DrillArgs, "help" | "strict">,
  io: DrillIo,
): Promise<Row[]> {
  const size = args.short ? SIZES.short : SIZES.full;
  const area = await Area.create(args.dbDir, args.keep);
  io.progress(msg.startingIn(area.root, args.short, args.seed));
  const rng = createRng(args.seed);
  const rows: Row[] = [];
  const wanted = (group: Group) => args.only.length === 0 || args.only.includes(group);
  const reproduce = (group: Group) =>
    shownCommand("drill", [
      ...(args.short ? ["--short"] : []),
      "--only",
      group,
      "--seed",
      String(args.seed),
      "--keep",
    ]);
  const group = async (name: Group, scenario: () => Promise<Row[]>) => {
    if (!wanted(name)) return;
    let got: Row[];
    try {
      got = await scenario();
    } catch (error) {
      const problems = [msg.scenarioCrashed(String((error as Error)?.stack ?? error))];
      got = [row({ group: name, scenario: name, problems, reproduce: reproduce(name) })];
    }
    for (const r of got) {
      io.progress(`${passed(r) ? (r.skipped ? "skip" : "ok  ") : "FAIL"} ${r.scenario}`);
    }
    rows.push(...got);
  };
  try {
    let base: Place | null = null;
    const finished = async () => base ??= await finishedPlace(area, "base");
    await group(
      "kill",
      () => killDrill(area, rng, { count: size.kills, reproduce: reproduce("kill") }),
    );
    await group("malformed", async () =>
      malformedDrill(
        area,
        await finished(),
        args.short ? CASES.filter((c) => SHORT_CASES.includes(c.name)) : CASES,
        size.lanes,
      ));
    await group(
      "records",
      async () => staleAndCorrupt(area, await finished(), reproduce("records")),
    );
    await group(
      "owners",
      async () => [await twoOwners(area, await finished(), reproduce("owners"))],
    );
    await group("readers", async () => [
      await readersDuringSweep(area, await finished(), {
        tries: size.readers,
        reproduce: reproduce("readers"),
      }),
    ]);
    await group(
      "signals",
      async () =>
        signalDrill(
          area,
          await finished(),
          args.short ? SHORT_SIGNAL_CASES : SIGNAL_CASES,
          reproduce("signals"),
        ),
    );
    await group("disk", async () => diskFull(area, await finished(), reproduce("disk")));
    await group(
      "read-only",
      async () => [await readOnlyWork(area, await finished(), reproduce("read-only"))],
    );
  } finally {
    await area.dispose();
  }
  return rows;
}

/**
 * The look after a fault, shared by the scenarios: a second client opens the database, the
 * ledger counts what was lost, and a message is checked for naming its culprit.
 *
 * @module
 */
import type { Place } from "./area.ts";
import { type Ledger, recordsUnder } from "./ledger.ts";
import * as msg from "./messages.ts";
import { probe, type Probed } from "./probe.ts";
import type { Ended } from "./proc.ts";
import type { Row } from "./table.ts";

/** The figures of a row after a look, and what the second client saw. */
export interface Look {
  readonly figures: Pick<Row, "finished" | "lost" | "duplicated" | "opens">;
  /** The probe's error, as a problem, when the file did not open. */
  readonly problems: readonly string[];
  readonly probed: Probed;
}

/** Looks at `place` after a fault (`settled`: the owner has stored all it was going to). */
export async function look(place: Place, ledger: Ledger, settled: boolean): Promise<Look> {
  const made = await Deno.lstat(place.db).then(() => true, () => false);
  const probed = made ? (await probe([place.db])).get(place.db)! : NO_FILE(place.db);
  const account = ledger.account(probed, await recordsUnder(place.records), { settled });
  return {
    figures: {
      finished: account.finished,
      lost: account.lost,
      duplicated: account.duplicated,
      opens: made ? probed.opens : null,
    },
    problems: probed.opens ? [] : [msg.probeError(probed.error)],
    probed,
  };
}

/** What a probe of a file that was never made would say: nothing to open, nothing in it. */
const NO_FILE = (path: string): Probed => ({
  path,
  opens: true,
  error: null,
  runs: [],
  duplicated: [],
});

/** What a ledger should know before a fault at `place`: what is finished and on disk now. */
export async function before(place: Place, ledger: Ledger): Promise<void> {
  await look(place, ledger, false);
}

/**
 * A stack trace in a message (a user-facing error should not need one): two or more frames. One
 * `at FILE:LINE:COL` line is where a syntax error is, which names the culprit.
 */
const STACK = /^\s+at .+[:(]\d+.*\n\s+at .+[:(]\d+/m;

/**
 * Whether `output` names every one of `culprits` (case-insensitively) without a stack trace:
 * `null` when it does, else the problem.
 */
export function namesCulprit(output: string, culprits: readonly string[]): string | null {
  const lower = output.toLowerCase();
  const missing = culprits.filter((c) => !lower.includes(c.toLowerCase()));
  if (missing.length > 0) return msg.culpritMissing(missing, output);
  if (STACK.test(output)) return msg.stackTrace(output);
  return null;
}

/**
 * The figures and verdicts of a row for a task that met a fault: the look's figures, whether
 * its message names every one of `culprits`, and the problems (it exited 0 where it `mustFail`,
 * the culprit left unnamed, `problems` given, the look's own).
 */
export function verdict(
  task: string,
  ended: Ended,
  culprits: readonly string[],
  after: Look,
  options: { mustFail?: boolean; problems?: readonly string[] } = {},
): Pick<Row, "finished" | "lost" | "duplicated" | "opens" | "culprit" | "problems"> {
  const unnamed = namesCulprit(`${ended.stdout}\n${ended.stderr}`, culprits);
  const accepted = (options.mustFail ?? true) && ended.code === 0;
  return {
    ...after.figures,
    culprit: unnamed === null,
    problems: [
      ...(ended.hung ? [msg.hung(task, ended.ms)] : accepted ? [msg.accepted(task)] : []),
      ...(unnamed === null ? [] : [unnamed]),
      ...options.problems ?? [],
      ...after.problems,
    ],
  };
}

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
  const probed = (await probe([place.db])).get(place.db)!;
  const account = ledger.account(probed, await recordsUnder(place.records), { settled });
  return {
    figures: {
      finished: account.finished,
      lost: account.lost,
      duplicated: account.duplicated,
      opens: probed.opens,
    },
    problems: probed.opens ? [] : [msg.probeError(probed.error)],
    probed,
  };
}

/** What a ledger should know before a fault at `place`: what is finished and on disk now. */
export async function before(place: Place, ledger: Ledger): Promise<void> {
  await look(place, ledger, false);
}

/** A stack trace in a message (a user-facing error should not need one). */
const STACK = /^\s+at .+[:(]\d+/m;

/**
 * Whether `output` names every one of `culprits` (case-insensitively) without a stack trace;
 * the problem when it does not.
 */
export function namesCulprit(output: string, culprits: readonly string[]): string | null {
  const lower = output.toLowerCase();
  const missing = culprits.filter((c) => !lower.includes(c.toLowerCase()));
  if (missing.length > 0) return msg.culpritMissing(missing, output);
  if (STACK.test(output)) return msg.stackTrace(output);
  return null;
}

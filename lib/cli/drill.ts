/**
 * `deno task drill`: the fault-injection suite on a throwaway database (see
 * `lib/drill/drill.ts` and `--help`). Prints the table, the failing rows with how to reproduce
 * each, and a summary line; exits 1 when anything was lost or duplicated.
 *
 * @module
 */
import { cliMain } from "../_args.ts";
import { DRILL, type DrillArgs } from "../drill/args.ts";
import { runDrill } from "../drill/drill.ts";
import * as msg from "../drill/messages.ts";
import { formatFindings, formatTable, totals } from "../drill/table.ts";

async function drill(args: DrillArgs): Promise<number> {
  const started = Date.now();
  const rows = await runDrill(args, { progress: (line) => console.error(line) });
  console.log(formatTable(rows));
  const findings = formatFindings(rows);
  if (findings !== "") console.log(`\n${findings}`);
  const t = totals(rows);
  console.log(`\n${msg.summary(t, args.seed, Date.now() - started)}`);
  return t.lost + t.duplicated > 0 || (args.strict && t.failed > 0) ? 1 : 0;
}

/** Parses `args`, runs, and returns the exit code. */
export const main = cliMain(DRILL, drill);

if (import.meta.main) Deno.exit(await main(Deno.args));

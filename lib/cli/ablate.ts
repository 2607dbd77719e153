/**
 * `deno task ablate NAME|all`: train every variant x seed of an ablation (one paper table), track
 * them in DuckDB and print the table, paper value beside measured mean ± 95% CI. `--plan` prints
 * the runs instead. See `lib/sweep/sweep.ts` and `--help`.
 *
 * @module
 */
import { cliMain } from "../_args.ts";
import { SWEEP, type SweepArgs } from "../sweep/args.ts";
import { createDisplay } from "../sweep/progress.ts";
import { listenForInterrupts, stopMessage } from "../sweep/signals.ts";
import { checkLauncherFlags, slurmStatus } from "../sweep/slurm.ts";
import { planSweep, runSweep } from "../sweep/sweep.ts";
import { checkUntilResolvedFlags, runUntilResolved } from "../sweep/until_resolved.ts";

async function ablate(args: SweepArgs): Promise<number> {
  checkLauncherFlags(args);
  checkUntilResolvedFlags(args);
  if (args.status) {
    console.log(await slurmStatus(args));
    return 0;
  }
  if (args.plan) {
    console.log(await planSweep(args));
    return 0;
  }
  const display = createDisplay();
  const interrupts = listenForInterrupts((cause) => display.log(stopMessage(cause)));
  const run = args.untilResolved ? runUntilResolved : runSweep;
  try {
    return await run(args, { display, print: (text) => console.log(text) }, {
      stop: interrupts.stop,
      kill: interrupts.kill,
    });
  } catch (error) {
    display.close();
    throw error;
  } finally {
    interrupts.dispose();
  }
}

/** Parses `args`, runs, and returns the exit code. */
export const main = cliMain(SWEEP, ablate);

if (import.meta.main) Deno.exit(await main(Deno.args));

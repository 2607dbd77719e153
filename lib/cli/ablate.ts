/**
 * `deno task ablate NAME|all`: train every variant x seed of an ablation (one paper table), track
 * them in DuckDB and print the table, paper value beside measured mean ± 95% CI. `--plan` prints
 * the runs instead. See `lib/sweep/sweep.ts` and `--help`.
 *
 * @module
 */
import { parseSweepArgs, SWEEP_HELP } from "../sweep/args.ts";
import * as msg from "../sweep/messages.ts";
import { createDisplay } from "../sweep/progress.ts";
import { listenForInterrupts } from "../sweep/signals.ts";
import { planSweep, runSweep } from "../sweep/sweep.ts";

/** Parses `args`, runs, and returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  const display = createDisplay();
  const interrupts = listenForInterrupts(() => display.log(msg.STOPPING));
  try {
    const parsed = parseSweepArgs(args);
    if (parsed.help) {
      console.log(SWEEP_HELP);
      return 0;
    }
    if (parsed.plan) {
      console.log(await planSweep(parsed));
      return 0;
    }
    return await runSweep(parsed, { display, print: (text) => console.log(text) }, {
      stop: interrupts.stop,
      kill: interrupts.kill,
    });
  } catch (error) {
    display.close();
    const debug = Deno.env.get("C2S_DEBUG") === "1";
    console.error(
      `error: ${error instanceof Error ? (debug ? error.stack : error.message) : error}`,
    );
    return 1;
  } finally {
    interrupts.dispose();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));

/**
 * `deno task report NAME|all [--db runs.duckdb] [--out reports/out]`: parse, render, print the
 * pages written. See `REPORT` in lib/report/args.ts.
 *
 * @module
 */
import { cliMain, type RequestOf } from "../_args.ts";
import { REPORT } from "../report/args.ts";
import { Msg } from "../report/messages.ts";
import { renderReport } from "../report/render.ts";
import type { ReportDefinition } from "../report/define.ts";

/** The repository's report definitions (loaded at run time, like the ablation specs). */
const REPORTS = new URL("../../reports/", import.meta.url);

async function report(args: RequestOf<typeof REPORT>): Promise<void> {
  const definition: ReportDefinition = (await import(new URL("paper.ts", REPORTS).href)).default;
  const result = await renderReport(args.target, {
    db: args.db,
    outDir: args.out,
    waitMs: args.waitMs,
    delta: args.delta,
    definition,
  });
  for (const warning of result.warnings) console.warn(`Warning: ${warning}`);
  for (const page of result.pages) {
    console.log(`${page.path}  (${page.rows} rows, ${page.finishedRuns} finished runs)`);
  }
  console.log(Msg.wrotePages(result.pages.length, result.ms));
}

/** Parses `args`, renders, and returns the exit code. */
export const main = cliMain(REPORT, report);

if (import.meta.main) Deno.exit(await main(Deno.args));

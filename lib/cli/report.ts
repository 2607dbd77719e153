/**
 * `deno task report NAME|all [--db runs.duckdb] [--out reports/out]`: parse, render, print the
 * pages written. See `REPORT_HELP` in lib/report/args.ts.
 *
 * @module
 */
import { parseReportArgs, REPORT_HELP } from "../report/args.ts";
import { Msg } from "../report/messages.ts";
import { renderReport } from "../report/render.ts";
import type { ReportDefinition } from "../report/define.ts";

/** The repository's report definitions (loaded at run time, like the ablation specs). */
const REPORTS = new URL("../../reports/", import.meta.url);

if (import.meta.main) {
  let args;
  try {
    args = parseReportArgs(Deno.args);
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(2);
  }
  if (args.help) {
    console.log(REPORT_HELP);
    Deno.exit(0);
  }
  try {
    const definition: ReportDefinition = (await import(new URL("paper.ts", REPORTS).href))
      .default;
    const result = await renderReport(args.target, { db: args.db, outDir: args.out, definition });
    for (const warning of result.warnings) console.warn(`Warning: ${warning}`);
    for (const page of result.pages) {
      console.log(`${page.path}  (${page.rows} rows, ${page.finishedRuns} finished runs)`);
    }
    console.log(Msg.wrotePages(result.pages.length, result.ms));
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(1);
  }
}

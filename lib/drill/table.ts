/**
 * The drill's output: one row per scenario with its figures (runs finished, lost, duplicated,
 * whether the database opens in a second client, whether the message names the culprit), then
 * what went wrong in each failing row with the command that reproduces it, then one summary line.
 *
 * @module
 */
import * as msg from "./messages.ts";

/** One scenario's outcome. */
export interface Row {
  /** The scenario group, as `--only` takes it. */
  readonly group: string;
  /** What was done. */
  readonly scenario: string;
  /** Runs finished in the database afterwards (`null`: no database involved). */
  readonly finished: number | null;
  /** What was lost (see `ledger.ts`); its length is the figure. */
  readonly lost: readonly string[];
  /** Runs with a row stored twice. */
  readonly duplicated: number;
  /** Whether the database opens in a second client afterwards (`null`: none involved). */
  readonly opens: boolean | null;
  /** Whether the error message names the culprit (`null`: no error expected). */
  readonly culprit: boolean | null;
  /** What went wrong besides a loss or a duplicate (a culprit left unnamed says what). */
  readonly problems: readonly string[];
  /** Why the scenario was not run, when it was not. */
  readonly skipped: string | null;
  /** The command that reproduces it. */
  readonly reproduce: string;
}

/** A row with the defaults of a scenario that involved no database and expected no error. */
export function row(fields: Pick<Row, "group" | "scenario" | "reproduce"> & Partial<Row>): Row {
  return {
    finished: null,
    lost: [],
    duplicated: 0,
    opens: null,
    culprit: null,
    problems: [],
    skipped: null,
    ...fields,
  };
}

/** Whether a row passed (a skipped row neither passes nor fails). */
export function passed(r: Row): boolean {
  return r.skipped !== null || (r.lost.length === 0 && r.duplicated === 0 &&
    r.opens !== false && r.culprit !== false && r.problems.length === 0);
}

function yesNo(value: boolean | null): string {
  return value === null ? "-" : value ? "yes" : "NO";
}

function verdict(r: Row): string {
  return r.skipped !== null ? "skipped" : passed(r) ? "ok" : "FAIL";
}

/** The table, one line per row, columns aligned. */
export function formatTable(rows: readonly Row[]): string {
  const head = ["scenario", "finished", "lost", "dup", "opens", "culprit", "result"];
  const body = rows.map((r) => [
    r.scenario,
    r.finished === null ? "-" : String(r.finished),
    String(r.lost.length),
    String(r.duplicated),
    yesNo(r.opens),
    yesNo(r.culprit),
    verdict(r),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)).join("  ")
      .trimEnd();
  return [line(head), ...body.map(line)].join("\n");
}

/** Each failing or skipped row: what went wrong (or why skipped) and how to reproduce it. */
export function formatFindings(rows: readonly Row[]): string {
  const out: string[] = [];
  for (const r of rows) {
    if (r.skipped !== null) out.push(msg.skippedRow(r.scenario, r.skipped));
    if (passed(r)) continue;
    const what = [
      ...r.lost.map(msg.lostItem),
      ...(r.duplicated > 0 ? [msg.duplicatedRuns(r.duplicated)] : []),
      ...(r.opens === false ? [msg.DOES_NOT_OPEN] : []),
      ...r.problems,
    ];
    out.push(msg.failedRow(r.scenario, what, r.reproduce));
  }
  return out.join("\n");
}

/** Totals over all rows. */
export interface Totals {
  readonly rows: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly lost: number;
  readonly duplicated: number;
}

/** Adds up the rows. */
export function totals(rows: readonly Row[]): Totals {
  const skipped = rows.filter((r) => r.skipped !== null).length;
  const ok = rows.filter(passed).length - skipped;
  return {
    rows: rows.length,
    passed: ok,
    failed: rows.length - ok - skipped,
    skipped,
    lost: rows.reduce((n, r) => n + r.lost.length, 0),
    duplicated: rows.reduce((n, r) => n + r.duplicated, 0),
  };
}

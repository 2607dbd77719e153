/**
 * The whole paper in one table: `deno task report all` writes `verdicts.md` beside `index.html`,
 * one line per table on its headline metric (hIoU where the table has it): the paper's order of its
 * rows, the measured order, Kendall tau-b between them, and how many of the paper's claims on that
 * metric read reproduced, reversed, equivalent or unresolved on paired seeds. Markdown, so it can
 * be pasted into a README or a paper's notes as it is.
 *
 * @module
 */
import type { Agreement } from "./agreement.ts";
import type { PaperValue, SummaryRow } from "./data.ts";
import { fmt } from "./vega_specs.ts";

/** One table of the verdicts file. */
export interface VerdictLine {
  readonly tableId: string | null;
  readonly ablation: string;
  /** Its headline agreement; null when the paper orders none of its rows. */
  readonly agreement: Agreement | null;
  /** Its summary rows (every metric; the headline metric's are read). */
  readonly summary: readonly SummaryRow[];
  /** The paper's values of its rows (every metric). */
  readonly paper: readonly PaperValue[];
}

/**
 * Variants ordered by `value`, best first, as `a > b = c` (equal values share a rank); variants
 * without a value are left out.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { ranking } from "./verdicts.ts";
 * assertEquals(ranking([["0", 41.0], ["6", 42.3], ["2", 41.0], ["14", null]]), "6 > 0 = 2");
 * ```
 */
export function ranking(values: readonly (readonly [string, number | null])[]): string {
  const known = values.filter((v): v is readonly [string, number] => v[1] !== null);
  const sorted = [...known].sort((a, b) => b[1] - a[1]);
  return sorted.map(([name, value], i) =>
    i === 0 ? name : `${value === sorted[i - 1]![1] ? "=" : ">"} ${name}`
  ).join(" ");
}

/** The seeds behind a table's headline rows: `5`, or `3-5` when the rows differ. */
function seedsOf(rows: readonly SummaryRow[]): string {
  const ns = rows.map((r) => r.n).filter((n) => n > 0);
  if (ns.length === 0) return "0";
  const lo = Math.min(...ns), hi = Math.max(...ns);
  return lo === hi ? String(lo) : `${lo}-${hi}`;
}

/**
 * The markdown table of `lines`. Measured means are rounded to one decimal before ranking, so a
 * tie the table shows is a tie in the order.
 */
export function verdictsMarkdown(lines: readonly VerdictLine[]): string {
  const head = [
    "table",
    "ablation",
    "metric",
    "seeds",
    "paper order",
    "measured order",
    "τb",
    "reproduced",
    "reversed",
    "equivalent",
    "unresolved",
  ];
  const rows = lines.map((line) => {
    const a = line.agreement;
    if (a === null) {
      return [line.tableId ?? "–", line.ablation, "–", "–", "–", "–", "–", "–", "–", "–", "–"];
    }
    const paper = line.paper.filter((p) => p.metric === a.metric);
    const measured = line.summary.filter((r) =>
      r.metric === a.metric && r.mean !== null && paper.some((p) => p.variant === r.variant)
    );
    const round = (v: number | null) => v === null ? null : Math.round(v * 10) / 10;
    return [
      line.tableId ?? "–",
      line.ablation,
      a.metric,
      seedsOf(measured),
      ranking(paper.map((p) => [p.variant, p.value])),
      ranking(measured.map((r) => [r.variant, round(r.mean)])) || "–",
      a.tau === null ? "n/a" : fmt(a.tau, 2),
      String(a.outcomes.reproduced),
      String(a.outcomes.reversed),
      String(a.outcomes.equivalent),
      String(a.outcomes.unresolved),
    ];
  });
  const cell = (s: string) => s.replaceAll("|", "\\|");
  return [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n") + "\n";
}

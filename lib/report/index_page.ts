/**
 * The index page of `deno task report all`: one summary chart (Kendall tau and claim outcomes per
 * table) and one line per table linking to its page.
 *
 * @module
 */
import { benchmarkSection } from "./ablation_page.ts";
import type { Agreement } from "./agreement.ts";
import { fmt, type IndexEntry, indexSummarySpec } from "./vega_specs.ts";
import { html, type PageChart, SafeHtml } from "./html.ts";
import type { ReportDefinition } from "./define.ts";

/** One table of the index: its summary entry and the page it links to. */
export interface IndexLine extends IndexEntry {
  /** Relative link to the table's page. */
  readonly href: string;
}

/** Kendall tau as the index prints it, naming the metric when it is not hIoU. */
function tauCell(a: Agreement | null): string {
  const tau = a?.tau == null ? "n/a" : fmt(a.tau, 2);
  return a && a.metric !== "hIoU" ? `${tau} (${a.metric})` : tau;
}

/** Title, body and charts of the index page. */
export function indexPage(
  lines: readonly IndexLine[],
  context: { definition: ReportDefinition; dbPath: string; generatedAt: Date },
): { title: string; body: SafeHtml; charts: PageChart[] } {
  const charts: PageChart[] = [{ id: "summary", spec: indexSummarySpec(lines) }];
  const body = html`
    <h1>${context.definition.title}</h1>
    <p>${context.definition.intro}</p>
    <p class="meta">Database <code>${context.dbPath}</code>, read ${context.generatedAt
      .toISOString()}.
    ${lines.length} tables.</p>
    <div class="chart" id="summary" data-chart="summary" data-rows="${lines.length}"></div>
    <table class="plain" id="tables">
      <thead>
        <tr>
          <th>table</th>
          <th>ablation</th>
          <th>paper's title</th>
          <th>finished runs</th>
          <th>τ<sub>b</sub> (hIoU)</th>
          <th>claims reproduced</th>
          <th>paper's best</th>
          <th>measured best</th>
        </tr>
      </thead>
      <tbody>${lines.map((l) => {
        const a = l.agreement;
        return html`
          <tr>
            <td>${l.tableId ?? "–"}</td>
            <td><a href="${l.href}">${l.ablation}</a></td>
            <td>${l.title}</td>
            <td class="num">${l.finishedRuns}</td>
            <td class="num">${tauCell(a)}</td>
            <td class="num">${a ? `${a.outcomes.reproduced} of ${a.claims.length}` : "–"}</td>
            <td>${a?.paperBest.join(", ") || "–"}</td>
            <td>${a?.measuredBest.join(", ") || (l.finishedRuns === 0 ? "no runs yet" : "–")}</td>
          </tr>
        `;
      })}</tbody>
    </table>
    <p class="meta">The same per table as markdown, with the paper's and the measured order and
    every verdict count: <a href="verdicts.md">verdicts.md</a>.</p>
    <h2>Teacher and benchmark</h2>
    ${benchmarkSection()}
  `;
  return { title: context.definition.title, body, charts };
}

/**
 * One ablation's page: agreement with the paper, the paper's table rebuilt beside the measured
 * values, the paper-vs-measured chart, training curves, per-class IoU, sample images, the settings
 * the runs used, the runs themselves, the teacher card and the benchmark's stand-ins.
 *
 * @module
 */
import {
  type Agreement,
  type Claim,
  ClaimOutcome,
  computeAgreement,
  describeGroup,
} from "./agreement.ts";
import { COMPARABILITY_NOTE, STAND_INS } from "./benchmark_card.ts";
import type { ReportData, RunInfo } from "./data.ts";
import { html, type PageChart, SafeHtml } from "./html.ts";
import { Msg } from "./messages.ts";
import type { SampleFigure } from "./samples.ts";
import { summarizeSettings } from "./settings.ts";
import type { ShownTeacherCard } from "./teacher_card.ts";
import { extraMetricsTable, fmtSigned, mainTable } from "./main_table.ts";
import { CLASS_LEGEND } from "./samples.ts";
import {
  classIouSpec,
  fmt,
  intervalSpec,
  lossCurvesSpec,
  metricCurvesSpec,
  summarizeCurves,
} from "./vega_specs.ts";

/** A paper table as printed: row names and one value per column. */
export interface PrintedTable {
  readonly id: string;
  readonly columns: readonly string[];
  readonly rows: readonly {
    readonly variant: string;
    readonly values: readonly (number | null)[];
  }[];
}

/** Everything besides the data that a page shows. */
export interface AblationPageContext {
  /** The paper table's title, or null for an ablation without a paper table. */
  readonly paperTitle: string | null;
  /** The spec's title, when the ablation has a spec. */
  readonly specTitle: string | null;
  /** Variant label -> the paper row it reproduces (null: a row beyond the paper). */
  readonly paperRows: Readonly<Record<string, string | null>>;
  /** The report definition's caption for this table. */
  readonly caption: string | null;
  /** The paper's table as printed (all its rows), or null. */
  readonly paperTable: PrintedTable | null;
  /** The paper's notes that concern this table. */
  readonly paperNotes: readonly string[];
  readonly samples: readonly SampleFigure[];
  readonly teacherCards: readonly ShownTeacherCard[];
  /** Problems met while reading artifacts. */
  readonly notes: readonly string[];
  /** The database file, as given. */
  readonly dbPath: string;
  readonly generatedAt: Date;
  /** Link back to the index page, when there is one. */
  readonly indexHref: string | null;
}

/** The agreements a page computes: one per metric, hIoU first when present. */
export function pageAgreements(data: ReportData): Agreement[] {
  const metrics = data.metrics.filter((m) => data.paper.some((p) => p.metric === m));
  return metrics.map((metric) =>
    computeAgreement(data.summary, { metric, variants: data.variants, paired: data.claims })
  );
}

/** The headline agreement of a page: hIoU when the table has it, else its first metric. */
export function headlineAgreement(agreements: readonly Agreement[]): Agreement | null {
  return agreements.find((a) => a.metric === "hIoU") ?? agreements[0] ?? null;
}

/** Title, body and charts of one ablation's page. */
export function ablationPage(
  data: ReportData,
  context: AblationPageContext,
): { title: string; body: SafeHtml; charts: PageChart[]; rows: number } {
  const agreements = pageAgreements(data);
  const headline = headlineAgreement(agreements);
  const finished = data.runs.filter((r) => r.status === "finished");
  const tableName = data.tableId ? `Table ${data.tableId}` : "Beyond the paper";
  const title = `${tableName} \u00b7 ${data.ablation}`;
  const charts: PageChart[] = [];

  const measuredMain = data.summary.some((r) => r.n > 0 && data.mainMetrics.includes(r.metric));
  if (measuredMain) {
    charts.push({
      id: "intervals",
      spec: intervalSpec({
        variants: data.variants,
        metrics: data.mainMetrics,
        summary: data.summary,
      }),
    });
  }
  const curves = summarizeCurves(data.curves);
  const losses = lossCurvesSpec(curves, data.variants);
  if (losses) charts.push({ id: "losses", spec: losses });
  const evals = metricCurvesSpec(curves, data.variants);
  if (evals) charts.push({ id: "eval-curves", spec: evals });
  const classIou = classIouSpec(data.classIou, data.variants);
  if (classIou) charts.push({ id: "class-iou", spec: classIou });
  const has = (id: string) => charts.some((c) => c.id === id);
  const chartDiv = (id: string) =>
    has(id) ? html`<div class="chart" id="${id}" data-chart="${id}"></div>` : null;

  const body = html`
    <nav>${context.indexHref
      ? html`<a href="${context.indexHref}">← All tables</a>`
      : null}<a href="#agreement">Agreement</a><a href="#table-section">Table</a><a href="#curves">Curves</a>
    <a href="#samples">Samples</a><a href="#settings">Settings</a><a href="#runs">Runs</a>
    <a href="#benchmark">Teacher and benchmark</a></nav>
    <h1>${title}</h1>
    <p class="muted">${context.specTitle
      ? `${context.specTitle}. `
      : ""}Paper: ${context.paperTitle ?? "no table"}.</p>
    <p class="meta">${metaLine(data, context)}</p>
    ${context.caption ? html`<p>${context.caption}</p>` : null}
    ${finished.length === 0
      ? html`<div class="notice" id="no-runs">${Msg.noRunsPage(data.ablation)}</div>`
      : null}
    ${context.notes.length > 0
      ? html`
        <div class="notice">
          <ul>${context.notes.map((n) => html`<li>${n}</li>`)}</ul>
        </div>
      `
      : null}
    <h2 id="agreement">Agreement with the paper</h2>
    ${agreementSection(headline, agreements, data.delta)}
    <h2 id="table-section">The table, paper beside measured</h2>
    ${mainTable(context.paperTitle ?? data.ablation, {
      variants: data.variants,
      metrics: data.mainMetrics,
      summary: data.summary,
      agreements,
    })}
    ${rowNames(data.variants, context.paperRows)}
    ${extraMetricsTable(
      data.variants,
      data.metrics.filter((m) => !data.mainMetrics.includes(m)),
      data.summary,
    )}
    ${printedTable(context.paperTable)}
    ${chartDiv("intervals")}
    <p class="muted">${COMPARABILITY_NOTE}</p>
    <h2 id="curves">Training curves</h2>
    ${losses || evals || classIou
      ? [chartDiv("losses"), chartDiv("eval-curves"), chartDiv("class-iou")]
      : html`<p class="muted">No curves logged by finished runs yet.</p>`}
    <h2 id="samples">Samples</h2>
    ${samplesSection(context.samples)}
    <h2 id="settings">Settings</h2>
    ${settingsSection(data)}
    <h2 id="runs">Runs</h2>
    ${runsTable(data.runs)}
    <h2 id="benchmark">Teacher and benchmark</h2>
    ${teacherSection(context.teacherCards)}
    ${benchmarkSection()}
    ${context.paperNotes.length > 0
      ? html`
        <h3>Notes on the paper's table</h3>
        <ul>${context.paperNotes.map((n) => html`<li>${n}</li>`)}</ul>
      `
      : null}
  `;
  return { title, body, charts, rows: data.variants.length };
}

function rowNames(
  variants: readonly string[],
  paperRows: Readonly<Record<string, string | null>>,
): SafeHtml | null {
  const renamed = variants.filter((v) => v in paperRows && paperRows[v] !== v);
  if (renamed.length === 0) return null;
  return html`<p class="meta">Rows: ${
    renamed.map((v, i) =>
      html`${i > 0 ? "; " : ""}<b>${v}</b> = ${
        paperRows[v] === null ? "beyond the paper (no paper row)" : `the paper's "${paperRows[v]}"`
      }`
    )
  }.</p>`;
}

function printedTable(table: PrintedTable | null): SafeHtml | null {
  if (table === null) return null;
  return html`
    <details id="paper-table">
      <summary>The paper's Table ${table.id} as printed (${plural(
        table.rows.length,
        "row",
      )})</summary>
      <table class="plain">
        <thead>
          <tr><th>row</th>${table.columns.map((c) => html`<th>${c}</th>`)}</tr>
        </thead>
        <tbody>${table.rows.map((r) =>
          html`<tr><td>${r.variant}</td>${
            r.values.map((v) => html`<td class="num">${fmt(v)}</td>`)
          }</tr>`
        )}</tbody>
      </table>
    </details>
  `;
}

/**
 * `1 row`, `4 rows`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { plural } from "./ablation_page.ts";
 * assertEquals([plural(1, "row"), plural(4, "row")], ["1 row", "4 rows"]);
 * ```
 */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function metaLine(data: ReportData, context: AblationPageContext): SafeHtml {
  const counts = new Map<string, number>();
  for (const r of data.runs) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const statuses = [...counts].map(([s, n]) => `${n} ${s}`).join(", ") || "no runs";
  const presets = [...new Set(data.runs.map((r) => r.preset).filter((p) => p !== null))];
  return html`Runs: ${statuses}${
    presets.length > 0 ? `; preset ${presets.join(", ")}` : ""
  }. Database <code>${context.dbPath}</code>, read ${context.generatedAt.toISOString()}.`;
}

function agreementSection(
  headline: Agreement | null,
  all: readonly Agreement[],
  delta: number,
): SafeHtml {
  if (headline === null) {
    return html`<p class="muted">The paper reports no values for this ablation, so there is
nothing to agree with.</p>`;
  }
  if (headline.ranked.length === 0) {
    return html`<p class="muted" id="tau" data-tau="n/a">Nothing to compare yet: no row with a
      paper value has been measured. The paper's best on ${headline.metric}: ${
      headline.paperBest.join(", ") || "–"
    }; it makes ${plural(headline.claims.length, "pairwise claim")} on this metric.</p>`;
  }
  const tauText = headline.tau === null ? "n/a" : headline.tau.toFixed(2);
  const others = all.filter((a) => a !== headline);
  const counts = (a: Agreement) => ClaimOutcome.map((o) => `${a.outcomes[o]} ${o}`).join(", ");
  return html`
    <p><span class="big" id="tau" data-tau="${tauText}">Kendall τ<sub>b</sub> = ${tauText}</span>
    <span class="muted"> on ${headline.metric}: the paper's ranking of the ${headline.ranked.length}
    measured variants against the measured ranking (${plural(headline.concordant, "pair")}
    concordant, ${headline.discordant} discordant${headline.tau === null
      ? "; needs at least two measured variants that differ"
      : ""}).</span></p>
    <p>Paper's best: <b>${headline.paperBest.join(", ") ||
      "–"}</b>. Measured best: <b>${headline.measuredBest.join(", ") ||
      "–"}</b>. The paper's ${plural(headline.claims.length, "claim")} on ${headline.metric},
    judged on paired seeds: <b id="verdicts">${counts(headline)}</b>.</p>
    ${headline.groups.length > 0
      ? html`
        <ul class="claims">${headline.groups.map((g) => html`<li>${describeGroup(g)}</li>`)}</ul>
        ${claimsTable(all)}
      `
      : html`<p class="muted">The paper's table orders no pair of variants on ${headline.metric}.</p>`}
    ${others.length > 0
      ? html`<p class="meta">Other metrics: ${
        others.map((a, i) =>
          html`${i > 0 ? "; " : ""}${a.metric}: τ<sub>b</sub> = ${
            a.tau === null ? "n/a" : a.tau.toFixed(2)
          }, ${counts(a)}`
        )
      }.</p>`
      : null}
    <p class="meta">A claim "a beats b" is every pair the paper's table orders. Runs of one seed
    share initialisation and data order, so each claim is judged on the per-seed differences a − b
    over the seeds both rows finished: a paired-t 95% CI (assuming normal differences and
    independent seeds; n ≥ 2) gives ${ClaimOutcome.map((o, i) =>
      html`${i > 0 ? ", " : ""}<span class="outcome-${o}">${o}</span>`
    )} (equivalent: the CI lies within ±${fmt(delta)} points). "Seeds needed" is the total n at
    which the observed spread would resolve an unresolved claim. The same numbers are the SQL
    macro <code>claims_at(${fmt(delta)})</code> of the database. Each CI here is for one look at
    the seeds as they are: if seeds were added until the claims resolved (<code>ablate
    --until-resolved</code>), every look was a chance to stop on a fluke, so that sweep judged each
    look at 1 − 0.05 / L for its L planned looks (98.75% for 4) and printed those verdicts; read
    a claim it left unresolved as unresolved, whatever this panel says.</p>
  `;
}

/** Every claim of every metric with its paired difference, CI, verdict and seeds needed. */
function claimsTable(all: readonly Agreement[]): SafeHtml {
  const claims = all.flatMap((a) => a.claims);
  const ci = (c: Claim) =>
    c.ci95Low === null || c.ci95High === null
      ? "–"
      : `[${fmtSigned(c.ci95Low)}, ${fmtSigned(c.ci95High)}]`;
  return html`
    <details id="claims" open>
      <summary>Every pairwise claim, paired over seeds (${claims.length})</summary>
      <table class="plain">
        <thead>
          <tr>
            <th>metric</th>
            <th>claim (paper)</th>
            <th class="num">paper</th>
            <th class="num">n</th>
            <th class="num">a − b</th>
            <th class="num">95% CI</th>
            <th>verdict</th>
            <th class="num">seeds needed</th>
          </tr>
        </thead>
        <tbody>${claims.map((c) =>
          html`
            <tr>
              <td>${c.metric}</td>
              <td>${c.winner} &gt; ${c.loser}</td>
              <td class="num">${fmt(c.paperWinner)} vs ${fmt(c.paperLoser)}</td>
              <td class="num">${c.n}</td>
              <td class="num">${fmtSigned(c.meanDiff)}</td>
              <td class="num">${ci(c)}</td>
              <td class="outcome-${c.outcome}">${c.n === 0 ? "not measured" : c.outcome}</td>
              <td class="num">${c.seedsNeeded ?? ""}</td>
            </tr>
          `
        )}</tbody>
      </table>
    </details>
  `;
}

function samplesSection(samples: readonly SampleFigure[]): SafeHtml {
  if (samples.length === 0) {
    return html`<p class="muted">No sample images recorded by finished runs.</p>`;
  }
  return html`<div class="figures">${
    samples.map((s) =>
      html`
        <figure data-variant="${s.variant}">
          <div class="panels">${s.panels.map((p) =>
            html`<div class="panel"><img src="${p.dataUrl}" alt="${p.label}, ${s.variant}">${p.label}</div>`
          )}</div>
          <figcaption>${s.variant}, seed ${s.seed}: ${s.caption}</figcaption>
        </figure>
      `
    )
  }</div>
<p class="meta legend" id="class-legend">${
    CLASS_LEGEND.map((c) =>
      html`<span class="swatch"><i style="background:${c.color}"></i>${c.label}</span>`
    )
  }</p>
<p class="meta">Ground truth and prediction: one colour per class, black is background (ignored);
pseudo masks draw the latent classes found on unannotated pixels in further colours.</p>`;
}

function settingsSection(data: ReportData): SafeHtml {
  if (data.params.length === 0) {
    return html`<p class="muted">No finished run has recorded its configuration yet.</p>`;
  }
  const s = summarizeSettings(data.params);
  const variants = data.variants.filter((v) => s.varying.some((k) => v in k.byVariant));
  return html`
    ${s.varying.length > 0
      ? html`
        <p>What each variant changed:</p>
        <table class="plain" id="varying">
          <thead>
            <tr>
        <th>variant</th>${s.varying.map((k) => html`<th><code>${k.key}</code></th>`)}</tr>
          </thead>
          <tbody>${variants.map((v) =>
            html`<tr><td>${v}</td>${
              s.varying.map((k) => html`<td>${k.byVariant[v] ?? "–"}</td>`)
            }</tr>`
          )}</tbody>
        </table>
      `
      : html`<p>All finished runs share one configuration (besides the seed).</p>`}
    <details>
      <summary>Settings shared by every finished run (${Object.keys(s.common).length})</summary>
      <table class="plain">
        <tbody>${Object.entries(s.common).map(([k, v]) =>
          html`
            <tr>
              <td><code>${k}</code></td>
              <td>${v}</td>
            </tr>
          `
        )}</tbody>
      </table>
    </details>
  `;
}

function duration(r: RunInfo): string {
  if (!r.startedAt || !r.endedAt) return "–";
  const s = (Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000;
  if (!Number.isFinite(s)) return "–";
  return s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`;
}

function runsTable(runs: readonly RunInfo[]): SafeHtml {
  if (runs.length === 0) return html`<p class="muted">No runs recorded.</p>`;
  return html`
    <div class="scroll">
      <table class="plain" id="runs-table">
        <thead>
          <tr>
            <th>variant</th>
            <th>seed</th>
            <th>status</th>
            <th>preset</th>
            <th>backend</th>
            <th>host</th>
            <th>started (UTC)</th>
            <th>took</th>
            <th>commit</th>
            <th>run</th>
            <th>error</th>
          </tr>
        </thead>
        <tbody>${runs.map((r) =>
          html`
            <tr>
              <td>${r.variant}</td>
              <td class="num">${r.seed}</td>
              <td>${r.status}</td>
              <td>${r.preset ?? "–"}</td>
              <td>${r.backend ?? "–"}</td>
              <td>${r.host ?? "–"}</td>
              <td>${r.startedAt ? r.startedAt.slice(0, 19).replace("T", " ") : "–"}</td>
              <td class="num">${duration(r)}</td>
              <td><code>${r.gitCommit ? r.gitCommit.slice(0, 10) : "–"}</code>${r.gitDirty
                ? " (dirty)"
                : ""}</td>
              <td><code title="${r.runId}">${r.runId.slice(0, 12)}</code></td>
              <td class="error">${r.error
                ? `${r.failedStep !== null ? `step ${r.failedStep}: ` : ""}${firstLine(r.error)}`
                : ""}</td>
            </tr>
          `
        )}</tbody>
      </table>
    </div>
  `;
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

function teacherSection(cards: readonly ShownTeacherCard[]): SafeHtml {
  if (cards.length === 0) {
    return html`
      <h3>Teacher card</h3>
      <p class="muted" id="teacher-card">No teacher card found: the
      shipped teacher has no <code>data/teacher/card.json</code> yet and no run recorded one
      (artifact kind <code>teacher-card</code>), so the teacher's zero-shot and dense accuracies
      are not shown here.</p>
    `;
  }
  return html`<h3>Teacher card</h3>${
    cards.map((c) =>
      html`
        <dl class="card teacher-card">${c.fields.map(([k, v]) =>
          html`
            <dt>${k}</dt>
            <dd>${v}</dd>
          `
        )}</dl>
        <p class="meta">From <code>${c.path}</code>.</p>
      `
    )
  }`;
}

/** The benchmark's honest labelling, shared by every page. */
export function benchmarkSection(): SafeHtml {
  return html`
    <h3>What stands in for what</h3>
    <table class="plain" id="stand-ins">
      <thead>
        <tr>
          <th>paper</th>
          <th>here</th>
          <th></th>
        </tr>
      </thead>
      <tbody>${STAND_INS.map((s) =>
        html`
          <tr>
            <td>${s.paper}</td>
            <td><b>${s.here}</b></td>
            <td>${s.note}</td>
          </tr>
        `
      )}</tbody>
    </table>
    <p class="muted">${COMPARABILITY_NOTE}</p>
  `;
}

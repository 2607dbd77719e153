/**
 * The run store's DuckDB schema, declared once as data: {@linkcode TABLES} and {@linkcode VIEWS}
 * produce both the DDL ({@linkcode schemaStatements}) and the reader's documentation
 * ({@linkcode SCHEMA_DOC}, copied into the README). Any DuckDB client can open the file.
 *
 * Runs are keyed by their config hash; one resolved config can serve several ablation tables
 * (the full method is a row of most), so table membership lives in `run_variants`.
 *
 * @module
 */

import { tCritical95, Z_975 } from "./student_t.ts";

/** Version of the layout below; bump it (and migrate) when a table changes. */
export const SCHEMA_VERSION = 1;

/** Run lifecycle states, in the order a run passes through them. */
export const RunStatus = ["running", "finished", "failed", "interrupted"] as const;
/** A run lifecycle state. */
export type RunStatus = typeof RunStatus[number];

/** Whether `value` is a {@linkcode RunStatus}. */
export function isRunStatus(value: unknown): value is RunStatus {
  return typeof value === "string" && (RunStatus as readonly string[]).includes(value);
}

/** One column: its name, DuckDB type, SQL constraint suffix and meaning. */
export interface ColumnDef {
  readonly name: string;
  readonly type: string;
  readonly constraint?: string;
  readonly doc: string;
}

/** One table of the store. */
export interface TableDef {
  readonly name: string;
  readonly doc: string;
  readonly columns: readonly ColumnDef[];
  readonly primaryKey?: readonly string[];
}

/** Largest degrees of freedom held in `t_crit`; beyond it the view uses the normal quantile. */
export const T_CRIT_MAX_DF = 1000;

const STATUS_CHECK = `CHECK (status IN (${RunStatus.map((s) => `'${s}'`).join(", ")}))`;

/** The tables, in creation (and export) order. */
export const TABLES: readonly TableDef[] = [
  {
    name: "schema_version",
    doc: "Layout version of this file; one row per version applied.",
    columns: [
      { name: "version", type: "INTEGER", constraint: "NOT NULL", doc: "Schema version number." },
      { name: "applied_at", type: "TIMESTAMP", constraint: "NOT NULL", doc: "When (UTC)." },
    ],
  },
  {
    name: "runs",
    doc: "One row per resolved config (config hash). `ablation`/`variant`/`seed` are those of " +
      "the plan that first produced it; `run_variants` lists every table row it serves.",
    primaryKey: ["id"],
    columns: [
      { name: "id", type: "VARCHAR", constraint: "NOT NULL", doc: "Run id = config hash." },
      { name: "hash", type: "VARCHAR", constraint: "NOT NULL", doc: "Content hash of config." },
      { name: "ablation", type: "VARCHAR", constraint: "NOT NULL", doc: "Ablation name." },
      { name: "variant", type: "VARCHAR", constraint: "NOT NULL", doc: "Variant label." },
      { name: "seed", type: "INTEGER", constraint: "NOT NULL", doc: "Training seed." },
      { name: "preset", type: "VARCHAR", constraint: "NOT NULL", doc: "smoke, quick or paper." },
      { name: "config", type: "JSON", doc: "Full resolved C2S config." },
      { name: "overrides", type: "JSON", doc: "Dotted keys the spec set on the base." },
      {
        name: "status",
        type: "VARCHAR",
        constraint: `NOT NULL ${STATUS_CHECK}`,
        doc: "running, finished, failed or interrupted.",
      },
      { name: "started_at", type: "TIMESTAMP", doc: "Start time (UTC)." },
      { name: "ended_at", type: "TIMESTAMP", doc: "End time (UTC); NULL while running." },
      { name: "git_commit", type: "VARCHAR", doc: "Commit of the code; NULL outside git." },
      { name: "git_dirty", type: "BOOLEAN", doc: "Uncommitted changes present; NULL unknown." },
      { name: "versions", type: "JSON", doc: "Versions of deno, tfjs, duckdb, ..." },
      { name: "backend", type: "VARCHAR", doc: "tfjs backend that trained it." },
      { name: "host", type: "VARCHAR", doc: "Host name of the training process." },
      { name: "pid", type: "INTEGER", doc: "Process id while running (for reaping)." },
      { name: "error", type: "VARCHAR", doc: "Error message and stack when not finished." },
      { name: "failed_step", type: "INTEGER", doc: "Training step of the failure." },
    ],
  },
  {
    name: "run_variants",
    doc: "Which ablation table rows a run serves (one run can serve several).",
    primaryKey: ["ablation", "variant", "run_id"],
    columns: [
      { name: "ablation", type: "VARCHAR", constraint: "NOT NULL", doc: "Ablation name." },
      { name: "variant", type: "VARCHAR", constraint: "NOT NULL", doc: "Variant label." },
      { name: "run_id", type: "VARCHAR", constraint: "NOT NULL", doc: "References runs.id." },
      { name: "seed", type: "INTEGER", constraint: "NOT NULL", doc: "Seed of the run." },
    ],
  },
  {
    name: "params",
    doc: "The resolved config flattened to dotted keys (`distill.global.bankSize` = `6`). " +
      "Strings are stored as is, numbers and booleans as text, arrays as JSON text, null as NULL.",
    primaryKey: ["run_id", "key"],
    columns: [
      { name: "run_id", type: "VARCHAR", constraint: "NOT NULL", doc: "References runs.id." },
      { name: "key", type: "VARCHAR", constraint: "NOT NULL", doc: "Dotted config key." },
      { name: "value", type: "VARCHAR", doc: "Value as text." },
    ],
  },
  {
    name: "metrics",
    doc: "Training curves: one row per logged (step, name).",
    columns: [
      { name: "run_id", type: "VARCHAR", constraint: "NOT NULL", doc: "References runs.id." },
      { name: "step", type: "INTEGER", constraint: "NOT NULL", doc: "Training step." },
      { name: "name", type: "VARCHAR", constraint: "NOT NULL", doc: "Curve name (loss, ...)." },
      { name: "value", type: "DOUBLE", doc: "Value (NaN when training diverged)." },
    ],
  },
  {
    name: "results",
    doc: "Final scores: split `eval`, metric hIoU, sIoU, uIoU, mIoU, ...",
    primaryKey: ["run_id", "split", "metric"],
    columns: [
      { name: "run_id", type: "VARCHAR", constraint: "NOT NULL", doc: "References runs.id." },
      { name: "split", type: "VARCHAR", constraint: "NOT NULL", doc: "Data split scored." },
      { name: "metric", type: "VARCHAR", constraint: "NOT NULL", doc: "Metric name." },
      { name: "value", type: "DOUBLE", doc: "Score (IoUs in percent as the paper's)." },
    ],
  },
  {
    name: "class_iou",
    doc: "Per-class IoU on the eval split.",
    columns: [
      { name: "run_id", type: "VARCHAR", constraint: "NOT NULL", doc: "References runs.id." },
      { name: "class", type: "VARCHAR", constraint: "NOT NULL", doc: "Class name." },
      { name: "seen", type: "BOOLEAN", constraint: "NOT NULL", doc: "Seen in training labels." },
      { name: "iou", type: "DOUBLE", doc: "IoU; NULL when the class never occurs." },
    ],
  },
  {
    name: "artifacts",
    doc: "Files a run wrote (checkpoints, sample images), with their SHA-256.",
    columns: [
      { name: "run_id", type: "VARCHAR", constraint: "NOT NULL", doc: "References runs.id." },
      { name: "kind", type: "VARCHAR", constraint: "NOT NULL", doc: "checkpoint, sample, ..." },
      { name: "path", type: "VARCHAR", constraint: "NOT NULL", doc: "Path as written." },
      { name: "sha256", type: "VARCHAR", constraint: "NOT NULL", doc: "Hex SHA-256 of the file." },
    ],
  },
  {
    name: "paper_values",
    doc: "The paper's reported numbers, per ablation table row and metric.",
    primaryKey: ["ablation", "variant", "metric"],
    columns: [
      { name: "table_id", type: "VARCHAR", constraint: "NOT NULL", doc: "Paper table (IX)." },
      { name: "ablation", type: "VARCHAR", constraint: "NOT NULL", doc: "Ablation name." },
      { name: "variant", type: "VARCHAR", constraint: "NOT NULL", doc: "Variant label." },
      { name: "metric", type: "VARCHAR", constraint: "NOT NULL", doc: "Metric name." },
      { name: "value", type: "DOUBLE", constraint: "NOT NULL", doc: "Value the paper reports." },
    ],
  },
  {
    name: "t_crit",
    doc: `Two-sided 95 % Student t critical values t(0.975, df) for df = 1..${T_CRIT_MAX_DF}, ` +
      "computed when the file is created; used by `variant_summary`.",
    primaryKey: ["df"],
    columns: [
      { name: "df", type: "INTEGER", constraint: "NOT NULL", doc: "Degrees of freedom (n - 1)." },
      { name: "t", type: "DOUBLE", constraint: "NOT NULL", doc: "Critical value." },
    ],
  },
];

/** One view of the store. */
export interface ViewDef {
  readonly name: string;
  readonly doc: string;
  readonly columns: readonly { readonly name: string; readonly doc: string }[];
  readonly sql: string;
}

/** The views, in creation order. */
export const VIEWS: readonly ViewDef[] = [
  {
    name: "variant_summary",
    doc: "Mean and spread over seeds per ablation row and metric: finished runs only, split " +
      "`eval`, grouped through `run_variants`, joined with `paper_values`.",
    columns: [
      { name: "ablation", doc: "Ablation name." },
      { name: "variant", doc: "Variant label." },
      { name: "metric", doc: "Metric name." },
      { name: "n", doc: "Number of finished runs (seeds) with a value." },
      { name: "mean", doc: "Mean over runs." },
      { name: "std", doc: "Sample standard deviation (n - 1); NULL when n = 1." },
      { name: "ci95_low", doc: "mean - t(0.975, n - 1) * std / sqrt(n); NULL when n = 1." },
      { name: "ci95_high", doc: "mean + t(0.975, n - 1) * std / sqrt(n); NULL when n = 1." },
      { name: "paper", doc: "The paper's value; NULL when it reports none." },
      { name: "delta", doc: "mean - paper." },
    ],
    sql: `
WITH per_run AS (
  SELECT rv.ablation, rv.variant, r.metric, r.value
  FROM run_variants rv
  JOIN runs ON runs.id = rv.run_id AND runs.status = 'finished'
  JOIN results r ON r.run_id = rv.run_id AND r.split = 'eval'
), agg AS (
  SELECT ablation, variant, metric,
         count(value) AS n, avg(value) AS mean, stddev_samp(value) AS std
  FROM per_run
  GROUP BY ablation, variant, metric
)
SELECT agg.ablation, agg.variant, agg.metric, agg.n, agg.mean, agg.std,
       agg.mean - coalesce(t_crit.t, ${Z_975}) * agg.std / sqrt(agg.n) AS ci95_low,
       agg.mean + coalesce(t_crit.t, ${Z_975}) * agg.std / sqrt(agg.n) AS ci95_high,
       p.value AS paper,
       agg.mean - p.value AS delta
FROM agg
LEFT JOIN t_crit ON t_crit.df = agg.n - 1
LEFT JOIN paper_values p
  ON p.ablation = agg.ablation AND p.variant = agg.variant AND p.metric = agg.metric
ORDER BY agg.ablation, agg.variant, agg.metric`,
  },
  {
    name: "run_eval",
    doc: "One row per run with its eval scores as columns (for quick looks and `deno task runs`).",
    columns: [
      { name: "id", doc: "Run id." },
      { name: "ablation, variant, seed, preset, status", doc: "As in `runs`." },
      { name: "started_at, ended_at", doc: "As in `runs`." },
      { name: "seconds", doc: "Wall time (ended_at - started_at)." },
      { name: "hIoU, sIoU, uIoU, mIoU", doc: "Eval results; NULL when absent." },
    ],
    sql: `
SELECT runs.id, runs.ablation, runs.variant, runs.seed, runs.preset, runs.status,
       runs.started_at, runs.ended_at,
       epoch(runs.ended_at) - epoch(runs.started_at) AS seconds,
       max(r.value) FILTER (WHERE r.metric = 'hIoU') AS "hIoU",
       max(r.value) FILTER (WHERE r.metric = 'sIoU') AS "sIoU",
       max(r.value) FILTER (WHERE r.metric = 'uIoU') AS "uIoU",
       max(r.value) FILTER (WHERE r.metric = 'mIoU') AS "mIoU"
FROM runs
LEFT JOIN results r ON r.run_id = runs.id AND r.split = 'eval'
GROUP BY ALL`,
  },
];

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `CREATE TABLE IF NOT EXISTS` for one table. */
export function createTableSql(table: TableDef): string {
  const cols = table.columns.map((c) =>
    `  ${quoteIdent(c.name)} ${c.type}${c.constraint ? ` ${c.constraint}` : ""}`
  );
  if (table.primaryKey) cols.push(`  PRIMARY KEY (${table.primaryKey.map(quoteIdent).join(", ")})`);
  return `CREATE TABLE IF NOT EXISTS ${quoteIdent(table.name)} (\n${cols.join(",\n")}\n)`;
}

/** `CREATE OR REPLACE VIEW` for one view. */
export function createViewSql(view: ViewDef): string {
  return `CREATE OR REPLACE VIEW ${quoteIdent(view.name)} AS${view.sql}`;
}

/** Every DDL statement of the schema, tables first, then views. Idempotent. */
export function schemaStatements(): string[] {
  return [...TABLES.map(createTableSql), ...VIEWS.map(createViewSql)];
}

/** The `t_crit` rows: `[df, t(0.975, df)]` for df = 1..{@linkcode T_CRIT_MAX_DF}. */
export function tCritRows(): [number, number][] {
  const rows: [number, number][] = [];
  for (let df = 1; df <= T_CRIT_MAX_DF; df++) rows.push([df, tCritical95(df)]);
  return rows;
}

function schemaDoc(): string {
  const out = [
    "## Run database schema",
    "",
    "`runs.duckdb` is a plain DuckDB file: open it with `duckdb runs.duckdb`, Python's `duckdb`, " +
    "or `deno task query`. Times are UTC `TIMESTAMP`s. Child tables refer to `runs.id` through " +
    "`run_id` (not declared as foreign keys, so a run can be re-ingested in place).",
    `Schema version: ${SCHEMA_VERSION}.`,
    "",
  ];
  for (const table of TABLES) {
    out.push(`### \`${table.name}\``, "", table.doc, "");
    if (table.primaryKey) out.push(`Primary key: (${table.primaryKey.join(", ")}).`, "");
    out.push("| column | type | meaning |", "| --- | --- | --- |");
    for (const c of table.columns) out.push(`| \`${c.name}\` | ${c.type} | ${c.doc} |`);
    out.push("");
  }
  for (const view of VIEWS) {
    out.push(`### view \`${view.name}\``, "", view.doc, "");
    out.push("| column | meaning |", "| --- | --- |");
    for (const c of view.columns) out.push(`| \`${c.name}\` | ${c.doc} |`);
    out.push("");
  }
  out.push(
    "Example:",
    "",
    "```sql",
    "SELECT variant, metric, n, round(mean, 2) AS mean, round(std, 2) AS std, paper, " +
      "round(delta, 2) AS delta",
    "FROM variant_summary WHERE ablation = 'token-bank' ORDER BY metric, variant;",
    "```",
    "",
  );
  return out.join("\n");
}

/** The schema as Markdown (one section per table and view), for the README. */
export const SCHEMA_DOC: string = schemaDoc();

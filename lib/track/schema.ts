/**
 * The run store's DuckDB schema, declared once as data: {@linkcode TABLES} gives the DDL
 * ({@linkcode schemaStatements}), the reader's documentation ({@linkcode SCHEMA_DOC}, copied
 * into the README), the column lists the store writes ({@linkcode columnNames}) and the row type
 * of each table ({@linkcode Row}). Any DuckDB client can open the file.
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

/** The JavaScript value a column of each SQL type takes when the store writes it. */
export interface SqlValue {
  VARCHAR: string;
  INTEGER: number;
  DOUBLE: number;
  BOOLEAN: boolean;
  TIMESTAMP: Date;
  /** Any JSON-serialisable value, stored as its JSON text. */
  JSON: unknown;
}

/** A column type of the store. */
export type SqlType = keyof SqlValue;

/** One column: its SQL type, whether it may be NULL, an optional CHECK and its meaning. */
export interface ColumnDef {
  readonly type: SqlType;
  /** `NOT NULL`. @default false */
  readonly notNull?: boolean;
  /** A `CHECK (...)` constraint. */
  readonly check?: string;
  readonly doc: string;
}

/** One table of the store; its columns in creation order. */
export interface TableDef {
  readonly doc: string;
  readonly primaryKey?: readonly string[];
  readonly columns: { readonly [name: string]: ColumnDef };
  /** The table holds part of a run (its rows are keyed by `run_id`). @default false */
  readonly partOfRun?: boolean;
}

/** Largest degrees of freedom held in `t_crit`; beyond it the view uses the normal quantile. */
export const T_CRIT_MAX_DF = 1000;

const STATUS_CHECK = `CHECK (status IN (${RunStatus.map((s) => `'${s}'`).join(", ")}))`;

/** `run_id`, the first column of every table that holds part of a run. */
const RUN_ID = { type: "VARCHAR", notNull: true, doc: "References runs.id." } as const;
/** Columns several tables share. */
const ABLATION = { type: "VARCHAR", notNull: true, doc: "Ablation name." } as const;
const VARIANT = { type: "VARCHAR", notNull: true, doc: "Variant label." } as const;
const METRIC = { type: "VARCHAR", notNull: true, doc: "Metric name." } as const;

/**
 * A table that holds part of a run: `run_id` first, then `columns`. Its primary key is `run_id`
 * and the `key` columns, or none when `key` is empty. Storing a run replaces all its rows in
 * every such table.
 */
function runPart<const C extends TableDef["columns"]>(
  doc: string,
  key: readonly (keyof C & string)[],
  columns: C,
) {
  return {
    doc,
    partOfRun: true,
    ...(key.length > 0 ? { primaryKey: ["run_id", ...key] } : {}),
    columns: { run_id: RUN_ID, ...columns },
  } as const;
}

/** The tables, in creation (and export) order. */
export const TABLES = {
  schema_version: {
    doc: "Layout version of this file; one row per version applied.",
    columns: {
      version: { type: "INTEGER", notNull: true, doc: "Schema version number." },
      applied_at: { type: "TIMESTAMP", notNull: true, doc: "When (UTC)." },
    },
  },
  runs: {
    doc: "One row per resolved config (config hash). `ablation`/`variant`/`seed` are those of " +
      "the plan that first produced it; `run_variants` lists every table row it serves.",
    primaryKey: ["id"],
    columns: {
      id: { type: "VARCHAR", notNull: true, doc: "Run id = config hash." },
      hash: { type: "VARCHAR", notNull: true, doc: "Content hash of config." },
      ablation: ABLATION,
      variant: VARIANT,
      seed: { type: "INTEGER", notNull: true, doc: "Training seed." },
      preset: { type: "VARCHAR", notNull: true, doc: "smoke, quick or paper." },
      config: { type: "JSON", doc: "Full resolved C2S config." },
      overrides: { type: "JSON", doc: "Dotted keys the spec set on the base." },
      status: {
        type: "VARCHAR",
        notNull: true,
        check: STATUS_CHECK,
        doc: "running, finished, failed or interrupted.",
      },
      started_at: { type: "TIMESTAMP", doc: "Start time (UTC)." },
      ended_at: { type: "TIMESTAMP", doc: "End time (UTC); NULL while running." },
      git_commit: { type: "VARCHAR", doc: "Commit of the code; NULL outside git." },
      git_dirty: { type: "BOOLEAN", doc: "Uncommitted changes present; NULL unknown." },
      versions: { type: "JSON", doc: "Versions of deno, tfjs, duckdb, ..." },
      backend: { type: "VARCHAR", doc: "tfjs backend that trained it." },
      host: { type: "VARCHAR", doc: "Host name of the training process." },
      pid: { type: "INTEGER", doc: "Process id while running (for reaping)." },
      error: { type: "VARCHAR", doc: "Error message and stack when not finished." },
      failed_step: { type: "INTEGER", doc: "Training step of the failure." },
    },
  },
  run_variants: {
    doc: "Which ablation table rows a run serves (one run can serve several).",
    primaryKey: ["ablation", "variant", "run_id"],
    columns: {
      ablation: ABLATION,
      variant: VARIANT,
      run_id: RUN_ID,
      seed: { type: "INTEGER", notNull: true, doc: "Seed of the run." },
    },
  },
  params: runPart(
    "The resolved config flattened to dotted keys (`distill.global.bankSize` = `6`). " +
      "Strings are stored as is, numbers and booleans as text, arrays as JSON text, null as NULL.",
    ["key"],
    {
      key: { type: "VARCHAR", notNull: true, doc: "Dotted config key." },
      value: { type: "VARCHAR", doc: "Value as text." },
    },
  ),
  metrics: runPart("Training curves: one row per logged (step, name).", [], {
    step: { type: "INTEGER", notNull: true, doc: "Training step." },
    name: { type: "VARCHAR", notNull: true, doc: "Curve name (loss, ...)." },
    value: { type: "DOUBLE", doc: "Value (NaN when training diverged)." },
  }),
  results: runPart("Final scores: split `eval`, metric hIoU, sIoU, uIoU, mIoU, ...", [
    "split",
    "metric",
  ], {
    split: { type: "VARCHAR", notNull: true, doc: "Data split scored." },
    metric: METRIC,
    value: { type: "DOUBLE", doc: "Score (IoUs in percent as the paper's)." },
  }),
  class_iou: runPart("Per-class IoU on the eval split.", [], {
    class: { type: "VARCHAR", notNull: true, doc: "Class name." },
    seen: { type: "BOOLEAN", notNull: true, doc: "Seen in training labels." },
    iou: { type: "DOUBLE", doc: "IoU; NULL when the class never occurs." },
  }),
  artifacts: runPart("Files a run wrote (checkpoints, sample images), with their SHA-256.", [], {
    kind: { type: "VARCHAR", notNull: true, doc: "checkpoint, sample, ..." },
    path: { type: "VARCHAR", notNull: true, doc: "Path as written." },
    sha256: { type: "VARCHAR", notNull: true, doc: "Hex SHA-256 of the file." },
  }),
  paper_values: {
    doc: "The paper's reported numbers, per ablation table row and metric.",
    primaryKey: ["ablation", "variant", "metric"],
    columns: {
      table_id: { type: "VARCHAR", notNull: true, doc: "Paper table (IX)." },
      ablation: ABLATION,
      variant: VARIANT,
      metric: METRIC,
      value: { type: "DOUBLE", notNull: true, doc: "Value the paper reports." },
    },
  },
  t_crit: {
    doc: `Two-sided 95 % Student t critical values t(0.975, df) for df = 1..${T_CRIT_MAX_DF}, ` +
      "computed when the file is created; used by `variant_summary`.",
    primaryKey: ["df"],
    columns: {
      df: { type: "INTEGER", notNull: true, doc: "Degrees of freedom (n - 1)." },
      t: { type: "DOUBLE", notNull: true, doc: "Critical value." },
    },
  },
} as const satisfies { readonly [name: string]: TableDef };

/** A table of the store. */
export type TableName = keyof typeof TABLES;

type Columns<T extends TableName> = (typeof TABLES)[T]["columns"];

type ValueOf<C extends ColumnDef> = C extends { readonly notNull: true } ? SqlValue[C["type"]]
  : SqlValue[C["type"]] | null;

/** A row of table `T` as the store writes it: one field per column, `null` where allowed. */
export type Row<T extends TableName> = {
  [K in keyof Columns<T>]: Columns<T>[K] extends ColumnDef ? ValueOf<Columns<T>[K]> : never;
};

/** The tables that hold part of a run, in creation order. */
export type RunPartTable = {
  [T in TableName]: (typeof TABLES)[T] extends { readonly partOfRun: true } ? T : never;
}[TableName];

/** The tables that hold part of a run (`run_id` first), in creation order. */
export const RUN_PART_TABLES: readonly RunPartTable[] = (Object.keys(TABLES) as TableName[])
  .filter((name): name is RunPartTable => "partOfRun" in TABLES[name]);

/**
 * The column names of `table`, in creation order.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { columnNames } from "./schema.ts";
 * assert.deepEqual(columnNames("results"), ["run_id", "split", "metric", "value"]);
 * ```
 */
export function columnNames<T extends TableName>(table: T): (keyof Columns<T> & string)[] {
  return Object.keys(TABLES[table].columns) as (keyof Columns<T> & string)[];
}

/** One view of the store: what it shows, its columns (name: meaning) and its query. */
export interface ViewDef {
  readonly doc: string;
  readonly columns: { readonly [name: string]: string };
  readonly sql: string;
}

/** The views, in creation order. */
export const VIEWS = {
  variant_summary: {
    doc: "Mean and spread over seeds per ablation row and metric: finished runs only, split " +
      "`eval`, grouped through `run_variants`, joined with `paper_values`.",
    columns: {
      ablation: "Ablation name.",
      variant: "Variant label.",
      metric: "Metric name.",
      n: "Number of finished runs (seeds) with a value.",
      mean: "Mean over runs.",
      std: "Sample standard deviation (n - 1); NULL when n = 1.",
      ci95_low: "mean - t(0.975, n - 1) * std / sqrt(n); NULL when n = 1.",
      ci95_high: "mean + t(0.975, n - 1) * std / sqrt(n); NULL when n = 1.",
      paper: "The paper's value; NULL when it reports none.",
      delta: "mean - paper.",
    },
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
  run_eval: {
    doc: "One row per run with its eval scores as columns (for quick looks and `deno task runs`).",
    columns: {
      id: "Run id.",
      "ablation, variant, seed, preset, status": "As in `runs`.",
      "started_at, ended_at": "As in `runs`.",
      seconds: "Wall time (ended_at - started_at).",
      "hIoU, sIoU, uIoU, mIoU": "Eval results; NULL when absent.",
    },
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
} as const satisfies { readonly [name: string]: ViewDef };

/** A view of the store. */
export type ViewName = keyof typeof VIEWS;

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function columnSql(name: string, c: ColumnDef): string {
  return [quoteIdent(name), c.type, c.notNull ? "NOT NULL" : "", c.check ?? ""].filter((s) => s)
    .join(" ");
}

function createTableSql(name: string, table: TableDef): string {
  const cols = Object.entries(table.columns).map(([column, c]) => `  ${columnSql(column, c)}`);
  if (table.primaryKey) cols.push(`  PRIMARY KEY (${table.primaryKey.map(quoteIdent).join(", ")})`);
  return `CREATE TABLE IF NOT EXISTS ${quoteIdent(name)} (\n${cols.join(",\n")}\n)`;
}

function createViewSql(name: string, view: ViewDef): string {
  return `CREATE OR REPLACE VIEW ${quoteIdent(name)} AS${view.sql}`;
}

/** Every DDL statement of the schema, tables first, then views. Idempotent. */
export function schemaStatements(): string[] {
  const tables: [string, TableDef][] = Object.entries(TABLES);
  const views: [string, ViewDef][] = Object.entries(VIEWS);
  return [
    ...tables.map(([name, table]) => createTableSql(name, table)),
    ...views.map(([name, view]) => createViewSql(name, view)),
  ];
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
  const tables: [string, TableDef][] = Object.entries(TABLES);
  for (const [name, table] of tables) {
    out.push(`### \`${name}\``, "", table.doc, "");
    if (table.primaryKey) out.push(`Primary key: (${table.primaryKey.join(", ")}).`, "");
    out.push("| column | type | meaning |", "| --- | --- | --- |");
    for (const [column, c] of Object.entries(table.columns)) {
      out.push(`| \`${column}\` | ${c.type} | ${c.doc} |`);
    }
    out.push("");
  }
  const views: [string, ViewDef][] = Object.entries(VIEWS);
  for (const [name, view] of views) {
    out.push(`### view \`${name}\``, "", view.doc, "");
    out.push("| column | meaning |", "| --- | --- |");
    for (const [column, doc] of Object.entries(view.columns)) {
      out.push(`| \`${column}\` | ${doc} |`);
    }
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

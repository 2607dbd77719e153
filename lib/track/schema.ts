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
      "the plan that first produced it; `run_variants` lists every table row it serves. A rerun " +
      "(`ablate --rerun`) keeps the earlier finished attempt's rows under the id `<hash>~<n>` " +
      "(n = 1, 2, ...) with no `run_variants` rows, so views and reports count only the row " +
      "whose id is its hash.",
    primaryKey: ["id"],
    columns: {
      id: {
        type: "VARCHAR",
        notNull: true,
        doc: "Run id = config hash; `<hash>~<n>` for an earlier attempt a rerun kept.",
      },
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
      "computed when the file is created; used by `variant_summary` and `claims_at`.",
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

/**
 * One view of the store: what it shows, its columns (name: meaning) and its query. With
 * `params`, it is a DuckDB table macro (`SELECT * FROM name(1.0)`) whose query uses them.
 */
export interface ViewDef {
  readonly doc: string;
  readonly columns: { readonly [name: string]: string };
  readonly sql: string;
  /** Parameter names (name: meaning) of a table macro; none for a plain view. */
  readonly params?: { readonly [name: string]: string };
}

/** The views, in creation order. */
export const VIEWS = {
  current_runs: {
    doc: "The runs a table counts: for each ablation, its latest preset (the preset of its most " +
      "recently ended finished run), and in it, for each (variant, seed), the latest finished " +
      "run. Runs of other presets, and earlier runs of a cell (made stale by a code, data or " +
      "teacher change, then retrained under a new hash), stay in `runs` but are not counted, so " +
      "summaries never pool a smoke run with a quick one or old code with new.",
    columns: {
      "ablation, variant, seed": "The table cell (through `run_variants`, shared runs included).",
      preset: "The ablation's latest preset.",
      run_id: "The run counted for the cell.",
    },
    sql: `
WITH finished AS (
  SELECT rv.ablation, rv.variant, rv.seed, rv.run_id, runs.preset, runs.ended_at
  FROM run_variants rv
  JOIN runs ON runs.id = rv.run_id AND runs.status = 'finished'
), latest_preset AS (
  SELECT ablation, arg_max(preset, ended_at) AS preset FROM finished GROUP BY ablation
)
SELECT f.ablation, f.variant, f.seed, f.preset, f.run_id
FROM finished f
JOIN latest_preset l ON l.ablation = f.ablation AND l.preset = f.preset
QUALIFY row_number() OVER (
  PARTITION BY f.ablation, f.variant, f.seed ORDER BY f.ended_at DESC, f.run_id DESC
) = 1`,
  },
  variant_summary: {
    doc: "Mean and spread over seeds per ablation row and metric: the runs `current_runs` counts " +
      "(one finished run per seed, the ablation's latest preset), split `eval`, joined with " +
      "`paper_values`.",
    columns: {
      ablation: "Ablation name.",
      variant: "Variant label.",
      preset: "Preset of the runs counted.",
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
  SELECT c.ablation, c.variant, c.preset, r.metric, r.value
  FROM current_runs c
  JOIN results r ON r.run_id = c.run_id AND r.split = 'eval'
), agg AS (
  SELECT ablation, variant, preset, metric,
         count(value) AS n, avg(value) AS mean, stddev_samp(value) AS std
  FROM per_run
  GROUP BY ablation, variant, preset, metric
)
SELECT agg.ablation, agg.variant, agg.preset, agg.metric, agg.n, agg.mean, agg.std,
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
  ablation_runs: {
    doc: "Every run of every ablation table row, shared runs included: one row per " +
      "(ablation, variant, run) of `run_variants`, with the run's status and eval scores. " +
      "`runs.ablation` and `run_eval.ablation` name only the table that first produced a run " +
      "(token-bank's `6` is stored under aggregation's `attention`), so filter this view instead.",
    columns: {
      ablation: "Ablation name (each table the run serves).",
      variant: "Variant label in that table.",
      paper_row: "Position of the variant among the rows of `paper_values` for this ablation " +
        "(1 = first, the paper's order); NULL for a row beyond the paper.",
      seed: "Seed of the run.",
      run_id: "Run id.",
      "preset, status, seconds": "As in `run_eval`.",
      "hIoU, sIoU, uIoU, mIoU": "Eval results; NULL when absent.",
    },
    sql: `
WITH paper_rows AS (
  SELECT ablation, variant,
         row_number() OVER (PARTITION BY ablation ORDER BY min(rowid)) AS paper_row
  FROM paper_values
  GROUP BY ablation, variant
)
SELECT rv.ablation, rv.variant, p.paper_row, rv.seed, rv.run_id,
       e.preset, e.status, e.seconds, e."hIoU", e."sIoU", e."uIoU", e."mIoU"
FROM run_variants rv
JOIN run_eval e ON e.id = rv.run_id
LEFT JOIN paper_rows p ON p.ablation = rv.ablation AND p.variant = rv.variant
ORDER BY rv.ablation, p.paper_row NULLS LAST, rv.variant, rv.seed, rv.run_id`,
  },
  claim_differences: {
    doc: "The per-seed paired differences behind `claims_at`: one row per claim of the paper " +
      "(a pair of rows of `paper_values` on one metric, `better` reported higher than `worse`) and " +
      "seed both rows finished (eval split, finite values, the runs `current_runs` counts).",
    columns: {
      ablation: "Ablation name.",
      metric: "Metric the paper orders the two rows on.",
      better: "Variant the paper reports higher.",
      worse: "Variant the paper reports lower.",
      seed: "Seed both variants finished.",
      diff: "better - worse in that seed.",
    },
    sql: `
WITH pairs AS (
  SELECT a.ablation, a.metric, a.variant AS better, b.variant AS worse
  FROM paper_values a
  JOIN paper_values b ON b.ablation = a.ablation AND b.metric = a.metric AND a.value > b.value
), per_seed AS (
  SELECT c.ablation, c.variant, c.seed, r.metric, r.value
  FROM current_runs c
  JOIN results r ON r.run_id = c.run_id AND r.split = 'eval' AND isfinite(r.value)
)
SELECT p.ablation, p.metric, p.better, p.worse, x.seed, x.value - y.value AS diff
FROM pairs p
JOIN per_seed x ON x.ablation = p.ablation AND x.variant = p.better AND x.metric = p.metric
JOIN per_seed y ON y.ablation = p.ablation AND y.variant = p.worse AND y.metric = p.metric
  AND y.seed = x.seed
ORDER BY p.ablation, p.metric, p.better, p.worse, x.seed`,
  },
  claims_at: {
    doc: "The paper's pairwise claims, judged on per-seed paired differences. Each pair of rows " +
      "the paper orders on a metric (`paper_values`: `better` reports more than `worse`) is a " +
      "claim; runs of one seed share initialisation and data order, so each seed both rows " +
      "finished gives one difference `better - worse` (`claim_differences`). A paired-t 95 % " +
      "CI over those differences gives the verdict: `reproduced` when it lies above 0, " +
      "`reversed` when below 0, `equivalent` when inside [-delta, +delta], `unresolved` " +
      "otherwise (and always when n < 2). Assumes normal differences and independent seeds.",
    params: { delta: "Equivalence margin in the metric's units (1.0 = one IoU point)." },
    columns: {
      ablation: "Ablation name.",
      metric: "Metric the paper orders the two rows on.",
      better: "Variant the paper reports higher.",
      worse: "Variant the paper reports lower.",
      n: "Seeds both variants have finished with a value.",
      mean_diff: "Mean of better - worse over those seeds; NULL when n = 0.",
      ci95_low: "mean_diff - t(0.975, n - 1) * sd / sqrt(n); NULL when n < 2.",
      ci95_high: "mean_diff + t(0.975, n - 1) * sd / sqrt(n); NULL when n < 2.",
      verdict: "reproduced, reversed, equivalent or unresolved.",
      seeds_needed: "For an unresolved claim with n >= 2: the smallest total n at which a CI " +
        "with the observed sd and mean_diff would give a verdict; NULL otherwise or beyond " +
        `${T_CRIT_MAX_DF + 1} seeds.`,
    },
    sql: `
WITH pairs AS (
  SELECT a.ablation, a.metric, a.variant AS better, b.variant AS worse,
         a.value AS paper_better, b.value AS paper_worse
  FROM paper_values a
  JOIN paper_values b ON b.ablation = a.ablation AND b.metric = a.metric AND a.value > b.value
), agg AS (
  SELECT p.ablation, p.metric, p.better, p.worse, p.paper_better, p.paper_worse,
         count(d.diff) AS n, avg(d.diff) AS mean_diff, stddev_samp(d.diff) AS sd
  FROM pairs p
  LEFT JOIN claim_differences d
    ON d.ablation = p.ablation AND d.metric = p.metric AND d.better = p.better
    AND d.worse = p.worse
  GROUP BY ALL
), ci AS (
  SELECT agg.*,
         agg.mean_diff - coalesce(t_crit.t, ${Z_975}) * agg.sd / sqrt(agg.n) AS ci95_low,
         agg.mean_diff + coalesce(t_crit.t, ${Z_975}) * agg.sd / sqrt(agg.n) AS ci95_high
  FROM agg
  LEFT JOIN t_crit ON t_crit.df = agg.n - 1
), judged AS (
  SELECT ci.*,
         CASE WHEN ci95_low > 0 THEN 'reproduced'
              WHEN ci95_high < 0 THEN 'reversed'
              WHEN ci95_low >= -delta AND ci95_high <= delta THEN 'equivalent'
              ELSE 'unresolved' END AS verdict
  FROM ci
)
SELECT ablation, metric, better, worse, n, mean_diff, ci95_low, ci95_high, verdict,
       CASE WHEN verdict = 'unresolved' AND n >= 2 THEN (
         SELECT min(k.df + 1) FROM t_crit k
         WHERE k.df + 1 > judged.n
           AND (k.t * judged.sd / sqrt(k.df + 1) < abs(judged.mean_diff)
             OR abs(judged.mean_diff) + k.t * judged.sd / sqrt(k.df + 1) <= delta)
       ) END AS seeds_needed
FROM judged
ORDER BY ablation, metric, paper_better DESC, paper_worse DESC, better, worse`,
  },
  claims: {
    doc: "`claims_at(1.0)`: the paper's claims judged with an equivalence margin of one point.",
    columns: {
      "ablation, metric, better, worse, n": "As in `claims_at`.",
      "mean_diff, ci95_low, ci95_high": "As in `claims_at`.",
      "verdict, seeds_needed": "As in `claims_at`, with delta = 1.0.",
    },
    sql: `
SELECT * FROM claims_at(1.0)`,
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
  if (view.params === undefined) return `CREATE OR REPLACE VIEW ${quoteIdent(name)} AS${view.sql}`;
  const params = Object.keys(view.params).map(quoteIdent).join(", ");
  return `CREATE OR REPLACE MACRO ${quoteIdent(name)}(${params}) AS TABLE${view.sql}`;
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
    if (view.params === undefined) out.push(`### view \`${name}\``, "", view.doc, "");
    else {
      out.push(`### table macro \`${name}(${Object.keys(view.params).join(", ")})\``, "");
      out.push(view.doc, "");
      for (const [param, doc] of Object.entries(view.params)) out.push(`- \`${param}\`: ${doc}`);
      out.push("");
    }
    out.push("| column | meaning |", "| --- | --- |");
    for (const [column, doc] of Object.entries(view.columns)) {
      out.push(`| \`${column}\` | ${doc} |`);
    }
    out.push("");
  }
  out.push(
    "Examples:",
    "",
    "```sql",
    "SELECT variant, metric, n, round(mean, 2) AS mean, round(std, 2) AS std, paper, " +
      "round(delta, 2) AS delta",
    "FROM variant_summary WHERE ablation = 'token-bank' ORDER BY metric, variant;",
    "",
    "-- every seed of every row of Table IX, the runs it shares with other tables included",
    `SELECT variant, seed, status, round("hIoU", 1) AS hIoU FROM ablation_runs`,
    "WHERE ablation = 'token-bank' ORDER BY paper_row, seed;",
    "",
    "-- the paper's claims on hIoU, judged on paired seeds (margin 0.5 points instead of 1)",
    "SELECT better, worse, n, round(mean_diff, 2) AS diff, round(ci95_low, 2) AS lo, " +
      "round(ci95_high, 2) AS hi, verdict, seeds_needed",
    "FROM claims_at(0.5) WHERE ablation = 'aggregation' AND metric = 'hIoU';",
    "```",
    "",
  );
  return out.join("\n");
}

/** The schema as Markdown (one section per table and view), for the README. */
export const SCHEMA_DOC: string = schemaDoc();

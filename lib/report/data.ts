/**
 * What a report reads from the run database: the `variant_summary` view (mean, std and Student-t
 * 95 % interval over seeds, beside the paper's value), the paper's values, the runs and their
 * membership, training curves (`metrics`), per-class IoU (`class_iou`) and `artifacts`, for one
 * ablation. The schema is the tracking area's (README "Run database"); only finished runs count
 * towards curves, class IoU and artifacts, as they do in the view.
 *
 * @module
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { Msg } from "./messages.ts";

/** Something that answers SQL with row objects: the tracking area's `RunStore` fits. */
export interface QueryableStore {
  queryObjects(sql: string, values?: (string | number)[]): Promise<Record<string, unknown>[]>;
}

/** A DuckDB connection or a run store (opened read-only is enough). */
export type ReportSource = DuckDBConnection | QueryableStore;

/** One row of `variant_summary`, completed with the paper's value where the view has none. */
export interface SummaryRow {
  readonly variant: string;
  readonly metric: string;
  /** Finished runs (seeds) behind the mean; 0 for a paper row nobody has run yet. */
  readonly n: number;
  readonly mean: number | null;
  readonly std: number | null;
  readonly ci95Low: number | null;
  readonly ci95High: number | null;
  readonly paper: number | null;
  /** `mean - paper`, when both exist. */
  readonly delta: number | null;
}

/** A paper value of this ablation's table. */
export interface PaperValue {
  readonly variant: string;
  readonly metric: string;
  readonly value: number;
}

/** One run that belongs to the ablation (any status). */
export interface RunInfo {
  readonly runId: string;
  readonly variant: string;
  readonly seed: number;
  readonly status: string;
  readonly preset: string | null;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly backend: string | null;
  readonly host: string | null;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean | null;
  readonly error: string | null;
  readonly failedStep: number | null;
}

/** One logged value of a training curve. */
export interface CurvePoint {
  readonly variant: string;
  readonly runId: string;
  readonly seed: number;
  readonly step: number;
  readonly name: string;
  readonly value: number;
}

/** One class's IoU in one finished run. */
export interface ClassIouRow {
  readonly variant: string;
  readonly runId: string;
  readonly seed: number;
  readonly className: string;
  readonly seen: boolean;
  readonly iou: number | null;
}

/** One artifact of a finished run. */
export interface ArtifactRow {
  readonly variant: string;
  readonly runId: string;
  readonly seed: number;
  readonly kind: string;
  readonly path: string;
  readonly sha256: string | null;
}

/** One flattened config value of a finished run. */
export interface ParamRow {
  readonly variant: string;
  readonly runId: string;
  readonly key: string;
  readonly value: string | null;
}

/** Everything one ablation's page is made of. */
export interface ReportData {
  readonly ablation: string;
  /** The paper's table ("IX"), or null when the database holds no paper values for it. */
  readonly tableId: string | null;
  /** Variants in display order: the paper's rows first (as stored), then measured-only ones. */
  readonly variants: readonly string[];
  /** Metrics in display order (the paper's first). */
  readonly metrics: readonly string[];
  readonly summary: readonly SummaryRow[];
  readonly paper: readonly PaperValue[];
  readonly runs: readonly RunInfo[];
  readonly curves: readonly CurvePoint[];
  readonly classIou: readonly ClassIouRow[];
  readonly artifacts: readonly ArtifactRow[];
  /** Flattened resolved configs of the finished runs. */
  readonly params: readonly ParamRow[];
}

/** An ablation the database knows, for the index page. */
export interface AblationListing {
  readonly ablation: string;
  readonly tableId: string | null;
  readonly finishedRuns: number;
}

type Row = Record<string, unknown>;

async function rows(
  source: ReportSource,
  sql: string,
  values: (string | number)[] = [],
): Promise<Row[]> {
  if ("queryObjects" in source) return await source.queryObjects(sql, values);
  const reader = await source.runAndReadAll(sql, values);
  return reader.getRowObjectsJS() as Row[];
}

function num(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === "bigint" ? Number(value) : Number(value);
  return Number.isFinite(n) ? n : null;
}

function str(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/**
 * Every ablation with runs or paper values, with its table and finished-run count, in table
 * order (IV, V, ... XIII; unknown tables last, then by name).
 *
 * @example
 * ```ts ignore
 * for (const a of await listReportAblations(conn)) console.log(a.ablation, a.finishedRuns);
 * ```
 */
export async function listReportAblations(source: ReportSource): Promise<AblationListing[]> {
  const found = await rows(
    source,
    `with names as (
       select ablation from paper_values union select ablation from run_variants
     )
     select n.ablation,
       (select min(p.table_id) from paper_values p where p.ablation = n.ablation) as table_id,
       (select count(distinct rv.run_id) from run_variants rv join runs r on r.id = rv.run_id
         where rv.ablation = n.ablation and r.status = 'finished') as finished
     from names n`,
  );
  const listed = found.map((r) => ({
    ablation: String(r.ablation),
    tableId: str(r.table_id),
    finishedRuns: num(r.finished) ?? 0,
  }));
  return listed.sort((a, b) =>
    tableOrder(a.tableId) - tableOrder(b.tableId) || a.ablation.localeCompare(b.ablation)
  );
}

const ROMAN: Record<string, number> = { I: 1, V: 5, X: 10, L: 50, C: 100 };

/**
 * A sort key for a table id: the value of a Roman numeral ("IX" -> 9), +Infinity otherwise.
 *
 * @example
 * ```ts
 * import { tableOrder } from "./data.ts";
 * console.assert(tableOrder("XIII") === 13 && tableOrder(null) === Infinity);
 * ```
 */
export function tableOrder(tableId: string | null): number {
  if (tableId === null || !/^[IVXLC]+$/.test(tableId)) return Infinity;
  let total = 0;
  for (let i = 0; i < tableId.length; i++) {
    const v = ROMAN[tableId[i]!]!;
    const next = ROMAN[tableId[i + 1] ?? ""] ?? 0;
    total += v < next ? -v : v;
  }
  return total;
}

/** Options of {@link loadReportData}: the spec's layout, when the caller has it. */
export interface LoadOptions {
  /** Display order of variants (the spec's rows); variants found only in the database follow. */
  readonly variants?: readonly string[];
  /** Display order of metrics (the spec's); metrics found only in the database follow. */
  readonly metrics?: readonly string[];
  /**
   * Paper values to use when the database holds none for this ablation (no run has stored them
   * yet): the spec's rows looked up in the paper's table.
   */
  readonly paper?: { readonly tableId: string; readonly values: readonly PaperValue[] };
  /** Names to list in the unknown-ablation error besides the database's (the spec registry's). */
  readonly known?: readonly string[];
}

/**
 * Read one ablation's report data. Throws a `RangeError` naming the known ablations when the
 * database has neither runs nor paper values for `ablation`; an ablation with paper values but no
 * finished runs yields summary rows with `n = 0` (the page then says "no runs yet").
 *
 * @example
 * ```ts ignore
 * import { DuckDBInstance } from "@duckdb/node-api";
 * const db = await DuckDBInstance.create("runs.duckdb", { access_mode: "READ_ONLY" });
 * const conn = await db.connect();
 * const data = await loadReportData(conn, "token-bank");
 * console.log(data.variants, data.summary.length);
 * ```
 */
export async function loadReportData(
  source: ReportSource,
  ablation: string,
  options: LoadOptions = {},
): Promise<ReportData> {
  if (typeof ablation !== "string" || ablation.trim() === "") {
    throw new TypeError(Msg.emptyAblationName());
  }
  const conn = source;

  const paperRows = await rows(
    conn,
    `select table_id, variant, metric, value from paper_values where ablation = $1 order by rowid`,
    [ablation],
  );
  const runRows = await rows(
    conn,
    `select rv.run_id, rv.variant, rv.seed, r.status, r.preset, r.started_at, r.ended_at,
       r.backend, r.host, r.git_commit, r.git_dirty, r.error, r.failed_step
     from run_variants rv join runs r on r.id = rv.run_id
     where rv.ablation = $1
     order by r.started_at nulls last, rv.variant, rv.seed, rv.run_id`,
    [ablation],
  );
  const fallback = paperRows.length === 0 ? options.paper ?? null : null;
  if (paperRows.length === 0 && runRows.length === 0 && fallback === null) {
    const known = [
      ...new Set([
        ...(await listReportAblations(conn)).map((a) => a.ablation),
        ...(options.known ?? []),
      ]),
    ].sort();
    throw new RangeError(Msg.unknownAblation(ablation, known));
  }

  const paper: PaperValue[] = fallback ? [...fallback.values] : [];
  for (const r of paperRows) {
    const value = num(r.value);
    if (value !== null) {
      paper.push({ variant: String(r.variant), metric: String(r.metric), value });
    }
  }
  const tableId = paperRows.length > 0 ? str(paperRows[0]!.table_id) : fallback?.tableId ?? null;

  const runs: RunInfo[] = runRows.map((r) => ({
    runId: String(r.run_id),
    variant: String(r.variant),
    seed: num(r.seed) ?? 0,
    status: String(r.status),
    preset: str(r.preset),
    startedAt: str(r.started_at),
    endedAt: str(r.ended_at),
    backend: str(r.backend),
    host: str(r.host),
    gitCommit: str(r.git_commit),
    gitDirty: r.git_dirty === null || r.git_dirty === undefined ? null : Boolean(r.git_dirty),
    error: str(r.error),
    failedStep: num(r.failed_step),
  }));

  const viewRows = await rows(
    conn,
    `select variant, metric, n, mean, std, ci95_low, ci95_high, paper, delta
     from variant_summary where ablation = $1`,
    [ablation],
  );

  const variants = orderedUnique([
    ...(options.variants ?? []),
    ...paper.map((p) => p.variant),
    ...runs.map((r) => r.variant),
    ...viewRows.map((r) => String(r.variant)),
  ]);
  const metrics = orderedUnique([
    ...(options.metrics ?? []),
    ...paper.map((p) => p.metric),
    ...["hIoU", "sIoU", "uIoU"].filter((m) => viewRows.some((r) => r.metric === m)),
    ...viewRows.map((r) => String(r.metric)).sort(),
  ]);

  const paperOf = new Map(paper.map((p) => [`${p.variant}\u0000${p.metric}`, p.value]));
  const byKey = new Map<string, SummaryRow>();
  for (const r of viewRows) {
    const variant = String(r.variant);
    const metric = String(r.metric);
    const mean = num(r.mean);
    const paperValue = num(r.paper) ?? paperOf.get(`${variant}\u0000${metric}`) ?? null;
    byKey.set(`${variant}\u0000${metric}`, {
      variant,
      metric,
      n: num(r.n) ?? 0,
      mean,
      std: num(r.std),
      ci95Low: num(r.ci95_low),
      ci95High: num(r.ci95_high),
      paper: paperValue,
      delta: num(r.delta) ?? (mean !== null && paperValue !== null ? mean - paperValue : null),
    });
  }
  const summary: SummaryRow[] = [];
  for (const variant of variants) {
    for (const metric of metrics) {
      const key = `${variant}\u0000${metric}`;
      const row = byKey.get(key);
      if (row) summary.push(row);
      else if (paperOf.has(key)) {
        summary.push({
          variant,
          metric,
          n: 0,
          mean: null,
          std: null,
          ci95Low: null,
          ci95High: null,
          paper: paperOf.get(key)!,
          delta: null,
        });
      }
    }
  }

  const finishedJoin =
    `from run_variants rv join runs r on r.id = rv.run_id and r.status = 'finished'`;
  const curves: CurvePoint[] = (await rows(
    conn,
    `select rv.variant, rv.run_id, rv.seed, m.step, m.name, m.value
     ${finishedJoin} join metrics m on m.run_id = rv.run_id
     where rv.ablation = $1 order by rv.variant, m.name, rv.seed, m.step`,
    [ablation],
  )).flatMap((r) => {
    const value = num(r.value);
    const step = num(r.step);
    if (value === null || step === null) return [];
    return [{
      variant: String(r.variant),
      runId: String(r.run_id),
      seed: num(r.seed) ?? 0,
      step,
      name: String(r.name),
      value,
    }];
  });

  const classIou: ClassIouRow[] = (await rows(
    conn,
    `select rv.variant, rv.run_id, rv.seed, c.class, c.seen, c.iou
     ${finishedJoin} join class_iou c on c.run_id = rv.run_id
     where rv.ablation = $1 order by rv.variant, rv.seed, c.class`,
    [ablation],
  )).map((r) => ({
    variant: String(r.variant),
    runId: String(r.run_id),
    seed: num(r.seed) ?? 0,
    className: String(r.class),
    seen: Boolean(r.seen),
    iou: num(r.iou),
  }));

  const artifacts: ArtifactRow[] = (await rows(
    conn,
    `select rv.variant, rv.run_id, rv.seed, a.kind, a.path, a.sha256
     ${finishedJoin} join artifacts a on a.run_id = rv.run_id
     where rv.ablation = $1 order by rv.variant, rv.seed, a.kind, a.path`,
    [ablation],
  )).map((r) => ({
    variant: String(r.variant),
    runId: String(r.run_id),
    seed: num(r.seed) ?? 0,
    kind: String(r.kind),
    path: String(r.path),
    sha256: str(r.sha256),
  }));

  const params: ParamRow[] = (await rows(
    conn,
    `select rv.variant, rv.run_id, p.key, p.value
     ${finishedJoin} join params p on p.run_id = rv.run_id
     where rv.ablation = $1 order by p.key, rv.variant, rv.run_id`,
    [ablation],
  )).map((r) => ({
    variant: String(r.variant),
    runId: String(r.run_id),
    key: String(r.key),
    value: str(r.value),
  }));

  return {
    ablation,
    tableId,
    variants,
    metrics,
    summary,
    paper,
    runs,
    curves,
    classIou,
    artifacts,
    params,
  };
}

function orderedUnique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

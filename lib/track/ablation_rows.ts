/**
 * What the store holds about one ablation (one paper table), as the rows a report page or a
 * sweep's final table reads: the `variant_summary` view, the paper's claims judged on paired
 * seeds (`claims_at`), the paper's values, the runs serving the ablation and, of its finished
 * runs, curves, per-class IoU, artifacts and flattened configs.
 * Only finished runs count towards curves, class IoU, artifacts and configs, as they do in the
 * view. Numbers that are not finite (a diverged loss, an IoU of 0/0) read as `null`; curve
 * points without a finite value are left out.
 *
 * @module
 */

import type { DuckDBValue } from "@duckdb/node-api";
import type { PaperValueRow, RunStore } from "./store.ts";

/** One row of `variant_summary`: a variant's metric over its finished seeds. */
export interface VariantSummaryRow {
  readonly variant: string;
  readonly metric: string;
  /** Finished runs (seeds) behind the mean. */
  readonly n: number;
  readonly mean: number | null;
  readonly std: number | null;
  readonly ci95Low: number | null;
  readonly ci95High: number | null;
  readonly paper: number | null;
  /** `mean - paper`, when both exist. */
  readonly delta: number | null;
}

/** A verdict of the `claims_at` macro on one claim of the paper. */
export const ClaimVerdict = ["reproduced", "reversed", "equivalent", "unresolved"] as const;
/** A verdict on one claim. */
export type ClaimVerdict = typeof ClaimVerdict[number];

/** The default equivalence margin of a claim, in the metric's units (one IoU point). */
export const DEFAULT_DELTA = 1;

/** One row of `claims_at(delta)`: a claim "better beats worse" judged on paired seeds. */
export interface ClaimRow {
  readonly metric: string;
  readonly better: string;
  readonly worse: string;
  /** Seeds both variants finished. */
  readonly n: number;
  readonly meanDiff: number | null;
  readonly ci95Low: number | null;
  readonly ci95High: number | null;
  readonly verdict: ClaimVerdict;
  /** Total seeds that would resolve an unresolved claim at the observed spread, or null. */
  readonly seedsNeeded: number | null;
}

/** One run serving the ablation (any status). */
export interface AblationRun {
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

/** Which finished run a row belongs to, and the table row (variant) it serves. */
export interface FinishedRunRef {
  readonly variant: string;
  readonly runId: string;
}

/** One logged value of a training curve. */
export interface CurvePoint extends FinishedRunRef {
  readonly seed: number;
  readonly step: number;
  readonly name: string;
  readonly value: number;
}

/** One class's IoU in one finished run. */
export interface ClassIouRow extends FinishedRunRef {
  readonly seed: number;
  readonly className: string;
  readonly seen: boolean;
  readonly iou: number | null;
}

/** One artifact of a finished run. */
export interface ArtifactRow extends FinishedRunRef {
  readonly seed: number;
  readonly kind: string;
  readonly path: string;
  readonly sha256: string | null;
}

/** One flattened config value of a finished run. */
export interface ConfigValueRow extends FinishedRunRef {
  readonly key: string;
  readonly value: string | null;
}

/** An ablation the store knows (by runs or paper values). */
export interface AblationListing {
  readonly ablation: string;
  /** Its paper table ("IX"), or null without paper values. */
  readonly tableId: string | null;
  readonly finishedRuns: number;
}

/** Rows of `sql` (its columns named as `T`'s fields), non-finite numbers read as null. */
async function rowsOf<T>(store: RunStore, sql: string, values: DuckDBValue[]): Promise<T[]> {
  const rows = await store.queryObjects(sql, values);
  for (const row of rows) {
    for (const [key, value] of Object.entries(row)) {
      if (typeof value === "number" && !Number.isFinite(value)) row[key] = null;
    }
  }
  return rows as unknown as T[];
}

/**
 * Every ablation with runs or paper values, with its table and number of finished runs, by
 * name.
 */
export function listAblations(store: RunStore): Promise<AblationListing[]> {
  return rowsOf(
    store,
    `WITH names AS (SELECT ablation FROM paper_values UNION SELECT ablation FROM run_variants)
SELECT n.ablation,
  (SELECT min(p.table_id) FROM paper_values p WHERE p.ablation = n.ablation) AS "tableId",
  (SELECT count(DISTINCT rv.run_id) FROM run_variants rv JOIN runs r ON r.id = rv.run_id
    WHERE rv.ablation = n.ablation AND r.status = 'finished') AS "finishedRuns"
FROM names n ORDER BY n.ablation`,
    [],
  );
}

/** The paper's values of `ablation`, in the order they were stored. */
export function readPaperValues(store: RunStore, ablation: string): Promise<PaperValueRow[]> {
  return rowsOf(
    store,
    `SELECT table_id AS "tableId", ablation, variant, metric, value FROM paper_values
WHERE ablation = ? ORDER BY rowid`,
    [ablation],
  );
}

/** The `variant_summary` rows of `ablation`, by variant and metric. */
export function readVariantSummary(
  store: RunStore,
  ablation: string,
): Promise<VariantSummaryRow[]> {
  return rowsOf(
    store,
    `SELECT variant, metric, n, mean, std, ci95_low AS "ci95Low", ci95_high AS "ci95High",
  paper, delta
FROM variant_summary WHERE ablation = ? ORDER BY variant, metric`,
    [ablation],
  );
}

/**
 * The paper's claims on `ablation` judged on per-seed paired differences with equivalence
 * margin `delta` (the `claims_at` macro), by metric and the paper's values, best first.
 *
 * @example
 * ```ts ignore
 * for (const c of await readClaims(store, "aggregation")) console.log(c.better, c.verdict);
 * ```
 */
export function readClaims(
  store: RunStore,
  ablation: string,
  delta: number = DEFAULT_DELTA,
): Promise<ClaimRow[]> {
  return rowsOf(
    store,
    `SELECT metric, better, worse, n, mean_diff AS "meanDiff", ci95_low AS "ci95Low",
  ci95_high AS "ci95High", verdict, seeds_needed AS "seedsNeeded"
FROM claims_at(?::DOUBLE) WHERE ablation = ?`,
    [delta, ablation],
  );
}

/** One row of `claim_differences`: a claim's paired difference in one seed. */
export interface ClaimDifference {
  readonly metric: string;
  readonly better: string;
  readonly worse: string;
  readonly seed: number;
  readonly diff: number;
}

/** The per-seed paired differences of the paper's claims on `ablation`, by claim and seed. */
export function readClaimDifferences(
  store: RunStore,
  ablation: string,
): Promise<ClaimDifference[]> {
  return rowsOf(
    store,
    `SELECT metric, better, worse, seed, diff FROM claim_differences WHERE ablation = ?
ORDER BY metric, better, worse, seed`,
    [ablation],
  );
}

/** Every run serving `ablation`, oldest first (runs not started yet last). */
export function readAblationRuns(store: RunStore, ablation: string): Promise<AblationRun[]> {
  return rowsOf(
    store,
    `SELECT rv.run_id AS "runId", rv.variant, rv.seed, r.status, r.preset,
  r.started_at AS "startedAt", r.ended_at AS "endedAt", r.backend, r.host,
  r.git_commit AS "gitCommit", r.git_dirty AS "gitDirty", r.error, r.failed_step AS "failedStep"
FROM run_variants rv JOIN runs r ON r.id = rv.run_id
WHERE rv.ablation = ?
ORDER BY r.started_at NULLS LAST, rv.variant, rv.seed, rv.run_id`,
    [ablation],
  );
}

/**
 * Rows of `part` (a table joined as `x` on `run_id`) for the finished runs serving
 * `ablation`: each with the variant and run id it belongs to, then `columns`.
 */
function finishedRunRows<T extends FinishedRunRef>(
  store: RunStore,
  ablation: string,
  part: { table: string; columns: string; where?: string; orderBy: string },
): Promise<T[]> {
  return rowsOf(
    store,
    `SELECT rv.variant, rv.run_id AS "runId", ${part.columns}
FROM run_variants rv
JOIN runs r ON r.id = rv.run_id AND r.status = 'finished'
JOIN ${part.table} x ON x.run_id = rv.run_id
WHERE rv.ablation = ?${part.where ? ` AND ${part.where}` : ""}
ORDER BY ${part.orderBy}`,
    [ablation],
  );
}

/** The training curves of the finished runs serving `ablation` (finite values only). */
export function readCurves(store: RunStore, ablation: string): Promise<CurvePoint[]> {
  return finishedRunRows(store, ablation, {
    table: "metrics",
    columns: "rv.seed, x.step, x.name, x.value",
    where: "isfinite(x.value)",
    orderBy: "rv.variant, x.name, rv.seed, x.step",
  });
}

/** The per-class IoUs of the finished runs serving `ablation`. */
export function readClassIou(store: RunStore, ablation: string): Promise<ClassIouRow[]> {
  return finishedRunRows(store, ablation, {
    table: "class_iou",
    columns: `rv.seed, x.class AS "className", x.seen, x.iou`,
    orderBy: "rv.variant, rv.seed, x.class",
  });
}

/** The artifacts of the finished runs serving `ablation`. */
export function readArtifacts(store: RunStore, ablation: string): Promise<ArtifactRow[]> {
  return finishedRunRows(store, ablation, {
    table: "artifacts",
    columns: "rv.seed, x.kind, x.path, x.sha256",
    orderBy: "rv.variant, rv.seed, x.kind, x.path",
  });
}

/** The flattened configs (`params`) of the finished runs serving `ablation`. */
export function readConfigValues(store: RunStore, ablation: string): Promise<ConfigValueRow[]> {
  return finishedRunRows(store, ablation, {
    table: "params",
    columns: "x.key, x.value",
    orderBy: "x.key, rv.variant, rv.run_id",
  });
}

/**
 * What a report reads from the run database for one ablation: its `variant_summary` rows
 * completed with the paper's values, the paper's claims judged on paired seeds (`claims_at`), the
 * paper's values, the runs and their membership, and of
 * the finished runs training curves, per-class IoU, artifacts and flattened configs. The rows come
 * from the tracker (`lib/track/ablation_rows.ts`); this module orders and completes them for a
 * page.
 *
 * @module
 */
import {
  type AblationRun,
  type ArtifactRow as TrackedArtifactRow,
  type ClaimRow,
  type ClassIouRow as TrackedClassIouRow,
  type ConfigValueRow,
  type CurvePoint as TrackedCurvePoint,
  DEFAULT_DELTA,
  listAblations,
  readAblationRuns,
  readArtifacts,
  readClaims,
  readClassIou,
  readConfigValues,
  readCurves,
  readPaperValues,
  readVariantSummary,
  type VariantSummaryRow,
} from "../track/ablation_rows.ts";
import type { RunStore } from "../track/store.ts";
import { Msg } from "./messages.ts";

/** One row of `variant_summary`, completed with the paper's value where the view has none. */
export type SummaryRow = VariantSummaryRow;

/** A paper value of this ablation's table. */
export interface PaperValue {
  readonly variant: string;
  readonly metric: string;
  readonly value: number;
}

/** One run that belongs to the ablation (any status). */
export type RunInfo = AblationRun;
/** One logged value of a training curve. */
export type CurvePoint = TrackedCurvePoint;
/** One class's IoU in one finished run. */
export type ClassIouRow = TrackedClassIouRow;
/** One artifact of a finished run. */
export type ArtifactRow = TrackedArtifactRow;
/** One flattened config value of a finished run. */
export type ParamRow = ConfigValueRow;

/** Everything one ablation's page is made of. */
export interface ReportData {
  readonly ablation: string;
  /** The paper's table ("IX"), or null when the database holds no paper values for it. */
  readonly tableId: string | null;
  /** Variants in display order: the paper's rows first (as stored), then measured-only ones. */
  readonly variants: readonly string[];
  /** Metrics in display order (the paper's first). */
  readonly metrics: readonly string[];
  /** The metrics of the main table: the spec's, else those with paper values (else all). */
  readonly mainMetrics: readonly string[];
  readonly summary: readonly SummaryRow[];
  /** The paper's claims judged on paired seeds, any metric (`claims_at(delta)`). */
  readonly claims: readonly ClaimRow[];
  /** The equivalence margin the claims were judged with. */
  readonly delta: number;
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

/**
 * Every ablation with runs or paper values, with its table and finished-run count, in table
 * order (IV, V, ... XIII; unknown tables last, then by name).
 *
 * @example
 * ```ts ignore
 * for (const a of await listReportAblations(store)) console.log(a.ablation, a.finishedRuns);
 * ```
 */
export async function listReportAblations(store: RunStore): Promise<AblationListing[]> {
  const listed = await listAblations(store);
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
 * import { assert } from "../_std.ts";
 * import { tableOrder } from "./data.ts";
 * assert.equal(tableOrder("XIII"), 13);
 * assert.equal(tableOrder(null), Infinity);
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
  /**
   * Equivalence margin of a claim, in the metric's units.
   * @default {1}
   */
  readonly delta?: number;
}

/**
 * Read one ablation's report data. Throws a `RangeError` naming the known ablations when the
 * database has neither runs nor paper values for `ablation`; an ablation with paper values but no
 * finished runs yields summary rows with `n = 0` (the page then says "no runs yet").
 *
 * @example
 * ```ts ignore
 * const store = await RunStore.open("runs.duckdb", { readOnly: true });
 * const data = await loadReportData(store, "token-bank");
 * console.log(data.variants, data.summary.length);
 * ```
 */
export async function loadReportData(
  store: RunStore,
  ablation: string,
  options: LoadOptions = {},
): Promise<ReportData> {
  if (typeof ablation !== "string" || ablation.trim() === "") {
    throw new TypeError(Msg.emptyAblationName());
  }
  const paperRows = await readPaperValues(store, ablation);
  const runs = await readAblationRuns(store, ablation);
  const fallback = paperRows.length === 0 ? options.paper ?? null : null;
  if (paperRows.length === 0 && runs.length === 0 && fallback === null) {
    const known = [
      ...new Set([
        ...(await listAblations(store)).map((a) => a.ablation),
        ...(options.known ?? []),
      ]),
    ].sort();
    throw new RangeError(Msg.unknownAblation(ablation, known));
  }
  const paper: PaperValue[] = fallback
    ? [...fallback.values]
    : paperRows.map(({ variant, metric, value }) => ({ variant, metric, value }));
  const tableId = paperRows[0]?.tableId ?? fallback?.tableId ?? null;
  const viewRows = await readVariantSummary(store, ablation);

  const variants = orderedUnique([
    ...(options.variants ?? []),
    ...paper.map((p) => p.variant),
    ...runs.map((r) => r.variant),
    ...viewRows.map((r) => r.variant),
  ]);
  const metrics = orderedUnique([
    ...(options.metrics ?? []),
    ...paper.map((p) => p.metric),
    ...["hIoU", "sIoU", "uIoU"].filter((m) => viewRows.some((r) => r.metric === m)),
    ...viewRows.map((r) => r.metric).sort(),
  ]);

  const withPaper = metrics.filter((m) => paper.some((p) => p.metric === m));
  const mainMetrics = options.metrics ?? (withPaper.length > 0 ? withPaper : metrics);
  const delta = options.delta ?? DEFAULT_DELTA;
  return {
    ablation,
    tableId,
    variants,
    metrics,
    mainMetrics,
    summary: completeSummary(viewRows, paper, variants, metrics),
    claims: await readClaims(store, ablation, delta),
    delta,
    paper,
    runs,
    curves: await readCurves(store, ablation),
    classIou: await readClassIou(store, ablation),
    artifacts: await readArtifacts(store, ablation),
    params: await readConfigValues(store, ablation),
  };
}

/**
 * The summary rows in display order: each measured row with the paper's value where the view
 * has none, and a row with `n = 0` for each paper value nobody has measured yet.
 */
function completeSummary(
  viewRows: readonly SummaryRow[],
  paper: readonly PaperValue[],
  variants: readonly string[],
  metrics: readonly string[],
): SummaryRow[] {
  const key = (variant: string, metric: string) => `${variant}\u0000${metric}`;
  const paperOf = new Map(paper.map((p) => [key(p.variant, p.metric), p.value]));
  const byKey = new Map(viewRows.map((r) => [key(r.variant, r.metric), r]));
  const summary: SummaryRow[] = [];
  for (const variant of variants) {
    for (const metric of metrics) {
      const row = byKey.get(key(variant, metric));
      const paperValue = row?.paper ?? paperOf.get(key(variant, metric)) ?? null;
      if (row) {
        const { mean } = row;
        const delta = row.delta ??
          (mean !== null && paperValue !== null ? mean - paperValue : null);
        summary.push({ ...row, paper: paperValue, delta });
      } else if (paperValue !== null) {
        summary.push({
          variant,
          metric,
          n: 0,
          mean: null,
          std: null,
          ci95Low: null,
          ci95High: null,
          paper: paperValue,
          delta: null,
        });
      }
    }
  }
  return summary;
}

function orderedUnique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/**
 * The recent-runs listing behind `deno task runs`.
 *
 * @module
 */

import { INTEGER, VARCHAR } from "@duckdb/node-api";
import type { RunStatus } from "./schema.ts";
import type { QueryResult, RunStore } from "./store.ts";

/** Filters of {@linkcode listRuns}. */
export interface RunFilter {
  /** Runs serving this ablation (through `run_variants`), shown with that ablation's labels. */
  ablation?: string;
  status?: RunStatus;
  /**
   * Most recent first, at most this many.
   * @default 20
   */
  limit?: number;
}

const SQL = `
SELECT e.id,
       coalesce(rv.ablation, e.ablation) AS ablation,
       coalesce(rv.variant, e.variant) AS variant,
       e.seed, e.preset, e.status,
       strftime(e.started_at, '%Y-%m-%d %H:%M:%S') AS started,
       round(e.seconds, 1) AS seconds,
       e."hIoU", e."sIoU", e."uIoU",
       split_part(runs.error, chr(10), 1) AS error
FROM run_eval e
JOIN runs ON runs.id = e.id
LEFT JOIN run_variants rv ON rv.run_id = e.id AND rv.ablation = $ablation
WHERE ($ablation IS NULL OR rv.ablation IS NOT NULL OR e.ablation = $ablation)
  AND ($status IS NULL OR e.status = $status)
ORDER BY e.started_at DESC NULLS LAST, e.id, variant
LIMIT $limit`;

/**
 * Recent runs, newest first: id, ablation, variant, seed, preset, status, start time (UTC),
 * seconds, eval hIoU / sIoU / uIoU and the first line of the error.
 */
export function listRuns(store: RunStore, filter: RunFilter = {}): Promise<QueryResult> {
  return store.query(SQL, {
    ablation: filter.ablation ?? null,
    status: filter.status ?? null,
    limit: filter.limit ?? 20,
  }, TYPES);
}

const TYPES = { ablation: VARCHAR, status: VARCHAR, limit: INTEGER };

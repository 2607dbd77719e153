/**
 * The finished runs serving an ablation's rows, with what produced them (config and versions):
 * what a plan compares a row's new run with, to say why an old result no longer counts as done
 * (the code, the teacher, the data or the config changed since it ran).
 *
 * @module
 */
import type { JsonValue, RunStore } from "./store.ts";

/** A finished run serving one (ablation, variant, seed) row. */
export interface FinishedRowRun {
  readonly ablation: string;
  readonly variant: string;
  readonly seed: number;
  readonly runId: string;
  readonly preset: string;
  /** ISO 8601; `null` when unknown. */
  readonly endedAt: string | null;
  /** The resolved config it ran. */
  readonly config: JsonValue;
  /** Its record's `versions` (code digest and files, data, teacher, packages, ...). */
  readonly versions: Readonly<Record<string, string>>;
}

/**
 * The finished runs serving rows of `ablations`, oldest first.
 *
 * @example
 * ```ts ignore
 * for (const run of await readFinishedRowRuns(store, ["token-bank"])) console.log(run.runId);
 * ```
 */
export async function readFinishedRowRuns(
  store: RunStore,
  ablations: readonly string[],
): Promise<FinishedRowRun[]> {
  const runs: FinishedRowRun[] = [];
  for (const ablation of new Set(ablations)) {
    const rows = await store.queryObjects(
      `SELECT rv.ablation, rv.variant, rv.seed, r.id AS "runId", r.preset,
  r.ended_at AS "endedAt", r.config, r.versions
FROM run_variants rv JOIN runs r ON r.id = rv.run_id
WHERE rv.ablation = ? AND r.status = 'finished'
ORDER BY r.ended_at NULLS FIRST, r.id`,
      [ablation],
    );
    for (const row of rows) {
      const versions = row.versions;
      runs.push({
        ...row,
        versions: typeof versions === "object" && versions !== null && !Array.isArray(versions)
          ? Object.fromEntries(Object.entries(versions).map(([k, v]) => [k, String(v)]))
          : {},
      } as unknown as FinishedRowRun);
    }
  }
  return runs;
}

/**
 * Stale runs: a planned run that is not finished, while its row (ablation, variant, seed, preset)
 * has a finished run under another hash, ran once and would now give another result. It trains
 * again under its new hash; the old run keeps its rows (history). Its reason names what differs
 * from what the old run's record says produced it: the code (the files, from the record's
 * per-file manifest `versions.codeFiles`), the teacher (`versions.teacher`), the data
 * (`versions.dataIdentity`) or the config (the keys).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { DEFAULT_CONFIG } from "../c2s/config.ts";
 * import type { PlannedRun } from "../spec/expand.ts";
 * import { staleReasons } from "./stale.ts";
 * const run = { hash: "new", ablation: "a", variant: "v", seed: 0, preset: "smoke", config: DEFAULT_CONFIG };
 * const reasons = staleReasons([run as unknown as PlannedRun], {
 *   context: { dataIdentity: "d", teacherHash: "t", codeVersion: "code-2" },
 *   code: { digest: "code-2", files: { "lib/c2s/pixel_loss.ts": "222222222222" } },
 *   finished: [{
 *     ablation: "a", variant: "v", seed: 0, preset: "smoke", runId: "old", endedAt: null,
 *     config: DEFAULT_CONFIG as never,
 *     versions: { code: "code-1", codeFiles: "lib/c2s/pixel_loss.ts=111111111111",
 *       dataIdentity: "d", teacher: "mini-clip@t" },
 *   }],
 * });
 * assertEquals(reasons.get("new"), "code changed since it ran (lib/c2s/pixel_loss.ts)");
 * ```
 *
 * @module
 */
import type { PlannedRun } from "../spec/expand.ts";
import { canonicalJson, type HashContext } from "../spec/hash.ts";
import type { FinishedRowRun } from "../track/finished_runs.ts";
import { flattenConfig } from "../track/flatten.ts";
import { changedFiles, type CodeManifest, parseManifest } from "./code_digest.ts";
import * as msg from "./messages.ts";

/** What the plan knows now, and the finished runs of its rows. */
export interface StaleInputs {
  /** The hash context of this checkout and machine. */
  readonly context: HashContext;
  /** The code of this checkout (`context.codeVersion` is its digest). */
  readonly code: CodeManifest;
  /** Finished runs serving the plan's rows (`readFinishedRowRuns`). */
  readonly finished: readonly FinishedRowRun[];
}

/** Characters of a teacher hash a reason shows. */
const SHORT_TEACHER = 12;

function rowKey(row: Pick<FinishedRowRun, "ablation" | "variant" | "seed" | "preset">): string {
  return canonicalJson([row.ablation, row.variant, row.seed, row.preset]);
}

function teacherHashOf(teacher: string): string {
  return teacher.slice(teacher.lastIndexOf("@") + 1);
}

function shortTeacher(teacher: string): string {
  const at = teacher.lastIndexOf("@");
  return at < 0 ? teacher : teacher.slice(0, at + 1 + SHORT_TEACHER);
}

function changedKeys(before: unknown, after: unknown): string[] {
  const values = (config: unknown) =>
    new Map(flattenConfig(config).map(({ key, value }) => [key, value]));
  const [a, b] = [values(before), values(after)];
  return [...new Set([...a.keys(), ...b.keys()])].filter((key) => a.get(key) !== b.get(key));
}

/** Why `old`, a finished run of `run`'s row, differs from `run` as planned now. */
function reason(run: PlannedRun, old: FinishedRowRun, now: StaleInputs): string {
  const parts: string[] = [];
  const v = old.versions;
  if (v.code !== now.context.codeVersion) {
    parts.push(msg.staleCode(
      v.codeFiles === undefined ? null : changedFiles(parseManifest(v.codeFiles), now.code.files),
    ));
  }
  if (v.teacher !== undefined && teacherHashOf(v.teacher) !== now.context.teacherHash) {
    parts.push(msg.staleTeacher(shortTeacher(v.teacher)));
  }
  if (v.dataIdentity !== undefined && v.dataIdentity !== now.context.dataIdentity) {
    parts.push(msg.staleData(v.data ?? v.dataIdentity));
  }
  const keys = changedKeys(old.config, run.config);
  if (keys.length > 0) parts.push(msg.staleConfig(keys));
  return parts.length > 0 ? parts.join("; ") : msg.staleIdentity();
}

/**
 * The runs of `runs` that are stale, by hash, each with why (the latest finished run of its row
 * is the one compared). Finished runs are never stale; a row without a finished run is pending.
 */
export function staleReasons(
  runs: readonly PlannedRun[],
  now: StaleInputs,
): Map<string, string> {
  const finishedIds = new Set(now.finished.map((old) => old.runId));
  const latest = new Map<string, FinishedRowRun>();
  for (const old of now.finished) latest.set(rowKey(old), old);
  const reasons = new Map<string, string>();
  for (const run of runs) {
    if (finishedIds.has(run.hash) || reasons.has(run.hash)) continue;
    const old = latest.get(rowKey(run));
    if (old !== undefined) reasons.set(run.hash, reason(run, old, now));
  }
  return reasons;
}

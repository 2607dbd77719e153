/**
 * The text of `ablate NAME --plan`: every run with its variant, seed, short hash, status
 * (done / stale / pending) and overrides, grouped by ablation, with the base and preset overrides
 * shown once per ablation, and why stale runs are stale. A run whose config already appeared above
 * (one config serving two tables) says so.
 *
 * @example
 * ```ts
 * import tokenBank from "../../ablations/token_bank.ts";
 * import { assert, assertEquals } from "../_std.ts";
 * import { expandAblation } from "./expand.ts";
 * import { formatPlan } from "./plan.ts";
 * const runs = await expandAblation(tokenBank, { preset: "smoke" });
 * const plan = formatPlan(runs, [runs[0]!.hash]);
 * assertEquals(plan.split("\n")[0], "token-bank: Table IX (training), preset smoke");
 * assert(plan.endsWith("4 runs: 1 done, 3 pending"));
 * ```
 *
 * @module
 */
import type { PlannedRun } from "./expand.ts";
import type { Overrides } from "./keys.ts";

/** Characters of a hash shown in plans. */
export const SHORT_HASH = 12;

/** The first `SHORT_HASH` characters of a hash. */
export function shortHash(hash: string): string {
  return hash.slice(0, SHORT_HASH);
}

function formatItem(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(formatItem).join(",")}]`;
  return typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
}

/** `key=value` pairs separated by spaces (`-` when there are none). */
export function formatOverrides(overrides: Overrides): string {
  const pairs = Object.entries(overrides).map(([key, value]) => `${key}=${formatItem(value)}`);
  return pairs.length === 0 ? "-" : pairs.join(" ");
}

function table(rows: readonly string[][]): string[] {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows.map((row) =>
    row.map((cell, column) => column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))
      .join("  ").trimEnd()
  );
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/**
 * The plan as text. `doneHashes` holds the full hashes of finished runs (from the tracker);
 * `stale` maps the hash of a run whose row has a finished run under another hash to why that
 * one is stale (it runs again).
 */
export function formatPlan(
  runs: readonly PlannedRun[],
  doneHashes: Iterable<string>,
  stale: ReadonlyMap<string, string> = new Map(),
): string {
  const done = new Set(doneHashes);
  const status = (hash: string) => done.has(hash) ? "done" : stale.has(hash) ? "stale" : "pending";
  const groups = new Map<string, PlannedRun[]>();
  for (const run of runs) groups.set(run.ablation, [...(groups.get(run.ablation) ?? []), run]);
  const firstSeen = new Map<string, PlannedRun>();
  const lines: string[] = [];
  for (const [name, group] of groups) {
    const first = group[0] as PlannedRun;
    const doneCount = group.filter((run) => done.has(run.hash)).length;
    if (lines.length > 0) lines.push("");
    lines.push(`${name}: Table ${first.table} (${first.kind}), preset ${first.preset}`);
    lines.push(`  base:   ${formatOverrides(first.layers.base)}`);
    lines.push(`  preset: ${formatOverrides(first.layers.preset)}`);
    const rows = [["variant", "seed", "hash", "status", "overrides"]];
    for (const run of group) {
      const twin = firstSeen.get(run.hash);
      const same = twin === undefined || twin === run
        ? ""
        : `  (same run as ${twin.ablation} "${twin.variant}")`;
      if (twin === undefined) firstSeen.set(run.hash, run);
      const extra = run.layers.run.backend === undefined ? {} : { backend: run.layers.run.backend };
      rows.push([
        run.variant,
        String(run.seed),
        shortHash(run.hash),
        status(run.hash),
        formatOverrides({ ...run.layers.variant, ...extra }) + same,
      ]);
    }
    lines.push(...table(rows).map((line) => `  ${line}`));
    const why = new Map<string, number>();
    for (const run of group) {
      const reason = done.has(run.hash) ? undefined : stale.get(run.hash);
      if (reason !== undefined) why.set(reason, (why.get(reason) ?? 0) + 1);
    }
    for (const [reason, count] of why) lines.push(`  stale: ${reason}: ${plural(count, "run")}`);
    const staleCount = [...why.values()].reduce((a, b) => a + b, 0);
    lines.push(
      `  ${plural(group.length, "run")}: ${doneCount} done, ${group.length - doneCount} pending` +
        (staleCount > 0 ? ` (${staleCount} stale)` : ""),
    );
  }
  const distinct = new Set(runs.map((run) => run.hash));
  const distinctDone = [...distinct].filter((hash) => done.has(hash)).length;
  if (groups.size > 1 || distinct.size !== runs.length) {
    lines.push("");
    lines.push(
      `In all: ${plural(runs.length, "run")}, ${plural(distinct.size, "distinct config")}: ` +
        `${distinctDone} done, ${distinct.size - distinctDone} to run`,
    );
  }
  if (runs.length === 0) lines.push("No runs.");
  return lines.join("\n");
}

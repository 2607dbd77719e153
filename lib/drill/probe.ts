/**
 * Looks into database files from a second process ({@linkcode ./probe_main.ts}), as any other
 * DuckDB client would: a file that does not open there is a finding.
 *
 * @module
 */
import * as msg from "./messages.ts";
import { runModule } from "./proc.ts";

/** A run as the second client saw it. */
export interface ProbedRun {
  readonly id: string;
  readonly hash: string;
  readonly status: string;
  readonly error: string | null;
  /** When it ended, as DuckDB writes a timestamp; `null` while running. */
  readonly endedAt: string | null;
}

/** What the second client saw in one file. */
export interface Probed {
  readonly path: string;
  /** Whether it opened read-only and answered the queries. */
  readonly opens: boolean;
  /** Why not, when it did not. */
  readonly error: string | null;
  /** Every run: id, hash, status and error. */
  readonly runs: readonly ProbedRun[];
  /** Ids of runs with some row stored twice. */
  readonly duplicated: readonly string[];
}

/** Probes every file of `paths` in one separate process. */
export async function probe(paths: readonly string[]): Promise<Map<string, Probed>> {
  const found = new Map<string, Probed>();
  if (paths.length === 0) return found;
  const ended = await runModule(new URL("./probe_main.ts", import.meta.url), paths, {
    deadlineMs: 60_000,
  });
  let parsed: Probed[] = [];
  try {
    parsed = JSON.parse(ended.stdout.trim().split("\n").at(-1) ?? "[]");
  } catch { /* reported below */ }
  for (const path of paths) {
    const got = parsed.find((p) => p.path === path);
    found.set(
      path,
      got ?? {
        path,
        opens: false,
        error: msg.probeFailed(ended.code, ended.stderr),
        runs: [],
        duplicated: [],
      },
    );
  }
  return found;
}

/** The finished runs a probe saw: hash -> end time. */
export function finishedOf(probed: Probed): Map<string, string | null> {
  return new Map(
    probed.runs.filter((r) => r.status === "finished").map((r) => [r.hash, r.endedAt]),
  );
}

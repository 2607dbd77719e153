/**
 * `ablate NAME --until-resolved [--max-seeds N]`: adds seeds to a table until every claim of the
 * paper on it is resolved (reproduced, reversed or equivalent) or the cap is reached. The seed
 * counts it looks at are planned before the first run (`planLooks`: the starting seeds, then about
 * 1.5x more each time, up to the cap) and the 5 % error rate is split over them, so each look
 * judges the claims with a paired-t CI at level 1 - 0.05 / L (`lib/track/sequential.ts` says why).
 * After each look it runs the next planned look at or beyond the smallest seed count an unresolved
 * claim needs. With `all`, each table gets its own looks, one table after another.
 *
 * Each look is a plain sweep (`runSweep`) with `--seeds` raised: finished runs are skipped, so a
 * stopped loop resumes where it was when the same command is run again.
 *
 * @module
 */
import type { Ablation } from "../spec/define.ts";
import { getPreset } from "../spec/presets.ts";
import { readClaimDifferences, readClaims } from "../track/ablation_rows.ts";
import { DEFAULT_WAIT_SECONDS } from "../track/_cli.ts";
import { judgeDifferences, type LookPlan, nextLook, planLooks } from "../track/sequential.ts";
import { RunStore } from "../track/store.ts";
import type { ClaimRow } from "../track/ablation_rows.ts";
import type { SweepArgs } from "./args.ts";
import * as msg from "./messages.ts";
import { loadTargets } from "./resolve.ts";
import { formatClaims } from "./summary.ts";
import { runSweep, type SweepIo, type SweepOptions } from "./sweep.ts";

/** The seed cap of `--until-resolved` when `--max-seeds` is not given. */
export const DEFAULT_MAX_SEEDS = 10;

/**
 * Refuses flags that do not go with `--until-resolved` (or `--max-seeds` without it), naming
 * them.
 */
export function checkUntilResolvedFlags(args: SweepArgs): void {
  if (!args.untilResolved) {
    if (args.maxSeeds !== null) {
      throw new TypeError(msg.MAX_SEEDS_ALONE);
    }
    return;
  }
  if (args.launcher === "slurm") {
    throw new TypeError(msg.UNTIL_RESOLVED_ON_SLURM);
  }
  if (args.rerun) throw new TypeError(msg.UNTIL_RESOLVED_RERUN);
  const { first, max } = seedRange(args);
  if (max < first) throw new RangeError(msg.maxSeedsBelowStart(max, first));
}

/** The starting seeds (`--seeds`, else the preset's) and the cap (`--max-seeds`, else 10). */
function seedRange(args: SweepArgs): { first: number; max: number } {
  const first = args.seeds ?? getPreset(args.preset).seeds;
  return { first, max: args.maxSeeds ?? Math.max(DEFAULT_MAX_SEEDS, first) };
}

/**
 * Runs each table of `args.target` look by look until its claims are resolved or the cap is
 * reached; returns the exit code of the first sweep that did not end cleanly, else 0.
 */
export async function runUntilResolved(
  args: SweepArgs,
  io: SweepIo,
  options: SweepOptions = {},
): Promise<number> {
  const ablations = await loadTargets(args.target, args.specsDir, args.experiment);
  const { first, max } = seedRange(args);
  const plan = planLooks(first, max);
  io.print(msg.looksPlanned(plan.seeds, plan.level));
  for (const ablation of ablations) {
    const code = await resolveTable(ablation, plan, args, io, options);
    if (code !== 0) return code;
  }
  return 0;
}

async function resolveTable(
  ablation: Ablation,
  plan: LookPlan,
  args: SweepArgs,
  io: SweepIo,
  options: SweepOptions,
): Promise<number> {
  if (ablation.variants.filter((v) => v.paperRow !== null).length < 2) {
    // The paper orders none of its rows (a measurement table): one plain sweep, its own seeds.
    const code = await runSweep({ ...args, target: ablation.name }, io, options);
    if (code === 0) io.print(`${msg.lookHead(ablation)} ${msg.NOTHING_TO_RESOLVE}`);
    return code;
  }
  for (let seeds: number | null = plan.seeds[0]!; seeds !== null;) {
    const code = await runSweep({ ...args, target: ablation.name, seeds }, io, options);
    if (code !== 0) return code;
    const claims = await judgeTable(args, ablation.name, plan.level);
    const open = claims.filter((c) => c.verdict === "unresolved");
    const next: number | null = open.length === 0
      ? null
      : nextLook(plan, seeds, open.map((c) => c.seedsNeeded));
    io.print(lookText(ablation, { plan, seeds, next, claims, delta: args.delta }));
    seeds = next;
  }
  return 0;
}

/** The claims of `ablation` judged at `level` from the store's paired differences. */
async function judgeTable(args: SweepArgs, ablation: string, level: number): Promise<ClaimRow[]> {
  const store = await RunStore.open(args.db, {
    readOnly: true,
    waitMs: Math.max(args.waitMs, DEFAULT_WAIT_SECONDS * 1000),
  });
  try {
    const claims = await readClaims(store, ablation, args.delta);
    const diffs = await readClaimDifferences(store, ablation);
    return claims.map((claim) => {
      const mine = diffs.filter((d) =>
        d.metric === claim.metric && d.better === claim.better && d.worse === claim.worse
      ).map((d) => d.diff);
      const v = judgeDifferences(mine, level, args.delta);
      return {
        ...claim,
        n: v.n,
        meanDiff: v.meanDiff,
        ci95Low: v.low,
        ci95High: v.high,
        verdict: v.verdict,
        seedsNeeded: v.seedsNeeded,
      };
    });
  } finally {
    await store.close();
  }
}

function lookText(
  ablation: Ablation,
  look: {
    plan: LookPlan;
    seeds: number;
    next: number | null;
    claims: readonly ClaimRow[];
    delta: number;
  },
): string {
  const { plan, seeds, next, claims } = look;
  const head = msg.lookHead(ablation, {
    index: plan.seeds.indexOf(seeds) + 1,
    of: plan.seeds.length,
    seeds,
  });
  if (claims.length === 0) return `${head} ${msg.NOTHING_TO_RESOLVE}`;
  const open = claims.filter((c) => c.verdict === "unresolved").length;
  return [
    head,
    ...formatClaims({ claims, delta: look.delta }, msg.lookCiLabel(plan.level)),
    `  ${msg.lookOutcome(open, seeds, next)}`,
  ].join("\n");
}

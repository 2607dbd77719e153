/**
 * TEST FIXTURE: a temporary run database with invented but plausible runs, written through the
 * tracking area's `RunStore` (records ingested as the `collect` task would). None of these numbers
 * is a result: they are drawn from a seeded generator around the reference figures in DESIGN.md so
 * that the pages have something realistic to show. Never shipped, never read by a report outside
 * the tests.
 *
 * Contents:
 * - token-bank (Table IX): variants 0, 2, 6, 14 x seeds 0-2, finished; plus one failed run of 14.
 * - module (Table IV): baseline, +latent, +distillation x seeds 0-2; its "full" row is the same
 *   runs as token-bank's "6" (one config serves both tables, as in the real store).
 * - window-size (Table X): paper values only (no runs yet).
 * Seed 0 of every finished run writes a samples JSON artifact; every run points at one teacher card.
 *
 * @module
 */
import { DEFAULT_CONFIG } from "../../lib/c2s/config.ts";
import { createRng } from "../../lib/data/rng.ts";
import { FASHION_CLASSES } from "../../lib/data/types.ts";
import { paperValue, type TableId } from "../../lib/spec/paper_tables.ts";
import type { RunRecord } from "../../lib/track/record.ts";
import { type PaperValueRow, RunStore } from "../../lib/track/store.ts";

/** Where the fixture lives and what it holds. */
export interface Fixture {
  readonly dir: string;
  readonly db: string;
  /** Variant labels per ablation, in spec order. */
  readonly variants: Readonly<Record<string, readonly string[]>>;
  /** Finished runs per ablation. */
  readonly finished: Readonly<Record<string, number>>;
  cleanup(): Promise<void>;
}

/** Invented (sIoU, uIoU) means per variant, near DESIGN.md's reference runs. */
const MEANS: Record<string, Record<string, [number, number]>> = {
  "token-bank": { "0": [33.1, 23.4], "2": [33.4, 24.6], "6": [34.7, 26.2], "14": [33.0, 25.1] },
  module: {
    baseline: [45.4, 2.8],
    "+latent": [46.9, 3.9],
    "+distillation": [36.3, 20.7],
  },
};

/** Label -> paper row, for the fixture's paper values (as the spec files map them). */
const PAPER_ROWS: Record<string, { table: TableId; rows: Record<string, string> }> = {
  "token-bank": { table: "IX", rows: { "0": "0", "2": "2", "6": "6", "14": "14" } },
  module: {
    table: "IV",
    rows: {
      baseline: "baseline",
      "+latent": "baseline + latent embedding",
      "+distillation": "baseline + distillation",
      full: "baseline + distillation + latent embedding",
    },
  },
  "window-size": { table: "X", rows: { "3": "3", "7": "7", "3,7": "3,7" } },
};

const UNSEEN = new Set(["Trouser", "Sneaker", "Bag"]);
const SEEDS = [0, 1, 2];
const STEPS = 400;

function hiou(s: number, u: number): number {
  return s + u > 0 ? (2 * s * u) / (s + u) : 0;
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function gauss(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** A 64x64 sample with two items: one seen class, one unseen (latent in the pseudo mask). */
function fixtureSample(rng: () => number, split: "train" | "eval", index: number) {
  const size = 64;
  const image = new Uint8Array(size * size);
  const gt = new Uint8Array(size * size).fill(255);
  const items = [
    { cls: 3, cx: 20 + rng() * 8, cy: 22 + rng() * 8, r: 13 }, // Dress (seen)
    { cls: 8, cx: 42 + rng() * 6, cy: 40 + rng() * 6, r: 11 }, // Bag (unseen)
  ];
  for (const it of items) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const d = Math.hypot((x - it.cx) / it.r, (y - it.cy) / (it.r * 1.2));
        if (d < 1) {
          image[y * size + x] = Math.round(120 + 120 * (1 - d));
          gt[y * size + x] = it.cls;
        }
      }
    }
  }
  const pseudo = gt.map((v) => (v === 8 ? 10 : v));
  const prediction = gt.map((v, p) => {
    if (v === 255) return rng() < 0.02 ? 3 : 255;
    if (v === 8 && (p % size) < items[1]!.cx - 4) return 2; // part of the unseen item missed
    return v;
  });
  const b64 = (a: Uint8Array) => btoa(String.fromCharCode(...a));
  return {
    split,
    index,
    height: size,
    width: size,
    image: b64(image),
    groundTruth: b64(gt),
    pseudoMask: split === "train" ? b64(pseudo) : null,
    prediction: b64(prediction),
  };
}

function config(overrides: Record<string, unknown>, seed: number): unknown {
  const c = structuredClone(DEFAULT_CONFIG) as unknown as Record<string, Record<string, unknown>>;
  for (const [key, value] of Object.entries(overrides)) {
    const parts = key.split(".");
    let at: Record<string, unknown> = c;
    for (const p of parts.slice(0, -1)) at = at[p] as Record<string, unknown>;
    at[parts[parts.length - 1]!] = value;
  }
  (c.train as Record<string, unknown>).seed = seed;
  (c.train as Record<string, unknown>).steps = STEPS;
  return c;
}

const OVERRIDES: Record<string, Record<string, Record<string, unknown>>> = {
  "token-bank": {
    "0": { "distill.global.bankSize": 0 },
    "2": { "distill.global.bankSize": 2 },
    "6": {},
    "14": { "distill.global.bankSize": 14 },
  },
  module: {
    baseline: {
      "distill.global.enabled": false,
      "distill.local.enabled": false,
      "latent.enabled": false,
    },
    "+latent": { "distill.global.enabled": false, "distill.local.enabled": false },
    "+distillation": { "latent.enabled": false },
  },
};

/**
 * Write the fixture database into a fresh temporary folder.
 *
 * @example
 * ```ts ignore
 * const fx = await makeFixtureDb();
 * try { ... fx.db ... } finally { await fx.cleanup(); }
 * ```
 */
export async function makeFixtureDb(): Promise<Fixture> {
  const dir = await Deno.makeTempDir({ prefix: "c2s-report-fixture-" });
  const db = `${dir}/runs.duckdb`;
  const cardPath = "artifacts/teacher-card.json";
  await Deno.mkdir(`${dir}/artifacts`, { recursive: true });
  const card = new TextEncoder().encode(JSON.stringify(
    {
      name: "mini-CLIP conv tower (TEST FIXTURE, invented numbers)",
      params: 80_000,
      macsPerImage: "22.4 M",
      trainingTflop: 75,
      eval: { zeroShotSingleItem: 90.5, densePatchAccuracy: 71.6, maskedItem: 84.0 },
    },
    null,
    2,
  ));
  await Deno.writeFile(`${dir}/${cardPath}`, card);
  const cardSha = await sha256(card);

  const store = await RunStore.open(db);
  let finishedTb = 0;
  let finishedModule = 0;
  try {
    const paper: PaperValueRow[] = [];
    for (const [ablation, { table, rows }] of Object.entries(PAPER_ROWS)) {
      for (const [label, row] of Object.entries(rows)) {
        for (const metric of ["hIoU", "sIoU", "uIoU"]) {
          const value = paperValue(table, row, metric);
          if (value !== null) {
            paper.push({ tableId: table, ablation, variant: label, metric, value });
          }
        }
      }
    }
    await store.setPaperValues(paper);

    let minute = 0;
    for (const ablation of ["token-bank", "module"]) {
      for (const [variant, [s0, u0]] of Object.entries(MEANS[ablation]!)) {
        for (const seed of SEEDS) {
          const full = ablation === "token-bank" && variant === "6";
          const hash = full
            ? `fixture-full-s${seed}`
            : `fixture-${ablation}-${variant.replace(/[^a-z0-9]/gi, "") || "x"}-s${seed}`;
          const rng = createRng(seed * 1000 + variant.length * 17 + ablation.length);
          const s = s0 + 0.9 * gauss(rng);
          const u = u0 + 1.1 * gauss(rng);
          const metrics: RunRecord["metrics"] = [];
          for (let step = 10; step <= STEPS; step += 10) {
            const t = step / STEPS;
            const pixel = 0.35 + 1.6 * Math.exp(-5 * t) + 0.03 * gauss(rng);
            const global = u0 > 10 ? 2.2 + 1.4 * Math.exp(-4 * t) + 0.05 * gauss(rng) : 0;
            const local = u0 > 10 ? 0.9 + 1.1 * Math.exp(-3 * t) + 0.04 * gauss(rng) : 0;
            metrics.push({ step, name: "loss/pixel", value: pixel });
            metrics.push({ step, name: "loss/global", value: global });
            metrics.push({ step, name: "loss/local", value: local });
            metrics.push({ step, name: "loss/total", value: pixel + global + local });
            if (step % 100 === 0) {
              const f = 1 - Math.exp(-4 * t);
              metrics.push({ step, name: "eval/sIoU", value: s * (0.6 + 0.4 * f) });
              metrics.push({ step, name: "eval/uIoU", value: u * f });
              metrics.push({ step, name: "eval/hIoU", value: hiou(s * (0.6 + 0.4 * f), u * f) });
            }
          }
          const classIou = FASHION_CLASSES.map((className) => {
            const seen = !UNSEEN.has(className);
            return { className, seen, iou: (seen ? s : u) + 4 * gauss(rng) };
          });
          const artifacts: RunRecord["artifacts"] = [
            { kind: "teacher-card", path: cardPath, sha256: cardSha },
          ];
          if (seed === 0) {
            const path = `artifacts/${hash}/samples.json`;
            await Deno.mkdir(`${dir}/artifacts/${hash}`, { recursive: true });
            const bytes = new TextEncoder().encode(
              JSON.stringify([fixtureSample(rng, "train", 0), fixtureSample(rng, "eval", 0)]),
            );
            await Deno.writeFile(`${dir}/${path}`, bytes);
            artifacts.push({ kind: "sample", path, sha256: await sha256(bytes) });
          }
          const started = new Date(Date.UTC(2026, 0, 5, 10, minute));
          minute += 6;
          await store.ingestRecord({
            hash,
            ablation,
            variant,
            seed,
            preset: "quick",
            config: config(OVERRIDES[ablation]![variant]!, seed),
            overrides: OVERRIDES[ablation]![variant]!,
            status: "finished",
            startedAt: started.toISOString(),
            endedAt: new Date(started.getTime() + 5.5 * 60_000).toISOString(),
            backend: "wasm",
            host: "fixture-host",
            versions: { deno: Deno.version.deno, fixture: "true" },
            git: { commit: "f1x7e0000000000000000000000000000000000", dirty: false },
            error: null,
            failedStep: null,
            metrics,
            results: [
              { split: "eval", metric: "sIoU", value: s },
              { split: "eval", metric: "uIoU", value: u },
              { split: "eval", metric: "hIoU", value: hiou(s, u) },
            ],
            classIou,
            artifacts,
          });
          if (full) {
            await store.addVariantMembership("module", "full", hash, seed);
            finishedModule++;
          }
          if (ablation === "token-bank") finishedTb++;
          else finishedModule++;
        }
      }
    }
    // One failed run: counted on the page's run list, never in the means.
    await store.ingestRecord({
      hash: "fixture-token-bank-14-s3",
      ablation: "token-bank",
      variant: "14",
      seed: 3,
      preset: "quick",
      config: config(OVERRIDES["token-bank"]!["14"]!, 3),
      overrides: OVERRIDES["token-bank"]!["14"]!,
      status: "failed",
      startedAt: new Date(Date.UTC(2026, 0, 5, 14, 0)).toISOString(),
      endedAt: new Date(Date.UTC(2026, 0, 5, 14, 3)).toISOString(),
      backend: "wasm",
      host: "fixture-host",
      versions: { deno: Deno.version.deno, fixture: "true" },
      git: { commit: null, dirty: null },
      error: "NaN loss at step 340 <script>alert(1)</script>",
      failedStep: 340,
      metrics: [{ step: 10, name: "loss/total", value: 3.1 }],
      results: [],
      classIou: [],
      artifacts: [],
    });
  } finally {
    await store.close();
  }
  return {
    dir,
    db,
    variants: {
      "token-bank": ["0", "2", "6", "14"],
      module: ["baseline", "+latent", "+distillation", "full"],
      "window-size": ["3", "7", "3,7"],
    },
    finished: { "token-bank": finishedTb, module: finishedModule, "window-size": 0 },
    cleanup: () => Deno.remove(dir, { recursive: true }),
  };
}

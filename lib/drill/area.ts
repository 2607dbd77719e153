/**
 * The drill's throwaway folder: one place per scenario (a database path and a working area), the
 * `ablate` arguments that point a smoke sweep at a place, and a finished sweep other scenarios
 * start from. Nothing outside this folder is written; it is removed at the end unless kept.
 *
 * @module
 */
import { join } from "node:path";
import { runTask } from "./proc.ts";
import * as msg from "./messages.ts";

/** The ablation the drill sweeps: Table IX, 4 bank sizes, a few seconds per smoke run. */
export const ABLATION = "token-bank";

/** Runs of {@linkcode ABLATION} per seed. */
export const RUNS_PER_SEED = 4;

/** A scenario's database file and working area. */
export interface Place {
  readonly dir: string;
  readonly db: string;
  readonly work: string;
  /** Where `run-one` writes records: `work/records`. */
  readonly records: string;
}

/** The throwaway folder. */
export class Area {
  private constructor(readonly root: string, readonly keep: boolean) {}

  /** Makes a fresh folder under `parent` (the system's temporary folder when `null`). */
  static async create(parent: string | null, keep: boolean): Promise<Area> {
    if (parent !== null) await Deno.mkdir(parent, { recursive: true });
    const root = await Deno.makeTempDir({
      prefix: "c2s-drill-",
      ...(parent ? { dir: parent } : {}),
    });
    return new Area(root, keep);
  }

  /** A new empty place named `name`. */
  async place(name: string): Promise<Place> {
    const dir = join(this.root, name);
    await Deno.mkdir(dir, { recursive: true });
    return placeAt(dir);
  }

  /** Removes the folder (unless kept). */
  async dispose(): Promise<void> {
    if (!this.keep) await Deno.remove(this.root, { recursive: true }).catch(() => {});
  }
}

/** The place whose files live in `dir`. */
export function placeAt(dir: string): Place {
  const work = join(dir, "work");
  return { dir, db: join(dir, "runs.duckdb"), work, records: join(work, "records") };
}

/**
 * `ablate` arguments: a smoke sweep of {@linkcode ABLATION} with `seeds` seeds into `place`
 * (`--db PATH` last, so a caller can swap it).
 */
export function sweepArgs(place: Place, seeds = 1, workers = 2): string[] {
  return [
    ABLATION,
    "--preset",
    "smoke",
    "--seeds",
    String(seeds),
    "--workers",
    String(workers),
    "--work",
    place.work,
    "--db",
    place.db,
  ];
}

/** Short hashes of the runs `ablate --plan` lists for `args`. */
export async function plannedRuns(args: readonly string[]): Promise<Set<string>> {
  const ended = await runTask("ablate", [...args, "--plan"], { deadlineMs: 120_000 });
  if (ended.code !== 0) throw new Error(msg.setupFailed("ablate --plan", ended.stderr));
  return new Set([...ended.stdout.matchAll(/\s([0-9a-f]{12})\s/g)].map((m) => m[1]!));
}

/**
 * A place holding a finished smoke sweep (one seed), its records under `records/ingested/`:
 * what the scenarios that break things start from. Throws when the sweep does not finish.
 */
export async function finishedPlace(area: Area, name: string): Promise<Place> {
  const place = await area.place(name);
  const ended = await runTask("ablate", sweepArgs(place), { deadlineMs: 300_000 });
  if (ended.code !== 0) {
    throw new Error(msg.setupFailed("ablate", `${ended.stdout}\n${ended.stderr}`));
  }
  return place;
}

/** A new place `name` with a copy of `from`'s database and records (jobs too). */
export async function copyPlace(area: Area, from: Place, name: string): Promise<Place> {
  const place = await area.place(name);
  await Deno.copyFile(from.db, place.db);
  await copyTree(from.work, place.work, (path) => !path.includes("/artifacts/"));
  return place;
}

async function copyTree(from: string, to: string, keep: (path: string) => boolean): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const source = join(from, entry.name);
    if (!keep(`${source}/`)) continue;
    if (entry.isDirectory) await copyTree(source, join(to, entry.name), keep);
    else if (entry.isFile) await Deno.copyFile(source, join(to, entry.name));
  }
}

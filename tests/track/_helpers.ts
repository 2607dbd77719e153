/**
 * Fixtures for the tracking tests: temporary directories, a valid run record, a planned run.
 *
 * @module
 */

import { assert } from "../../lib/_std.ts";
import type { RunRecord } from "../../lib/track/record.ts";
import { type PlannedRunInfo, RunStore, type RunStoreOptions } from "../../lib/track/store.ts";

/** A fresh temporary directory; remove it with the returned function. */
export async function tempDir(): Promise<{ dir: string; [Symbol.asyncDispose](): Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "c2s-track-" });
  return {
    dir,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }).catch(() => {}),
  };
}

/** Runs `fn` on a new run store in a temporary directory; closes and removes both after. */
export async function withStore<T>(fn: (store: RunStore, dir: string) => Promise<T>): Promise<T> {
  await using tmp = await tempDir();
  return await withStoreAt(`${tmp.dir}/runs.duckdb`, (store) => fn(store, tmp.dir));
}

/** Runs `fn` on the run store at `path` (opened with `options`), then closes it. */
export async function withStoreAt<T>(
  path: string,
  fn: (store: RunStore) => Promise<T>,
  options: RunStoreOptions = {},
): Promise<T> {
  const store = await RunStore.open(path, options);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Writes `records` to a new run store `<dir>/runs.duckdb`, closes it and returns its path. */
export async function databaseWith(dir: string, records: readonly RunRecord[]): Promise<string> {
  const path = `${dir}/runs.duckdb`;
  await withStoreAt(path, async (store) => {
    for (const record of records) await store.ingestRecord(record);
  });
  return path;
}

/** A small nested config like a resolved C2S config. */
export const CONFIG = {
  data: { unseen: ["Trouser", "Bag"], trainScenes: 64 },
  distill: { global: { bankSize: 6, loss: "infonce" }, weight: 0.5 },
  teacherPath: null,
};

/** A planned run for `startRun`: the sample record's plan. */
export function plannedRun(change: Partial<PlannedRunInfo> = {}): PlannedRunInfo {
  const { hash, ablation, variant, seed, preset, config, overrides } = sampleRecord();
  return { hash, ablation, variant, seed, preset, config, overrides, ...change };
}

/** A valid finished record; `overrides` replace top-level fields. */
export function sampleRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    hash: "h0001",
    ablation: "token-bank",
    variant: "6",
    seed: 1,
    preset: "smoke",
    config: CONFIG,
    overrides: { "distill.global.bankSize": 6 },
    status: "finished",
    startedAt: "2025-03-01T10:00:00.000Z",
    endedAt: "2025-03-01T10:02:30.500Z",
    backend: "wasm",
    host: "box",
    versions: { deno: "2.9.6", tfjs: "4.22.0" },
    git: { commit: "abc123", dirty: false },
    error: null,
    failedStep: null,
    metrics: [
      { step: 0, name: "loss", value: 2.5 },
      { step: 10, name: "loss", value: 1.25 },
      { step: 10, name: "lr", value: 0.001 },
    ],
    results: [
      { split: "eval", metric: "hIoU", value: 40 },
      { split: "eval", metric: "sIoU", value: 60 },
      { split: "eval", metric: "uIoU", value: 30 },
    ],
    classIou: [
      { className: "Trouser", seen: false, iou: 31.5 },
      { className: "Coat", seen: true, iou: null },
    ],
    artifacts: [{ kind: "checkpoint", path: "ckpt/h0001.bin", sha256: "ab".repeat(32) }],
    ...overrides,
  };
}

// deno-lint-ignore no-explicit-any
type ErrorClass = new (...args: any[]) => Error;

/** Asserts `error` is an instance of `cls` whose message equals `message` (or matches it). */
export function assertError(error: unknown, cls: ErrorClass, message: string | RegExp): void {
  assert.ok(
    error instanceof cls,
    `expected ${cls.name}, got ${(error as Error)?.constructor?.name}: ${String(error)}`,
  );
  if (typeof message === "string") assert.equal(error.message, message);
  else assert.match(error.message, message);
}

/** Asserts `fn()` rejects (or throws) with class `cls` and exactly `message` (or a match). */
export async function rejectsWith(
  fn: () => unknown,
  cls: ErrorClass,
  message: string | RegExp,
): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    assertError(error, cls, message);
    return error as Error;
  }
  throw new assert.AssertionError({ message: `expected ${cls.name}: ${String(message)}` });
}

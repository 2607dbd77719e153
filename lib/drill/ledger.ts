/**
 * What the drill counts. A run is *lost* when it was finished (the owner said so, or a database
 * showed it) before a fault and is not finished after it, or when its finished record landed and
 * the run is not finished once the owner has settled; a record is lost when it was on disk under
 * the records folder before a fault and afterwards neither it nor a file of its name is anywhere
 * under that folder, and the database does not say how its run ended (it was neither stored nor
 * set aside).
 * A run is *duplicated* when some row of it is stored twice. Runs are keyed by the first 12 hex
 * digits of their hash, as the sweep's log lines show them.
 *
 * @module
 */
import { join } from "node:path";
import * as msg from "./messages.ts";
import { finishedOf, type Probed } from "./probe.ts";

/** A record file seen on disk. */
export interface SeenRecord {
  readonly name: string;
  readonly hash: string;
  /** Its `status` field, or `null` when it is not a readable record. */
  readonly status: string | null;
}

/** The short form of a run hash (as log lines print it). */
export function short(hash: string): string {
  return hash.slice(0, 12);
}

/** Short hashes of the runs a sweep's output says it stored as finished. */
export function announcedFinished(lines: readonly string[]): Set<string> {
  const found = new Set<string>();
  for (const line of lines) {
    const match = line.match(/^\[\d+\/\d+\] finished .*\(([0-9a-f]{12})\)/);
    if (match) found.add(match[1]!);
  }
  return found;
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Every file under `dir` (all depths): its name and its bytes. */
async function filesUnder(dir: string): Promise<{ name: string; bytes: Uint8Array }[]> {
  const found: { name: string; bytes: Uint8Array }[] = [];
  const walk = async (at: string): Promise<void> => {
    const entries = await Array.fromAsync(Deno.readDir(at)).catch(() => []);
    for (const entry of entries) {
      const path = join(at, entry.name);
      if (entry.isDirectory) await walk(path);
      if (!entry.isFile) continue;
      const bytes = await Deno.readFile(path).catch(() => null);
      if (bytes !== null) found.push({ name: entry.name, bytes });
    }
  };
  await walk(dir);
  return found;
}

/** The content digests of every file under `dir` (to find a file that was moved or renamed). */
export async function contentsUnder(dir: string): Promise<Set<string>> {
  return new Set(await Promise.all((await filesUnder(dir)).map((f) => sha256(f.bytes))));
}

/** The content digest of a text. */
export function digestOf(text: string): Promise<string> {
  return sha256(new TextEncoder().encode(text));
}

/** Every `*.run.json` file under `dir` (all depths), by content digest. */
export async function recordsUnder(dir: string): Promise<Map<string, SeenRecord>> {
  const found = new Map<string, SeenRecord>();
  for (const { name, bytes } of await filesUnder(dir)) {
    if (!name.endsWith(".run.json")) continue;
    let status: string | null = null;
    try {
      const value = JSON.parse(new TextDecoder().decode(bytes));
      status = typeof value?.status === "string" ? value.status : null;
    } catch { /* not a record */ }
    const hash = name.slice(0, -".run.json".length);
    found.set(await sha256(bytes), { name, hash, status });
  }
  return found;
}

/** What one look after a fault found. */
export interface Account {
  readonly finished: number;
  readonly lost: readonly string[];
  readonly duplicated: number;
}

/** Everything a drill scenario has seen finished or landed, across its faults. */
export class Ledger {
  /** Runs seen finished (short hash) and when they ended (`null`: seen in a log line only). */
  readonly finished: Map<string, string | null> = new Map();
  readonly records: Map<string, SeenRecord> = new Map();

  /** Notes runs seen finished: hashes (from log lines), or hash -> end time (from a probe). */
  sawFinished(runs: Iterable<string> | ReadonlyMap<string, string | null>): void {
    const entries = runs instanceof Map ? runs : [...runs].map((h) => [h, null] as const);
    for (const [hash, endedAt] of entries) {
      const key = short(hash);
      if (endedAt !== null || !this.finished.has(key)) this.finished.set(key, endedAt);
    }
  }

  /** Notes the records on disk now. */
  sawRecords(records: ReadonlyMap<string, SeenRecord>): void {
    for (const [digest, record] of records) this.records.set(digest, record);
  }

  /**
   * Compares what is there now (a probe of the database and the records on disk) with what was
   * seen before. A finished run must still be finished, with the same end time (else its
   * results were replaced). `settled`: the owner has stored everything it was going to, so a
   * finished record must have made its run finished. What is there now is noted for the next
   * fault.
   */
  account(
    probed: Probed,
    records: ReadonlyMap<string, SeenRecord>,
    options: { settled: boolean },
  ): Account {
    const now = new Map([...finishedOf(probed)].map(([hash, at]) => [short(hash), at]));
    const statusOf = new Map(probed.runs.map((r) => [short(r.hash), r.status]));
    const lost: string[] = [];
    for (const [hash, at] of this.finished) {
      const endedAt = now.get(hash);
      if (endedAt === undefined) lost.push(msg.lostRun(hash, statusOf.get(hash) ?? null));
      else if (at !== null && endedAt !== at) lost.push(msg.replacedRun(hash, at, endedAt));
    }
    const namesNow = new Set([...records.values()].map((r) => r.name));
    for (const [digest, record] of this.records) {
      const hash = short(record.hash);
      const ended = ["finished", "failed", "interrupted"].includes(statusOf.get(hash) ?? "");
      if (!records.has(digest) && !namesNow.has(record.name) && !ended) {
        lost.push(msg.lostRecord(record.name, record.status));
      }
      if (
        options.settled && record.status === "finished" && !now.has(hash) &&
        !this.finished.has(hash)
      ) lost.push(msg.landedNotFinished(hash, statusOf.get(hash) ?? null));
    }
    this.sawFinished(now);
    this.sawRecords(records);
    return { finished: now.size, lost, duplicated: probed.duplicated.length };
  }
}

/** Finished runs (of `finished`) that a sweep's output says it started again. */
export function retrained(lines: readonly string[], finished: ReadonlySet<string>): string[] {
  return lines.flatMap((line) => {
    const match = line.match(/^start .*\(([0-9a-f]{12})\) pid/);
    return match && finished.has(match[1]!) ? [msg.retrained(match[1]!)] : [];
  });
}

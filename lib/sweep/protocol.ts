/**
 * The protocol between the process that owns a sweep (and its database) and the `run-one`
 * processes that train: one JSON object per line on the child's stdout, each carrying
 * `"c2s": 1` so that any other output on stdout (a library's notice) is told apart and ignored.
 *
 * A child says, in order: `started`; any number of `cache`, `progress`, `eval` and `warning`
 * lines; then exactly one `record` (the path of the run record it wrote, whatever the run's
 * status) or `error` (it could not write one). The owner keeps the child's stdin open and writes
 * nothing to it: a child that reads end-of-file there knows its owner is gone and stops its run
 * as interrupted. Everything a child prints for people goes to stderr.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { decodeLine, encodeMessage } from "./protocol.ts";
 * const started = { type: "started", hash: "ab", pid: 7, backend: "wasm" } as const;
 * assert.deepEqual(decodeLine(encodeMessage(started).trim()), started);
 * assert.equal(decodeLine("a library's notice"), null);
 * ```
 *
 * @module
 */
import type { C2SEvent, EvalMetrics } from "../c2s/events.ts";

/** Version of the line format; a line carries it as `"c2s"`. */
export const PROTOCOL_VERSION = 1;

/** The child has read its job and is about to load data, teacher and cache. */
export interface StartedMessage {
  readonly type: "started";
  readonly hash: string;
  readonly pid: number;
  readonly backend: string;
}

/** Teacher-cache progress (`phase` "ready": the cache is on disk for other runs). */
export interface CacheMessage {
  readonly type: "cache";
  readonly phase: "load" | "build" | "ready";
  readonly done: number;
  readonly total: number;
}

/** Training progress at a loss read-back. */
export interface ProgressMessage {
  readonly type: "progress";
  readonly step: number;
  readonly totalSteps: number;
  /** Total loss (mean over the logged window). */
  readonly loss: number;
  readonly lr: number;
  readonly imagesPerSecond: number;
}

/** An evaluation during or at the end of training. */
export interface EvalMessage {
  readonly type: "eval";
  readonly step: number;
  readonly metrics: EvalMetrics;
}

/** A recoverable problem worth showing. */
export interface WarningMessage {
  readonly type: "warning";
  readonly message: string;
}

/** The run is over and its record is complete at `path`. */
export interface RecordMessage {
  readonly type: "record";
  readonly path: string;
  readonly status: "finished" | "failed" | "interrupted";
  readonly error: string | null;
  readonly failedStep: number | null;
}

/** The child could not write a record (the owner marks the run failed with `message`). */
export interface ErrorMessage {
  readonly type: "error";
  readonly message: string;
}

/** Every line a child writes. */
export type ChildMessage =
  | StartedMessage
  | CacheMessage
  | ProgressMessage
  | EvalMessage
  | WarningMessage
  | RecordMessage
  | ErrorMessage;

const TYPES = new Set(["started", "cache", "progress", "eval", "warning", "record", "error"]);

/** One protocol line (with its newline). */
export function encodeMessage(message: ChildMessage): string {
  return JSON.stringify({ c2s: PROTOCOL_VERSION, ...message }) + "\n";
}

/**
 * The message a line carries, or `null` for a line that is not a protocol line (other output,
 * another version, an unknown type, broken JSON).
 */
export function decodeLine(line: string): ChildMessage | null {
  if (!line.startsWith('{"c2s":')) return null;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const { c2s, ...message } = value as Record<string, unknown>;
  if (c2s !== PROTOCOL_VERSION || typeof message.type !== "string" || !TYPES.has(message.type)) {
    return null;
  }
  return message as unknown as ChildMessage;
}

/**
 * The message that relays a training-core event, or `null` for events the record carries
 * (`done`, `failed`, `interrupted`).
 */
export function messageOfEvent(event: C2SEvent): ChildMessage | null {
  switch (event.type) {
    case "cache":
      return { type: "cache", phase: event.phase, done: event.done, total: event.total };
    case "progress":
      return {
        type: "progress",
        step: event.step,
        totalSteps: event.totalSteps,
        loss: event.loss.total,
        lr: event.lr,
        imagesPerSecond: event.imagesPerSecond,
      };
    case "eval":
      return { type: "eval", step: event.step, metrics: event.metrics };
    case "warning":
      return { type: "warning", message: event.message };
    default:
      return null;
  }
}

/** Splits a byte stream into text lines (without their newline); a last partial line counts. */
export async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of stream) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      yield buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
    }
  }
  buffer += decoder.decode();
  if (buffer !== "") yield buffer;
}

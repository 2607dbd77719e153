/**
 * The owner-child protocol: lines round-trip, other output is ignored, core events map to
 * messages, and a byte stream splits into lines across chunk borders.
 */
import { assert } from "../../lib/_std.ts";
import {
  type ChildMessage,
  decodeLine,
  encodeMessage,
  messageOfEvent,
  readLines,
} from "../../lib/sweep/protocol.ts";

Deno.test("encodeMessage() and decodeLine() round-trip every message type", () => {
  const messages: ChildMessage[] = [
    { type: "started", hash: "ab", pid: 7, backend: "wasm" },
    { type: "cache", phase: "build", done: 32, total: 1024 },
    { type: "progress", step: 10, totalSteps: 320, loss: 2.5, lr: 0.002, imagesPerSecond: 31 },
    {
      type: "eval",
      step: 320,
      metrics: { hIoU: 30, sIoU: 31, uIoU: 29, mIoU: 30.5, pixelAccuracy: null },
    },
    { type: "warning", message: "cache rebuilt" },
    { type: "record", path: "/r/ab.run.json", status: "failed", error: "NaN", failedStep: 2 },
    { type: "error", message: "no teacher" },
  ];
  for (const message of messages) {
    const line = encodeMessage(message);
    assert.ok(line.endsWith("\n") && !line.slice(0, -1).includes("\n"));
    assert.deepEqual(decodeLine(line.slice(0, -1)), message);
  }
});

Deno.test("decodeLine() ignores lines that are not protocol lines", () => {
  for (
    const line of [
      "Hi, looks like you are running TensorFlow.js in Node.js.",
      '{"c2s":2,"type":"started"}',
      '{"c2s":1,"type":"unknown"}',
      '{"c2s":1,"type":"started"',
      '{"type":"started"}',
      "",
    ]
  ) {
    assert.equal(decodeLine(line), null, line);
  }
});

Deno.test("messageOfEvent() relays progress, cache, eval and warnings and leaves the end to the record", () => {
  assert.deepEqual(
    messageOfEvent({
      type: "progress",
      step: 20,
      totalSteps: 40,
      lr: 0.001,
      loss: { total: 3, global: 1, local: 1, pixel: 1 },
      imagesPerSecond: 12,
    }),
    { type: "progress", step: 20, totalSteps: 40, loss: 3, lr: 0.001, imagesPerSecond: 12 },
  );
  assert.deepEqual(
    messageOfEvent({ type: "cache", phase: "ready", done: 8, total: 8, path: "/c/x.bin" }),
    { type: "cache", phase: "ready", done: 8, total: 8 },
  );
  assert.equal(messageOfEvent({ type: "failed", step: 2, error: "NaN loss at step 2" }), null);
  assert.equal(messageOfEvent({ type: "interrupted", step: 2 }), null);
});

Deno.test("readLines() splits a stream into lines across chunk borders, keeping a last partial line", async () => {
  const bytes = new TextEncoder().encode("one\ntw€o\n\nthree");
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 3) controller.enqueue(bytes.slice(i, i + 3));
      controller.close();
    },
  });
  const lines: string[] = [];
  for await (const line of readLines(stream)) lines.push(line);
  assert.deepEqual(lines, ["one", "tw€o", "", "three"]);
});

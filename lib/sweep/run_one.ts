/**
 * `run-one` as a function: find and read the job, run it with `runJob`, report, and return the
 * exit code. With `json` it speaks the owner protocol (`protocol.ts`) on stdout and stops the run
 * when its stdin reaches end-of-file (the owner is gone); otherwise it prints progress lines for
 * a person. SIGINT and SIGTERM stop the run at the next step; the record then says `interrupted`,
 * and its error what stopped it: `Training was interrupted at step 12 (SIGTERM)`.
 *
 * Exit codes: 0 finished, 1 failed (the record says why) or no record could be written, 2 the
 * job could not be read, 128 + the signal's number when a signal stopped it (130 SIGINT, 143
 * SIGTERM), 130 when its owner is gone.
 *
 * @module
 */
import type { C2SEvent } from "../c2s/events.ts";
import { writeRunRecord } from "../track/record.ts";
import { findJob, readJob } from "./job.ts";
import * as msg from "./messages.ts";
import { type ChildMessage, encodeMessage, messageOfEvent } from "./protocol.ts";
import { executeJob } from "./run_job.ts";
import type { RunOneRequest } from "./run_one_args.ts";
import { exitCodeOf, STOP_SIGNALS, type StopSignal } from "./signals.ts";

const encoder = new TextEncoder();

function writeAll(file: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = encoder.encode(text);
  let written = 0;
  while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
}

function describe(event: C2SEvent, kind: string): string | null {
  switch (event.type) {
    case "cache":
      if (event.phase !== "build") return null;
      return `${kind === "training" ? "teacher cache" : "measuring"} ${event.done}/${event.total}`;
    case "progress":
      return `step ${event.step}/${event.totalSteps}  loss ${event.loss.total.toFixed(4)}  ` +
        `${event.imagesPerSecond.toFixed(1)} img/s`;
    case "eval": {
      const m = event.metrics;
      const f = (v: number | null) => v === null ? "-" : v.toFixed(1);
      return `eval at step ${event.step}: hIoU ${f(m.hIoU)} sIoU ${f(m.sIoU)} uIoU ${f(m.uIoU)}`;
    }
    case "warning":
      return `warning: ${event.message}`;
    default:
      return null;
  }
}

/** Runs `run-one` for `args`; returns the exit code (see the module doc). */
export async function runOne(args: RunOneRequest): Promise<number> {
  const controller = new AbortController();
  /** What stopped the run: the first signal, or its owner gone. */
  let cause: StopSignal | typeof msg.OWNER_GONE | null = null;
  const stop = (why: NonNullable<typeof cause>) => {
    if (controller.signal.aborted) return;
    cause = why;
    controller.abort(why);
  };
  const signals = Deno.build.os === "windows"
    ? ["SIGINT" as const]
    : Object.keys(STOP_SIGNALS) as StopSignal[];
  const listeners = signals.map((signal) => [signal, () => stop(signal)] as const);
  for (const [signal, listener] of listeners) Deno.addSignalListener(signal, listener);

  const send = (message: ChildMessage) => {
    if (!args.json) return;
    try {
      writeAll(Deno.stdout, encodeMessage(message));
    } catch {
      stop(msg.OWNER_GONE); // the owner's end of the pipe is gone
    }
  };
  const say = (line: string) => {
    if (!args.json) console.log(line);
  };
  if (args.json) {
    (async () => {
      try {
        for await (const _ of Deno.stdin.readable) { /* the owner writes nothing */ }
      } catch { /* a broken pipe also means the owner is gone */ }
      stop(msg.OWNER_GONE);
    })();
  }

  let job;
  try {
    job = await readJob(await findJob(args.job, args.jobs));
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    send({ type: "error", message: text });
    console.error(`error: ${text}`);
    return 2;
  }
  send({ type: "started", hash: job.hash, pid: Deno.pid, backend: job.config.backend });
  say(`run ${job.hash.slice(0, 12)}: ${job.ablation} "${job.variant}" seed ${job.seed}`);
  try {
    let record = await executeJob(job, {
      signal: controller.signal,
      ...(args.teacher === null ? {} : { teacher: args.teacher }),
      onEvent: (event) => {
        const message = messageOfEvent(event);
        if (message !== null) send(message);
        const line = describe(event, job.kind);
        if (line !== null) say(line);
      },
    });
    if (record.status === "interrupted" && cause !== null) {
      record = { ...record, error: msg.interruptedBy(record.error ?? "", cause) };
    }
    const path = await writeRunRecord(args.records, record);
    send({
      type: "record",
      path,
      status: record.status,
      error: record.error,
      failedStep: record.failedStep,
    });
    say(`${record.status}${record.error === null ? "" : `: ${record.error}`}; record ${path}`);
    if (record.status !== "interrupted") return record.status === "finished" ? 0 : 1;
    return cause === null || cause === msg.OWNER_GONE ? 130 : exitCodeOf(cause);
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    send({ type: "error", message: text });
    console.error(`error: ${text}`);
    return 1;
  } finally {
    for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
  }
}

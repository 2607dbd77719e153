/**
 * A progress display for long loops: on a terminal, one line rewritten in place with a bar, rate
 * and ETA; otherwise (a log file, CI) plain lines at a fixed interval.
 *
 * @module
 */

/** Options of {@linkcode createProgress}. */
export interface ProgressOptions {
  /** Steps in the whole run. */
  total: number;
  /** First step of this session (a resumed run starts later); ETA uses this session's rate. */
  start?: number;
  /** Rewrite one line in place (a terminal). @default Deno.stdout.isTerminal() */
  tty?: boolean;
  /** Seconds between plain lines when not a terminal. @default 30 */
  lineSeconds?: number;
  /** Sink. @default writes to stdout */
  write?: (text: string) => void;
  /** Clock in ms. @default performance.now */
  now?: () => number;
}

/** Formats seconds as `1h02m`, `3m05s` or `12s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m${String(r).padStart(2, "0")}s`;
  return `${r}s`;
}

/** A progress display: `update(step, note)` after each step, `done()` at the end. */
export interface Progress {
  update(step: number, note?: string): void;
  done(note?: string): void;
}

/**
 * Creates a progress display.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { createProgress } from "./progress.ts";
 * const lines: string[] = [];
 * const p = createProgress({ total: 4, tty: false, lineSeconds: 0, write: (t) => lines.push(t) });
 * p.update(2, "loss 1.0");
 * assert(lines[0]!.startsWith("step 2/4"));
 * ```
 */
export function createProgress(options: ProgressOptions): Progress {
  const encoder = new TextEncoder();
  const write = options.write ?? ((t: string) => Deno.stdout.writeSync(encoder.encode(t)));
  const now = options.now ?? (() => performance.now());
  const tty = options.tty ?? Deno.stdout.isTerminal();
  const lineMs = (options.lineSeconds ?? 30) * 1000;
  const total = options.total;
  const start = options.start ?? 0;
  const t0 = now();
  let lastDraw = -Infinity;
  const line = (step: number, note: string) => {
    const elapsed = (now() - t0) / 1000;
    const done = step - start;
    const rate = done > 0 ? elapsed / done : NaN;
    const eta = formatDuration(rate * (total - step));
    const pct = (100 * step / total).toFixed(1);
    const head = `step ${step}/${total} ${pct}%`;
    const tail = `${Number.isFinite(rate) ? rate.toFixed(2) : "?"} s/step, ETA ${eta}${
      note ? `, ${note}` : ""
    }`;
    if (!tty) return `${head}, ${tail}`;
    const width = 24;
    const filled = Math.round(width * step / total);
    return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${head} ${tail}`;
  };
  return {
    update(step, note = "") {
      const t = now();
      if (tty) {
        if (t - lastDraw < 200 && step < total) return;
        lastDraw = t;
        write(`\r\x1b[2K${line(step, note)}`);
      } else if (t - lastDraw >= lineMs || step >= total) {
        lastDraw = t;
        write(`${line(step, note)}\n`);
      }
    },
    done(note = "") {
      write(tty ? `\n${note ? note + "\n" : ""}` : note ? `${note}\n` : "");
    },
  };
}

/**
 * The progress display of a sweep: runs done of total, what each worker is doing (teacher cache,
 * step, loss, speed) and an estimate of the time left. On a terminal it is a block of lines
 * redrawn in place below the log; elsewhere (a file, a pipe, CI, `TERM=dumb`, `NO_COLOR` set) it
 * prints plain lines: every log line, and each worker's progress at most every `plainIntervalMs`.
 * Once stdout is closed (`ablate ... | head -1`), the display writes nothing more, quietly: the
 * sweep goes on.
 *
 * @module
 */
import type { ChildMessage } from "./protocol.ts";

/** What one worker is doing. */
export interface WorkerView {
  /** `token-bank "6" seed 1`. */
  readonly label: string;
  readonly pid: number | null;
  /** Milliseconds since the epoch when the run started. */
  readonly startedAt: number;
  /** `measuring`: a measurement or efficiency run (no training); `cacheDone` counts its work. */
  readonly phase: "starting" | "cache" | "measuring" | "training";
  readonly cacheDone: number;
  readonly cacheTotal: number;
  readonly step: number;
  readonly totalSteps: number | null;
  readonly loss: number | null;
  readonly imagesPerSecond: number | null;
}

/** The state of a sweep, as the display shows it. */
export interface SweepView {
  /** Runs this sweep has to train. */
  readonly total: number;
  readonly finished: number;
  readonly failed: number;
  readonly interrupted: number;
  /** Milliseconds since the epoch when the sweep started. */
  readonly startedAt: number;
  /** Running workers by slot. */
  readonly workers: ReadonlyMap<number, WorkerView>;
  /** Durations (ms) of the runs finished so far. */
  readonly durations: readonly number[];
  /** Worker count. */
  readonly parallel: number;
}

/** A display: log lines and state updates. */
export interface ProgressDisplay {
  /** A line that stays (a run started, finished, failed). */
  log(line: string): void;
  /** The state changed; the display decides whether to redraw. */
  update(view: SweepView): void;
  /** Clears the live block (a terminal) before the final output. */
  close(): void;
}

/** How a run of the sweep ended. */
export type RunEnd = "finished" | "failed" | "interrupted";

/**
 * The state of a sweep as its display shows it, kept as runs start, report and end: what each
 * worker slot is doing, how many runs ended how, and how long the finished ones took.
 */
export class SweepProgress {
  readonly #now: () => number;
  readonly #plan: Pick<SweepView, "total" | "parallel" | "startedAt">;
  readonly #workers = new Map<number, WorkerView>();
  readonly #durations: number[] = [];
  readonly #counts: Record<RunEnd, number> = { finished: 0, failed: 0, interrupted: 0 };

  /** A sweep of `total` runs on `parallel` workers, starting now. */
  constructor(total: number, parallel: number, now: () => number = Date.now) {
    this.#now = now;
    this.#plan = { total, parallel, startedAt: now() };
  }

  /** How many runs ended how. */
  get counts(): Readonly<Record<RunEnd, number>> {
    return this.#counts;
  }

  /** Runs ended so far. */
  get done(): number {
    return this.#counts.finished + this.#counts.failed + this.#counts.interrupted;
  }

  /** The state for the display. */
  view(): SweepView {
    return { ...this.#plan, ...this.#counts, workers: this.#workers, durations: this.#durations };
  }

  /** The label of the run in `slot`, or `""` when none runs there. */
  label(slot: number): string {
    return this.#workers.get(slot)?.label ?? "";
  }

  /** The run `label` started in `slot`, as process `pid`. */
  started(slot: number, label: string, pid: number): void {
    const startedAt = this.#now();
    this.#workers.set(slot, { label, pid, startedAt, phase: "starting", ...NOTHING_DONE });
  }

  /**
   * What the child in `slot` reported: teacher-cache (or, for a run that measures without
   * training, measurement) progress, or a training step.
   */
  report(slot: number, message: ChildMessage, training: boolean): void {
    const worker = this.#workers.get(slot);
    if (worker === undefined) return;
    if (message.type === "cache") {
      const phase = training ? "cache" : "measuring";
      this.#workers.set(slot, {
        ...worker,
        phase,
        cacheDone: message.done,
        cacheTotal: message.total,
      });
    } else if (message.type === "progress") {
      const { step, totalSteps, loss, imagesPerSecond } = message;
      this.#workers.set(slot, {
        ...worker,
        phase: "training",
        step,
        totalSteps,
        loss,
        imagesPerSecond,
      });
    }
  }

  /** The run in `slot` ended as `end`; returns how long it ran, in milliseconds. */
  ended(slot: number, end: RunEnd): number {
    const ms = this.#now() - (this.#workers.get(slot)?.startedAt ?? this.#now());
    this.#workers.delete(slot);
    this.#counts[end]++;
    if (end === "finished") this.#durations.push(ms);
    return ms;
  }
}

/** A worker's progress before its child reports any. */
const NOTHING_DONE = {
  cacheDone: 0,
  cacheTotal: 0,
  step: 0,
  totalSteps: null,
  loss: null,
  imagesPerSecond: null,
} as const;

/** `3s`, `4m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/**
 * Milliseconds left: runs not yet done times the mean duration of a run, less the time the
 * running ones have had, spread over the workers. Before any run has finished, a run's duration
 * is projected from the running ones' step fractions. `null` when nothing says yet.
 */
export function estimateRemaining(view: SweepView, now: number): number | null {
  let perRun: number | null = null;
  if (view.durations.length > 0) {
    perRun = view.durations.reduce((a, b) => a + b, 0) / view.durations.length;
  } else {
    const projected = [...view.workers.values()]
      .filter((w) => w.phase === "training" && w.totalSteps !== null && w.step > 0)
      .map((w) => (now - w.startedAt) / (w.step / w.totalSteps!));
    if (projected.length > 0) perRun = projected.reduce((a, b) => a + b, 0) / projected.length;
  }
  if (perRun === null) return null;
  const done = view.finished + view.failed + view.interrupted;
  const queued = Math.max(0, view.total - done - view.workers.size);
  let work = queued * perRun;
  for (const w of view.workers.values()) work += Math.max(0, perRun - (now - w.startedAt));
  return work / Math.max(1, Math.min(view.parallel, view.total - done));
}

/** The headline: `3/12 runs done (1 failed) · 2m10s elapsed · ETA 6m05s`. */
export function headline(view: SweepView, now: number): string {
  const done = view.finished + view.failed + view.interrupted;
  const extra = [
    view.failed > 0 ? `${view.failed} failed` : "",
    view.interrupted > 0 ? `${view.interrupted} interrupted` : "",
  ].filter((s) => s !== "").join(", ");
  const eta = estimateRemaining(view, now);
  return `${done}/${view.total} runs done${extra === "" ? "" : ` (${extra})`} · ` +
    `${formatDuration(now - view.startedAt)} elapsed · ETA ${
      eta === null ? "?" : formatDuration(eta)
    }`;
}

/** One worker's line: `w1 token-bank "6" seed 1  step 120/320  loss 2.3141  31.0 img/s`. */
export function workerLine(slot: number, w: WorkerView): string {
  let doing: string;
  if (w.phase === "starting") doing = "loading data and teacher";
  else if (w.phase === "cache") doing = `teacher cache ${w.cacheDone}/${w.cacheTotal}`;
  else if (w.phase === "measuring") doing = `measuring ${w.cacheDone}/${w.cacheTotal}`;
  else {
    doing = `step ${w.step}/${w.totalSteps ?? "?"}`;
    if (w.loss !== null) doing += `  loss ${w.loss.toFixed(4)}`;
    if (w.imagesPerSecond !== null) doing += `  ${w.imagesPerSecond.toFixed(1)} img/s`;
  }
  return `w${slot} ${w.label}  ${doing}`;
}

/** Options of the displays. */
export interface DisplayOptions {
  /** Where text goes. @default {stdout} */
  readonly write?: (text: string) => void;
  /** The clock. @default {Date.now} */
  readonly now?: () => number;
  /** Plain display: least time between two progress lines of one worker. @default {30000} */
  readonly plainIntervalMs?: number;
  /** Terminal display: least time between two redraws. @default {250} */
  readonly redrawMs?: number;
  /** Terminal width for truncating lines. @default {the console's, or 100} */
  readonly columns?: number;
}

const encoder = new TextEncoder();

/** Whether the reader of stdout has gone (a broken pipe): nothing more is written there. */
let stdoutClosed = false;

function stdoutWrite(text: string): void {
  if (stdoutClosed) return;
  const bytes = encoder.encode(text);
  let written = 0;
  try {
    while (written < bytes.length) written += Deno.stdout.writeSync(bytes.subarray(written));
  } catch (error) {
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
    stdoutClosed = true;
  }
}

/** Plain lines for logs and pipes. */
export class PlainDisplay implements ProgressDisplay {
  readonly #write: (text: string) => void;
  readonly #now: () => number;
  readonly #interval: number;
  readonly #last = new Map<string, number>();

  constructor(options: DisplayOptions = {}) {
    this.#write = options.write ?? stdoutWrite;
    this.#now = options.now ?? Date.now;
    this.#interval = options.plainIntervalMs ?? 30_000;
  }

  log(line: string): void {
    this.#write(line + "\n");
  }

  update(view: SweepView): void {
    const now = this.#now();
    for (const [slot, w] of view.workers) {
      if (w.phase !== "training" || w.step === 0) continue;
      const key = `${slot}:${w.label}:${w.startedAt}`;
      const last = this.#last.get(key);
      if (last === undefined) {
        this.#last.set(key, now);
        continue;
      }
      if (now - last < this.#interval) continue;
      this.#last.set(key, now);
      this.#write(`  ${workerLine(slot, w)}  [${headline(view, now)}]\n`);
    }
  }

  close(): void {}
}

/** A block redrawn in place under the log, for a terminal. */
export class TerminalDisplay implements ProgressDisplay {
  readonly #write: (text: string) => void;
  readonly #now: () => number;
  readonly #redrawMs: number;
  readonly #columns: number | null;
  #lines = 0;
  #lastDraw = 0;
  #view: SweepView | null = null;

  constructor(options: DisplayOptions = {}) {
    this.#write = options.write ?? stdoutWrite;
    this.#now = options.now ?? Date.now;
    this.#redrawMs = options.redrawMs ?? 250;
    this.#columns = options.columns ?? null;
  }

  #width(): number {
    if (this.#columns !== null) return this.#columns;
    try {
      const { columns } = Deno.consoleSize();
      return columns > 0 ? columns : 100;
    } catch {
      return 100;
    }
  }

  #clear(): string {
    const text = this.#lines > 0 ? `\x1b[${this.#lines}F\x1b[J` : "";
    this.#lines = 0;
    return text;
  }

  #block(view: SweepView): string {
    const now = this.#now();
    const width = Math.max(20, this.#width() - 1);
    const lines = [headline(view, now)];
    for (const [slot, w] of [...view.workers].sort((a, b) => a[0] - b[0])) {
      lines.push(`  ${workerLine(slot, w)}`);
    }
    this.#lines = lines.length;
    return lines.map((l) => (l.length > width ? l.slice(0, width - 1) + "…" : l) + "\n").join("");
  }

  log(line: string): void {
    this.#write(this.#clear() + line + "\n" + (this.#view ? this.#block(this.#view) : ""));
  }

  update(view: SweepView): void {
    this.#view = view;
    const now = this.#now();
    if (now - this.#lastDraw < this.#redrawMs) return;
    this.#lastDraw = now;
    this.#write(this.#clear() + this.#block(view));
  }

  close(): void {
    this.#write(this.#clear());
    this.#view = null;
  }
}

/** Options of {@linkcode createDisplay}. */
export interface CreateDisplayOptions extends DisplayOptions {
  /** Whether stdout is a terminal. @default {Deno.stdout.isTerminal()} */
  readonly terminal?: boolean;
  /** Reads an environment variable. @default {Deno.env.get} */
  readonly env?: (name: string) => string | undefined;
}

/**
 * Whether a display may move the cursor: stdout is a terminal, `TERM` is not `dumb` and
 * `NO_COLOR` is not set (to anything but the empty string).
 */
export function cursorAllowed(
  terminal: boolean,
  env: (name: string) => string | undefined,
): boolean {
  return terminal && env("TERM") !== "dumb" && (env("NO_COLOR") ?? "") === "";
}

/** The display for stdout: a block redrawn in place where {@linkcode cursorAllowed}, else plain lines. */
export function createDisplay(options: CreateDisplayOptions = {}): ProgressDisplay {
  const env = options.env ?? ((name: string) => Deno.env.get(name));
  return cursorAllowed(options.terminal ?? Deno.stdout.isTerminal(), env)
    ? new TerminalDisplay(options)
    : new PlainDisplay(options);
}

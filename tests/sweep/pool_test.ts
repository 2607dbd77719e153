/**
 * The scheduler, with fake children the test drives: the worker limit, teacher-cache groups,
 * stopping and killing, and children that cannot start.
 */
import { assert } from "../../lib/_std.ts";
import { type PoolOutcome, runPool } from "../../lib/sweep/pool.ts";
import type { ChildMessage } from "../../lib/sweep/protocol.ts";
import type { WorkerExit, WorkerProcess } from "../../lib/sweep/worker.ts";

/** A child process the test drives: `send` a message, `end` it. */
class FakeChild implements WorkerProcess {
  static nextPid = 100;
  readonly pid = FakeChild.nextPid++;
  readonly kills: string[] = [];
  readonly exited: Promise<WorkerExit>;
  readonly messages: AsyncIterable<ChildMessage>;
  #queue: (ChildMessage | null)[] = [];
  #wake: () => void = () => {};
  #end!: (exit: WorkerExit) => void;

  constructor() {
    this.exited = new Promise((resolve) => this.#end = resolve);
    this.messages = this.#read();
  }

  async *#read(): AsyncGenerator<ChildMessage> {
    for (;;) {
      while (this.#queue.length === 0) await new Promise<void>((r) => this.#wake = r);
      const next = this.#queue.shift()!;
      if (next === null) return;
      yield next;
    }
  }

  send(message: ChildMessage): void {
    this.#queue.push(message);
    this.#wake();
  }

  end(exit: WorkerExit = { code: 0, signal: null }): void {
    this.#queue.push(null);
    this.#wake();
    this.#end(exit);
  }

  stderrTail(): string {
    return "";
  }

  kill(signal: Deno.Signal): void {
    this.kills.push(signal);
  }
}

interface Task {
  readonly name: string;
  readonly group: string | null;
}

/** Runs `tasks` with fake children; the test drives them through `children`. */
function start(
  tasks: Task[],
  workers: number,
  options: { stop?: AbortSignal; kill?: AbortSignal } = {},
) {
  const children = new Map<string, FakeChild>();
  const running = new Set<string>();
  const outcomes = new Map<string, PoolOutcome>();
  const order: string[] = [];
  let most = 0;
  const done = runPool(tasks, {
    start: (task) => {
      if (task.name.startsWith("broken")) return Promise.reject(new Error("cannot spawn"));
      const child = new FakeChild();
      children.set(task.name, child);
      running.add(task.name);
      order.push(task.name);
      most = Math.max(most, running.size);
      return Promise.resolve(child);
    },
    message: () => {},
    exit: (task, _slot, outcome) => {
      running.delete(task.name);
      outcomes.set(task.name, outcome);
      return Promise.resolve();
    },
  }, { workers, ...options });
  return { children, running, outcomes, order, done, most: () => most };
}

/** Lets pending callbacks run until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setTimeout(r, 0));
  assert.ok(condition(), "condition never held");
}

const task = (name: string, group: string | null = null): Task => ({ name, group });

Deno.test("runPool() runs at most `workers` children at once, in the order given", async () => {
  const pool = start(["a", "b", "c", "d", "e"].map((n) => task(n)), 2);
  for (const name of ["a", "b", "c", "d", "e"]) {
    await until(() => pool.children.has(name));
    pool.children.get(name)!.end();
  }
  const result = await pool.done;
  assert.deepEqual(pool.order, ["a", "b", "c", "d", "e"]);
  assert.equal(pool.most(), 2);
  assert.deepEqual(result.notStarted, []);
  assert.equal(pool.outcomes.get("c")?.exit?.code, 0);
});

Deno.test("runPool() holds a group's other tasks until its first has the teacher cache ready", async () => {
  const pool = start([task("a", "g1"), task("b", "g1"), task("c", "g2")], 2);
  await until(() => pool.children.has("a") && pool.children.has("c"));
  assert.equal(pool.children.has("b"), false, "b waits for a's cache");
  pool.children.get("c")!.end();
  await until(() => !pool.running.has("c"));
  assert.equal(pool.children.has("b"), false, "a free slot does not release b");
  pool.children.get("a")!.send({ type: "cache", phase: "ready", done: 8, total: 8 });
  await until(() => pool.children.has("b"));
  pool.children.get("a")!.end();
  pool.children.get("b")!.end();
  await pool.done;
  assert.deepEqual(pool.order, ["a", "c", "b"]);
});

Deno.test("runPool() hands a group's cache to the next task when its builder ends without it", async () => {
  const pool = start([task("a", "g1"), task("b", "g1")], 2);
  await until(() => pool.children.has("a"));
  pool.children.get("a")!.end({ code: 1, signal: null });
  await until(() => pool.children.has("b"));
  pool.children.get("b")!.end();
  await pool.done;
  assert.deepEqual(pool.order, ["a", "b"]);
});

Deno.test("runPool() on stop sends SIGINT to running children and starts nothing more; kill sends SIGKILL", async () => {
  const stop = new AbortController(), kill = new AbortController();
  const pool = start([task("a"), task("b"), task("c")], 2, {
    stop: stop.signal,
    kill: kill.signal,
  });
  await until(() => pool.children.has("a") && pool.children.has("b"));
  stop.abort();
  assert.deepEqual(pool.children.get("a")!.kills, ["SIGINT"]);
  pool.children.get("a")!.end({ code: 130, signal: null });
  await until(() => !pool.running.has("a"));
  kill.abort();
  assert.deepEqual(pool.children.get("b")!.kills, ["SIGINT", "SIGKILL"]);
  pool.children.get("b")!.end({ code: 137, signal: "SIGKILL" });
  const result = await pool.done;
  assert.deepEqual(result.notStarted, [task("c")]);
  assert.equal(pool.outcomes.get("a")?.stopped, true);
  assert.equal(pool.children.has("c"), false);
});

Deno.test("runPool() passes the signal a stop carries (SIGTERM) to its children and their outcomes", async () => {
  const stop = new AbortController();
  const pool = start([task("a"), task("b")], 1, { stop: stop.signal });
  await until(() => pool.children.has("a"));
  stop.abort("SIGTERM");
  assert.deepEqual(pool.children.get("a")!.kills, ["SIGTERM"]);
  pool.children.get("a")!.end({ code: 143, signal: null });
  const result = await pool.done;
  assert.deepEqual(result.notStarted, [task("b")]);
  const outcome = pool.outcomes.get("a");
  assert.deepEqual([outcome?.stopped, outcome?.stopSignal], [true, "SIGTERM"]);
});

Deno.test("runPool() reports a child that cannot start through exit and goes on", async () => {
  const pool = start([task("broken"), task("b")], 1);
  await until(() => pool.children.has("b"));
  pool.children.get("b")!.end();
  await pool.done;
  const outcome = pool.outcomes.get("broken")!;
  assert.equal(outcome.startError?.message, "cannot spawn");
  assert.equal(outcome.pid, null);
  assert.equal(outcome.exit, null);
});

Deno.test("runPool() passes the child's record message to exit", async () => {
  const pool = start([task("a")], 1);
  await until(() => pool.children.has("a"));
  const record = {
    type: "record",
    path: "/r/a.run.json",
    status: "failed",
    error: "NaN loss at step 2",
    failedStep: 2,
  } as const;
  pool.children.get("a")!.send(record);
  pool.children.get("a")!.end({ code: 1, signal: null });
  await pool.done;
  assert.deepEqual(pool.outcomes.get("a")?.record, record);
});

Deno.test("runPool() stops and rethrows when an exit hook fails", async () => {
  const children: FakeChild[] = [];
  const done = runPool([task("a"), task("b")], {
    start: () => {
      const child = new FakeChild();
      children.push(child);
      return Promise.resolve(child);
    },
    message: () => {},
    exit: () => Promise.reject(new Error("database gone")),
  }, { workers: 1 });
  await until(() => children.length === 1);
  children[0]!.end();
  await assert.rejects(done, { message: "database gone" });
  assert.equal(children.length, 1, "nothing starts after the failure");
});

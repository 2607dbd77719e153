/**
 * Build a file once among processes that share its folder (the tasks of a job array on a shared
 * file system): the first to create `<file>.lock` (an exclusive create, atomic on local file
 * systems and NFS v3+) builds; the others wait until the lock is gone and load what it built.
 * The builder touches the lock while it builds; a lock untouched for `staleMs` (its builder was
 * killed) is taken over. Two processes taking over one stale lock at the same moment may both
 * build: the file is renamed into place whole, so that costs time, never a corrupt file.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { buildOnce } from "./_build_lock.ts";
 * const dir = await Deno.makeTempDir();
 * let builds = 0;
 * const build = async () => {
 *   builds++;
 *   await Deno.writeTextFile(`${dir}/x`, "built");
 *   return "built";
 * };
 * const load = async () => await Deno.readTextFile(`${dir}/x`).catch(() => null);
 * const both = await Promise.all([buildOnce(`${dir}/x`, load, build), buildOnce(`${dir}/x`, load, build)]);
 * assertEquals([both, builds], [["built", "built"], 1]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */

/** Options of {@linkcode buildOnce}. */
export interface BuildOnceOptions {
  /** Stop waiting when aborted. */
  readonly signal?: AbortSignal;
  /** A lock untouched this long is a dead builder's. @default {30000} */
  readonly staleMs?: number;
  /** How often a waiter looks at the lock. @default {250} */
  readonly pollMs?: number;
}

/**
 * `load()` when it finds the file; else builds it with `build()` under `<path>.lock`, or waits
 * for the process that holds the lock and loads what it built (see the module doc).
 */
export async function buildOnce<T>(
  path: string,
  load: () => Promise<T | null>,
  build: () => Promise<T>,
  options: BuildOnceOptions = {},
): Promise<T> {
  const lock = `${path}.lock`;
  const staleMs = options.staleMs ?? 30_000;
  for (;;) {
    const loaded = await load();
    if (loaded !== null) return loaded;
    if (await createLock(lock)) {
      const touch = setInterval(() => {
        const now = new Date();
        Deno.utime(lock, now, now).catch(() => {});
      }, Math.max(50, staleMs / 4));
      try {
        // Another builder may have finished between the load and the lock.
        return (await load()) ?? await build();
      } finally {
        clearInterval(touch);
        await Deno.remove(lock).catch(() => {});
      }
    }
    await waitWhileHeld(lock, staleMs, options);
  }
}

async function createLock(lock: string): Promise<boolean> {
  try {
    const text = `${Deno.hostname()} ${Deno.pid} ${new Date().toISOString()}\n`;
    await Deno.writeTextFile(lock, text, { createNew: true });
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return false;
    if (error instanceof Deno.errors.NotFound) {
      await Deno.mkdir(lock.slice(0, lock.lastIndexOf("/")) || ".", { recursive: true });
      return await createLock(lock);
    }
    throw error;
  }
}

/** Returns when `lock` is gone, or after removing it when stale. */
async function waitWhileHeld(
  lock: string,
  staleMs: number,
  options: BuildOnceOptions,
): Promise<void> {
  for (;;) {
    options.signal?.throwIfAborted();
    let touched: number;
    try {
      touched = (await Deno.stat(lock)).mtime?.getTime() ?? Date.now();
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw error;
    }
    if (Date.now() - touched > staleMs) {
      await Deno.remove(lock).catch(() => {});
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
}

/**
 * Processes on this host: is a pid alive (to reap runs whose training process died), and the
 * owner lock that lets one process at a time write a database file.
 *
 * @module
 */

/**
 * Whether process `pid` exists on this host (a zombie counts as dead). Linux reads `/proc`;
 * other Unix systems ask `kill -0`; where neither works the answer is `true`, so a run is never
 * reaped on a guess.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === Deno.pid) return true;
  if (Deno.build.os === "linux") {
    try {
      const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
      // Field 3, after the parenthesised command name, is the state; Z = zombie, X = dead.
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      return state !== "Z" && state !== "X";
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return false;
      return true;
    }
  }
  if (Deno.build.os === "windows") return true;
  try {
    const { code } = new Deno.Command("kill", { args: ["-0", String(pid)], stderr: "null" })
      .outputSync();
    return code === 0;
  } catch {
    return true;
  }
}

/** This machine's host name, or `"unknown"` where the runtime may not read it. */
export function hostName(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown";
  }
}

/** The owner lock of a database file, held until {@linkcode OwnerLock.release}. */
export interface OwnerLock {
  /** Lets go of the lock (idempotent). */
  release(): void;
}

/** The lock file beside database `path`. */
export function ownerLockPath(path: string): string {
  return `${path}.owner`;
}

/**
 * Takes the owner lock of database `path`: an exclusive lock on `<path>.owner`, which then holds
 * this process's pid. Returns the lock, or the pid of the process holding it (`null` when it
 * has not written its pid yet). The operating system releases the lock when its holder dies, so
 * a dead owner's lock never blocks the next one; the file itself stays (removing it would let
 * two processes lock two different files of one name).
 */
export function tryOwnerLock(path: string): OwnerLock | { holder: number | null } {
  const lockPath = ownerLockPath(path);
  const file = Deno.openSync(lockPath, { read: true, write: true, create: true });
  let locked = false;
  try {
    locked = file.tryLockSync(true);
    if (!locked) return { holder: readPid(lockPath) };
    file.truncateSync(0);
    file.writeSync(new TextEncoder().encode(`${Deno.pid}\n`));
  } finally {
    if (!locked) file.close();
  }
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      try {
        file.truncateSync(0);
        // Unlock explicitly: closing alone leaves the lock until the runtime drops its last
        // reference to the file, which a reopen in this process can beat (seen once in CI).
        file.unlockSync();
      } finally {
        file.close();
      }
    },
  };
}

function readPid(lockPath: string): number | null {
  try {
    const pid = Number(Deno.readTextFileSync(lockPath).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

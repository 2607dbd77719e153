/**
 * Is a process id alive on this host? Used to reap runs whose training process died.
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

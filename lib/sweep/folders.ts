/**
 * The folders a sweep is pointed at, checked before anything opens the database or writes a
 * file: `--specs` must be a folder; `--work` must be a folder or a path where one can be made
 * (its nearest existing parent a folder). Errors name the flag and the path, not an OS error.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { pathKind } from "../_files.ts";
import * as msg from "./messages.ts";

/** The folders of a sweep request (`null`: the default, which is left alone). */
export interface SweepFolders {
  readonly specsDir: string | null;
  readonly workDir: string;
}

/**
 * Throws a `TypeError` naming the flag and the path when `--specs` is not a folder or `--work`
 * cannot be one, a `Deno.errors.NotFound` when `--specs` does not exist; creates nothing.
 *
 * @example
 * ```ts
 * import { assertRejects } from "../_std.ts";
 * import { checkSweepFolders } from "./folders.ts";
 * await assertRejects(
 *   () => checkSweepFolders({ specsDir: "/nonexistent/specs", workDir: ".cache" }),
 *   Deno.errors.NotFound,
 *   'Flag --specs: folder "/nonexistent/specs" does not exist',
 * );
 * ```
 */
export async function checkSweepFolders(folders: SweepFolders): Promise<void> {
  if (folders.specsDir !== null) {
    const kind = await kindOf("specs", folders.specsDir);
    if (kind === null) throw new Deno.errors.NotFound(msg.folderMissing("specs", folders.specsDir));
    if (kind !== "directory") throw new TypeError(msg.notAFolder("specs", folders.specsDir));
  }
  // The nearest existing path at or above --work must be a folder.
  let at = resolve(folders.workDir);
  for (;;) {
    const kind = await kindOf("work", at);
    if (kind === "directory") return;
    if (kind !== null) {
      throw new TypeError(
        at === resolve(folders.workDir)
          ? msg.notAFolder("work", folders.workDir)
          : msg.workBlocked(folders.workDir, at),
      );
    }
    if (dirname(at) === at) return;
    at = dirname(at);
  }
}

/** {@linkcode pathKind}, with an error it throws (no permission) naming the flag and path. */
async function kindOf(flag: string, path: string): ReturnType<typeof pathKind> {
  try {
    return await pathKind(path);
  } catch (error) {
    // Below a file: nothing is there (the walk up finds the file).
    if (error instanceof Deno.errors.NotADirectory) return null;
    throw new Error(msg.folderUnusable(flag, path, (error as Error).message), { cause: error });
  }
}

/**
 * What a run's result depends on besides its config (`HashContext` of `lib/spec/hash.ts`): the
 * data (a digest of the Fashion-MNIST items actually loaded), the teacher (its weights hash) and
 * the code version (`CODE_VERSION`). A change to any of them gives every run a new hash, so
 * finished runs are skipped exactly when re-running them would reproduce them.
 *
 * The code version is a number bumped by hand, not a digest of the source: a digest would
 * re-run every finished run after any edit (a comment, a formatter pass) and fail runs whose
 * source was touched while a sweep ran. What each run actually ran is still recorded: its git
 * commit and dirty state, and `sourceDigest()` of the folders that shape results (stored in the
 * record's `versions.source`).
 *
 * @module
 */
import type { ItemSet } from "../data/types.ts";
import type { HashContext } from "../spec/hash.ts";
import { sha256Hex } from "../teacher/safetensors.ts";
import type { GitState } from "./job.ts";

/**
 * The version of the code that shapes results (training core, data, teacher, backends). Bump it
 * with any change that changes a run's numbers: every run then has a new hash and runs again.
 */
export const CODE_VERSION = "c2s-core-1";

/** Folders (relative to `lib/`) whose source `sourceDigest` covers. */
export const CODE_FOLDERS = ["c2s", "data", "teacher", "tf"] as const;

/**
 * `src-<16 hex>`: a digest of the names and text of the `.ts` files in `CODE_FOLDERS`, in sorted
 * order. Read relative to this module, so it is the same from any working directory.
 */
export async function sourceDigest(): Promise<string> {
  const lib = new URL("../", import.meta.url);
  const parts: string[] = [];
  for (const folder of CODE_FOLDERS) {
    const dir = new URL(`${folder}/`, lib);
    const names: string[] = [];
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && entry.name.endsWith(".ts")) names.push(entry.name);
    }
    for (const name of names.sort()) {
      parts.push(`${folder}/${name}`, await Deno.readTextFile(new URL(name, dir)));
    }
  }
  const digest = await sha256Hex(new TextEncoder().encode(parts.join("\0")));
  return `src-${digest.slice(0, 16)}`;
}

/**
 * `fashion-mnist:<count>x<size>:<16 hex>`: a digest of the items' pixels and labels, so the
 * embedded 10k split and the full 70k set (or any other folder) are different data.
 */
export async function dataIdentity(items: ItemSet): Promise<string> {
  const bytes = new Uint8Array(items.images.length + items.labels.length);
  bytes.set(items.images, 0);
  bytes.set(items.labels, items.images.length);
  const digest = await sha256Hex(bytes);
  return `fashion-mnist:${items.count}x${items.size}:${digest.slice(0, 16)}`;
}

/** The hash context of runs on `items` with the teacher of weights hash `teacherHash`. */
export async function hashContext(items: ItemSet, teacherHash: string): Promise<HashContext> {
  return {
    dataIdentity: await dataIdentity(items),
    teacherHash,
    codeVersion: CODE_VERSION,
  };
}

/**
 * The commit of the checkout at `cwd` and whether it is dirty: whether tracked files have changes
 * (untracked files, such as an export folder, do not count). Nulls where git cannot say.
 *
 * @param cwd a folder in the checkout; `@default` the checkout holding this module.
 */
export async function gitState(
  cwd: string | URL = new URL("../../", import.meta.url),
): Promise<GitState> {
  const git = async (...args: string[]): Promise<string | null> => {
    try {
      const out = await new Deno.Command("git", { args, cwd, stdout: "piped", stderr: "null" })
        .output();
      return out.success ? new TextDecoder().decode(out.stdout) : null;
    } catch {
      return null;
    }
  };
  const commit = (await git("rev-parse", "HEAD"))?.trim() || null;
  const status = await git("status", "--porcelain", "--untracked-files=no");
  return { commit, dirty: status === null ? null : status.trim() !== "" };
}

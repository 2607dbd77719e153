/**
 * What a run's result depends on besides its config (`HashContext` of `lib/spec/hash.ts`): the
 * data (a digest of the Fashion-MNIST items actually loaded), the teacher (its weights hash) and
 * the code (a digest of the source of every module that shapes a result: `lib/c2s`, `lib/data`,
 * `lib/teacher`, `lib/tf`). A change to any of them gives every run a new hash, so finished runs
 * are skipped exactly when re-running them would reproduce them.
 *
 * @module
 */
import type { ItemSet } from "../data/types.ts";
import type { HashContext } from "../spec/hash.ts";
import type { GitState } from "./job.ts";

/** Folders (relative to `lib/`) whose source enters the code version. */
export const CODE_FOLDERS = ["c2s", "data", "teacher", "tf"] as const;

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function sha256(bytes: Uint8Array): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
}

/**
 * `src-<16 hex>`: a digest of the names and text of the `.ts` files in `CODE_FOLDERS`, in sorted
 * order. Read relative to this module, so it is the same from any working directory.
 */
export async function codeVersion(): Promise<string> {
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
  const digest = await sha256(new TextEncoder().encode(parts.join("\0")));
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
  const digest = await sha256(bytes);
  return `fashion-mnist:${items.count}x${items.size}:${digest.slice(0, 16)}`;
}

/** The hash context of runs on `items` with the teacher of weights hash `teacherHash`. */
export async function hashContext(items: ItemSet, teacherHash: string): Promise<HashContext> {
  return {
    dataIdentity: await dataIdentity(items),
    teacherHash,
    codeVersion: await codeVersion(),
  };
}

/** The commit and dirtiness of the checkout holding this module; nulls where git cannot say. */
export async function gitState(): Promise<GitState> {
  const cwd = new URL("../../", import.meta.url);
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

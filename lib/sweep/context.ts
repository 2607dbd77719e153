/**
 * What a run's result depends on besides its config (`HashContext` of `lib/spec/hash.ts`): the
 * data (a digest of the Fashion-MNIST items actually loaded), the teacher (its weights hash) and
 * the code (`codeManifest()`: a digest of the training core, teacher, data and kernel sources and
 * what they import). A change to any of them gives every run a new hash, so finished runs are
 * skipped exactly when re-running them would reproduce them; an edit to reports, CLI tasks, the
 * tracker, docs or tests changes none. Each record keeps what produced it
 * (`provenanceVersions`), so a plan can say why a run is stale.
 *
 * @module
 */
import type { ItemSet } from "../data/types.ts";
import type { HashContext } from "../spec/hash.ts";
import { sha256Hex } from "../teacher/safetensors.ts";
import { type CodeManifest, codeManifest, formatManifest } from "./code_digest.ts";
import type { GitState } from "./job.ts";

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
    codeVersion: (await codeManifest()).digest,
  };
}

/**
 * The entries of a run record's `versions` that say what produced it: `code` (the code digest
 * of `context`), `codeFiles` (the per-file manifest `code`, one `path=digest` per line) and
 * `dataIdentity`; unknown ones are left out.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { provenanceVersions } from "./context.ts";
 * const context = { dataIdentity: "fashion-mnist:10x28:ab", teacherHash: null, codeVersion: "code-1" };
 * const code = { digest: "code-1", files: { "lib/c2s/pixel_loss.ts": "0123456789ab" } };
 * assertEquals(provenanceVersions(context, code), {
 *   code: "code-1",
 *   codeFiles: "lib/c2s/pixel_loss.ts=0123456789ab",
 *   dataIdentity: "fashion-mnist:10x28:ab",
 * });
 * ```
 */
export function provenanceVersions(
  context: HashContext,
  code: CodeManifest | null,
): Record<string, string> {
  return {
    ...(context.codeVersion === null ? {} : { code: context.codeVersion }),
    ...(code === null ? {} : { codeFiles: formatManifest(code.files) }),
    ...(context.dataIdentity === null ? {} : { dataIdentity: context.dataIdentity }),
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

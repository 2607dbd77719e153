/**
 * The code that produces a run's numbers, as a digest and a per-file manifest: every `.ts` file
 * under `lib/c2s`, `lib/teacher`, `lib/data` and `lib/tf` (the training core, the teacher, the
 * data and the kernels), and whatever they import, followed transitively (`lib/_std.ts`,
 * `lib/_files.ts`, ...): relative imports by their text, packages by the version `deno.json`
 * pins (`deno.json#@tensorflow/tfjs-core`). The sweep's orchestration, the tracker, reports, CLI
 * tasks, docs and tests are not in it, so editing them changes no run's identity.
 *
 * A file counts by its exact text: a comment or formatting edit in the training core is a change
 * too (conservative: no edit that changes numbers can go unnoticed). Built-in modules (`node:*`)
 * follow the Deno version, which each record holds in `versions.deno`.
 *
 * The manifest is read once per process and root: 12-41 ms for its ~90 entries on 2 shared CPU
 * cores, then ~15 µs (`deno task bench code_digest`).
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { codeManifest } from "./code_digest.ts";
 * const code = await codeManifest();
 * assert.match(code.digest, /^code-[0-9a-f]{16}$/);
 * assert.ok("lib/c2s/pixel_loss.ts" in code.files && !("lib/report/html.ts" in code.files));
 * ```
 *
 * @module
 */
import { sha256Hex } from "../teacher/safetensors.ts";

/** Folders (relative to the repository root) whose code produces results. */
export const CODE_FOLDERS = ["lib/c2s", "lib/data", "lib/teacher", "lib/tf"] as const;

/** The code of a checkout that produces results. */
export interface CodeManifest {
  /** `code-<16 hex>`: a digest of `files`. */
  readonly digest: string;
  /**
   * Repository-relative path (`lib/c2s/pixel_loss.ts`) or pinned package
   * (`deno.json#@tensorflow/tfjs-core`) -> the first 12 hex digits of the sha256 of its text.
   */
  readonly files: Readonly<Record<string, string>>;
}

const SOURCE = /\.(ts|tsx|js|mjs)$/;
/** Imports and re-exports at the start of a line (`import "x"` too), dynamic imports anywhere. */
const IMPORTS = [
  /^(?:import|export)\s+(?:type\s+)?(?:[\w$]+\s*,\s*)?(?:\{[^}]*\}|\*(?:\s+as\s+[\w$]+)?|[\w$]+)\s*from\s*["']([^"'\n]+)["']/gm,
  /^import\s*["']([^"'\n]+)["']/gm,
  /\bimport\(\s*["']([^"'\n]+)["']\s*\)/g,
];

const utf8 = new TextEncoder();

async function short(text: string): Promise<string> {
  return (await sha256Hex(utf8.encode(text))).slice(0, 12);
}

async function sourcesUnder(dir: URL): Promise<URL[]> {
  const found: URL[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.startsWith(".")) continue;
    if (entry.isDirectory) found.push(...await sourcesUnder(new URL(`${entry.name}/`, dir)));
    else if (entry.isFile && SOURCE.test(entry.name)) found.push(new URL(entry.name, dir));
  }
  return found;
}

function specifiers(text: string): string[] {
  const found: string[] = [];
  for (const pattern of IMPORTS) {
    for (const match of text.matchAll(pattern)) found.push(match[1]!);
  }
  return found;
}

async function readImportMap(root: URL): Promise<Record<string, string>> {
  try {
    const json = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
    return typeof json?.imports === "object" && json.imports !== null ? json.imports : {};
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return {};
    throw error;
  }
}

async function readManifest(root: URL): Promise<CodeManifest> {
  const imports = await readImportMap(root);
  const files: Record<string, string> = {};
  const queue: URL[] = [];
  for (const folder of CODE_FOLDERS) queue.push(...await sourcesUnder(new URL(`${folder}/`, root)));
  const seen = new Set(queue.map((url) => url.href));
  while (queue.length > 0) {
    const url = queue.pop()!;
    const text = await Deno.readTextFile(url);
    files[url.href.slice(root.href.length)] = await short(text);
    for (const spec of specifiers(text)) {
      if (spec.startsWith("./") || spec.startsWith("../")) {
        const target = new URL(spec, url);
        if (!target.href.startsWith(root.href) || seen.has(target.href)) continue;
        seen.add(target.href);
        queue.push(target);
      } else if (!spec.startsWith("node:")) {
        const pinned = imports[spec];
        const key = pinned === undefined ? spec : `deno.json#${spec}`;
        files[key] = await short(pinned ?? spec);
      }
    }
  }
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => a < b ? -1 : 1));
  const digest = await sha256Hex(utf8.encode(formatManifest(sorted)));
  return { digest: `code-${digest.slice(0, 16)}`, files: sorted };
}

const cache = new Map<string, Promise<CodeManifest>>();

/**
 * The manifest of the checkout at `root` (read once per process and root).
 *
 * @param root the repository root; `@default` the checkout holding this module.
 */
export function codeManifest(
  root: URL = new URL("../../", import.meta.url),
): Promise<CodeManifest> {
  let pending = cache.get(root.href);
  if (pending === undefined) {
    pending = readManifest(root);
    cache.set(root.href, pending);
    pending.catch(() => cache.delete(root.href));
  }
  return pending;
}

/** The manifest's files as text, one `path=digest` per line (how a run record keeps them). */
export function formatManifest(files: Readonly<Record<string, string>>): string {
  return Object.entries(files).map(([path, digest]) => `${path}=${digest}`).join("\n");
}

/** The files of a manifest's text (`formatManifest`'s inverse); lines without `=` are skipped. */
export function parseManifest(text: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const at = line.lastIndexOf("=");
    if (at > 0) files[line.slice(0, at)] = line.slice(at + 1);
  }
  return files;
}

/** The paths whose digest differs between two manifests (added and removed ones too), sorted. */
export function changedFiles(
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
): string[] {
  const paths = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...paths].filter((path) => before[path] !== after[path]).sort();
}

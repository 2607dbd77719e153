/**
 * `loadTeacher(path?)`: the one way to get a teacher. A path is either
 *
 * - a checkpoint folder (`config.json` + weights, `card.json` if present), by default the shipped
 *   mini-CLIP `data/teacher/`, whose weights are checked against their sha256;
 * - a CLIP folder in the Hugging Face CLIPModel layout (`config.json` with `model_type: "clip"`,
 *   `model.safetensors`, `vocab.json`, `merges.txt`; `clip/teacher.ts`), used at the input size
 *   `options.imageSize`; or
 * - a module (`.ts`, `.js`, `.mjs`) whose default export makes a `Teacher`
 *   (`() => Teacher | Promise<Teacher>`): a seam for another CLIP-like model, and for tests that
 *   train against a tiny teacher.
 *
 * It never trains: a missing teacher is an error that says how to train one. The tensor backend
 * must be started (`initBackend`) first.
 *
 * @module
 */
import { extname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { pathKind } from "../_files.ts";
import { FILES, loadMiniClip } from "./checkpoint.ts";
import { isClipFolder, loadClipTeacher } from "./clip/teacher.ts";
import { readCard } from "./card.ts";
import type { Teacher } from "./teacher.ts";
import * as msg from "./messages.ts";

/** The folder of the shipped teacher checkpoint (absolute, no trailing slash). */
export const DEFAULT_TEACHER_DIR: string = fileURLToPath(
  new URL("../../data/teacher", import.meta.url),
);

const MODULE_EXTENSIONS = [".ts", ".js", ".mjs"];

/**
 * Whether `path` names a teacher module rather than a checkpoint folder.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { isTeacherModule } from "./load.ts";
 * assert.ok(isTeacherModule("tests/sweep/_tiny_teacher.ts"));
 * assert.ok(!isTeacherModule("data/teacher"));
 * ```
 */
export function isTeacherModule(path: string): boolean {
  return MODULE_EXTENSIONS.includes(extname(path));
}

function isTeacher(value: unknown): value is Teacher {
  if (typeof value !== "object" || value === null) return false;
  const t = value as Record<string, unknown>;
  return typeof t.name === "string" && typeof t.dim === "number" &&
    Array.isArray(t.denseSize) && typeof t.hash === "string" && t.hash !== "" &&
    typeof t.encodeImages === "function" && typeof t.textEmbeddings === "function" &&
    typeof t.dispose === "function";
}

async function loadModule(path: string, abs: string): Promise<Teacher> {
  const factory = (await import(pathToFileURL(abs).href)).default;
  if (typeof factory !== "function") throw new TypeError(msg.teacherModuleNoFactory(path));
  const teacher = await factory();
  if (!isTeacher(teacher)) throw new TypeError(msg.teacherModuleNotTeacher(path));
  return teacher;
}

async function loadCheckpoint(dir: string, options: LoadTeacherOptions): Promise<Teacher> {
  if (await isClipFolder(dir)) return await loadClipTeacher(dir, options);
  const teacher = await loadMiniClip(dir);
  const cardPath = join(dir, FILES.card);
  const card = await readCard(cardPath);
  if (card && card.sha256 !== teacher.hash) {
    teacher.dispose();
    throw new Error(msg.cardHashMismatch(cardPath, card.sha256, teacher.hash));
  }
  return teacher;
}

/** Options of {@linkcode loadTeacher}. */
export interface LoadTeacherOptions {
  /**
   * `[height, width]` of the images the teacher will see: sets a CLIP teacher's dense grid (the
   * others have a fixed input size).
   * @default {the checkpoint's own input size}
   */
  readonly imageSize?: readonly [number, number];
}

/**
 * Loads the teacher at `path` (see the module doc); the caller disposes it.
 *
 * @param path a checkpoint folder, a CLIP folder or a teacher module; `@default DEFAULT_TEACHER_DIR`.
 * @throws {Deno.errors.NotFound} When nothing is at `path` (the message says how to get a teacher).
 * @throws {TypeError} For a module without a factory, or one whose factory gives no `Teacher`.
 * @throws {Error} For a folder without `config.json`, a sha256 mismatch (naming the file) or a
 *   card that describes other weights.
 *
 * @example
 * ```ts ignore
 * import { loadTeacher } from "./load.ts";
 * const teacher = await loadTeacher();
 * const text = teacher.textEmbeddings(["Trouser", "Bag"]); // [2, 64]
 * ```
 */
export async function loadTeacher(
  path: string = DEFAULT_TEACHER_DIR,
  options: LoadTeacherOptions = {},
): Promise<Teacher> {
  const abs = resolve(path);
  if (await pathKind(abs) === null) throw new Deno.errors.NotFound(msg.teacherMissing(path));
  return isTeacherModule(abs) ? await loadModule(path, abs) : await loadCheckpoint(path, options);
}

/**
 * The teacher card beside a checkpoint (`card.json`: what the teacher is and how good), or `null`
 * for a module or a checkpoint without one.
 */
export async function teacherCardPath(path: string): Promise<string | null> {
  if (isTeacherModule(path)) return null;
  const card = join(resolve(path), FILES.card);
  return await pathKind(card) === "file" ? card : null;
}

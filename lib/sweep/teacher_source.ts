/**
 * Where a sweep's teacher comes from: `--teacher PATH`, by default the shipped checkpoint
 * `data/teacher/`. A path is either
 *
 * - a checkpoint folder, read by the teacher package's `loadTeacher(path)` (which checks the
 *   weights against their sha256); or
 * - a module (`.ts`, `.js`, `.mjs`) whose default export makes a `Teacher`
 *   (`() => Teacher | Promise<Teacher>`): a seam for another CLIP-like model, and for tests that
 *   train against a tiny teacher.
 *
 * The tensor backend must be started (`initBackend`) before a teacher is loaded.
 *
 * @module
 */
import { extname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { FILES } from "../teacher/checkpoint.ts";
import { loadTeacher } from "../teacher/load.ts";
import type { Teacher } from "../teacher/teacher.ts";
import * as msg from "./messages.ts";

/** The shipped teacher checkpoint (absolute path). */
export const DEFAULT_TEACHER: string = fileURLToPath(
  new URL("../../data/teacher/", import.meta.url),
);

const MODULE_EXTENSIONS = [".ts", ".js", ".mjs"];

/** Whether `path` names a teacher module rather than a checkpoint. */
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

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * Loads the teacher at `path` (see the module doc). A missing path is `Deno.errors.NotFound`
 * saying how to get one; a module without a teacher factory is a `TypeError` naming it.
 */
export async function loadTeacherFrom(path: string): Promise<Teacher> {
  const abs = resolve(path);
  if (!await exists(abs)) throw new Deno.errors.NotFound(msg.teacherMissing(path));
  if (isTeacherModule(abs)) {
    const module = await import(pathToFileURL(abs).href);
    const factory = module.default;
    if (typeof factory !== "function") throw new TypeError(msg.teacherModuleNoFactory(path));
    const teacher = await factory();
    if (!isTeacher(teacher)) throw new TypeError(msg.teacherModuleNotTeacher(path));
    return teacher;
  }
  return await loadTeacher(abs);
}

/**
 * The teacher card beside a checkpoint (`card.json`: what the teacher is and how good), or
 * `null` for a module or a checkpoint without one.
 */
export async function teacherCardPath(path: string): Promise<string | null> {
  if (isTeacherModule(path)) return null;
  const card = join(resolve(path), FILES.card);
  return await exists(card) ? card : null;
}

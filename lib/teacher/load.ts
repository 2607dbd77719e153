/**
 * `loadTeacher(path?)`: the shipped mini-CLIP (data/teacher/) or one from another directory. It
 * never trains: a missing teacher is an error that says how to train one.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { FILES, loadMiniClip } from "./checkpoint.ts";
import { readCard } from "./card.ts";
import type { MiniClip } from "./mini_clip.ts";
import * as msg from "./messages.ts";

/** The directory of the shipped teacher. */
export const DEFAULT_TEACHER_DIR: string = fileURLToPath(
  new URL("../../data/teacher", import.meta.url),
);

/**
 * Loads a teacher directory (`config.json` + weights; `card.json` if present), verifying the
 * weights' sha256 against `config.json` and, when there is a card, against the card.
 *
 * @param path the directory; `@default DEFAULT_TEACHER_DIR` (the committed checkpoint).
 * @throws {Error} On a missing teacher, a sha256 mismatch (naming the file), or a truncated file.
 *
 * @example
 * ```ts ignore
 * import { loadTeacher } from "./load.ts";
 * const teacher = await loadTeacher();
 * const text = teacher.textEmbeddings(["Trouser", "Bag"]); // [2, 64]
 * ```
 */
export async function loadTeacher(path: string = DEFAULT_TEACHER_DIR): Promise<MiniClip> {
  const teacher = await loadMiniClip(path);
  const card = await readCard(`${path}/${FILES.card}`);
  if (card && card.sha256 !== teacher.hash) {
    teacher.dispose();
    throw new Error(msg.cardHashMismatch(`${path}/${FILES.card}`, card.sha256, teacher.hash));
  }
  return teacher;
}

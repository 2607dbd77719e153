/**
 * The teacher card: what the frozen teacher is and how good it is (zero-shot and dense accuracy,
 * training cost). Read from run artifacts of kind `teacher-card` (JSON objects) and from the
 * shipped teacher checkpoint's `card.json` (`data/teacher/card.json` by default). The fields are
 * shown as written; nested objects are flattened to dotted keys.
 *
 * @module
 */
import type { ArtifactRow } from "./data.ts";
import { Msg } from "./messages.ts";

/** A teacher card: its source file and its fields. */
export interface TeacherCard {
  /** The artifact path it was read from. */
  readonly path: string;
  /** Dotted key -> value, in the file's order. */
  readonly fields: readonly (readonly [string, string])[];
}

/** The shipped teacher checkpoint's folder (holds `card.json`). */
export const DEFAULT_TEACHER_DIR: string = new URL("../../data/teacher", import.meta.url).pathname;

/** Artifact kinds that hold a teacher card. */
export const TEACHER_CARD_KINDS: readonly string[] = ["teacher-card", "teacher_card"];

/**
 * The shipped teacher's card (when `teacherDir` holds one; null skips it) and the distinct cards
 * of an ablation's runs, with notes on the ones that could not be read.
 */
export async function loadTeacherCards(
  artifacts: readonly ArtifactRow[],
  root: string,
  teacherDir: string | null = DEFAULT_TEACHER_DIR,
): Promise<{ cards: TeacherCard[]; notes: string[] }> {
  const cards: TeacherCard[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  if (teacherDir !== null) {
    const path = `${teacherDir.replace(/\/$/, "")}/card.json`;
    try {
      const text = await Deno.readTextFile(path);
      cards.push({ path, fields: flattenCard(JSON.parse(text)) });
    } catch (error) {
      // No shipped teacher yet is normal; a card that exists but cannot be parsed is not.
      if (!(error instanceof Deno.errors.NotFound)) {
        notes.push(Msg.teacherCardUnreadable(path, (error as Error).message));
      }
    }
  }
  for (const a of artifacts) {
    if (!TEACHER_CARD_KINDS.includes(a.kind)) continue;
    const key = a.sha256 ?? a.path;
    if (seen.has(key)) continue;
    seen.add(key);
    const path = a.path.startsWith("/") ? a.path : `${root.replace(/\/$/, "")}/${a.path}`;
    try {
      const value = JSON.parse(await Deno.readTextFile(path));
      cards.push({ path: a.path, fields: flattenCard(value) });
    } catch (error) {
      notes.push(Msg.teacherCardUnreadable(path, (error as Error).message));
    }
  }
  return { cards, notes };
}

/**
 * Flatten a card object to `[dotted key, text]` pairs; arrays of scalars are joined.
 *
 * @example
 * ```ts
 * import { flattenCard } from "./teacher_card.ts";
 * const f = flattenCard({ name: "mini-CLIP", eval: { zeroShot: 90.4 } });
 * console.assert(f[1]![0] === "eval.zeroShot" && f[1]![1] === "90.4");
 * ```
 */
export function flattenCard(value: unknown, prefix = ""): [string, string][] {
  if (value === null || typeof value !== "object") {
    return [[prefix || "value", String(value)]];
  }
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== "object")) {
      return [[prefix || "value", value.map(String).join(", ")]];
    }
    return value.flatMap((v, i) => flattenCard(v, `${prefix}[${i}]`));
  }
  return Object.entries(value).flatMap(([k, v]) => {
    const key = prefix ? `${prefix}.${k}` : k;
    return v !== null && typeof v === "object" && !(Array.isArray(v) &&
        v.every((x) => x === null || typeof x !== "object"))
      ? flattenCard(v, key)
      : [[key, Array.isArray(v) ? v.map(String).join(", ") : String(v)] as [string, string]];
  });
}

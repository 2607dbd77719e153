/**
 * The teacher card in a report: what the frozen teacher is and how good it is (zero-shot and dense
 * accuracy, training cost; `TeacherCard` of `lib/teacher/card.ts`). Read from run artifacts of
 * kind `teacher-card` and from the shipped teacher checkpoint's `card.json`. The fields are shown
 * as written; nested objects are flattened to dotted keys.
 *
 * @module
 */
import { join } from "node:path";
import { FILES } from "../teacher/checkpoint.ts";
import { readCard } from "../teacher/card.ts";
import { DEFAULT_TEACHER_DIR } from "../teacher/load.ts";
import type { ArtifactRow } from "./data.ts";
import { Msg } from "./messages.ts";

/** A teacher card as a report shows it: the file it was read from and its flattened fields. */
export interface ShownTeacherCard {
  /** The artifact path it was read from. */
  readonly path: string;
  /** Dotted key -> value, in the file's order. */
  readonly fields: readonly (readonly [string, string])[];
}

/** Artifact kinds that hold a teacher card. */
export const TEACHER_CARD_KINDS: readonly string[] = ["teacher-card", "teacher_card"];

/**
 * The shipped teacher's card (when `teacherDir` holds one; null skips it) and the distinct cards
 * of an ablation's runs, with notes on the ones that could not be read. A card with the same
 * fields as one already found (the runs' copy of the shipped card) is shown once.
 */
export async function loadTeacherCards(
  artifacts: readonly ArtifactRow[],
  root: string,
  teacherDir: string | null = DEFAULT_TEACHER_DIR,
): Promise<{ cards: ShownTeacherCard[]; notes: string[] }> {
  const cards: ShownTeacherCard[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  if (teacherDir !== null) {
    const path = join(teacherDir, FILES.card);
    try {
      // No shipped teacher yet is normal (null); a card that cannot be parsed is not.
      const card = await readCard(path);
      if (card !== null) cards.push({ path, fields: flattenCard(card) });
    } catch (error) {
      notes.push(Msg.teacherCardUnreadable(path, (error as Error).message));
    }
  }
  for (const a of artifacts) {
    if (!TEACHER_CARD_KINDS.includes(a.kind)) continue;
    const key = a.sha256 ?? a.path;
    if (seen.has(key)) continue;
    seen.add(key);
    const path = a.path.startsWith("/") ? a.path : join(root, a.path);
    try {
      const fields = flattenCard(JSON.parse(await Deno.readTextFile(path)));
      const text = JSON.stringify(fields);
      if (!cards.some((c) => JSON.stringify(c.fields) === text)) {
        cards.push({ path: a.path, fields });
      }
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
 * import { assert } from "../_std.ts";
 * import { flattenCard } from "./teacher_card.ts";
 * const f = flattenCard({ name: "mini-CLIP", eval: { zeroShot: 90.4 } });
 * assert.deepEqual(f, [["name", "mini-CLIP"], ["eval.zeroShot", "90.4"]]);
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

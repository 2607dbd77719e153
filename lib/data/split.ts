/**
 * The zero-shot class split (which classes are unseen) and the item partition (which Fashion-MNIST
 * items may be used for training, teacher and student alike, and which are held out to build the
 * evaluation scenes).
 *
 * @module
 */
import { FASHION_CLASSES, type ItemSet } from "./types.ts";
import { createRng, hashSeed } from "./rng.ts";
import * as msg from "./messages.ts";

/** The benchmark's default unseen classes (the design's zero-shot split). */
export const DEFAULT_UNSEEN: readonly string[] = Object.freeze(["Trouser", "Sneaker", "Bag"]);

/** Seen and unseen class ids, each ascending. */
export interface ClassSplit {
  seen: number[];
  unseen: number[];
}

/**
 * Resolves unseen class names (exact Fashion-MNIST names, e.g. `"Ankle boot"`) to class ids.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { resolveClassSplit } from "./split.ts";
 * const { seen, unseen } = resolveClassSplit(["Trouser", "Sneaker", "Bag"]);
 * assert.ok(unseen.join() === "1,7,8" && seen.length === 7);
 * ```
 * @throws {RangeError} On unknown names (all named, with the valid names listed), a name listed
 *   twice, an empty list, or a list of every class.
 */
export function resolveClassSplit(unseen: readonly string[]): ClassSplit {
  const names: readonly string[] = FASHION_CLASSES;
  const unknown = unseen.filter((name) => !names.includes(name));
  if (unknown.length > 0) throw new RangeError(msg.unknownClasses(unknown, names));
  const ids = new Set<number>();
  for (const name of unseen) {
    const id = names.indexOf(name);
    if (ids.has(id)) throw new RangeError(msg.duplicateClass(name));
    ids.add(id);
  }
  if (ids.size === 0) throw new RangeError(msg.noUnseenClasses());
  if (ids.size === names.length) throw new RangeError(msg.allClassesUnseen(names.length));
  const all = names.map((_, id) => id);
  return { seen: all.filter((id) => !ids.has(id)), unseen: all.filter((id) => ids.has(id)) };
}

/**
 * The benchmark's one item partition. The shipped teacher trained on its `train` side, so every
 * student run must evaluate on this partition's `eval` side: it does not vary with scene seeds.
 */
export const BENCHMARK_PARTITION = Object.freeze({ seed: 1, evalFraction: 0.2 });

/** Options of {@linkcode partitionItems}. */
export interface PartitionOptions {
  /** Share of each class's items held out for evaluation. @default 0.2 */
  evalFraction?: number;
  /** Seed of the shuffle. @default 0 */
  seed?: number;
}

/** Disjoint, ascending item indices. */
export interface ItemPartition {
  train: Int32Array;
  eval: Int32Array;
}

/**
 * Splits the items into disjoint train and eval index sets, stratified by class: each class
 * contributes `round(n_c * evalFraction)` items to eval, chosen by a Fisher-Yates shuffle seeded
 * from `(seed, class)`. Together the two sets cover every item exactly once. Eval items must never
 * be used for training (teacher or student).
 *
 * Eval items are drawn only from `items.heldOutStart` on (the t10k part when the full set is
 * loaded), so the embedded t10k copy and the full 70k set hold out the very same t10k items, and
 * `n_c` counts only those candidates.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { partitionItems } from "./split.ts";
 * const items = { images: new Uint8Array(10 * 4), labels: new Uint8Array(10), count: 10, size: 2 };
 * const { train, eval: held } = partitionItems(items, { evalFraction: 0.3, seed: 1 });
 * assert.ok(train.length === 7 && held.length === 3);
 * ```
 * @throws {RangeError} When `evalFraction` is not in (0, 1) or a side would be empty.
 */
export function partitionItems(items: ItemSet, options: PartitionOptions = {}): ItemPartition {
  const fraction = options.evalFraction ?? 0.2;
  const seed = options.seed ?? 0;
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(msg.badEvalFraction(fraction));
  const heldOutStart = items.heldOutStart ?? 0;
  if (!Number.isInteger(heldOutStart) || heldOutStart < 0 || heldOutStart >= items.count) {
    throw new RangeError(msg.badHeldOutStart(heldOutStart, items.count));
  }
  const byClass = new Map<number, number[]>();
  for (let i = heldOutStart; i < items.count; i++) {
    const label = items.labels[i]!;
    let list = byClass.get(label);
    if (list === undefined) byClass.set(label, list = []);
    list.push(i);
  }
  const isEval = new Uint8Array(items.count);
  let evalCount = 0;
  for (const [label, list] of byClass) {
    const rng = createRng(hashSeed(seed, label));
    const take = Math.round(list.length * fraction);
    // Partial Fisher-Yates: the first `take` positions become a uniform sample without replacement.
    for (let i = 0; i < take; i++) {
      const j = i + Math.floor(rng() * (list.length - i));
      const picked = list[j]!;
      list[j] = list[i]!;
      list[i] = picked;
      isEval[picked] = 1;
    }
    evalCount += take;
  }
  if (evalCount === 0) throw new RangeError(msg.emptyPartition("eval", items.count, fraction));
  if (evalCount === items.count) {
    throw new RangeError(msg.emptyPartition("train", items.count, fraction));
  }
  const train = new Int32Array(items.count - evalCount);
  const held = new Int32Array(evalCount);
  let t = 0, e = 0;
  for (let i = 0; i < items.count; i++) {
    if (isEval[i]) held[e++] = i;
    else train[t++] = i;
  }
  return { train, eval: held };
}

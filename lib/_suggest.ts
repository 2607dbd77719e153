/**
 * "Did you mean" suggestions: the closest candidate by edit distance, or the one key whose tail
 * is the input (`"bankSize"` -> `"distill.global.bankSize"`).
 *
 * @module
 */

/** Levenshtein distance (insert, delete, substitute: cost 1 each). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(
        Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitute),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * The candidate `input` most likely meant, or `undefined` when none is close: a unique candidate
 * ending in `.input`, else the nearest within max(2, a third of the input's length) edits and
 * fewer edits than the input has characters (case-insensitive; ties go to the earlier candidate).
 */
export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const tails = list.filter((c) => c.endsWith(`.${input}`));
  if (tails.length === 1) return tails[0];
  const limit = Math.max(2, Math.floor(input.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of list) {
    const distance = editDistance(input.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  // A candidate that shares nothing with the input (e.g. "7" -> "0") is no suggestion.
  return bestDistance <= limit && bestDistance < input.length ? best : undefined;
}

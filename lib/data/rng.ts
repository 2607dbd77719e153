/**
 * Seeded random numbers for everything that must be reproducible (scene composition, item
 * partitions): `sfc32` (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state, passes
 * PractRand) seeded through `splitmix32`, plus a small integer hash to derive independent seeds
 * from several parts (e.g. `hashSeed(sceneSeed, index)`).
 *
 * @module
 */
import * as msg from "./messages.ts";

const TWO_POW_32 = 4294967296;

function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) throw new RangeError(msg.badSeed(seed));
}

/** murmur3's 32-bit finaliser: a bijective avalanche of one 32-bit word. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Hashes any number of safe-integer parts into one 32-bit seed (order matters). Each part's
 * high and low 32 bits both enter the hash, so seeds above 2^32 do not collide with small ones.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { hashSeed } from "./rng.ts";
 * assert.ok(hashSeed(1, 2) === hashSeed(1, 2) && hashSeed(1, 2) !== hashSeed(2, 1));
 * ```
 * @throws {RangeError} When a part is not a safe integer.
 */
export function hashSeed(...parts: number[]): number {
  let h = 0x9e3779b9 ^ parts.length;
  for (const part of parts) {
    checkSeed(part);
    const lo = part >>> 0;
    const hi = Math.floor(part / TWO_POW_32) >>> 0;
    for (const word of [lo, hi]) {
      h = Math.imul(h ^ fmix32(word), 0x01000193) >>> 0;
      h = (h << 13 | h >>> 19) >>> 0;
    }
  }
  return fmix32(h);
}

/**
 * A deterministic uniform generator on [0, 1) with 32 bits of resolution.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { createRng } from "./rng.ts";
 * const a = createRng(42), b = createRng(42);
 * assert.ok(a() === b() && a() >= 0 && a() < 1);
 * ```
 * @throws {RangeError} When `seed` is not a safe integer.
 */
export function createRng(seed: number): () => number {
  let state = hashSeed(seed);
  const splitmix = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
  let a = splitmix(), b = splitmix(), c = splitmix(), d = splitmix();
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / TWO_POW_32;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

/**
 * A uniform integer in `[lo, hi)`.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { createRng, randInt } from "./rng.ts";
 * const die = randInt(createRng(7), 1, 7);
 * assert.ok(die >= 1 && die <= 6);
 * ```
 * @throws {RangeError} When `lo` and `hi` are not integers with `lo < hi`.
 */
export function randInt(rng: () => number, lo: number, hi: number): number {
  if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo < hi)) {
    throw new RangeError(msg.badIntRange(lo, hi));
  }
  return lo + Math.floor(rng() * (hi - lo));
}

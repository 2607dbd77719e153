/**
 * The one seam for standard-library helpers. JSR (`@std/cli`, `@std/assert`) is not reachable from
 * the build machines, so argument parsing and assertions come from Deno's built-in Node modules.
 * Switching back to `@std` is one edit here: `assertThrows` and `assertRejects` below keep
 * `@std/assert`'s signatures and meaning (the third argument must be contained in the error's
 * message), which `node:assert`'s `throws`/`rejects` do NOT check (their third argument is only the
 * text shown on failure).
 *
 * @module
 */
import assert from "node:assert/strict";

export { parseArgs } from "node:util";
export { assert };

// deno-lint-ignore no-explicit-any
type ErrorClass<E extends Error> = new (...args: any[]) => E;

/**
 * Asserts that `actual` and `expected` are deeply equal (`@std/assert`'s signature; strict: same
 * prototypes, `1` is not `"1"`, a `Float32Array` is not an array).
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "./_std.ts";
 * assertEquals({ sizes: [3, 7] }, { sizes: [3, 7] });
 * assertThrows(() => assertEquals([1], ["1"]), Error, "Expected values to be strictly deep-equal");
 * ```
 */
export function assertEquals<T>(actual: unknown, expected: T, msg?: string): asserts actual is T {
  assert.deepStrictEqual(actual, expected, msg);
}

function checkError<E extends Error>(
  error: unknown,
  ErrorClass: ErrorClass<E>,
  msgIncludes: string | undefined,
): E {
  if (!(error instanceof ErrorClass)) {
    const got = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new assert.AssertionError({
      message: `Expected error to be instance of "${ErrorClass.name}", but got "${got}"`,
    });
  }
  if (msgIncludes !== undefined && !error.message.includes(msgIncludes)) {
    throw new assert.AssertionError({
      message: `Expected error message to include "${msgIncludes}", but got "${error.message}"`,
    });
  }
  return error;
}

/**
 * Asserts that `fn` throws an instance of `ErrorClass` whose message contains `msgIncludes`.
 *
 * @example
 * ```ts
 * import { assertThrows } from "./_std.ts";
 * assertThrows(() => { throw new RangeError("Bad size 3"); }, RangeError, "size 3");
 * ```
 */
export function assertThrows<E extends Error>(
  fn: () => unknown,
  ErrorClass: ErrorClass<E>,
  msgIncludes?: string,
): E {
  try {
    fn();
  } catch (error) {
    return checkError(error, ErrorClass, msgIncludes);
  }
  throw new assert.AssertionError({ message: "Expected function to throw" });
}

/**
 * Asserts that `fn` rejects with an instance of `ErrorClass` whose message contains `msgIncludes`.
 *
 * @example
 * ```ts
 * import { assertRejects } from "./_std.ts";
 * await assertRejects(() => Promise.reject(new TypeError("No file")), TypeError, "file");
 * ```
 */
export async function assertRejects<E extends Error>(
  fn: () => PromiseLike<unknown>,
  ErrorClass: ErrorClass<E>,
  msgIncludes?: string,
): Promise<E> {
  try {
    await fn();
  } catch (error) {
    return checkError(error, ErrorClass, msgIncludes);
  }
  throw new assert.AssertionError({ message: "Expected function to reject" });
}

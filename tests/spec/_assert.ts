import { assert } from "../../lib/_std.ts";

type ErrorClass = new (...args: never[]) => Error;

/** Asserts that `fn` throws exactly an instance of `ErrorClass` with exactly `message`. */
export function assertThrowsExactly(
  fn: () => unknown,
  ErrorClass: ErrorClass,
  message: string,
): void {
  let thrown: unknown = undefined;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown instanceof Error, "expected an error to be thrown");
  assert.equal(thrown.constructor, ErrorClass);
  assert.equal(thrown.message, message);
}

/** Async form of `assertThrowsExactly`. */
export async function assertRejectsExactly(
  fn: () => Promise<unknown>,
  ErrorClass: ErrorClass,
  message: string,
): Promise<void> {
  let thrown: unknown = undefined;
  try {
    await fn();
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown instanceof Error, "expected a rejection");
  assert.equal(thrown.constructor, ErrorClass);
  assert.equal(thrown.message, message);
}

/**
 * Usage errors as a table: one line per command line, `ARGS | ErrorClass | exact message`, so a
 * test of a task's parser reads like the messages a user sees.
 *
 * @module
 */
import { assert } from "../lib/_std.ts";

const CLASSES = { TypeError, RangeError } as const;

/** Splits a command line as a POSIX shell would (quotes; stops at a redirection). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const [word] of line.matchAll(/(?:"[^"]*"|'[^']*'|[^\s"'])+/g)) {
    if (word.startsWith(">")) break;
    words.push(word.replace(/"([^"]*)"|'([^']*)'/g, "$1$2"));
  }
  return words;
}

/**
 * Asserts that `parse` rejects each command line of `table` with exactly that error class and
 * message. A line is `ARGS | TypeError | message`: ARGS split like a shell's (`""` is an empty
 * argument, `(none)` no argument at all); blank lines are skipped.
 */
export function assertUsageErrors(parse: (argv: readonly string[]) => unknown, table: string) {
  const lines = table.split("\n").map((line) => line.trim()).filter((line) => line !== "");
  assert.ok(lines.length > 0, "no cases");
  for (const line of lines) {
    const [, args = "", name = "", message] = /^(.+?) +\| +(\w+) +\| (.+)$/.exec(line) ?? [];
    const ErrorClass = CLASSES[name as keyof typeof CLASSES];
    assert.ok(ErrorClass !== undefined, `malformed case: ${line}`);
    let thrown: unknown = undefined;
    try {
      parse(args === "(none)" ? [] : shellWords(args));
    } catch (error) {
      thrown = error;
    }
    assert.ok(thrown instanceof Error, `${args}: expected ${name}, nothing was thrown`);
    assert.equal(thrown.constructor, ErrorClass, `${args}: ${thrown}`);
    assert.equal(thrown.message, message, args);
  }
}

/**
 * Small file helpers the areas share: what is at a path, and reading a JSON file with errors that
 * name it (each area words them in its own messages).
 *
 * @module
 */

/**
 * What is at `path`: `"file"`, `"directory"`, `"other"` (a socket, a device), or `null` when
 * nothing is. Errors other than a missing path (no permission) are thrown.
 *
 * @example
 * ```ts
 * import { assert } from "./_std.ts";
 * import { pathKind } from "./_files.ts";
 * assert.equal(await pathKind(new URL(import.meta.url).pathname), "file");
 * assert.equal(await pathKind("/nonexistent/x"), null);
 * ```
 */
export async function pathKind(path: string): Promise<"file" | "directory" | "other" | null> {
  try {
    const info = await Deno.stat(path);
    return info.isFile ? "file" : info.isDirectory ? "directory" : "other";
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** How {@linkcode readJsonFile} words its errors. */
export interface JsonFileMessages {
  /** No file at `path` (thrown as `Deno.errors.NotFound`). */
  missing(path: string): string;
  /** Text that is not JSON (thrown as `SyntaxError`). */
  notJson(path: string, reason: string): string;
  /** Another read error (thrown as `Error`); without it the error is thrown as it is. */
  unreadable?(path: string, reason: string): string;
}

/**
 * Reads and parses the JSON file at `path`; errors name it in the words of `messages`, with the
 * original error as their `cause`.
 *
 * @example
 * ```ts
 * import { assertRejects } from "./_std.ts";
 * import { readJsonFile } from "./_files.ts";
 * const messages = { missing: (p: string) => `No file ${p}`, notJson: (p: string) => `Bad ${p}` };
 * await assertRejects(() => readJsonFile("/nonexistent.json", messages), Deno.errors.NotFound, "No file");
 * ```
 */
export async function readJsonFile(path: string, messages: JsonFileMessages): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Deno.errors.NotFound(messages.missing(path), { cause: error });
    }
    if (messages.unreadable === undefined) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(messages.unreadable(path, reason), { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(messages.notJson(path, (error as Error).message), { cause: error });
  }
}

/**
 * The one seam for standard-library helpers. JSR (`@std/cli`, `@std/assert`) is not reachable from
 * the build machines, so argument parsing and assertions come from Deno's built-in Node modules.
 * Switching back to `@std` is one edit here.
 *
 * @module
 */
import assert from "node:assert/strict";

export { parseArgs } from "node:util";
export { assert };

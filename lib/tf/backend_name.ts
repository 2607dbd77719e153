/**
 * The tensor backends a run can ask for: one `as const` list gives the values, the `Backend` type
 * and the `isBackend` guard (DESIGN.md, "Backends"). `wasm` is the default on CPU machines.
 *
 * @module
 */

/** Tensor backends, in the order `--help` lists them. */
export const Backend = ["wasm", "cpu", "webgpu", "tensorflow"] as const;
export type Backend = typeof Backend[number];

/**
 * Whether `name` is one of the {@linkcode Backend} names.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { isBackend } from "./backend_name.ts";
 * assert.ok(isBackend("wasm"));
 * assert.ok(!isBackend("tpu"));
 * ```
 */
export function isBackend(name: string): name is Backend {
  return (Backend as readonly string[]).includes(name);
}

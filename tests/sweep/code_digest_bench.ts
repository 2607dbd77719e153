/**
 * Cost of the code digest every sweep, plan and run computes once per process: the first read
 * (every source file of the training core, teacher, data and kernels and what they import) and a
 * cached one.
 *
 * @module
 */
import { codeManifest } from "../../lib/sweep/code_digest.ts";

/** Prints the first and the cached time of `codeManifest()`. */
export async function bench(): Promise<void> {
  let t = performance.now();
  const code = await codeManifest();
  const first = performance.now() - t;
  t = performance.now();
  await codeManifest();
  const cached = performance.now() - t;
  console.log(
    `code digest: ${Object.keys(code.files).length} entries, first read ${first.toFixed(1)} ms, ` +
      `cached ${(cached * 1000).toFixed(0)} µs`,
  );
}

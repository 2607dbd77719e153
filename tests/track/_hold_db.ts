/**
 * Test helper process: opens the run store at `Deno.args[0]`, starts one run, prints "ready",
 * holds the file until a line (or EOF) arrives on stdin, then closes it and prints "closed".
 *
 * @module
 */

import { RunStore } from "../../lib/track/store.ts";

const store = await RunStore.open(Deno.args[0]!);
await store.startRun({
  hash: "held",
  ablation: "token-bank",
  variant: "6",
  seed: 1,
  preset: "smoke",
  config: { x: 1 },
  overrides: {},
});
console.log("ready");
await Deno.stdin.read(new Uint8Array(1));
await store.close();
console.log("closed");

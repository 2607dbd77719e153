/**
 * `ablate` ends with its wall time and, per table, the runs it trained and their summed run time
 * (what the README's `ablate all --preset quick` breakdown is read from).
 */
import { assert } from "../../lib/_std.ts";
import { ablate, smokeArgs, tempArea } from "./_sweep.ts";

Deno.test("ablate prints its wall time and the runs each table trained", async () => {
  await using area = await tempArea();
  const out = await ablate(["sweep-pair", "--workers", "2", ...smokeArgs(area)]);
  assert.equal(out.code, 0, out.stdout + out.stderr);
  const [, count] = out.stdout.match(/^Running (\d+) runs /m) ?? [];
  assert.ok(count !== undefined, out.stdout);
  assert.match(out.stdout, /^Wall time \d+(m\d\ds|s); runs trained, by the table that planned/m);
  assert.match(out.stdout, new RegExp(`^  sweep-pair  ${count} runs  \\d+(m\\d\\ds|s)$`, "m"));
});

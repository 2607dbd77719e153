/**
 * The paper's setting end to end on the tiny fixtures: `ablate token-bank --preset smoke
 * --experiment voc-clip` with the random CLIP folder (`tests/fixtures/clip-tiny`) and the 8-image
 * VOC folder (`tests/fixtures/voc-tiny`) finishes its four runs (RGB images, a CLIP teacher at an
 * interpolated grid, the Segformer student), in a process of its own like a user's.
 */
import { assert } from "../../lib/_std.ts";

Deno.test("ablate token-bank --experiment voc-clip finishes its smoke runs on the tiny CLIP and VOC fixtures", async () => {
  const work = await Deno.makeTempDir({ prefix: "c2s-voc-clip-" });
  try {
    const args = [
      "run",
      "-A",
      "lib/cli/ablate.ts",
      "token-bank",
      "--preset",
      "smoke",
      "--experiment",
      "voc-clip",
      "--teacher",
      "tests/fixtures/clip-tiny",
      "--data",
      "tests/fixtures/voc-tiny",
      "--db",
      `${work}/runs.duckdb`,
      "--work",
      `${work}/work`,
    ];
    const root = new URL("../../", import.meta.url);
    const out = await new Deno.Command(Deno.execPath(), {
      args,
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.ok(out.success, text);
    assert.ok(text.includes("Done: 4 runs finished"), text);
    assert.ok(!text.includes("warning"), text);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});

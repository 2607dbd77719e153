/** Loading a CLIPModel folder through `loadTeacher`: recognised by its config, errors name files. */
import { join } from "node:path";
import { assertEquals, assertRejects, assertThrows } from "../../lib/_std.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { loadTeacher } from "../../lib/teacher/load.ts";
import { parseClipConfig } from "../../lib/teacher/clip/config.ts";
import { ClipTeacher } from "../../lib/teacher/clip/teacher.ts";

await initBackend("wasm");

const FIXTURE = new URL("../fixtures/clip-tiny", import.meta.url).pathname;

async function copyFixture(skip: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "clip-" });
  for await (const entry of Deno.readDir(FIXTURE)) {
    if (entry.name !== skip) await Deno.copyFile(join(FIXTURE, entry.name), join(dir, entry.name));
  }
  return dir;
}

Deno.test("loadTeacher() recognises a CLIPModel folder; its hash is the weights' sha256", async () => {
  const teacher = await loadTeacher(FIXTURE, { imageSize: [512, 512] });
  try {
    assertEquals(teacher instanceof ClipTeacher, true);
    assertEquals([...teacher.denseSize], [32, 32]);
    const bytes = await Deno.readFile(join(FIXTURE, "model.safetensors"));
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    assertEquals(teacher.hash, Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""));
  } finally {
    teacher.dispose();
  }
});

Deno.test("loadTeacher() names the file a CLIP folder lacks", async () => {
  for (const file of ["merges.txt", "vocab.json", "model.safetensors"]) {
    const dir = await copyFixture(file);
    try {
      await assertRejects(() => loadTeacher(dir), Deno.errors.NotFound, `has no ${file}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});

Deno.test("parseClipConfig() names the file and key of a bad field", () => {
  assertThrows(
    () => parseClipConfig({ model_type: "clip", vision_config: { patch_size: "16" } }, "x.json"),
    TypeError,
    'Cannot read CLIP config "x.json": "vision_config.patch_size" must be a positive integer, got "16"',
  );
  assertThrows(
    () => parseClipConfig({ model_type: "clip", text_config: { hidden_act: "relu" } }, "x.json"),
    RangeError,
    '"text_config.hidden_act" must be one of quick_gelu, gelu, gelu_new, gelu_pytorch_tanh',
  );
});

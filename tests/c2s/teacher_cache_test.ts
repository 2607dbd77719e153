import { assert } from "../../lib/_std.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import {
  buildTeacherCache,
  type CacheSpec,
  decodeTeacherCache,
  encodeTeacherCache,
  openTeacherCache,
  teacherCacheKey,
} from "../../lib/c2s/teacher_cache.ts";
import type { C2SEvent } from "../../lib/c2s/events.ts";
import { messages } from "../../lib/c2s/messages.ts";
import { tinyConfig, TinyScenes, TinyTeacher } from "./_fixtures.ts";

await initBackend("wasm");

const config = tinyConfig();
const spec: CacheSpec = { seenIds: [0, 1, 3, 4], pseudoMask: config.pseudoMask, sceneSeed: 1 };
const scenes = new TinyScenes(10, { unseenIds: [2] });

Deno.test("buildTeacherCache() stores C_g, pseudo masks and one C_l per class present", async () => {
  const teacher = new TinyTeacher();
  const events: C2SEvent[] = [];
  const cache = await buildTeacherCache(teacher, scenes, spec, "k", {
    onEvent: (e) => events.push(e),
  });
  assert.equal(cache.count, 10);
  assert.equal(cache.globalCls.length, 10 * 16);
  assert.equal(cache.localCls.length, 10 * 6 * 16);
  for (let i = 0; i < 10; i++) {
    const scene = scenes.get(i);
    // Every seen class of the scene has a local token; absent seen classes have none.
    spec.seenIds.forEach((id, slot) => {
      assert.equal(cache.localValid[i * 6 + slot], scene.labels.includes(id) ? 1 : 0);
    });
    const count = cache.latentCount[i]!;
    assert.ok(count <= config.pseudoMask.maxLatent);
    for (let u = 0; u < 2; u++) {
      const present = cache.latent.subarray(i * 64, (i + 1) * 64).includes(u);
      assert.equal(cache.localValid[i * 6 + 4 + u], present ? 1 : 0);
    }
  }
  assert.deepEqual(events.at(-1), {
    type: "cache",
    phase: "build",
    done: 10,
    total: 10,
    path: null,
  });
  teacher.dispose();
});

Deno.test("a teacher cache survives encoding and decoding byte for byte", async () => {
  const teacher = new TinyTeacher();
  const cache = await buildTeacherCache(teacher, scenes, spec, "abc");
  const back = await decodeTeacherCache(await encodeTeacherCache(cache));
  assert.deepEqual(back, cache);
  teacher.dispose();
});

Deno.test("the cache key changes with the teacher, the pseudo-mask config and the seen classes", async () => {
  const teacher = new TinyTeacher({ seed: 1 });
  const other = new TinyTeacher({ seed: 2 });
  const base = await teacherCacheKey(teacher, scenes, spec);
  assert.equal(await teacherCacheKey(teacher, scenes, { ...spec }), base);
  assert.notEqual(await teacherCacheKey(other, scenes, spec), base);
  const lambda = { ...spec, pseudoMask: { ...spec.pseudoMask, lambda: 0.7 } };
  assert.notEqual(await teacherCacheKey(teacher, scenes, lambda), base);
  assert.notEqual(await teacherCacheKey(teacher, scenes, { ...spec, seenIds: [0, 1, 3] }), base);
  teacher.dispose();
  other.dispose();
});

Deno.test("openTeacherCache() builds once, then loads the file without calling the teacher", async () => {
  const dir = await Deno.makeTempDir();
  const teacher = new TinyTeacher();
  const first = await openTeacherCache(teacher, scenes, spec, { dir });
  assert.ok(first.built);
  const calls = teacher.encodeCalls;
  const second = await openTeacherCache(teacher, scenes, spec, { dir });
  assert.ok(!second.built);
  assert.equal(teacher.encodeCalls, calls);
  assert.equal(second.path, first.path);
  assert.deepEqual(second.cache, first.cache);
  teacher.dispose();
  await Deno.remove(dir, { recursive: true });
});

async function corruptAndReopen(
  damage: (bytes: Uint8Array) => { bytes: Uint8Array; reason: string },
) {
  const dir = await Deno.makeTempDir();
  const teacher = new TinyTeacher();
  const first = await openTeacherCache(teacher, scenes, spec, { dir });
  const { bytes, reason } = damage(await Deno.readFile(first.path));
  await Deno.writeFile(first.path, bytes);
  const warnings: string[] = [];
  const again = await openTeacherCache(teacher, scenes, spec, {
    dir,
    onEvent: (e) => {
      if (e.type === "warning") warnings.push(e.message);
    },
  });
  assert.deepEqual(warnings, [messages.cacheCorrupt(first.path, reason)]);
  assert.ok(again.built);
  assert.deepEqual(again.cache, first.cache);
  // The rebuilt file is valid again.
  assert.deepEqual(await decodeTeacherCache(await Deno.readFile(first.path)), first.cache);
  teacher.dispose();
  await Deno.remove(dir, { recursive: true });
}

Deno.test("a cache file with a flipped byte is detected by its checksum, named in a warning and rebuilt", async () => {
  await corruptAndReopen((bytes) => {
    bytes[bytes.length - 100]! ^= 0xff;
    return { bytes, reason: "checksum mismatch" };
  });
});

Deno.test("a truncated cache file is detected, named in a warning and rebuilt", async () => {
  await corruptAndReopen((bytes) => ({
    bytes: bytes.slice(0, bytes.length - 500),
    reason: `file is ${bytes.length - 500} bytes, its header implies ${bytes.length} (truncated?)`,
  }));
});

Deno.test("a file that is not a teacher cache is detected by its magic and rebuilt", async () => {
  await corruptAndReopen((bytes) => {
    bytes.set(new TextEncoder().encode("NOTCACHE"), 0);
    return { bytes, reason: `it does not start with "C2SCACHE"` };
  });
});

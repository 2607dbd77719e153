/**
 * The teacher cache: everything of the C2S method that does not depend on the student, computed
 * once per (teacher, training scenes, pseudo-mask config) and stored on disk under the content hash
 * of those inputs, so an ablation's runs only train the student (DESIGN.md, "The C2S training
 * core"). Per training scene it holds C_g (global CLS), the latent pseudo masks Ỹ_u on the feature
 * grid (from C_d, `pseudo_masks.ts`), and the local CLS tokens C_l of every seen and latent class
 * present (`tokens.ts`). C_d itself is not kept (64 KiB per scene); the masks are what it is for.
 *
 * Key: sha256 of a canonical JSON of the cache format version, the teacher (name, weights hash,
 * width, grid), the dataset (name, size, length, a fingerprint of a few scenes' bytes), the data
 * config fields that shape the pool, the pseudo-mask config, the seen class list, and the source
 * text of the modules that compute the contents (so a code change cannot serve stale masks).
 *
 * File `<dir>/<key>.bin`: magic "C2SCACHE", u32 format version, u32 header length, the header JSON
 * (padded to 4 bytes), the arrays (each padded to 4 bytes), and a sha256 of all preceding bytes.
 * A file that is short, has another magic/version/key, a size that disagrees with its header, or a
 * wrong checksum is reported as a `warning` event naming the file and rebuilt. Files are written
 * to a temporary name and renamed when complete, so concurrent builders never expose a partial one,
 * and built under `<key>.bin.lock` (`_build_lock.ts`), so processes sharing the folder (the tasks
 * of a job array) build it once while the others wait for it.
 *
 * @module
 */
import type { Teacher } from "../teacher/teacher.ts";
import type { SegmentationDataset } from "../data/types.ts";
import { hashSeed } from "../data/rng.ts";
import type { C2SConfig } from "./config.ts";
import type { EventSink } from "./events.ts";
import { generatePseudoMasks } from "./pseudo_masks.ts";
import { annotatedCells, pseudoLabelMap, seenSlots, UNLABELLED } from "./label_grid.ts";
import { clsTokens, globalTokens, maskImage, presentSlots } from "./tokens.ts";
import { messages } from "./messages.ts";
import { buildOnce } from "./_build_lock.ts";

/** Bumped whenever the file layout or the meaning of a field changes. */
export const CACHE_FORMAT = 1;
const MAGIC = "C2SCACHE";
/** Scenes per build chunk (one progress event each). */
const BUILD_CHUNK = 32;

/** Modules whose source text enters the cache key. */
const SOURCE_MODULES = [
  "./teacher_cache.ts",
  "./tokens.ts",
  "./label_grid.ts",
  "./pseudo_masks.ts",
  "./window_seeds.ts",
  "./kmeans.ts",
  "./cluster_merge.ts",
  "./ncut.ts",
  "./proposals.ts",
];

/** What a cache is built from (besides the teacher and the dataset). */
export interface CacheSpec {
  /** Seen class ids in slot order (slot k = seenIds[k]). */
  readonly seenIds: readonly number[];
  readonly pseudoMask: C2SConfig["pseudoMask"];
  /** Seed of the pseudo masks of scene i: `hashSeed(sceneSeed, i)`. */
  readonly sceneSeed: number;
}

/** The cached teacher outputs of a training pool. */
export interface TeacherCache {
  readonly key: string;
  /** Scenes N. */
  readonly count: number;
  /** Joint width D. */
  readonly dim: number;
  /** Feature grid [h, w]. */
  readonly grid: readonly [number, number];
  /** Seen class ids in slot order. */
  readonly seenIds: readonly number[];
  /** Latent slots U per scene (`pseudoMask.maxLatent`). */
  readonly maxLatent: number;
  /** C_g, `N * D`. */
  readonly globalCls: Float32Array;
  /** C_l, `N * S * D` with S = seenIds.length + maxLatent (zero rows where absent). */
  readonly localCls: Float32Array;
  /** 1 where the class of a slot is present in the scene's Ỹ and C_l exists, `N * S`. */
  readonly localValid: Uint8Array;
  /** Ỹ_u on the feature grid, `N * h * w`, latent id or -1. */
  readonly latent: Int8Array;
  /** Latent classes per scene, `N`. */
  readonly latentCount: Uint8Array;
  /** Regions before merging per scene (statistics), `N`. */
  readonly clustersBeforeMerge: Uint16Array;
}

/** Slots S of a cache. */
export function slotCount(cache: Pick<TeacherCache, "seenIds" | "maxLatent">): number {
  return cache.seenIds.length + cache.maxLatent;
}

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>));
}

async function sourceDigest(): Promise<string> {
  const parts: string[] = [];
  for (const rel of SOURCE_MODULES) {
    const url = new URL(rel, import.meta.url);
    if (url.protocol !== "file:") continue;
    try {
      parts.push(rel, await Deno.readTextFile(url));
    } catch {
      parts.push(rel, "(unreadable)");
    }
  }
  return hex((await sha256(new TextEncoder().encode(parts.join("\n")))).buffer as ArrayBuffer);
}

async function datasetFingerprint(dataset: SegmentationDataset): Promise<string> {
  const picks = [
    ...new Set([0, 1, 2, dataset.length - 1].filter((i) => i >= 0 && i < dataset.length)),
  ];
  const chunks: Uint8Array[] = [];
  for (const i of picks) {
    const s = dataset.get(i);
    chunks.push(new Uint8Array(s.image.buffer, s.image.byteOffset, s.image.byteLength), s.labels);
  }
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const all = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    all.set(c, o);
    o += c.length;
  }
  return hex((await sha256(all)).buffer as ArrayBuffer);
}

/** The content hash that names the cache of `teacher` on `dataset` under `spec`. */
export async function teacherCacheKey(
  teacher: Teacher,
  dataset: SegmentationDataset,
  spec: CacheSpec,
): Promise<string> {
  const canonical = JSON.stringify({
    format: CACHE_FORMAT,
    teacher: { name: teacher.name, hash: teacher.hash, dim: teacher.dim, grid: teacher.denseSize },
    dataset: {
      name: dataset.name,
      length: dataset.length,
      size: [dataset.height, dataset.width, dataset.channels ?? 1],
      classes: dataset.classNames,
      fingerprint: await datasetFingerprint(dataset),
    },
    seenIds: spec.seenIds,
    sceneSeed: spec.sceneSeed,
    pseudoMask: Object.fromEntries(
      Object.entries(spec.pseudoMask).sort(([a], [b]) => a < b ? -1 : 1),
    ),
    sources: await sourceDigest(),
  });
  return hex((await sha256(new TextEncoder().encode(canonical))).buffer as ArrayBuffer);
}

/** Options of {@linkcode buildTeacherCache}. */
export interface BuildOptions {
  /** Receives `cache` progress events. */
  readonly onEvent?: EventSink;
  /** The cache file the build is for (only named in events). */
  readonly path?: string | null;
  readonly signal?: AbortSignal;
}

/**
 * Computes the cache of every scene of `dataset`: one teacher pass per scene for C_g and C_d, the
 * pseudo masks from C_d with the seen-annotated cells zeroed, then one teacher pass per class of
 * Ỹ for C_l.
 */
export async function buildTeacherCache(
  teacher: Teacher,
  dataset: SegmentationDataset,
  spec: CacheSpec,
  key: string,
  options: BuildOptions = {},
): Promise<TeacherCache> {
  const { height: H, width: W, length: n } = dataset;
  const C = dataset.channels ?? 1;
  const [h, w] = teacher.denseSize, d = teacher.dim;
  const ns = spec.seenIds.length, u = spec.pseudoMask.maxLatent, s = ns + u;
  const slotOf = new Uint8Array(256).fill(UNLABELLED);
  spec.seenIds.forEach((id, k) => (slotOf[id] = k));
  const cache: TeacherCache = {
    key,
    count: n,
    dim: d,
    grid: [h, w],
    seenIds: [...spec.seenIds],
    maxLatent: u,
    globalCls: new Float32Array(n * d),
    localCls: new Float32Array(n * s * d),
    localValid: new Uint8Array(n * s),
    latent: new Int8Array(n * h * w),
    latentCount: new Uint8Array(n),
    clustersBeforeMerge: new Uint16Array(n),
  };
  const path = options.path ?? null;
  options.onEvent?.({ type: "cache", phase: "build", done: 0, total: n, path });
  for (let start = 0; start < n; start += BUILD_CHUNK) {
    options.signal?.throwIfAborted();
    const m = Math.min(BUILD_CHUNK, n - start);
    const scenes = Array.from({ length: m }, (_, j) => dataset.get(start + j));
    const images = new Float32Array(m * H * W * C);
    scenes.forEach((sc, j) => images.set(sc.image, j * H * W * C));
    const tokens = await globalTokens(teacher, images, m, H, W, C);
    cache.globalCls.set(tokens.cls, start * d);
    const masked: Float32Array[] = [];
    const owners: number[] = [];
    scenes.forEach((scene, j) => {
      const i = start + j;
      const seen = seenSlots(scene.labels, slotOf);
      const annotated = annotatedCells(seen, H, W, h, w);
      const dense = tokens.dense.slice(j * h * w * d, (j + 1) * h * w * d);
      for (let p = 0; p < h * w; p++) if (annotated[p]) dense.fill(0, p * d, (p + 1) * d);
      const result = generatePseudoMasks(
        { dense, height: h, width: w, dim: d, annotated },
        spec.pseudoMask,
        hashSeed(spec.sceneSeed, i),
      );
      const latent = cache.latent.subarray(i * h * w, (i + 1) * h * w);
      for (let p = 0; p < h * w; p++) {
        const v = result.latent[p]!;
        latent[p] = v >= 0 && v < u ? v : -1;
      }
      cache.latentCount[i] = Math.min(result.count, u);
      cache.clustersBeforeMerge[i] = Math.min(result.clustersBeforeMerge, 65535);
      const pseudo = pseudoLabelMap(seen, latent, ns, H, W, h, w);
      for (const slot of presentSlots(pseudo)) {
        masked.push(maskImage(scene.image, pseudo, slot, new Float32Array(H * W * C)));
        owners.push(i * s + slot);
      }
    });
    const flat = new Float32Array(masked.length * H * W * C);
    masked.forEach((img, k) => flat.set(img, k * H * W * C));
    const cls = await clsTokens(teacher, flat, masked.length, H, W, C);
    owners.forEach((at, k) => {
      cache.localCls.set(cls.subarray(k * d, (k + 1) * d), at * d);
      cache.localValid[at] = 1;
    });
    options.onEvent?.({ type: "cache", phase: "build", done: start + m, total: n, path });
  }
  return cache;
}

// ---------------------------------------------------------------------------------------------
// File format

interface Header {
  key: string;
  count: number;
  dim: number;
  grid: [number, number];
  seenIds: number[];
  maxLatent: number;
}

const pad4 = (n: number): number => (n + 3) & ~3;

function sections(c: Header): { name: keyof TeacherCache; bytes: number }[] {
  const s = c.seenIds.length + c.maxLatent, l = c.grid[0] * c.grid[1];
  return [
    { name: "globalCls", bytes: c.count * c.dim * 4 },
    { name: "localCls", bytes: c.count * s * c.dim * 4 },
    { name: "localValid", bytes: c.count * s },
    { name: "latent", bytes: c.count * l },
    { name: "latentCount", bytes: c.count },
    { name: "clustersBeforeMerge", bytes: c.count * 2 },
  ];
}

/** The file bytes of a cache. */
export async function encodeTeacherCache(cache: TeacherCache): Promise<Uint8Array> {
  const header: Header = {
    key: cache.key,
    count: cache.count,
    dim: cache.dim,
    grid: [cache.grid[0], cache.grid[1]],
    seenIds: [...cache.seenIds],
    maxLatent: cache.maxLatent,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const bodyStart = 16 + pad4(json.length);
  const parts = sections(header);
  const size = parts.reduce((o, p) => o + pad4(p.bytes), bodyStart) + 32;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, CACHE_FORMAT, true);
  view.setUint32(12, json.length, true);
  out.set(json, 16);
  out.fill(0x20, 16 + json.length, bodyStart);
  let o = bodyStart;
  for (const p of parts) {
    const a = cache[p.name] as ArrayBufferView;
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), o);
    o += pad4(p.bytes);
  }
  out.set(await sha256(out.subarray(0, size - 32)), size - 32);
  return out;
}

/**
 * Parses and verifies cache file bytes.
 *
 * @throws {SyntaxError} naming what is wrong (short, magic, version, header, size, checksum).
 */
export async function decodeTeacherCache(bytes: Uint8Array): Promise<TeacherCache> {
  if (bytes.length < 16 + 32) throw new SyntaxError(`file is ${bytes.length} bytes, too short`);
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new SyntaxError(`it does not start with "${MAGIC}"`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== CACHE_FORMAT) {
    throw new SyntaxError(`format version ${version}, expected ${CACHE_FORMAT}`);
  }
  const jsonLength = view.getUint32(12, true);
  if (16 + jsonLength + 32 > bytes.length) throw new SyntaxError(`header runs past the end`);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + jsonLength)));
  } catch {
    throw new SyntaxError(`header is not valid JSON`);
  }
  const parts = sections(header);
  const bodyStart = 16 + pad4(jsonLength);
  const size = parts.reduce((o, p) => o + pad4(p.bytes), bodyStart) + 32;
  if (!(size === bytes.length)) {
    throw new SyntaxError(`file is ${bytes.length} bytes, its header implies ${size} (truncated?)`);
  }
  const digest = await sha256(bytes.subarray(0, size - 32));
  const stored = bytes.subarray(size - 32);
  if (!digest.every((b, i) => b === stored[i])) throw new SyntaxError(`checksum mismatch`);
  // Copy into fresh, aligned arrays.
  const take = (offset: number, n: number): ArrayBuffer =>
    bytes.slice(offset, offset + n).buffer as ArrayBuffer;
  let o = bodyStart;
  const arrays: Record<string, ArrayBuffer> = {};
  for (const p of parts) {
    arrays[p.name] = take(o, p.bytes);
    o += pad4(p.bytes);
  }
  return {
    key: header.key,
    count: header.count,
    dim: header.dim,
    grid: header.grid,
    seenIds: header.seenIds,
    maxLatent: header.maxLatent,
    globalCls: new Float32Array(arrays.globalCls!),
    localCls: new Float32Array(arrays.localCls!),
    localValid: new Uint8Array(arrays.localValid!),
    latent: new Int8Array(arrays.latent!),
    latentCount: new Uint8Array(arrays.latentCount!),
    clustersBeforeMerge: new Uint16Array(arrays.clustersBeforeMerge!),
  };
}

/** Options of {@linkcode openTeacherCache}. */
export interface OpenOptions {
  /** Cache folder. @default ".cache/c2s" */
  readonly dir?: string;
  readonly onEvent?: EventSink;
  readonly signal?: AbortSignal;
}

/** A loaded or freshly built cache and where it lives. */
export interface OpenedCache {
  readonly cache: TeacherCache;
  readonly path: string;
  /** True when it was (re)built by this call. */
  readonly built: boolean;
}

/**
 * Loads the cache of (`teacher`, `dataset`, `spec`) from `<dir>/<key>.bin`, or builds and writes
 * it when it is missing or unusable (a `warning` event names an unusable file and why).
 */
export async function openTeacherCache(
  teacher: Teacher,
  dataset: SegmentationDataset,
  spec: CacheSpec,
  options: OpenOptions = {},
): Promise<OpenedCache> {
  const dir = options.dir ?? ".cache/c2s";
  const key = await teacherCacheKey(teacher, dataset, spec);
  const path = `${dir}/${key}.bin`;
  let warned = false;
  const load = async (): Promise<OpenedCache | null> => {
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return null;
      throw error;
    }
    options.onEvent?.({ type: "cache", phase: "load", done: 0, total: 1, path });
    try {
      const cache = await decodeTeacherCache(bytes);
      if (cache.key !== key) throw new SyntaxError(`it holds key ${cache.key.slice(0, 12)}...`);
      checkAgainst(cache, teacher, dataset, spec);
      options.onEvent?.({ type: "cache", phase: "ready", done: 1, total: 1, path });
      return { cache, path, built: false };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (!warned) {
        options.onEvent?.({ type: "warning", message: messages.cacheCorrupt(path, reason) });
      }
      warned = true;
      return null;
    }
  };
  const build = async (): Promise<OpenedCache> => {
    const cache = await buildTeacherCache(teacher, dataset, spec, key, {
      path,
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    await Deno.mkdir(dir, { recursive: true });
    const tmp = `${path}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`;
    await Deno.writeFile(tmp, await encodeTeacherCache(cache));
    await Deno.rename(tmp, path);
    options.onEvent?.({
      type: "cache",
      phase: "ready",
      done: cache.count,
      total: cache.count,
      path,
    });
    return { cache, path, built: true };
  };
  // Processes sharing the folder (the tasks of a job array) build it once; the others wait.
  return await buildOnce(path, load, build, options.signal ? { signal: options.signal } : {});
}

/** A decoded cache must describe what the key says it does. */
function checkAgainst(
  cache: TeacherCache,
  teacher: Teacher,
  dataset: SegmentationDataset,
  spec: CacheSpec,
): void {
  const expect = (what: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      throw new SyntaxError(messages.cacheShape(what, JSON.stringify(a), JSON.stringify(b)));
    }
  };
  expect("scene count", dataset.length, cache.count);
  expect("width", teacher.dim, cache.dim);
  expect("grid", [...teacher.denseSize], [...cache.grid]);
  expect("seen classes", [...spec.seenIds], [...cache.seenIds]);
  expect("latent cap", spec.pseudoMask.maxLatent, cache.maxLatent);
}

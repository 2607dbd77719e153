/**
 * Test helpers: build IDX files (plain or gzipped) in memory and on disk.
 *
 * @module
 */

/** IDX bytes: `magic`, big-endian dims, then `data`. */
export function idxBytes(magic: number, dims: readonly number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic);
  dims.forEach((size, d) => view.setUint32(4 + 4 * d, size));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

/** An IDX image file of `count` items of `rows x cols`, pixel i = (i * 7) % 256. */
export function imageFile(count: number, rows = 3, cols = 3): Uint8Array {
  const data = new Uint8Array(count * rows * cols).map((_, i) => (i * 7) % 256);
  return idxBytes(0x00000803, [count, rows, cols], data);
}

/** An IDX label file with the given labels. */
export function labelFile(labels: readonly number[]): Uint8Array {
  return idxBytes(0x00000801, [labels.length], new Uint8Array(labels));
}

/** Gzips bytes with the web `CompressionStream`. */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const created: string[] = [];
globalThis.addEventListener("unload", () => {
  for (const dir of created) Deno.removeSync(dir, { recursive: true });
});

/**
 * Writes files (name -> bytes) into a fresh temporary directory and returns its path; the
 * directories are removed when the test process ends.
 */
export async function tempDirWith(files: Record<string, Uint8Array>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "c2s-idx-" });
  created.push(dir);
  for (const [name, bytes] of Object.entries(files)) await Deno.writeFile(`${dir}/${name}`, bytes);
  return dir;
}

/**
 * fashion-scenes throughput on one core, and IDX load times (embedded t10k split and, when
 * installed, the Debian 70k set). Run with `deno task bench scenes`.
 *
 * @module
 */
import { DEBIAN_DIR, EMBEDDED_DIR, loadFashionMnist } from "../../lib/data/fashion_mnist.ts";
import { readIdxImages, readIdxLabels } from "../../lib/data/idx.ts";
import { FashionScenes } from "../../lib/data/scenes.ts";
import { partitionItems } from "../../lib/data/split.ts";

async function timeIdxLoad(dir: string): Promise<string> {
  const t0 = performance.now();
  let count = 0;
  for (const split of ["train", "t10k"]) {
    const images = `${dir}/${split}-images-idx3-ubyte.gz`;
    try {
      await Deno.stat(images);
    } catch {
      continue;
    }
    const [read] = await Promise.all([
      readIdxImages(images),
      readIdxLabels(`${dir}/${split}-labels-idx1-ubyte.gz`),
    ]);
    count += read.count;
  }
  return `${count} items in ${(performance.now() - t0).toFixed(0)} ms`;
}

/** Prints scenes/s and IDX load times. */
export async function bench(): Promise<void> {
  console.log(`IDX load (read + gunzip + validate), embedded: ${await timeIdxLoad(EMBEDDED_DIR)}`);
  let debian = false;
  try {
    debian = (await Deno.stat(DEBIAN_DIR)).isDirectory;
  } catch { /* not installed */ }
  if (debian) console.log(`IDX load, Debian: ${await timeIdxLoad(DEBIAN_DIR)}`);
  else console.log(`IDX load, Debian: not installed at ${DEBIAN_DIR}`);

  const { items, source } = await loadFashionMnist();
  const { train } = partitionItems(items, { seed: 1 });
  const scenes = new FashionScenes(items, train, {
    length: 1_000_000,
    seed: 1,
    unseenIds: [1, 7, 8],
  });
  for (let i = 0; i < 2000; i++) scenes.get(i); // warm-up
  const n = 20000;
  let checksum = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) checksum += scenes.get(2000 + i).labels[2080]!;
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `fashion-scenes: ${(n / seconds).toFixed(0)} scenes/s on one core (${n} scenes of 64 x 64, ` +
      `2-4 items; data: ${source}; checksum ${checksum})`,
  );
}

if (import.meta.main) await bench();

/**
 * Loads Fashion-MNIST as one `ItemSet`: from `dataDir` when it is given (a missing directory or
 * file is an error, never a silent fallback), else from the embedded copy of the t10k split in the
 * repository's `data/fashion-mnist/` (10,000 items), found relative to this module so it works
 * from any working directory. The default is the same on every machine: other data, such as the
 * Debian package `dataset-fashion-mnist` (`DEBIAN_DIR`, train + t10k, 70,000 items), are used only
 * when asked for (`--data DIR`), and the source line says which were loaded.
 *
 * A directory may hold the `train-*` pair, the `t10k-*` pair or both, each file gzipped (`.gz`) or
 * plain. When both pairs are present the items are `train` (in file order) followed by `t10k`.
 * Results are cached per directory for the life of the process; callers must not modify them.
 *
 * @module
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { FASHION_CLASSES, type ItemSet } from "./types.ts";
import { readIdxImages, readIdxLabels } from "./idx.ts";
import * as msg from "./messages.ts";

/** Where the Debian package `dataset-fashion-mnist` installs the full set (pass it as `dataDir`). */
export const DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";

/** The embedded t10k split shipped in the repository (`data/fashion-mnist/`). */
export const EMBEDDED_DIR: string = fileURLToPath(
  new URL("../../data/fashion-mnist/", import.meta.url),
);

/** The two splits Fashion-MNIST ships, in the order they are joined. */
export const FASHION_SPLITS = ["train", "t10k"] as const;

/** Options of {@linkcode loadFashionMnist}. */
export interface LoadFashionMnistOptions {
  /** Directory to load from. @default EMBEDDED_DIR */
  dataDir?: string;
}

/** The loaded items and a line that says where they came from. */
export interface LoadedFashionMnist {
  items: ItemSet;
  /**
   * E.g. `embedded "/repo/data/fashion-mnist/": t10k, 10000 items` or
   * `Debian dataset-fashion-mnist "/usr/share/datasets/fashion-mnist": train + t10k, 70000 items`.
   */
  source: string;
}

const cache = new Map<string, Promise<ItemSet & { splits: string[] }>>();

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function findFile(dir: string, base: string): Promise<string | undefined> {
  for (const name of [`${base}.gz`, base]) {
    const path = `${dir.replace(/\/+$/, "")}/${name}`;
    try {
      if ((await Deno.stat(path)).isFile) return path;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return undefined;
}

async function loadDirectory(dir: string): Promise<ItemSet & { splits: string[] }> {
  if (!await isDirectory(dir)) throw new Deno.errors.NotFound(msg.dataDirMissing(dir));
  const parts: { images: Uint8Array; labels: Uint8Array; count: number; size: number }[] = [];
  const splits: string[] = [];
  for (const split of FASHION_SPLITS) {
    const imagesBase = `${split}-images-idx3-ubyte`;
    const labelsBase = `${split}-labels-idx1-ubyte`;
    const imagesFile = await findFile(dir, imagesBase);
    const labelsFile = await findFile(dir, labelsBase);
    if (imagesFile === undefined && labelsFile === undefined) continue;
    if (imagesFile === undefined) {
      throw new Deno.errors.NotFound(msg.dataFileMissing(`${dir}/${imagesBase}[.gz]`, labelsFile!));
    }
    if (labelsFile === undefined) {
      throw new Deno.errors.NotFound(msg.dataFileMissing(`${dir}/${labelsBase}[.gz]`, imagesFile));
    }
    const [images, labels] = await Promise.all([
      readIdxImages(imagesFile),
      readIdxLabels(labelsFile, FASHION_CLASSES.length),
    ]);
    if (images.rows !== images.cols) {
      throw new SyntaxError(
        msg.idxBadDims(
          imagesFile,
          [images.count, images.rows, images.cols],
          "items must be square",
        ),
      );
    }
    if (images.count !== labels.length) {
      throw new SyntaxError(
        msg.idxCountMismatch(imagesFile, images.count, labelsFile, labels.length),
      );
    }
    parts.push({ images: images.pixels, labels, count: images.count, size: images.rows });
    splits.push(split);
  }
  const first = parts[0];
  if (first === undefined) {
    throw new Deno.errors.NotFound(
      msg.dataDirEmpty(dir, FASHION_SPLITS.map((s) => `${s}-images-idx3-ubyte`)),
    );
  }
  if (parts.length === 1) return { ...first, splits };
  for (const part of parts) {
    if (part.size !== first.size) throw new RangeError(msg.itemSizeMismatch(first.size, part.size));
  }
  const count = parts.reduce((n, part) => n + part.count, 0);
  const images = new Uint8Array(count * first.size * first.size);
  const labels = new Uint8Array(count);
  let at = 0;
  for (const part of parts) {
    images.set(part.images, at * first.size * first.size);
    labels.set(part.labels, at);
    at += part.count;
  }
  // Evaluation items come from t10k only (see `partitionItems`), wherever t10k sits.
  const testAt = splits.indexOf("t10k");
  const heldOutStart = testAt <= 0 ? 0 : parts.slice(0, testAt).reduce((n, p) => n + p.count, 0);
  return { images, labels, count, size: first.size, splits, heldOutStart };
}

function loadCached(dir: string): Promise<ItemSet & { splits: string[] }> {
  let pending = cache.get(dir);
  if (pending === undefined) {
    pending = loadDirectory(dir);
    cache.set(dir, pending);
    pending.catch(() => cache.delete(dir));
  }
  return pending;
}

/**
 * Loads Fashion-MNIST from `options.dataDir`, else the embedded t10k split (see the module header).
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { loadFashionMnist } from "./fashion_mnist.ts";
 * const { items, source } = await loadFashionMnist();
 * assert.ok(items.size === 28 && items.count === 10000 && source.startsWith("embedded "), source);
 * ```
 * @throws {Deno.errors.NotFound} When `dataDir` or one file of a pair is missing (named).
 * @throws {SyntaxError} When a file is not valid IDX (named, with what is wrong).
 */
export async function loadFashionMnist(
  options: LoadFashionMnistOptions = {},
): Promise<LoadedFashionMnist> {
  const dir = options.dataDir ?? EMBEDDED_DIR;
  const { splits, ...items } = await loadCached(dir);
  const kind = resolve(dir) === resolve(EMBEDDED_DIR)
    ? "embedded"
    : resolve(dir) === DEBIAN_DIR
    ? "Debian dataset-fashion-mnist"
    : "directory";
  return { items, source: `${kind} "${dir}": ${splits.join(" + ")}, ${items.count} items` };
}

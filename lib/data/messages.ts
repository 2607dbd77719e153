/**
 * User-facing messages of `lib/data` and of the `scenes` task, as typed functions, so that the
 * wording stays consistent and tests can assert it exactly.
 *
 * @module
 */

/** Formats a 32-bit number as `0x` plus eight hex digits. */
export function hex32(value: number): string {
  return "0x" + (value >>> 0).toString(16).padStart(8, "0");
}

// --- IDX files -----------------------------------------------------------------------------------

/** The file does not start like an IDX file of the expected kind. */
export function idxBadMagic(file: string, actual: number, expected: number, kind: string): string {
  return `Cannot read IDX file "${file}": bad magic number ${hex32(actual)}, expected ${
    hex32(expected)
  } (${kind})`;
}

/** The file is shorter than its header or its header promises more data than there is. */
export function idxShortRead(file: string, expected: number, actual: number, what: string): string {
  return `Cannot read IDX file "${file}": short read, expected ${expected} bytes (${what}) but got ${actual}`;
}

/** The file holds more bytes than its header describes. */
export function idxTrailingBytes(file: string, expected: number, actual: number): string {
  return `Cannot read IDX file "${file}": ${
    actual - expected
  } trailing bytes, expected exactly ${expected} bytes but got ${actual}`;
}

/** A dimension in the header is impossible for the data set. */
export function idxBadDims(file: string, dims: readonly number[], why: string): string {
  return `Cannot read IDX file "${file}": bad dimensions [${dims.join(", ")}], ${why}`;
}

/** A label byte is not a class id. */
export function idxBadLabel(file: string, index: number, value: number, classes: number): string {
  return `Cannot read IDX file "${file}": label ${index} is ${value}, expected 0..${classes - 1}`;
}

/** Gzip decompression failed. */
export function idxBadGzip(file: string, cause: string): string {
  return `Cannot read IDX file "${file}": gzip data is corrupt or truncated (${cause})`;
}

/** Image and label files disagree on the number of items. */
export function idxCountMismatch(
  imagesFile: string,
  images: number,
  labelsFile: string,
  labels: number,
): string {
  return `IDX files disagree: "${imagesFile}" holds ${images} images but "${labelsFile}" holds ${labels} labels`;
}

// --- Fashion-MNIST sources -----------------------------------------------------------------------

/** A data directory that does not exist. */
export function dataDirMissing(dir: string): string {
  return `Fashion-MNIST directory not found: "${dir}"`;
}

/** A data directory with no recognisable IDX files. */
export function dataDirEmpty(dir: string, expected: readonly string[]): string {
  return `Fashion-MNIST directory "${dir}" holds no IDX pair: expected ${
    expected.map((name) => `"${name}"`).join(" or ")
  } (optionally .gz)`;
}

/** One file of an images/labels pair is missing. */
export function dataFileMissing(file: string, partner: string): string {
  return `Fashion-MNIST file not found: "${file}" (needed beside "${partner}")`;
}

/** Two item sets of different item sizes cannot be joined. */
export function itemSizeMismatch(a: number, b: number): string {
  return `Cannot join item sets of ${a} x ${a} and ${b} x ${b} pixels`;
}

// --- Class split and partitions ------------------------------------------------------------------

/** Unknown class names in an unseen list. */
export function unknownClasses(names: readonly string[], valid: readonly string[]): string {
  const listed = names.map((name) => `"${name}"`).join(", ");
  return `Unknown class name${names.length > 1 ? "s" : ""} ${listed}; valid names are ${
    valid.map((name) => `"${name}"`).join(", ")
  }`;
}

/** A class listed twice in an unseen list. */
export function duplicateClass(name: string): string {
  return `Class "${name}" is listed more than once in the unseen classes`;
}

/** An empty unseen list. */
export function noUnseenClasses(): string {
  return "The unseen class list is empty: a zero-shot split needs at least one unseen class";
}

/** Every class unseen. */
export function allClassesUnseen(count: number): string {
  return `All ${count} classes are unseen: a zero-shot split needs at least one seen class`;
}

/** evalFraction out of (0, 1). */
/** `ItemSet.heldOutStart` outside the item range. */
export function badHeldOutStart(start: number, count: number): string {
  return `Invalid held-out start ${start}: expected an integer in [0, ${count})`;
}

export function badEvalFraction(value: number): string {
  return `evalFraction must be a number strictly between 0 and 1, got ${value}`;
}

/** A partition with an empty side. */
export function emptyPartition(side: "train" | "eval", count: number, fraction: number): string {
  return `Partition of ${count} items with evalFraction ${fraction} leaves the ${side} side empty`;
}

// --- Random numbers ------------------------------------------------------------------------------

/** A seed that is not a safe integer. */
export function badSeed(value: number): string {
  return `Seed must be a safe integer, got ${value}`;
}

/** randInt bounds that give an empty range. */
export function badIntRange(lo: number, hi: number): string {
  return `randInt needs integers lo < hi, got lo = ${lo}, hi = ${hi}`;
}

// --- Scenes --------------------------------------------------------------------------------------

/** A scene option that is out of range. */
export function badSceneOption(key: string, value: unknown, why: string): string {
  return `Scene option "${key}" is ${JSON.stringify(value)}: ${why}`;
}

/** An empty item pool. */
export function emptyPool(): string {
  return "Cannot compose scenes from an empty item pool";
}

/** A pool entry, layout entry or argument that is not an item index (`what` names it). */
export function badItemIndex(what: string, value: number, count: number): string {
  return `${what} is ${value}, expected an item index in 0..${count - 1}`;
}

/** A dataset index out of range. */
export function sceneIndexOutOfRange(index: number, length: number): string {
  return `Scene index ${index} is out of range: the dataset holds ${length} scenes (0..${
    length - 1
  })`;
}

/** An unseen class id that is not a class. */
export function badClassId(value: number): string {
  return `Unseen class id ${value} is not a class id (0..9)`;
}

// --- PNG -----------------------------------------------------------------------------------------

/** Pixel buffer of the wrong length. */
export function pngBadLength(width: number, height: number, channels: number, actual: number) {
  return `PNG of ${width} x ${height} x ${channels} needs ${
    width * height * channels
  } bytes of pixels, got ${actual}`;
}

/** Impossible image size. */
export function pngBadSize(width: number, height: number): string {
  return `PNG size must be positive integers, got ${width} x ${height}`;
}

/** Unsupported channel count. */
export function pngBadChannels(channels: number): string {
  return `PNG channels must be 1, 3 or 4, got ${channels}`;
}

/** An image file the decoders cannot read. */
export function imageUndecodable(file: string, why: string): string {
  return `Cannot decode image "${file}": ${why}`;
}

/** An image file in a format variant the reader does not take. */
export function imageUnsupported(file: string, what: string): string {
  return `Cannot read image "${file}": ${what} is not supported (expected 8-bit)`;
}

/** A dataset folder lacks a file or folder of its layout. */
export function datasetFileMissing(dataset: string, dir: string, path: string): string {
  return `${dataset} folder "${dir}" has no ${path}`;
}

/** A split list names no samples. */
export function datasetSplitEmpty(dataset: string, file: string): string {
  return `${dataset} split list "${file}" names no images`;
}

/** A label map and its image differ in size. */
export function labelSizeMismatch(labels: string, image: string): string {
  return `Label map "${labels}" and image "${image}" differ in size`;
}

/** A label value outside the dataset's classes. */
export function labelOutOfRange(file: string, value: number, classes: number): string {
  return `Label map "${file}" holds value ${value}, not a class id below ${classes} or 255 (ignore)`;
}

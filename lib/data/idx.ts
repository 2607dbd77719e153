/**
 * Reader for IDX files, the format Fashion-MNIST (and MNIST) ship in: a big-endian magic number
 * `0x0000TTNN` (TT = element type, 0x08 = unsigned byte; NN = number of dimensions), NN big-endian
 * 32-bit sizes, then the elements in row-major order. Files may be gzipped (detected from the gzip
 * signature `1f 8b`, not from the name) and are inflated with the web `DecompressionStream`.
 *
 * Every structural fact is checked: the magic number, positive dimensions, and the exact byte
 * length the header implies. A corrupt or truncated file raises a `SyntaxError` naming the file
 * and what is wrong; it never yields a silently wrong array.
 *
 * @module
 */
import * as msg from "./messages.ts";

/** Magic number of an unsigned-byte IDX file with 3 dimensions (images: count x rows x cols). */
export const IDX_IMAGES_MAGIC = 0x00000803;
/** Magic number of an unsigned-byte IDX file with 1 dimension (labels: count). */
export const IDX_LABELS_MAGIC = 0x00000801;

/** Images read from an IDX file. */
export interface IdxImages {
  /** `count * rows * cols` bytes, row-major. */
  readonly pixels: Uint8Array;
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
}

/**
 * Returns the file's bytes, inflated when they start with the gzip signature.
 *
 * @param bytes The raw file contents.
 * @param file The file name, for error messages.
 * @throws {SyntaxError} When gzip data are corrupt or truncated.
 */
export async function inflateIfGzip(bytes: Uint8Array, file: string): Promise<Uint8Array> {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
      .pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw new SyntaxError(msg.idxBadGzip(file, (error as Error).message));
  }
}

function readHeader(
  bytes: Uint8Array,
  file: string,
  magic: number,
  kind: string,
): { dims: number[]; offset: number } {
  if (bytes.length < 4) throw new SyntaxError(msg.idxShortRead(file, 4, bytes.length, "magic"));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const actual = view.getUint32(0);
  if (actual !== magic) throw new SyntaxError(msg.idxBadMagic(file, actual, magic, kind));
  const ndims = magic & 0xff;
  const offset = 4 + 4 * ndims;
  if (bytes.length < offset) {
    throw new SyntaxError(msg.idxShortRead(file, offset, bytes.length, "header"));
  }
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(view.getUint32(4 + 4 * d));
  if (dims.some((size) => size === 0)) {
    throw new SyntaxError(msg.idxBadDims(file, dims, "every size must be positive"));
  }
  const expected = offset + dims.reduce((a, b) => a * b, 1);
  const what = `header ${offset} + ${dims.join(" x ")}`;
  if (bytes.length < expected) {
    throw new SyntaxError(msg.idxShortRead(file, expected, bytes.length, what));
  }
  if (bytes.length > expected) {
    throw new SyntaxError(msg.idxTrailingBytes(file, expected, bytes.length));
  }
  return { dims, offset };
}

/**
 * Parses the (already inflated) bytes of an IDX image file.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { parseIdxImages } from "./idx.ts";
 * const bytes = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 7, 9]);
 * const { count, rows, cols, pixels } = parseIdxImages(bytes, "tiny");
 * assert.ok(count === 1 && rows === 1 && cols === 2 && pixels[1] === 9);
 * ```
 * @throws {SyntaxError} On a bad magic number, a zero dimension, or a length that does not match.
 */
export function parseIdxImages(bytes: Uint8Array, file: string): IdxImages {
  const { dims, offset } = readHeader(bytes, file, IDX_IMAGES_MAGIC, "images");
  const [count = 0, rows = 0, cols = 0] = dims;
  return { pixels: bytes.subarray(offset), count, rows, cols };
}

/**
 * Parses the (already inflated) bytes of an IDX label file and checks each label is a class id.
 *
 * @param classes Number of classes; every label must be in `0..classes-1`. @default 10
 * @throws {SyntaxError} On a bad magic number, a wrong length, or a label out of range.
 */
export function parseIdxLabels(bytes: Uint8Array, file: string, classes = 10): Uint8Array {
  const { offset } = readHeader(bytes, file, IDX_LABELS_MAGIC, "labels");
  const labels = bytes.subarray(offset);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label >= classes) throw new SyntaxError(msg.idxBadLabel(file, i, label, classes));
  }
  return labels;
}

/**
 * Reads an IDX image file, gzipped or plain.
 *
 * @throws {Deno.errors.NotFound} When the file does not exist.
 * @throws {SyntaxError} When the file is not a valid IDX image file.
 */
export async function readIdxImages(path: string): Promise<IdxImages> {
  return parseIdxImages(await inflateIfGzip(await Deno.readFile(path), path), path);
}

/**
 * Reads an IDX label file, gzipped or plain.
 *
 * @param classes Number of classes. @default 10
 * @throws {Deno.errors.NotFound} When the file does not exist.
 * @throws {SyntaxError} When the file is not a valid IDX label file.
 */
export async function readIdxLabels(path: string, classes = 10): Promise<Uint8Array> {
  return parseIdxLabels(await inflateIfGzip(await Deno.readFile(path), path), path, classes);
}

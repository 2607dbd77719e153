/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length N, N bytes of JSON mapping each tensor name to `{ dtype, shape, data_offsets }`
 * (offsets relative to the end of the header; an optional `__metadata__` string map), then the raw
 * little-endian data. This reader takes F32 (and converts F16/BF16 to float32), so the same loader
 * reads the mini-CLIP checkpoint and a real CLIP export; the writer writes F32.
 *
 * @module
 */
import * as msg from "./messages.ts";

/** One tensor read from or written to a safetensors file. */
export interface NamedArray {
  shape: number[];
  data: Float32Array;
}

/** A parsed file: tensors in file order and the `__metadata__` map. */
export interface SafetensorsContent {
  tensors: Map<string, NamedArray>;
  metadata: Record<string, string>;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * Math.pow(2, -14) * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * Math.pow(2, e - 15) * (1 + f / 1024);
}

/**
 * Serialises tensors (in map order) and string metadata into safetensors bytes.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { parseSafetensors, serializeSafetensors } from "./safetensors.ts";
 * const bytes = serializeSafetensors(new Map([["w", { shape: [2], data: new Float32Array([1, 2]) }]]));
 * assertEquals(Array.from(parseSafetensors(bytes, "x").tensors.get("w")!.data), [1, 2]);
 * ```
 */
export function serializeSafetensors(
  tensors: ReadonlyMap<string, NamedArray>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length) {
      throw new RangeError(msg.shapeMismatch(name, t.shape, t.data.length));
    }
    header[name] = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + 4 * size] };
    offset += 4 * size;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned (as the reference writer does).
  while ((8 + new TextEncoder().encode(json).length) % 8 !== 0) json += " ";
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let pos = 8 + head.length;
  for (const t of tensors.values()) {
    if (littleEndian) {
      out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
    } else t.data.forEach((v, i) => view.setFloat32(pos + 4 * i, v, true));
    pos += t.data.byteLength;
  }
  return out;
}

/**
 * Parses safetensors bytes; `file` names the source in errors.
 *
 * @throws {SyntaxError} On a truncated file, a bad header, an unsupported dtype, or data offsets
 *   that do not match the shapes or the file size.
 */
export function parseSafetensors(bytes: Uint8Array, file: string): SafetensorsContent {
  if (bytes.length < 8) throw new SyntaxError(msg.safetensorsTruncated(file, 8, bytes.length));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.length) {
    throw new SyntaxError(msg.safetensorsTruncated(file, 8 + headerLength, bytes.length));
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)),
    );
  } catch (e) {
    throw new SyntaxError(msg.safetensorsBadHeader(file, (e as Error).message));
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    throw new SyntaxError(msg.safetensorsBadHeader(file, "not a JSON object"));
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: [string, { dtype: string; shape: number[]; begin: number; end: number }][] = [];
  let maxEnd = 0;
  for (const [name, raw] of Object.entries(header)) {
    if (name === "__metadata__") {
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) metadata[k] = String(v);
      continue;
    }
    const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const shape = info.shape;
    const offsets = info.data_offsets;
    if (
      typeof info.dtype !== "string" || !Array.isArray(shape) ||
      !shape.every((d) => Number.isInteger(d) && d >= 0) || !Array.isArray(offsets) ||
      offsets.length !== 2 || !offsets.every((d) => Number.isInteger(d) && d >= 0)
    ) {
      throw new SyntaxError(msg.safetensorsBadEntry(file, name));
    }
    const [begin, end] = offsets as [number, number];
    const width = { F32: 4, F16: 2, BF16: 2 }[info.dtype];
    if (width === undefined) throw new SyntaxError(msg.safetensorsDtype(file, name, info.dtype));
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== size * width) throw new SyntaxError(msg.safetensorsBadEntry(file, name));
    if (end > dataLength) {
      throw new SyntaxError(msg.safetensorsTruncated(file, dataStart + end, bytes.length));
    }
    maxEnd = Math.max(maxEnd, end);
    entries.push([name, { dtype: info.dtype, shape: shape as number[], begin, end }]);
  }
  if (maxEnd !== dataLength) {
    throw new SyntaxError(msg.safetensorsTrailing(file, dataStart + maxEnd, bytes.length));
  }
  entries.sort((a, b) => a[1].begin - b[1].begin);
  const tensors = new Map<string, NamedArray>();
  for (const [name, e] of entries) {
    const size = e.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    const at = dataStart + e.begin;
    if (e.dtype === "F32") {
      if (littleEndian) data.set(new Float32Array(bytes.slice(at, at + 4 * size).buffer));
      else for (let i = 0; i < size; i++) data[i] = view.getFloat32(at + 4 * i, true);
    } else if (e.dtype === "F16") {
      for (let i = 0; i < size; i++) data[i] = halfToFloat(view.getUint16(at + 2 * i, true));
    } else {
      const buf = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < size; i++) {
        buf.setUint32(0, view.getUint16(at + 2 * i, true) << 16);
        data[i] = buf.getFloat32(0);
      }
    }
    tensors.set(name, { shape: e.shape, data });
  }
  return { tensors, metadata };
}

/** Reads and parses a safetensors file. */
export async function readSafetensors(path: string): Promise<SafetensorsContent> {
  return parseSafetensors(await Deno.readFile(path), path);
}

/** Writes a safetensors file atomically (temporary name, then rename). */
export async function writeSafetensors(
  path: string,
  tensors: ReadonlyMap<string, NamedArray>,
  metadata: Record<string, string> = {},
): Promise<Uint8Array> {
  const bytes = serializeSafetensors(tensors, metadata);
  const tmp = `${path}.tmp-${Deno.pid}`;
  await Deno.writeFile(tmp, bytes);
  await Deno.rename(tmp, path);
  return bytes;
}

/** Hex sha256 of bytes. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

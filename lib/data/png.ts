/**
 * A small PNG encoder (8-bit grey, RGB or RGBA; no interlacing; filter type 0 on every row) for
 * scene previews and report images. The zlib stream comes from the web
 * `CompressionStream("deflate")` (RFC 1950 framing, as PNG's IDAT expects); chunk checksums from a
 * CRC-32 table. Also re-exports the class palette, so one import serves both.
 *
 * @module
 */
import * as msg from "./messages.ts";

export { CLASS_PALETTE, colorizeLabels, IGNORE_COLOR, UNSEEN_COLOR } from "./palette.ts";

const SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** PNG colour type per channel count: grey, RGB, RGBA. */
const COLOR_TYPE = { 1: 0, 3: 2, 4: 6 } as const;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * CRC-32 (ISO 3309 / PNG) of `bytes`.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { crc32 } from "./png.ts";
 * assert.ok(crc32(new TextEncoder().encode("IEND")) === 0xae426082);
 * ```
 */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

async function zlibDeflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * Encodes row-major 8-bit pixels as a PNG file.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { encodePng } from "./png.ts";
 * const png = await encodePng(2, 1, 3, new Uint8Array([255, 0, 0, 0, 0, 255]));
 * assert.ok(png[1] === 0x50 && png[2] === 0x4e && png[3] === 0x47); // "PNG"
 * ```
 * @throws {RangeError} On a non-positive size, a channel count other than 1, 3 or 4, or a pixel
 *   buffer whose length is not `width * height * channels`.
 */
export async function encodePng(
  width: number,
  height: number,
  channels: 1 | 3 | 4,
  pixels: Uint8Array,
): Promise<Uint8Array> {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(msg.pngBadSize(width, height));
  }
  if (!(channels in COLOR_TYPE)) throw new RangeError(msg.pngBadChannels(channels));
  const stride = width * channels;
  if (pixels.length !== stride * height) {
    throw new RangeError(msg.pngBadLength(width, height, channels, pixels.length));
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = COLOR_TYPE[channels]; // compression, filter and interlace methods stay 0
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const parts = [
    SIGNATURE,
    chunk("IHDR", header),
    chunk("IDAT", await zlibDeflate(raw)),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

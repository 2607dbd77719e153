import { assert } from "../../lib/_std.ts";
import { CLASS_PALETTE, colorizeLabels, crc32, encodePng } from "../../lib/data/png.ts";
import { IGNORE_COLOR, rgbHex, UNSEEN_COLOR } from "../../lib/data/palette.ts";
import { scenePreview } from "../../lib/data/preview.ts";
import type { Scene } from "../../lib/data/types.ts";

interface Chunk {
  type: string;
  data: Uint8Array;
}

/** Splits a PNG into chunks, checking the signature and every chunk's CRC. */
function readChunks(png: Uint8Array): Chunk[] {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: Chunk[] = [];
  let at = 8;
  while (at < png.length) {
    const length = view.getUint32(at);
    const type = new TextDecoder().decode(png.subarray(at + 4, at + 8));
    assert.equal(view.getUint32(at + 8 + length), crc32(png.subarray(at + 4, at + 8 + length)));
    chunks.push({ type, data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  assert.equal(at, png.length);
  return chunks;
}

async function inflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("crc32() matches the standard check values", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
});

Deno.test("encodePng() writes IHDR, one zlib IDAT of filter-0 rows, and IEND", async () => {
  for (const [channels, colorType] of [[1, 0], [3, 2], [4, 6]] as const) {
    const width = 5, height = 3;
    const pixels = new Uint8Array(width * height * channels).map((_, i) => (i * 13) % 256);
    const chunks = readChunks(await encodePng(width, height, channels, pixels));
    assert.deepEqual(chunks.map((c) => c.type), ["IHDR", "IDAT", "IEND"]);
    const ihdr = new DataView(chunks[0]!.data.buffer, chunks[0]!.data.byteOffset, 13);
    assert.equal(ihdr.getUint32(0), width);
    assert.equal(ihdr.getUint32(4), height);
    assert.deepEqual([...chunks[0]!.data.subarray(8)], [8, colorType, 0, 0, 0]);
    const raw = await inflate(chunks[1]!.data);
    const stride = width * channels;
    assert.equal(raw.length, (stride + 1) * height);
    for (let y = 0; y < height; y++) {
      assert.equal(raw[y * (stride + 1)], 0);
      assert.deepEqual(
        raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)),
        pixels.subarray(y * stride, (y + 1) * stride),
      );
    }
    assert.equal(chunks[2]!.data.length, 0);
  }
});

Deno.test("encodePng() rejects a wrong pixel count, size or channel count", async () => {
  await assert.rejects(() => encodePng(2, 2, 3, new Uint8Array(11)), {
    name: "RangeError",
    message: "PNG of 2 x 2 x 3 needs 12 bytes of pixels, got 11",
  });
  await assert.rejects(() => encodePng(0, 2, 1, new Uint8Array(0)), {
    name: "RangeError",
    message: "PNG size must be positive integers, got 0 x 2",
  });
  await assert.rejects(() => encodePng(1, 1, 2 as 1, new Uint8Array(2)), {
    name: "RangeError",
    message: "PNG channels must be 1, 3 or 4, got 2",
  });
});

Deno.test("CLASS_PALETTE holds ten distinct class colours, then the ignore colour, all unlike the unseen colour", () => {
  assert.equal(CLASS_PALETTE.length, 11);
  assert.deepEqual(CLASS_PALETTE[10], IGNORE_COLOR);
  const hexes = [...CLASS_PALETTE.map(rgbHex), rgbHex(UNSEEN_COLOR)];
  assert.equal(new Set(hexes).size, 12);
});

Deno.test("colorizeLabels() draws classes, ignore, and (given full labels) unseen pixels distinctly", () => {
  const rgb = colorizeLabels(new Uint8Array([2, 255, 255, 77]), {
    fullLabels: new Uint8Array([2, 255, 8, 77]),
  });
  assert.deepEqual([...rgb], [
    ...CLASS_PALETTE[2]!,
    ...IGNORE_COLOR,
    ...UNSEEN_COLOR,
    255,
    255,
    255,
  ]);
  assert.deepEqual([...colorizeLabels(new Uint8Array([255]))], [...IGNORE_COLOR]);
});

Deno.test("scenePreview() lays out image | training labels | full labels, scaled up", () => {
  const scene: Scene = {
    image: new Float32Array([1, 0, 0.5, 0]),
    fullLabels: new Uint8Array([0, 255, 7, 255]),
    labels: new Uint8Array([0, 255, 255, 255]),
    items: [],
  };
  const train = scenePreview(scene, { scale: 2 });
  assert.equal(train.width, 3 * 4 + 2 * 2);
  assert.equal(train.height, 4);
  const px = (
    x: number,
    y: number,
  ) => [...train.pixels.subarray(3 * (y * train.width + x), 3 * (y * train.width + x) + 3)];
  assert.deepEqual(px(1, 1), [255, 255, 255]); // image pixel (0, 0) = 1
  assert.deepEqual(px(1, 3), [128, 128, 128]); // image pixel (0, 1) = 0.5
  assert.deepEqual(px(6, 1), [...CLASS_PALETTE[0]!]); // training labels, class 0
  assert.deepEqual(px(6, 3), [...UNSEEN_COLOR]); // training labels: unseen Sneaker
  assert.deepEqual(px(12, 3), [...CLASS_PALETTE[7]!]); // full labels: Sneaker
  assert.deepEqual(px(14, 1), [...IGNORE_COLOR]); // full labels: background
  assert.deepEqual(px(4, 0), [40, 48, 64]); // gap
  const evalView = scenePreview(scene, { view: "eval", scale: 1 });
  assert.equal(evalView.width, 2 * 2 + 1);
});

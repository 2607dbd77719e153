import { assert } from "../../lib/_std.ts";
import {
  inflateIfGzip,
  parseIdxImages,
  parseIdxLabels,
  readIdxImages,
  readIdxLabels,
} from "../../lib/data/idx.ts";
import { gzip, idxBytes, imageFile, labelFile, tempDirWith } from "./_idx_files.ts";

Deno.test("readIdxImages() reads a plain image file with its dims and exact pixels", async () => {
  const dir = await tempDirWith({ "img": imageFile(2, 3, 4) });
  const images = await readIdxImages(`${dir}/img`);
  assert.equal(images.count, 2);
  assert.equal(images.rows, 3);
  assert.equal(images.cols, 4);
  assert.deepEqual([...images.pixels], Array.from({ length: 24 }, (_, i) => (i * 7) % 256));
});

Deno.test("readIdxImages() and readIdxLabels() read gzipped files the same as plain ones", async () => {
  const plain = imageFile(5);
  const dir = await tempDirWith({
    "img.gz": await gzip(plain),
    "lab.gz": await gzip(labelFile([0, 9, 3, 3, 1])),
  });
  const images = await readIdxImages(`${dir}/img.gz`);
  assert.deepEqual(images.pixels, plain.subarray(16));
  assert.deepEqual([...await readIdxLabels(`${dir}/lab.gz`)], [0, 9, 3, 3, 1]);
});

Deno.test("readIdxImages() rejects a label file by its magic number, naming file and value", async () => {
  const dir = await tempDirWith({ "x.gz": await gzip(labelFile([1])) });
  await assert.rejects(() => readIdxImages(`${dir}/x.gz`), {
    name: "SyntaxError",
    message:
      `Cannot read IDX file "${dir}/x.gz": bad magic number 0x00000801, expected 0x00000803 (images)`,
  });
});

Deno.test("parseIdxLabels() rejects a bad magic number with its value", () => {
  assert.throws(() => parseIdxLabels(new Uint8Array([0x1f, 0x00, 0x08, 0x01, 0, 0, 0, 0]), "f"), {
    name: "SyntaxError",
    message: 'Cannot read IDX file "f": bad magic number 0x1f000801, expected 0x00000801 (labels)',
  });
});

Deno.test("readIdxImages() reports a truncated plain file as a short read with expected and actual bytes", async () => {
  const dir = await tempDirWith({ "img": imageFile(4, 3, 3).subarray(0, 40) });
  await assert.rejects(() => readIdxImages(`${dir}/img`), {
    name: "SyntaxError",
    message:
      `Cannot read IDX file "${dir}/img": short read, expected 52 bytes (header 16 + 4 x 3 x 3) but got 40`,
  });
});

Deno.test("readIdxImages() reports a file cut inside its header as a short read", () => {
  assert.throws(() => parseIdxImages(imageFile(1).subarray(0, 10), "h"), {
    name: "SyntaxError",
    message: 'Cannot read IDX file "h": short read, expected 16 bytes (header) but got 10',
  });
  assert.throws(() => parseIdxImages(new Uint8Array([0, 0]), "m"), {
    name: "SyntaxError",
    message: 'Cannot read IDX file "m": short read, expected 4 bytes (magic) but got 2',
  });
});

Deno.test("readIdxLabels() reports a truncated gzip file as corrupt or truncated, naming it", async () => {
  const whole = await gzip(labelFile(Array.from({ length: 3000 }, (_, i) => i % 10)));
  const dir = await tempDirWith({ "lab.gz": whole.subarray(0, Math.floor(whole.length / 2)) });
  await assert.rejects(() => readIdxLabels(`${dir}/lab.gz`), {
    name: "SyntaxError",
    message: new RegExp(
      `^Cannot read IDX file "${dir}/lab\\.gz": gzip data is corrupt or truncated \\(.+\\)$`,
    ),
  });
});

Deno.test("readIdxImages() rejects a gzip file whose compressed bytes are corrupted", async () => {
  const bytes = await gzip(imageFile(50));
  bytes[bytes.length - 6]! ^= 0xff; // the stored CRC-32 of the contents
  const dir = await tempDirWith({ "img.gz": bytes });
  await assert.rejects(() => readIdxImages(`${dir}/img.gz`), {
    name: "SyntaxError",
    message: /gzip data is corrupt or truncated/,
  });
});

Deno.test("parseIdxImages() rejects trailing bytes instead of ignoring them", () => {
  const bytes = new Uint8Array([...imageFile(1, 2, 2), 1, 2, 3]);
  assert.throws(() => parseIdxImages(bytes, "t"), {
    name: "SyntaxError",
    message: 'Cannot read IDX file "t": 3 trailing bytes, expected exactly 20 bytes but got 23',
  });
});

Deno.test("parseIdxImages() rejects a zero dimension", () => {
  assert.throws(() => parseIdxImages(idxBytes(0x803, [0, 28, 28], new Uint8Array(0)), "z"), {
    name: "SyntaxError",
    message: 'Cannot read IDX file "z": bad dimensions [0, 28, 28], every size must be positive',
  });
});

Deno.test("parseIdxLabels() rejects a label that is not a class id, naming its position", () => {
  assert.throws(() => parseIdxLabels(labelFile([1, 2, 10]), "l"), {
    name: "SyntaxError",
    message: 'Cannot read IDX file "l": label 2 is 10, expected 0..9',
  });
  assert.deepEqual([...parseIdxLabels(labelFile([1, 2, 10]), "l", 11)], [1, 2, 10]);
});

Deno.test("readIdxImages() on a missing file throws NotFound", async () => {
  await assert.rejects(() => readIdxImages("/nonexistent/c2s/img.gz"), Deno.errors.NotFound);
});

Deno.test("inflateIfGzip() returns non-gzip bytes unchanged", async () => {
  const bytes = imageFile(1);
  assert.equal(await inflateIfGzip(bytes, "p"), bytes);
});

import { assert } from "../../lib/_std.ts";
import {
  parseSafetensors,
  readSafetensors,
  serializeSafetensors,
  writeSafetensors,
} from "../../lib/teacher/safetensors.ts";
import * as msg from "../../lib/teacher/messages.ts";

/** A file laid out by hand: header length, JSON header with __metadata__, F32 little-endian data. */
function handMade(): Uint8Array {
  const header = JSON.stringify({
    __metadata__: { format: "pt" },
    "b.bias": { dtype: "F32", shape: [2], data_offsets: [24, 32] },
    "a.weight": { dtype: "F32", shape: [2, 3], data_offsets: [0, 24] },
  });
  const head = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + head.length + 32);
  const view = new DataView(out.buffer);
  view.setUint32(0, head.length, true);
  out.set(head, 8);
  [1, 2, 3, 4, 5, 6, -1.5, 0.25].forEach((v, i) =>
    view.setFloat32(8 + head.length + 4 * i, v, true)
  );
  return out;
}

Deno.test("parseSafetensors() reads a hand-made file: shapes, little-endian F32 values and metadata", () => {
  const { tensors, metadata } = parseSafetensors(handMade(), "hand.safetensors");
  assert.deepEqual(metadata, { format: "pt" });
  assert.deepEqual([...tensors.keys()], ["a.weight", "b.bias"]);
  assert.deepEqual(tensors.get("a.weight")!.shape, [2, 3]);
  assert.deepEqual([...tensors.get("a.weight")!.data], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...tensors.get("b.bias")!.data], [-1.5, 0.25]);
});

Deno.test("parseSafetensors() converts F16 and BF16 tensors to float32", () => {
  const header = JSON.stringify({
    h: { dtype: "F16", shape: [2], data_offsets: [0, 4] },
    b: { dtype: "BF16", shape: [1], data_offsets: [4, 6] },
  });
  const head = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + head.length + 6);
  const view = new DataView(out.buffer);
  view.setUint32(0, head.length, true);
  out.set(head, 8);
  view.setUint16(8 + head.length, 0x3c00, true); // 1.0
  view.setUint16(8 + head.length + 2, 0xc000, true); // -2.0
  view.setUint16(8 + head.length + 4, 0x4049, true); // bf16 of 3.140625
  const { tensors } = parseSafetensors(out, "half.safetensors");
  assert.deepEqual([...tensors.get("h")!.data], [1, -2]);
  assert.equal(tensors.get("b")!.data[0], 3.140625);
});

Deno.test("serializeSafetensors() writes a file the reader reads back exactly, data 8-byte aligned", () => {
  const tensors = new Map([
    ["x", { shape: [3], data: new Float32Array([0.1, -2, 3e-8]) }],
    ["y", { shape: [1, 2], data: new Float32Array([7, 8]) }],
  ]);
  const bytes = serializeSafetensors(tensors, { step: "12" });
  const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal((8 + headerLength) % 8, 0);
  const back = parseSafetensors(bytes, "mem");
  assert.deepEqual(back.metadata, { step: "12" });
  assert.deepEqual([...back.tensors.get("x")!.data], [...tensors.get("x")!.data]);
  assert.deepEqual(back.tensors.get("y")!.shape, [1, 2]);
});

Deno.test("readSafetensors() of a truncated file is a SyntaxError naming the file", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/w.safetensors`;
  const bytes = await writeSafetensors(
    path,
    new Map([["w", { shape: [4], data: new Float32Array(4) }]]),
  );
  await Deno.writeFile(path, bytes.subarray(0, bytes.length - 3));
  await assert.rejects(
    () => readSafetensors(path),
    SyntaxError,
    msg.safetensorsTruncated(path, bytes.length, bytes.length - 3),
  );
  await Deno.writeFile(path, bytes.subarray(0, 5));
  await assert.rejects(
    () => readSafetensors(path),
    SyntaxError,
    msg.safetensorsTruncated(path, 8, 5),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("parseSafetensors() rejects trailing bytes and unsupported dtypes, naming file and tensor", () => {
  const bytes = handMade();
  const longer = new Uint8Array(bytes.length + 4);
  longer.set(bytes);
  assert.throws(
    () => parseSafetensors(longer, "long.safetensors"),
    SyntaxError,
    msg.safetensorsTrailing("long.safetensors", bytes.length, bytes.length + 4),
  );
  const header = new TextEncoder().encode(
    JSON.stringify({ i: { dtype: "I64", shape: [1], data_offsets: [0, 8] } }),
  );
  const out = new Uint8Array(8 + header.length + 8);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 8);
  assert.throws(
    () => parseSafetensors(out, "int.safetensors"),
    SyntaxError,
    msg.safetensorsDtype("int.safetensors", "i", "I64"),
  );
});

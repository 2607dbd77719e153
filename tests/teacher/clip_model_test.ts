/**
 * The CLIP teacher against golden values from an independent PyTorch implementation
 * (`tests/fixtures/clip_tiny_goldens.py`, float64) on the random checkpoint
 * `tests/fixtures/clip-tiny/`: projected class tokens, MaskCLIP dense features (at the trained
 * 4 x 4 grid and at two interpolated ones, one not square), text embeddings and token ids.
 */
import * as tf from "@tensorflow/tfjs-core";
import { assert, assertEquals } from "../../lib/_std.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { loadClipTeacher } from "../../lib/teacher/clip/teacher.ts";

await initBackend("wasm");

const FIXTURE = new URL("../fixtures/clip-tiny", import.meta.url).pathname;

interface ImageCase {
  height: number;
  width: number;
  count: number;
  cls: number[];
  dense: number[];
  denseShape: number[];
}

interface Goldens {
  tokens: { text: string; ids: number[] }[];
  text: { prompts: string[]; embeddings: number[]; dim: number };
  images: ImageCase[];
}

const goldens: Goldens = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/clip-tiny.goldens.json", import.meta.url)),
);

/** The golden script's test images: a value from each flat index alone. */
function testImages(n: number, h: number, w: number): tf.Tensor4D {
  const data = new Float32Array(n * h * w * 3);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 2654435761) % 4294967296) % 251 / 250;
  return tf.tensor4d(data, [n, h, w, 3]);
}

function maxError(actual: ArrayLike<number>, expected: readonly number[]): number {
  assertEquals(actual.length, expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  }
  return worst;
}

const TOLERANCE = 1e-4;

Deno.test("ClipModel image features match the PyTorch goldens to 1e-4 at trained and resized grids", async () => {
  const teacher = await loadClipTeacher(FIXTURE);
  try {
    for (const c of goldens.images) {
      const images = testImages(c.count, c.height, c.width);
      const out = teacher.model.encodeImage(images);
      images.dispose();
      assertEquals(out.dense.shape, c.denseShape);
      const clsError = maxError(await out.cls.data(), c.cls);
      const denseError = maxError(await out.dense.data(), c.dense);
      tf.dispose([out.cls, out.dense]);
      console.log(
        `${c.height}x${c.width}: cls ${clsError.toExponential(2)}, dense ${
          denseError.toExponential(2)
        }`,
      );
      assert.ok(clsError < TOLERANCE, `cls at ${c.height}x${c.width}: max error ${clsError}`);
      assert.ok(denseError < TOLERANCE, `dense at ${c.height}x${c.width}: max error ${denseError}`);
    }
  } finally {
    teacher.dispose();
  }
});

Deno.test("ClipModel text embeddings match the PyTorch goldens to 1e-4", async () => {
  const teacher = await loadClipTeacher(FIXTURE);
  try {
    const ids = goldens.text.prompts.map((p) => teacher.tokenizer.encode(p));
    const out = teacher.model.encodeText(ids, teacher.tokenizer.endId);
    const error = maxError(await out.data(), goldens.text.embeddings);
    out.dispose();
    console.log(`text: ${error.toExponential(2)}`);
    assert.ok(error < TOLERANCE, `text embeddings: max error ${error}`);
  } finally {
    teacher.dispose();
  }
});

Deno.test("ClipTokenizer gives the reference ids for 20 prompts with punctuation and unicode", async () => {
  const teacher = await loadClipTeacher(FIXTURE);
  try {
    for (const { text, ids } of goldens.tokens) {
      assertEquals(teacher.tokenizer.encode(text), ids, JSON.stringify(text));
    }
    assertEquals(goldens.tokens.length, 20);
  } finally {
    teacher.dispose();
  }
});

Deno.test("ClipTeacher outputs are unit vectors, grey input equals its RGB copy, and nothing leaks", async () => {
  const teacher = await loadClipTeacher(FIXTURE, { imageSize: [64, 96] });
  try {
    assertEquals([...teacher.denseSize], [4, 6]);
    const grey = tf.randomUniform([2, 64, 96, 1], 0, 1, "float32", 3) as tf.Tensor4D;
    const rgb = tf.tile(grey, [1, 1, 1, 3]) as tf.Tensor4D;
    // Warm-up: the resized position table is built once and kept.
    tf.dispose(Object.values(teacher.encodeImages(rgb)));
    const before = tf.memory().numTensors;
    const a = teacher.encodeImages(grey), b = teacher.encodeImages(rgb);
    const text = teacher.textEmbeddings(["cat", "potted plant", "tv monitor"]);
    assertEquals(a.dense.shape, [2, 4, 6, 32]);
    assert.ok(maxError(await a.dense.data(), Array.from(await b.dense.data())) < 1e-6);
    const norms = tf.norm(a.dense, "euclidean", -1);
    assert.ok(Array.from(await norms.data()).every((n) => Math.abs(n - 1) < 1e-5));
    assertEquals(text.shape, [3, 32]);
    tf.dispose([a.cls, a.dense, b.cls, b.dense, text, norms]);
    assertEquals(tf.memory().numTensors, before);
    tf.dispose([grey, rgb]);
  } finally {
    teacher.dispose();
  }
});

Deno.test("ClipTeacher keeps its resized position grid when its first encoding runs inside a caller's tf.tidy", async () => {
  const teacher = await loadClipTeacher(FIXTURE, { imageSize: [80, 80] });
  try {
    const images = tf.randomUniform([1, 80, 80, 1], 0, 1, "float32", 5) as tf.Tensor4D;
    const encode = () =>
      tf.tidy(() => {
        const out = teacher.encodeImages(images);
        return tf.sum(out.dense);
      });
    const first = encode();
    const second = encode(); // reads the grid the first call built
    assertEquals(await second.data(), await first.data());
    tf.dispose([first, second, images]);
  } finally {
    teacher.dispose();
  }
});

import { assert } from "../../lib/_std.ts";
import { DEBIAN_DIR, EMBEDDED_DIR, loadFashionMnist } from "../../lib/data/fashion_mnist.ts";
import { gzip, imageFile, labelFile, tempDirWith } from "./_idx_files.ts";

Deno.test("loadFashionMnist() loads a given directory's t10k pair, gzipped or plain", async () => {
  const dir = await tempDirWith({
    "t10k-images-idx3-ubyte.gz": await gzip(imageFile(3)),
    "t10k-labels-idx1-ubyte": labelFile([4, 0, 9]),
  });
  const { items, source } = await loadFashionMnist({ dataDir: dir });
  assert.equal(items.count, 3);
  assert.equal(items.size, 3);
  assert.deepEqual([...items.labels], [4, 0, 9]);
  assert.deepEqual(items.images, imageFile(3).subarray(16));
  assert.equal(source, `directory "${dir}": t10k, 3 items`);
});

Deno.test("loadFashionMnist() joins train then t10k when a directory holds both", async () => {
  const dir = await tempDirWith({
    "train-images-idx3-ubyte.gz": await gzip(imageFile(2)),
    "train-labels-idx1-ubyte.gz": await gzip(labelFile([1, 2])),
    "t10k-images-idx3-ubyte.gz": await gzip(imageFile(1)),
    "t10k-labels-idx1-ubyte.gz": await gzip(labelFile([7])),
  });
  const { items, source } = await loadFashionMnist({ dataDir: dir });
  assert.deepEqual([...items.labels], [1, 2, 7]);
  assert.deepEqual(items.images.subarray(0, 18), imageFile(2).subarray(16));
  assert.deepEqual(items.images.subarray(18), imageFile(1).subarray(16));
  assert.equal(source, `directory "${dir}": train + t10k, 3 items`);
});

Deno.test("loadFashionMnist() names a missing data directory", async () => {
  await assert.rejects(() => loadFashionMnist({ dataDir: "/nonexistent/fmnist" }), {
    name: "NotFound",
    message: 'Fashion-MNIST directory not found: "/nonexistent/fmnist"',
  });
});

Deno.test("loadFashionMnist() names the missing half of an images/labels pair", async () => {
  const dir = await tempDirWith({ "t10k-images-idx3-ubyte.gz": await gzip(imageFile(1)) });
  await assert.rejects(() => loadFashionMnist({ dataDir: dir }), {
    name: "NotFound",
    message:
      `Fashion-MNIST file not found: "${dir}/t10k-labels-idx1-ubyte[.gz]" (needed beside "${dir}/t10k-images-idx3-ubyte.gz")`,
  });
});

Deno.test("loadFashionMnist() rejects a directory without IDX files, saying what it expected", async () => {
  const dir = await tempDirWith({ "README": new Uint8Array(1) });
  await assert.rejects(() => loadFashionMnist({ dataDir: dir }), {
    name: "NotFound",
    message:
      `Fashion-MNIST directory "${dir}" holds no IDX pair: expected "train-images-idx3-ubyte" or "t10k-images-idx3-ubyte" (optionally .gz)`,
  });
});

Deno.test("loadFashionMnist() rejects image and label files of different lengths", async () => {
  const dir = await tempDirWith({
    "t10k-images-idx3-ubyte": imageFile(3),
    "t10k-labels-idx1-ubyte": labelFile([1, 2]),
  });
  await assert.rejects(() => loadFashionMnist({ dataDir: dir }), {
    name: "SyntaxError",
    message:
      `IDX files disagree: "${dir}/t10k-images-idx3-ubyte" holds 3 images but "${dir}/t10k-labels-idx1-ubyte" holds 2 labels`,
  });
});

Deno.test("loadFashionMnist() rejects items that are not square", async () => {
  const dir = await tempDirWith({
    "t10k-images-idx3-ubyte": imageFile(1, 2, 3),
    "t10k-labels-idx1-ubyte": labelFile([1]),
  });
  await assert.rejects(() => loadFashionMnist({ dataDir: dir }), {
    name: "SyntaxError",
    message:
      `Cannot read IDX file "${dir}/t10k-images-idx3-ubyte": bad dimensions [1, 2, 3], items must be square`,
  });
});

Deno.test("loadFashionMnist() loads the embedded t10k split by default, on every machine", async () => {
  const { items, source } = await loadFashionMnist();
  assert.equal(items.count, 10000);
  assert.equal(items.size, 28);
  assert.equal(items.images.length, 10000 * 28 * 28);
  assert.equal(source, `embedded "${EMBEDDED_DIR}": t10k, 10000 items`);
  // The t10k split holds exactly 1000 items per class.
  const perClass = new Array(10).fill(0);
  for (const label of items.labels) perClass[label]++;
  assert.deepEqual(perClass, new Array(10).fill(1000));
});

Deno.test("loadFashionMnist() names the embedded copy as embedded however its folder is spelled", async () => {
  const { source } = await loadFashionMnist({ dataDir: `${EMBEDDED_DIR}/../fashion-mnist` });
  assert.equal(source, `embedded "${EMBEDDED_DIR}/../fashion-mnist": t10k, 10000 items`);
});

const debianPresent = (() => {
  try {
    return Deno.statSync(DEBIAN_DIR).isDirectory;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "loadFashionMnist() uses the installed Debian 70k set only when asked for",
  ignore: !debianPresent,
  fn: async () => {
    assert.equal((await loadFashionMnist()).items.count, 10000);
    const { items, source } = await loadFashionMnist({ dataDir: DEBIAN_DIR });
    assert.equal(items.count, 70000);
    assert.equal(source, `Debian dataset-fashion-mnist "${DEBIAN_DIR}": train + t10k, 70000 items`);
  },
});

import { assert } from "../../lib/_std.ts";
import {
  annotatedCells,
  downsampleLabels,
  pseudoLabelMap,
  UNLABELLED,
} from "../../lib/c2s/label_grid.ts";

const U = UNLABELLED;

Deno.test("downsampleLabels() takes a cell's most frequent label when labels cover half of it", () => {
  // 4 x 4 image, 2 x 2 grid: cells of 2 x 2 pixels.
  // deno-fmt-ignore
  const labels = Uint8Array.from([
    1, 1, U, U,
    2, U, U, 3,
    4, 4, 5, 5,
    4, U, 6, 5,
  ]);
  assert.deepEqual(Array.from(downsampleLabels(labels, 4, 4, 2, 2)), [1, U, 4, 5]);
});

Deno.test("downsampleLabels() breaks ties towards the smaller label", () => {
  const labels = Uint8Array.from([3, 2, 2, 3]);
  assert.deepEqual(Array.from(downsampleLabels(labels, 2, 2, 1, 1)), [2]);
});

Deno.test("annotatedCells() marks cells at least half covered by labelled pixels", () => {
  // deno-fmt-ignore
  const labels = Uint8Array.from([
    1, U, U, U,
    1, U, U, 3,
    U, U, 5, 5,
    U, U, 5, 5,
  ]);
  assert.deepEqual(Array.from(annotatedCells(labels, 4, 4, 2, 2)), [1, 0, 0, 1]);
});

Deno.test("pseudoLabelMap() keeps seen labels and fills other pixels from their cell's latent class", () => {
  // deno-fmt-ignore
  const seen = Uint8Array.from([
    0, U, U, U,
    U, U, U, 1,
    U, U, U, U,
    U, U, U, U,
  ]);
  const latent = Int8Array.from([0, 1, -1, 0]);
  // Two seen classes, so latent u is slot 2 + u.
  // deno-fmt-ignore
  assert.deepEqual(Array.from(pseudoLabelMap(seen, latent, 2, 4, 4, 2, 2)), [
    0, 2, 3, 3,
    2, 2, 3, 1,
    U, U, 2, 2,
    U, U, 2, 2,
  ]);
});

Deno.test("label grids reject a grid that does not divide the image", () => {
  assert.throws(() => downsampleLabels(new Uint8Array(25), 5, 5, 2, 2), {
    name: "RangeError",
    message: "Grid 2 x 2 does not divide the image 5 x 5",
  });
});

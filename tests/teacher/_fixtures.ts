/**
 * Small fixtures for the teacher tests: a synthetic item set (4 items per class, 28 x 28, each
 * class its own stripe pattern) so tiny training runs need no data files.
 *
 * @module
 */
import type { ItemSet } from "../../lib/data/types.ts";

/** 40 synthetic 28 x 28 items, 4 per class. */
export function syntheticItems(perClass = 4): ItemSet {
  const size = 28;
  const count = 10 * perClass;
  const images = new Uint8Array(count * size * size);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const c = i % 10;
    labels[i] = c;
    for (let y = 4; y < 24; y++) {
      for (let x = 4; x < 24; x++) {
        const on = ((x + (c + 1) * y + i) % (c + 3)) < 2;
        images[i * size * size + y * size + x] = on ? 230 : 40;
      }
    }
  }
  return { images, labels, count, size };
}

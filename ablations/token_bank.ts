/**
 * Table IX: the size B of the FIFO bank of earlier global CLS tokens used as extra negatives.
 * The default is 6, not the 24 of the paper's Implementation Details: Table IX finds 6 best and
 * every other table's full row equals its row. B = 0 still has negatives: the batch's other
 * images (Eq. 4 as printed would have none).
 */
import fashionScenes from "../experiments/fashion_scenes.ts";
import { defineAblation } from "../lib/spec/define.ts";

export default defineAblation({
  name: "token-bank",
  table: "IX",
  title: "Size of the CLS token bank",
  base: fashionScenes,
  vary: { "distill.global.bankSize": [0, 2, 6, 14] },
  metrics: ["hIoU", "sIoU", "uIoU"],
});

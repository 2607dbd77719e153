/**
 * Table III: the cost of the student at inference (it runs without the teacher). The paper's rows
 * are other methods at 512 x 512 on an RTX 3090, which cannot be run here, so our one row is an
 * extra: the conv student's trainable parameters, GFLOPs per 64 x 64 scene and scenes per second
 * on this machine. One seed: more would measure the same network.
 */
import fashionScenes from "../experiments/fashion_scenes.ts";
import { defineAblation } from "../lib/spec/define.ts";

export default defineAblation({
  name: "efficiency",
  table: "III",
  title: "Efficiency of the student",
  kind: "efficiency",
  base: fashionScenes,
  variants: [{ label: "student (conv)", extra: true, set: {} }],
  metrics: ["params_M", "GFLOPs", "FPS"],
  seeds: 1,
});

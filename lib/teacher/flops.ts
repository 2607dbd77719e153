/**
 * Forward multiply-accumulates of the image tower per image, counted from the architecture, and
 * the training FLOPs convention of DESIGN.md ("Calibration"): forward MACs x 2 x 3 x images seen.
 *
 * @module
 */
import type { MiniClipConfig } from "./config.ts";
import { towerLayout } from "./weights.ts";

/** Forward MACs of the image tower for one image (convs, attention pooling, projections). */
export function imageForwardMacs(config: MiniClipConfig): number {
  const layout = towerLayout(config);
  const s1 = config.imageSize / 2;
  const s2 = config.imageSize / 4;
  let macs = 0;
  const conv = (side: number, cin: number, cout: number) => side * side * 9 * cin * cout;
  macs += conv(s1, layout.stem[0]!.cin, layout.stem[0]!.cout);
  macs += conv(s1, layout.stem[1]!.cin, layout.stem[1]!.cout);
  macs += layout.blocks1.length * 2 * conv(s1, config.stem[1], config.stem[1]);
  macs += conv(s2, layout.down.cin, layout.down.cout);
  macs += layout.blocks2.length * 2 * conv(s2, config.width, config.width);
  const tokens = s2 * s2 + 1;
  const c = config.width;
  macs += 2 * tokens * c * c + c * c; // k, v over all tokens; q from the mean token
  macs += 2 * tokens * c; // scores and weighted sum
  macs += tokens * c * config.dim; // c_proj of the pooled token and of every position
  return macs;
}

/** Training FLOPs for `images` seen: forward MACs x 2 (FLOPs per MAC) x 3 (forward + backward). */
export function trainingFlops(config: MiniClipConfig, images: number): number {
  return imageForwardMacs(config) * 2 * 3 * images;
}

/**
 * Cost and accuracy of the pseudo-mask methods on synthetic 16 x 16 x 64 teacher features
 * (`deno task bench pseudo_masks`): ms per image, approximate MFLOP per image (Table XII's cost
 * column for the generator alone, without the teacher pass), regions before merge/cap, latent
 * classes kept, and mean best IoU of unseen objects (Table XIII's measurement) at two noise levels.
 *
 * @module
 */
import { DEFAULT_CONFIG, PseudoMaskMethod } from "../../lib/c2s/config.ts";
import {
  generatePseudoMasks,
  pseudoMaskCost,
  type PseudoMaskResult,
} from "../../lib/c2s/pseudo_masks.ts";
import { type MaskMatch, matchMasks, summarizeMaskAccuracy } from "../../lib/c2s/mask_accuracy.ts";
import { syntheticScene } from "./pseudo_masks_synthetic.ts";

export async function bench(): Promise<void> {
  const scenes = 200;
  for (const noise of [0.6, 1.0]) {
    const inputs = Array.from(
      { length: scenes },
      (_, s) => syntheticScene(5000 + s, { seen: 1, unseen: 2, noise }),
    );
    console.log(
      `noise ${noise} (same-object cosine ~${
        (1 / (1 + noise * noise)).toFixed(2)
      }), ${scenes} scenes`,
    );
    for (const method of PseudoMaskMethod) {
      const options = { ...DEFAULT_CONFIG.pseudoMask, method };
      for (let s = 0; s < 20; s++) generatePseudoMasks(inputs[s]!.input, options, s); // warm-up
      const results: PseudoMaskResult[] = [];
      const matches: MaskMatch[] = [];
      inputs.forEach((scene, s) => {
        const r = generatePseudoMasks(scene.input, options, s);
        results.push(r);
        const gt = Uint8Array.from(scene.regions, (v) => (v === 0 ? 255 : v));
        matches.push(...matchMasks(r.latent, gt, { unseenIds: scene.unseenIds }));
      });
      const cost = pseudoMaskCost(results);
      const ms = results.map((r) => r.elapsedMs!).sort((a, b) => a - b);
      const acc = summarizeMaskAccuracy(matches.filter((m) => !m.seen));
      console.log(
        `  ${method.padEnd(9)} ${cost.meanMs.toFixed(2)} ms/img (median ${
          ms[ms.length >> 1]!.toFixed(2)
        }), ${(cost.meanFlops / 1e6).toFixed(2)} MFLOP/img, regions ${
          cost.meanClustersBeforeMerge.toFixed(2)
        } -> latent ${cost.meanCount.toFixed(2)}, unseen best IoU ${
          (100 * acc.unseen!).toFixed(1)
        } %`,
      );
    }
  }
  await Promise.resolve();
}

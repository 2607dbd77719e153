/**
 * The paper's setting on COCO-Stuff 164k (Sec. IV): a CLIP ViT-B/16 teacher (`--teacher`, a
 * Hugging Face CLIPModel folder), the COCO-Stuff folder (`--data`), 512 x 512 inputs, 156 seen /
 * 15 unseen classes (the split of ZS3Net and ZegCLIP), a Segformer student (MiT-B0). Everything
 * else is `DEFAULT_CONFIG`; presets set the schedule (the paper: 80k iterations of batch 16).
 *
 * @module
 */
import { defineExperiment } from "../lib/spec/define.ts";
import { COCO_STUFF_UNSEEN } from "../lib/data/coco_stuff.ts";

export default defineExperiment({
  name: "coco-stuff-clip",
  title: "COCO-Stuff 164k with CLIP ViT-B/16, 15 unseen classes",
  set: {
    "data.source": "coco-stuff",
    "data.unseen": COCO_STUFF_UNSEEN,
    "data.size": 512,
    "student.arch": "segformer-b0",
    // MiT-B0's base width: stages of 32, 64, 160, 256 channels.
    "student.width": 32,
  },
  // 512 x 512 on CPU (wasm) takes seconds per image; smoke runs check the pipeline at 128.
  presets: { smoke: { "data.size": 128 } },
});

/**
 * The paper's setting on PASCAL VOC 2012 (Sec. IV): a CLIP ViT-B/16 teacher (`--teacher`, a
 * Hugging Face CLIPModel folder), the VOC folder (`--data`), 512 x 512 inputs, background ignored,
 * 15 seen / 5 unseen classes (the split of ZS3Net and ZegCLIP), a Segformer student (MiT-B0: the
 * paper's Segformer-B4 is the same family, 17x larger). Everything else is `DEFAULT_CONFIG`, the
 * paper's full method; presets set the schedule (the paper: 20k iterations of batch 16 on VOC).
 *
 * @module
 */
import { defineExperiment } from "../lib/spec/define.ts";
import { VOC_UNSEEN } from "../lib/data/voc.ts";

export default defineExperiment({
  name: "voc-clip",
  title: "PASCAL VOC 2012 with CLIP ViT-B/16, 5 unseen classes",
  set: {
    "data.source": "voc",
    "data.unseen": VOC_UNSEEN,
    "data.size": 512,
    "student.arch": "segformer-b0",
    // MiT-B0's base width: stages of 32, 64, 160, 256 channels.
    "student.width": 32,
  },
  // 512 x 512 on CPU (wasm) takes seconds per image; smoke runs check the pipeline at 128.
  presets: { smoke: { "data.size": 128 } },
});

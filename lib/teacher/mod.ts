/**
 * The teacher: the `Teacher` seam, the mini-CLIP, loading the shipped checkpoint, training and
 * evaluation.
 *
 * @module
 */
export type { Teacher, TeacherOutput } from "./teacher.ts";
export {
  DEFAULT_TEACHER_DIR,
  isTeacherModule,
  loadTeacher,
  type LoadTeacherOptions,
  teacherCardPath,
} from "./load.ts";
export {
  type ClipTeacherOptions,
  isClipFolder,
  loadClipTeacher,
  readClipConfig,
} from "./clip/teacher.ts";
export { ClipTeacher } from "./clip/teacher.ts";
export { ClipTokenizer } from "./clip/bpe.ts";
export { type ClipConfig, parseClipConfig } from "./clip/config.ts";
export { MiniClip } from "./mini_clip.ts";
export { DEFAULT_CONFIG, type MiniClipConfig, PROMPT_TEMPLATE } from "./config.ts";
export {
  miniClipConfig,
  trainTeacher,
  type TrainTeacherOptions,
  type TrainTeacherResult,
} from "./train.ts";
export { evaluateTeacher, type TeacherAccuracy } from "./evaluate.ts";
export { formatCard, readCard, type TeacherCard } from "./card.ts";
export { describeTeacher } from "./describe.ts";
export { FILES, loadMiniClip, saveTeacher } from "./checkpoint.ts";
export {
  parseSafetensors,
  readSafetensors,
  serializeSafetensors,
  writeSafetensors,
} from "./safetensors.ts";
export { imageForwardMacs, trainingFlops } from "./flops.ts";

/**
 * User-facing messages of the C2S training core, one typed function each, so tests can assert
 * them and they read alike.
 *
 * @module
 */

/** Every message of `lib/c2s` (training side). */
export const messages = {
  nanLoss: (step: number): string => `NaN loss at step ${step}`,
  interrupted: (step: number): string => `Training was interrupted at step ${step}`,
  cacheCorrupt: (path: string, reason: string): string =>
    `Teacher cache "${path}" is unusable (${reason}); rebuilding it`,
  cacheShape: (what: string, expected: string, actual: string): string =>
    `Teacher cache ${what} does not match: expected ${expected}, got ${actual}`,
  noLatentKeys: (): string =>
    `Config "latent.useGlobalCls" and "latent.useLocalCls" are both false: the transformer ` +
    `calibrator of "latent.features" "cls" or "both" has no keys; enable one, or set ` +
    `"latent.enabled" to false`,
  teacherDim: (teacherDim: number, studentDim: number): string =>
    `Teacher width ${teacherDim} does not match the student's feature width ${studentDim}`,
  denseGrid: (h: number, w: number, sh: number, sw: number): string =>
    `Teacher dense grid ${h} x ${w} does not match the student's grid ${sh} x ${sw}`,
  imageSize: (h: number, w: number): string =>
    `Scenes of ${h} x ${w} pixels are not supported: the student needs a side that is a ` +
    `multiple of 4 (its feature grid is a quarter of the image)`,
  headsDivide: (dim: number, heads: number): string =>
    `Config "latent.heads" ${heads} does not divide the feature width ${dim}`,
  unknownClass: (name: string): string => `Unknown class "${name}"`,
  tooFewTrainScenes: (count: number, batch: number): string =>
    `The training pool has ${count} scenes, fewer than one batch of ${batch}`,
  unseenLabelInTraining: (index: number, classId: number): string =>
    `Training scene ${index} carries label ${classId}, which is not a seen class: the training ` +
    `view must hide unseen classes`,
  unsupportedArch: (arch: string): string =>
    `Unknown student architecture "${arch}": expected "conv" or "segformer-b0"`,
  segformerInput: (shape: readonly number[], channels: number): string =>
    `The Segformer student takes images [B, H, W, ${channels}] with H and W multiples of 32, ` +
    `got [${shape.join(", ")}]`,
  studentGrid: (arch: string, grid: readonly number[], height: number, width: number): string =>
    `Student "${arch}" cannot give features on the teacher's ${grid.join(" x ")} grid for ` +
    `${height} x ${width} images` + (arch === "conv"
      ? ' (its grid is a quarter of the image; use a teacher whose grid is, or "segformer-b0")'
      : ""),
  unknownSource: (source: string): string =>
    `Unknown data source "${source}": expected "fashion-scenes", "voc" or "coco-stuff"`,
  folderNeedsDir: (source: string): string =>
    `Data source "${source}" reads a folder: pass --data DIR (the ${
      source === "voc" ? "VOC2012" : "COCO-Stuff 164k"
    } folder)`,
  sceneSize: (source: string, size: number): string =>
    `Config "data.size" is ${size}, but "${source}" scenes are 64 x 64: leave it at 64`,
};

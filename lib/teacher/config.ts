/**
 * The mini-CLIP's architecture: one flat, commented block of constants (DESIGN.md, "Calibration":
 * the CLIP-ResNet-style conv tower measured there), saved beside every checkpoint.
 *
 * @module
 */

/** Architecture of the mini-CLIP. Saved as `config.json` beside the weights. */
export interface MiniClipConfig {
  /** Input side length (square, one channel). @default 64 */
  imageSize: number;
  /** Input normalisation: `(x - inputMean) / inputStd`. @default 0.3, 0.35 */
  inputMean: number;
  inputStd: number;
  /** Stem widths: conv3x3 s2 1 -> stem[0], conv3x3 stem[0] -> stem[1]. @default [8, 16] */
  stem: [number, number];
  /** Basic residual blocks at the stem's resolution (32 x 32). @default 1 */
  blocks1: number;
  /** Width after the stride-2 conv (16 x 16). @default 32 */
  width: number;
  /** Basic residual blocks at 16 x 16. @default 3 */
  blocks2: number;
  /** Attention-pooling heads. @default 4 */
  heads: number;
  /** Joint image-text space width D. @default 64 */
  dim: number;
  /** Text tower token width. @default 32 */
  textWidth: number;
  /** Text tower attention heads. @default 4 */
  textHeads: number;
  /** Longest prompt in tokens. @default 8 */
  textLength: number;
  /** Fixed logit scale (CLIP's learned value at init: 1 / 0.07). @default 14.2857 */
  logitScale: number;
  /** Prompt template; `{class}` is replaced by the class name. */
  prompt: string;
  /** The text tower's word list (index = token id; 0 = padding). */
  vocabulary: string[];
}

/** The prompt template of CLIP's zero-shot classifier. */
export const PROMPT_TEMPLATE = "a photo of a {class}";

/** Default architecture (the measured recipe); `vocabulary` is filled from the class names. */
export const DEFAULT_CONFIG: Omit<MiniClipConfig, "vocabulary"> = {
  imageSize: 64,
  inputMean: 0.3,
  inputStd: 0.35,
  stem: [8, 16],
  blocks1: 1,
  width: 32,
  blocks2: 3,
  heads: 4,
  dim: 64,
  textWidth: 32,
  textHeads: 4,
  textLength: 8,
  logitScale: 1 / 0.07,
  prompt: PROMPT_TEMPLATE,
};

/** Dense grid side of a config: two stride-2 convs. */
export function denseSide(config: MiniClipConfig): number {
  return config.imageSize / 4;
}

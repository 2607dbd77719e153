/**
 * The C2S configuration: every switch the paper's ablations need, with the full method as default.
 * The `as const` arrays below give each enum's values, its type and (through `lib/spec`) its
 * validation, from one declaration. A spec overrides dotted keys of `DEFAULT_CONFIG`, e.g.
 * `"distill.global.bankSize"`.
 *
 * @module
 */

/** Global feature aggregation F -> F_g (Table XI). */
export const Aggregation = ["attention", "mean", "max"] as const;
export type Aggregation = typeof Aggregation[number];

/** Global distillation loss (Table VI). */
export const DistillLoss = ["infonce", "cosine", "l2", "residual"] as const;
export type DistillLoss = typeof DistillLoss[number];

/** Pseudo-mask generator (Table XII): ours, a normalized-cut analogue, a proposal analogue. */
export const PseudoMaskMethod = ["kmeans", "ncut", "proposals"] as const;
export type PseudoMaskMethod = typeof PseudoMaskMethod[number];

/** Features that query the latent embedding generator (Table VIII). */
export const LatentFeatures = ["prototypes", "cls", "both"] as const;
export type LatentFeatures = typeof LatentFeatures[number];

/** Calibrator of the latent embeddings (Table VIII). */
export const Calibrator = ["none", "mlp", "transformer"] as const;
export type Calibrator = typeof Calibrator[number];

/** Tensor backends. */
export const Backend = ["wasm", "cpu", "webgpu", "tensorflow"] as const;
export type Backend = typeof Backend[number];

/** Student architectures. */
export const StudentArch = ["conv"] as const;
export type StudentArch = typeof StudentArch[number];

/** The full resolved configuration of one C2S run. */
export const DEFAULT_CONFIG = {
  data: {
    /** Dataset source; `fashion-scenes` is the embedded benchmark. */
    source: "fashion-scenes",
    /** Classes held out from training labels (zero-shot split). */
    unseen: ["Trouser", "Sneaker", "Bag"] as string[],
    /** Training scenes in the pool whose teacher outputs are cached. */
    trainScenes: 2048,
    /** Evaluation scenes, built from held-out items, scored on all classes. */
    evalScenes: 512,
    /** Seed of the scene composer (independent of the run seed, so all runs share a cache). */
    sceneSeed: 1,
  },
  student: {
    arch: "conv" as StudentArch,
    /** Base channel width of the conv student. */
    width: 16,
  },
  pseudoMask: {
    method: "kmeans" as PseudoMaskMethod,
    /** Sliding-window sizes K of Eq. 2 (stride round(k/2)). */
    windowSizes: [3, 7] as number[],
    /** Cosine threshold lambda of Algorithm 1. */
    lambda: 0.9,
    /** K-Means iterations. */
    kmeansIters: 10,
    /** Cap on latent classes per image (each costs one masked teacher pass). */
    maxLatent: 4,
  },
  distill: {
    global: {
      enabled: true,
      aggregation: "attention" as Aggregation,
      loss: "infonce" as DistillLoss,
      /**
       * CLS token bank size B (Table IX). 6 is the ablation default: Table IX finds it best and every
       * other ablation's full row equals its row; the batch's other images are always negatives.
       */
      bankSize: 6,
      temperature: 0.07,
    },
    local: {
      enabled: true,
      temperature: 0.07,
    },
  },
  latent: {
    enabled: true,
    /** Keys/values of the generator (Table VII). */
    useGlobalCls: true,
    useLocalCls: true,
    /** Queries (Table VIII). */
    features: "both" as LatentFeatures,
    calibrator: "transformer" as Calibrator,
    /** Decoder layers and heads of the transformer calibrator. */
    layers: 1,
    heads: 4,
  },
  loss: {
    /** Logit scales: X_s = alpha F^T A_s, X_u = beta cos(F, A'_u). */
    alpha: 1 / 0.07,
    beta: 1 / 0.07,
    focal: 1,
    dice: 1,
    ce: 1,
    focalGamma: 2,
  },
  train: {
    steps: 800,
    batchSize: 16,
    lr: 2e-3,
    weightDecay: 0.05,
    warmupFraction: 0.05,
    /** Evaluate every N steps (0 = only at the end). */
    evalEvery: 200,
    /** Read the loss back every N steps (each readback syncs the backend). */
    logEvery: 10,
    seed: 0,
  },
  backend: "wasm" as Backend,
};

/** The resolved config type. */
export type C2SConfig = typeof DEFAULT_CONFIG;

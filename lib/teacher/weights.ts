/**
 * The mini-CLIP's named weights: their shapes, initialisation and roles, in one fixed order (the
 * order of the safetensors file). Batch-norm running statistics are buffers: saved, not trained.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { createRng } from "../data/rng.ts";
import type { MiniClipConfig } from "./config.ts";

/** How a weight starts. */
export type WeightInit =
  | { kind: "normal"; std: number }
  | { kind: "ones" }
  | { kind: "zeros" };

/** One named weight. */
export interface WeightSpec {
  name: string;
  shape: number[];
  init: WeightInit;
  /** false: a buffer (batch-norm running statistics), not updated by the optimiser. */
  trainable: boolean;
  /** Whether AdamW's decoupled weight decay applies (matrices and filters only). */
  decay: boolean;
}

/** Names of one residual block's or conv's batch-norm weights. */
export function bnNames(
  prefix: string,
): { gamma: string; beta: string; mean: string; variance: string } {
  return {
    gamma: `${prefix}.gamma`,
    beta: `${prefix}.beta`,
    mean: `${prefix}.running_mean`,
    variance: `${prefix}.running_var`,
  };
}

/** Convolutions of the image tower in order: name, stride, in, out, and whether a block starts. */
export interface ConvSpec {
  name: string;
  stride: 1 | 2;
  cin: number;
  cout: number;
}

/** Image tower layout: stem, stage-1 blocks, down conv, stage-2 blocks. */
export function towerLayout(config: MiniClipConfig): {
  stem: ConvSpec[];
  blocks1: string[];
  down: ConvSpec;
  blocks2: string[];
} {
  const [s0, s1] = config.stem;
  return {
    stem: [
      { name: "image.stem1", stride: 2, cin: 1, cout: s0 },
      { name: "image.stem2", stride: 1, cin: s0, cout: s1 },
    ],
    blocks1: Array.from({ length: config.blocks1 }, (_, i) => `image.stage1.${i}`),
    down: { name: "image.down", stride: 2, cin: s1, cout: config.width },
    blocks2: Array.from({ length: config.blocks2 }, (_, i) => `image.stage2.${i}`),
  };
}

function convSpecs(name: string, cin: number, cout: number): WeightSpec[] {
  const bn = bnNames(`${name}.bn`);
  return [
    {
      name: `${name}.weight`,
      shape: [3, 3, cin, cout],
      init: { kind: "normal", std: Math.sqrt(2 / (9 * cin)) },
      trainable: true,
      decay: true,
    },
    { name: bn.gamma, shape: [cout], init: { kind: "ones" }, trainable: true, decay: false },
    { name: bn.beta, shape: [cout], init: { kind: "zeros" }, trainable: true, decay: false },
    { name: bn.mean, shape: [cout], init: { kind: "zeros" }, trainable: false, decay: false },
    { name: bn.variance, shape: [cout], init: { kind: "ones" }, trainable: false, decay: false },
  ];
}

function linearSpecs(name: string, cin: number, cout: number): WeightSpec[] {
  return [
    {
      name: `${name}.weight`,
      shape: [cin, cout],
      init: { kind: "normal", std: 1 / Math.sqrt(cin) },
      trainable: true,
      decay: true,
    },
    { name: `${name}.bias`, shape: [cout], init: { kind: "zeros" }, trainable: true, decay: false },
  ];
}

function poolSpecs(name: string, length: number, width: number, posStd: number): WeightSpec[] {
  return [
    {
      name: `${name}.positional_embedding`,
      shape: [length + 1, width],
      init: { kind: "normal", std: posStd },
      trainable: true,
      decay: false,
    },
    ...linearSpecs(`${name}.q_proj`, width, width),
    ...linearSpecs(`${name}.k_proj`, width, width),
    ...linearSpecs(`${name}.v_proj`, width, width),
  ];
}

/** Every weight of the mini-CLIP, in file order. */
export function weightSpecs(config: MiniClipConfig): WeightSpec[] {
  const layout = towerLayout(config);
  const specs: WeightSpec[] = [];
  for (const c of layout.stem) specs.push(...convSpecs(c.name, c.cin, c.cout));
  const block = (name: string, width: number) => [
    ...convSpecs(`${name}.conv1`, width, width),
    ...convSpecs(`${name}.conv2`, width, width),
  ];
  for (const b of layout.blocks1) specs.push(...block(b, config.stem[1]));
  specs.push(...convSpecs(layout.down.name, layout.down.cin, layout.down.cout));
  for (const b of layout.blocks2) specs.push(...block(b, config.width));
  const side = config.imageSize / 4;
  specs.push(
    ...poolSpecs("image.attnpool", side * side, config.width, 1 / Math.sqrt(config.width)),
  );
  specs.push(...linearSpecs("image.attnpool.c_proj", config.width, config.dim));
  specs.push({
    name: "text.token_embedding",
    shape: [config.vocabulary.length, config.textWidth],
    init: { kind: "normal", std: 1 / Math.sqrt(config.textWidth) },
    trainable: true,
    decay: true,
  });
  specs.push(
    ...poolSpecs(
      "text.attnpool",
      config.textLength,
      config.textWidth,
      1 / Math.sqrt(config.textWidth),
    ),
  );
  specs.push(...linearSpecs("text.projection", config.textWidth, config.dim));
  return specs;
}

function initValues(spec: WeightSpec, rng: () => number): Float32Array {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  if (spec.init.kind === "ones") out.fill(1);
  else if (spec.init.kind === "normal") {
    const std = spec.init.std;
    for (let i = 0; i < size; i += 2) {
      const u1 = 1 - rng(), u2 = rng();
      const r = Math.sqrt(-2 * Math.log(u1)) * std;
      out[i] = r * Math.cos(2 * Math.PI * u2);
      if (i + 1 < size) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
    }
  }
  return out;
}

/** Fresh weights from `seed` (deterministic across backends: drawn on the host). */
export function initWeights(
  config: MiniClipConfig,
  seed: number,
): Map<string, tf.Variable> {
  const rng = createRng(seed);
  const out = new Map<string, tf.Variable>();
  for (const spec of weightSpecs(config)) {
    const init = tf.tensor(initValues(spec, rng), spec.shape);
    out.set(spec.name, tf.variable(init, spec.trainable));
    init.dispose();
  }
  return out;
}

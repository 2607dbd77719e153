/**
 * CLIP's two towers in tfjs, from the weights of a Hugging Face CLIPModel checkpoint (names as
 * `transformers`' `modeling_clip` gives them; linear weights `[out, in]` are transposed once at
 * load). Inference only.
 *
 * Image tower (a ViT): patch embedding (a `patch x patch` convolution with stride `patch`, no
 * bias), the class embedding prepended, learned positions added (resized bicubically when the
 * grid is not the trained one, `interpolate.ts`), `pre_layrnorm`, pre-LN blocks
 * (x + attn(ln1(x)), then x + mlp(ln2(x)), the MLP with `hidden_act`), `post_layernorm` and
 * `visual_projection`.
 * - C_g, the global token: the class token through all of that (`image_embeds` of CLIPModel).
 * - C_d, the dense features: MaskCLIP's recipe (Zhou, Loy and Dai, "Extract Free Dense Labels
 *   from CLIP", ECCV 2022; `volgachen/MaskCLIP`, `mmseg/models/backbones/vit.py`, the
 *   `return_qkv` path of the last encoder layer): in the last block each patch token takes its
 *   value path instead of attention, v = out_proj(v_proj(ln1(x))), then the block's residual and
 *   MLP (v + x, then + mlp(ln2(.))), `post_layernorm` and `visual_projection`. Attention in the
 *   last block pools the image into the class token, so its patch outputs are not local; the value
 *   path keeps each patch's own content in the joint space.
 * Text tower: token and position embeddings, pre-LN blocks under a causal mask, `final_layer_norm`,
 * the state at the first `<|endoftext|>` token, `text_projection`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { NamedArray } from "../safetensors.ts";
import * as msg from "../messages.ts";
import type { ClipActivation, ClipConfig, ClipTowerConfig } from "./config.ts";
import { resizeBicubic } from "./interpolate.ts";

interface Block {
  ln1: [tf.Tensor1D, tf.Tensor1D];
  ln2: [tf.Tensor1D, tf.Tensor1D];
  q: [tf.Tensor2D, tf.Tensor1D];
  k: [tf.Tensor2D, tf.Tensor1D];
  v: [tf.Tensor2D, tf.Tensor1D];
  out: [tf.Tensor2D, tf.Tensor1D];
  fc1: [tf.Tensor2D, tf.Tensor1D];
  fc2: [tf.Tensor2D, tf.Tensor1D];
}

/** Raw outputs of the image tower (projected, not normalised). */
export interface ClipImageFeatures {
  /** C_g `[B, P]`. */
  readonly cls: tf.Tensor2D;
  /** C_d `[B, h, w, P]`. */
  readonly dense: tf.Tensor4D;
}

function activation(name: ClipActivation, x: tf.Tensor): tf.Tensor {
  switch (name) {
    case "quick_gelu":
      return tf.mul(x, tf.sigmoid(tf.mul(x, 1.702)));
    case "gelu":
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
    default: {
      const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
    }
  }
}

function linear(x: tf.Tensor, [w, b]: [tf.Tensor2D, tf.Tensor1D?]): tf.Tensor {
  const shape = x.shape;
  const flat = tf.reshape(x, [-1, shape[shape.length - 1]!]) as tf.Tensor2D;
  const y = b === undefined ? tf.matMul(flat, w) : tf.add(tf.matMul(flat, w), b);
  return tf.reshape(y, [...shape.slice(0, -1), w.shape[1]]);
}

function layerNorm(x: tf.Tensor, [g, b]: [tf.Tensor1D, tf.Tensor1D], eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), g), b);
}

/** `[B, N, C]` -> `[B, heads, N, C / heads]`. */
function splitHeads(x: tf.Tensor, heads: number): tf.Tensor4D {
  const [b, n, c] = x.shape as [number, number, number];
  return tf.transpose(tf.reshape(x, [b, n, heads, c / heads]), [0, 2, 1, 3]);
}

/** Multi-head attention of queries `xq` `[B, M, C]` over `x` `[B, N, C]` (both normalised). */
function attention(
  xq: tf.Tensor,
  x: tf.Tensor,
  block: Block,
  heads: number,
  mask: tf.Tensor | null,
): tf.Tensor {
  const [b, m, c] = xq.shape as [number, number, number];
  const scale = 1 / Math.sqrt(c / heads);
  const q = splitHeads(tf.mul(linear(xq, block.q), scale), heads);
  const k = splitHeads(linear(x, block.k), heads);
  const v = splitHeads(linear(x, block.v), heads);
  let scores = tf.matMul(q, k, false, true);
  if (mask !== null) scores = tf.add(scores, mask);
  const out = tf.matMul(tf.softmax(scores), v);
  return linear(tf.reshape(tf.transpose(out, [0, 2, 1, 3]), [b, m, c]), block.out);
}

function mlp(x: tf.Tensor, block: Block, act: ClipActivation): tf.Tensor {
  return linear(activation(act, linear(x, block.fc1)), block.fc2);
}

function residualBlock(x: tf.Tensor, block: Block, tower: ClipTowerConfig, mask: tf.Tensor | null) {
  const h = layerNorm(x, block.ln1, tower.layerNormEps);
  const y = tf.add(x, attention(h, h, block, tower.heads, mask));
  return tf.add(y, mlp(layerNorm(y, block.ln2, tower.layerNormEps), block, tower.act));
}

/** The weights of a CLIPModel checkpoint as tensors, and the two forward passes. */
export class ClipModel {
  readonly config: ClipConfig;
  readonly #tensors: tf.Tensor[] = [];
  /** The checkpoint's arrays while the constructor reads them (then released). */
  #weights: ReadonlyMap<string, NamedArray>;
  readonly #file: string;
  /** The trained position grid `[1 + g * g, C]` (host), resized per input size. */
  readonly #positionTable: Float32Array;
  /** Parameters in the checkpoint. */
  readonly parameterCount: number;
  readonly #positions = new Map<string, tf.Tensor2D>();
  readonly #vision: Block[];
  readonly #text: Block[];
  readonly #patch: tf.Tensor4D;
  readonly #classEmbedding: tf.Tensor1D;
  readonly #preLn: [tf.Tensor1D, tf.Tensor1D];
  readonly #postLn: [tf.Tensor1D, tf.Tensor1D];
  readonly #visualProjection: tf.Tensor2D;
  readonly #tokenEmbedding: tf.Tensor2D;
  readonly #textPositions: tf.Tensor2D;
  readonly #finalLn: [tf.Tensor1D, tf.Tensor1D];
  readonly #textProjection: tf.Tensor2D;
  readonly #pixelMean: tf.Tensor1D;
  readonly #pixelStd: tf.Tensor1D;

  /**
   * @param weights the checkpoint's tensors by name (extra ones, e.g. `position_ids`, are ignored).
   * @param file the weights file, named in errors.
   * @throws {Error} When a tensor is missing or has another shape than `config` implies.
   */
  constructor(config: ClipConfig, weights: ReadonlyMap<string, NamedArray>, file: string) {
    this.config = config;
    this.#weights = weights;
    this.#file = file;
    const v = config.vision, t = config.text, p = config.projectionDim;
    const grid = Math.floor(v.imageSize / v.patchSize);
    try {
      const patch = this.#read("vision_model.embeddings.patch_embedding.weight", [
        v.hiddenSize,
        3,
        v.patchSize,
        v.patchSize,
      ]);
      this.#patch = this.#keep(tf.transpose(patch, [2, 3, 1, 0]) as tf.Tensor4D);
      patch.dispose();
      this.#classEmbedding = this.#tensor("vision_model.embeddings.class_embedding", [
        v.hiddenSize,
      ]);
      // The position grid stays on the host until a size asks for it (see `#positionsFor`).
      this.#positionTable = this.#array("vision_model.embeddings.position_embedding.weight", [
        grid * grid + 1,
        v.hiddenSize,
      ]).data;
      this.#preLn = this.#norm("vision_model.pre_layrnorm", v.hiddenSize);
      this.#vision = this.#blocks("vision_model", v);
      this.#postLn = this.#norm("vision_model.post_layernorm", v.hiddenSize);
      this.#visualProjection = this.#matrix("visual_projection.weight", p, v.hiddenSize);
      this.#tokenEmbedding = this.#tensor("text_model.embeddings.token_embedding.weight", [
        t.vocabSize,
        t.hiddenSize,
      ]);
      this.#textPositions = this.#tensor("text_model.embeddings.position_embedding.weight", [
        t.maxPositions,
        t.hiddenSize,
      ]);
      this.#text = this.#blocks("text_model", t);
      this.#finalLn = this.#norm("text_model.final_layer_norm", t.hiddenSize);
      this.#textProjection = this.#matrix("text_projection.weight", p, t.hiddenSize);
      this.#pixelMean = this.#keep(tf.tensor1d([...config.imageMean]));
      this.#pixelStd = this.#keep(tf.tensor1d([...config.imageStd]));
      this.parameterCount = [...weights.values()].reduce((n, a) => n + a.data.length, 0);
    } catch (error) {
      this.dispose();
      throw error;
    } finally {
      this.#weights = new Map();
    }
  }

  #keep<T extends tf.Tensor>(tensor: T): T {
    this.#tensors.push(tensor);
    return tensor;
  }

  #array(name: string, shape: readonly number[]): NamedArray {
    const found = this.#weights.get(name);
    if (found === undefined) throw new Error(msg.missingTensor(this.#file, name));
    if (found.shape.length !== shape.length || found.shape.some((d, i) => d !== shape[i])) {
      throw new Error(msg.tensorShape(this.#file, name, found.shape, shape));
    }
    return found;
  }

  #read(name: string, shape: readonly number[]): tf.Tensor {
    return tf.tensor(this.#array(name, shape).data, [...shape]);
  }

  #tensor<T extends tf.Tensor>(name: string, shape: readonly number[]): T {
    return this.#keep(this.#read(name, shape) as T);
  }

  /** A linear weight `[out, in]`, kept as `[in, out]`. */
  #matrix(name: string, rows: number, cols: number): tf.Tensor2D {
    return this.#keep(tf.tidy(() => tf.transpose(this.#read(name, [rows, cols])) as tf.Tensor2D));
  }

  #norm(prefix: string, width: number): [tf.Tensor1D, tf.Tensor1D] {
    return [this.#tensor(`${prefix}.weight`, [width]), this.#tensor(`${prefix}.bias`, [width])];
  }

  #linear(prefix: string, out: number, inp: number): [tf.Tensor2D, tf.Tensor1D] {
    return [this.#matrix(`${prefix}.weight`, out, inp), this.#tensor(`${prefix}.bias`, [out])];
  }

  #blocks(tower: string, config: ClipTowerConfig): Block[] {
    const c = config.hiddenSize, m = config.intermediateSize;
    return Array.from({ length: config.layers }, (_, i) => {
      const p = `${tower}.encoder.layers.${i}`;
      return {
        ln1: this.#norm(`${p}.layer_norm1`, c),
        ln2: this.#norm(`${p}.layer_norm2`, c),
        q: this.#linear(`${p}.self_attn.q_proj`, c, c),
        k: this.#linear(`${p}.self_attn.k_proj`, c, c),
        v: this.#linear(`${p}.self_attn.v_proj`, c, c),
        out: this.#linear(`${p}.self_attn.out_proj`, c, c),
        fc1: this.#linear(`${p}.mlp.fc1`, m, c),
        fc2: this.#linear(`${p}.mlp.fc2`, c, m),
      };
    });
  }

  /** Position embeddings `[1 + h * w, C]` for an `h x w` patch grid (resized once, then kept). */
  #positionsFor(h: number, w: number): tf.Tensor2D {
    const key = `${h}x${w}`;
    const cached = this.#positions.get(key);
    if (cached) return cached;
    const v = this.config.vision, c = v.hiddenSize;
    const g = Math.floor(v.imageSize / v.patchSize);
    const table = this.#positionTable;
    const out = new Float32Array((1 + h * w) * c);
    out.set(table.subarray(0, c));
    out.set(resizeBicubic(table.subarray(c), [g, g], [h, w], c), c);
    // Kept: a caller may encode inside its own `tf.tidy`, which would free a cached grid.
    const tensor = this.#keep(tf.keep(tf.tensor2d(out, [1 + h * w, c])));
    this.#positions.set(key, tensor);
    return tensor;
  }

  /**
   * C_g and C_d (projected, not normalised) of `images` `[B, H, W, 3]` (or one grey channel,
   * repeated), values in [0, 1]. The patch grid is `floor(H / patch) x floor(W / patch)`.
   * Sync; the caller disposes the outputs.
   */
  encodeImage(images: tf.Tensor4D): ClipImageFeatures {
    const v = this.config.vision;
    const [, height, width, channels] = images.shape;
    if ((channels !== 1 && channels !== 3) || height < v.patchSize || width < v.patchSize) {
      throw new RangeError(msg.clipImageShape(images.shape, v.patchSize));
    }
    const h = Math.floor(height / v.patchSize), w = Math.floor(width / v.patchSize);
    const positions = this.#positionsFor(h, w);
    return tf.tidy(() => {
      const rgb = channels === 1 ? tf.tile(images, [1, 1, 1, 3]) : images;
      const x = tf.div(tf.sub(rgb, this.#pixelMean), this.#pixelStd) as tf.Tensor4D;
      const patches = tf.conv2d(x, this.#patch, v.patchSize, "valid");
      const b = images.shape[0], c = v.hiddenSize;
      const cls = tf.broadcastTo(tf.reshape(this.#classEmbedding, [1, 1, c]), [b, 1, c]);
      let tokens: tf.Tensor = tf.concat([cls, tf.reshape(patches, [b, h * w, c])], 1);
      tokens = layerNorm(tf.add(tokens, positions), this.#preLn, v.layerNormEps);
      for (const block of this.#vision.slice(0, -1)) tokens = residualBlock(tokens, block, v, null);
      const last = this.#vision[this.#vision.length - 1]!;
      const normed = layerNorm(tokens, last.ln1, v.layerNormEps);
      // The class token: attention over every token (only its query is needed).
      const clsIn = tf.slice(tokens, [0, 0, 0], [b, 1, c]);
      const clsQuery = tf.slice(normed, [0, 0, 0], [b, 1, c]);
      const clsMid = tf.add(clsIn, attention(clsQuery, normed, last, v.heads, null));
      const clsOut = tf.add(clsMid, mlp(layerNorm(clsMid, last.ln2, v.layerNormEps), last, v.act));
      // The patches: the value path (MaskCLIP).
      const patchIn = tf.slice(tokens, [0, 1, 0], [b, h * w, c]);
      const value = linear(linear(tf.slice(normed, [0, 1, 0], [b, h * w, c]), last.v), last.out);
      const patchMid = tf.add(patchIn, value);
      const patchOut = tf.add(
        patchMid,
        mlp(layerNorm(patchMid, last.ln2, v.layerNormEps), last, v.act),
      );
      const project = (t: tf.Tensor) =>
        tf.matMul(
          tf.reshape(layerNorm(t, this.#postLn, v.layerNormEps), [-1, c]) as tf.Tensor2D,
          this.#visualProjection,
        );
      const p = this.config.projectionDim;
      return {
        cls: project(clsOut) as tf.Tensor2D,
        dense: tf.reshape(project(patchOut), [b, h, w, p]) as tf.Tensor4D,
      };
    });
  }

  /**
   * Text embeddings (projected, not normalised) `[N, P]` of token sequences that each hold
   * `endId` (the state at its first occurrence is pooled). Sequences are padded to the longest
   * with `endId`; the causal mask keeps padding from reaching the pooled state. Sync.
   */
  encodeText(sequences: readonly (readonly number[])[], endId: number): tf.Tensor2D {
    const t = this.config.text;
    const n = sequences.length;
    const length = Math.max(...sequences.map((s) => s.length));
    const ids = new Int32Array(n * length).fill(endId);
    const pooled = sequences.map((s, i) => {
      ids.set(s, i * length);
      return i * length + s.indexOf(endId);
    });
    return tf.tidy(() => {
      const maskValues = new Float32Array(length * length);
      for (let i = 0; i < length; i++) maskValues.fill(-1e9, i * length + i + 1, (i + 1) * length);
      const mask = tf.tensor2d(maskValues, [length, length]);
      const embedded = tf.gather(this.#tokenEmbedding, tf.tensor1d(ids, "int32"));
      let x: tf.Tensor = tf.add(
        tf.reshape(embedded, [n, length, t.hiddenSize]),
        tf.slice(this.#textPositions, [0, 0], [length, t.hiddenSize]),
      );
      for (const block of this.#text) x = residualBlock(x, block, t, mask);
      x = layerNorm(x, this.#finalLn, t.layerNormEps);
      const rows = tf.gather(
        tf.reshape(x, [n * length, t.hiddenSize]),
        tf.tensor1d(pooled, "int32"),
      );
      return tf.matMul(rows as tf.Tensor2D, this.#textProjection);
    });
  }

  /** Frees every tensor. */
  dispose(): void {
    tf.dispose(this.#tensors.splice(0));
    this.#positions.clear();
  }
}

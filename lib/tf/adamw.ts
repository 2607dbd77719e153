/**
 * AdamW (Loshchilov & Hutter): Adam with decoupled weight decay, the optimizer of both the student
 * (the paper's MMSegmentation setup) and the teacher (DESIGN.md, "Calibration"). tfjs ships Adam
 * only; here the decay is applied to the weights directly,
 * `p <- p * (1 - lr * wd) - lr * m_hat / (sqrt(v_hat) + eps)`, and only to the weights `decay`
 * selects (by default tensors of rank >= 2: kernels and projections, not biases or norm gains).
 * Its state (moments and update count) is saved and restored exactly, as host arrays.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { messages } from "./messages.ts";

/** AdamW hyper-parameters. */
export interface AdamWOptions {
  /** @default 0.9 */
  readonly beta1?: number;
  /** @default 0.999 */
  readonly beta2?: number;
  /** @default 1e-8 */
  readonly epsilon?: number;
  /** Decoupled weight decay. @default 0 */
  readonly weightDecay?: number;
  /** Which weights decay. @default weights of rank >= 2 */
  readonly decay?: (name: string, weight: tf.Variable) => boolean;
}

/** A tensor's values on the host. */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

/** What `getState()` returns and `setState()` takes: moments `m.<name>` and `v.<name>`, and the update count. */
export interface AdamWState {
  readonly iterations: number;
  readonly moments: ReadonlyMap<string, HostTensor>;
}

/**
 * An AdamW optimizer over a fixed set of named weights; owns its moment estimates (`dispose()`).
 * Weights given as a list are named by `variable.name`, the keys `tf.variableGrads` uses.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { assert } from "../_std.ts";
 * import { initBackend } from "./backend.ts";
 * import { AdamW } from "./adamw.ts";
 * await initBackend("cpu");
 * const w = tf.variable(tf.tensor2d([[1]]));
 * const opt = new AdamW([w], { weightDecay: 0.1 });
 * const grads = new Map([[w.name, tf.ones([1, 1])]]);
 * opt.step(grads, 0.01);
 * assert.ok(w.dataSync()[0]! < 1);
 * assert.equal(opt.iterations, 1);
 * opt.dispose();
 * w.dispose();
 * grads.forEach((g) => g.dispose());
 * ```
 */
export class AdamW {
  readonly #params: ReadonlyMap<string, tf.Variable>;
  readonly #m = new Map<string, tf.Variable>();
  readonly #v = new Map<string, tf.Variable>();
  readonly #decays = new Set<string>();
  readonly #beta1: number;
  readonly #beta2: number;
  readonly #epsilon: number;
  readonly #weightDecay: number;
  #t = 0;

  constructor(
    params: readonly tf.Variable[] | ReadonlyMap<string, tf.Variable>,
    options: AdamWOptions = {},
  ) {
    this.#params = Array.isArray(params)
      ? new Map(params.map((p) => [p.name, p]))
      : params as ReadonlyMap<string, tf.Variable>;
    this.#beta1 = options.beta1 ?? 0.9;
    this.#beta2 = options.beta2 ?? 0.999;
    this.#epsilon = options.epsilon ?? 1e-8;
    this.#weightDecay = options.weightDecay ?? 0;
    const decay = options.decay ?? ((_: string, p: tf.Variable) => p.rank >= 2);
    for (const [name, p] of this.#params) {
      this.#m.set(name, tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
      this.#v.set(name, tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
      if (decay(name, p)) this.#decays.add(name);
    }
  }

  /** Updates taken so far (restored by `setState`). */
  get iterations(): number {
    return this.#t;
  }

  /**
   * One update with learning rate `lr`. `grads` maps weight names to gradients (for a list of
   * variables: as `tf.variableGrads` returns them); weights without a gradient are left alone.
   * The caller keeps ownership of `grads`.
   */
  step(grads: ReadonlyMap<string, tf.Tensor> | tf.NamedTensorMap, lr: number): void {
    this.#t += 1;
    const get = (name: string): tf.Tensor | undefined =>
      grads instanceof Map ? grads.get(name) : (grads as tf.NamedTensorMap)[name];
    const b1 = this.#beta1, b2 = this.#beta2, t = this.#t;
    const c1 = 1 / (1 - b1 ** t), c2 = 1 / (1 - b2 ** t);
    const decay = 1 - lr * this.#weightDecay;
    tf.tidy(() => {
      for (const [name, p] of this.#params) {
        const g = get(name);
        if (g === undefined) continue;
        const m = this.#m.get(name)!, v = this.#v.get(name)!;
        const m1 = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
        const v1 = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
        m.assign(m1);
        v.assign(v1);
        const update = tf.div(tf.mul(m1, lr * c1), tf.add(tf.sqrt(tf.mul(v1, c2)), this.#epsilon));
        const decayed = this.#decays.has(name) && decay !== 1;
        p.assign(tf.sub(decayed ? tf.mul(p, decay) : p, update));
      }
    });
  }

  /** The moments (host copies) and the update count, e.g. for a checkpoint. */
  getState(): AdamWState {
    const moments = new Map<string, HostTensor>();
    for (const [prefix, table] of [["m", this.#m], ["v", this.#v]] as const) {
      for (const [name, t] of table) {
        moments.set(`${prefix}.${name}`, {
          shape: [...t.shape],
          data: new Float32Array(t.dataSync() as Float32Array),
        });
      }
    }
    return { iterations: this.#t, moments };
  }

  /**
   * Restores what `getState()` returned (possibly in another process).
   *
   * @throws {RangeError} naming the first moment that is missing or has another shape; nothing
   *   is changed then.
   */
  setState(state: AdamWState): void {
    const updates: [tf.Variable, HostTensor][] = [];
    for (const [prefix, table] of [["m", this.#m], ["v", this.#v]] as const) {
      for (const [name, t] of table) {
        const key = `${prefix}.${name}`;
        const saved = state.moments.get(key);
        if (saved === undefined) throw new RangeError(messages.optimizerStateMissing(key));
        if (saved.shape.join() !== t.shape.join()) {
          throw new RangeError(messages.optimizerStateShape(key, saved.shape, t.shape));
        }
        updates.push([t, saved]);
      }
    }
    for (const [t, saved] of updates) tf.tidy(() => t.assign(tf.tensor(saved.data, saved.shape)));
    this.#t = state.iterations;
  }

  /** Frees the moment estimates (not the weights). */
  dispose(): void {
    for (const x of [...this.#m.values(), ...this.#v.values()]) x.dispose();
  }
}

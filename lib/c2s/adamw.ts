/**
 * AdamW (Loshchilov & Hutter): Adam with decoupled weight decay, the optimizer of the paper's
 * MMSegmentation setup. tfjs ships Adam only; here the decay is applied to the weights directly,
 * `p <- p - lr * (m_hat / (sqrt(v_hat) + eps) + wd * p)`, and only to tensors of rank >= 2
 * (kernels and projections; biases and norm gains are not decayed).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

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
}

/**
 * An AdamW optimizer over a fixed list of variables; owns its moment estimates.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { AdamW } from "./adamw.ts";
 * await tf.setBackend("cpu");
 * const w = tf.variable(tf.tensor2d([[1]]));
 * const opt = new AdamW([w], { weightDecay: 0.1 });
 * const grads = new Map([[w.name, tf.ones([1, 1])]]);
 * opt.step(grads, 0.01);
 * console.assert(w.dataSync()[0]! < 1);
 * opt.dispose(); w.dispose(); grads.forEach((g) => g.dispose());
 * ```
 */
export class AdamW {
  readonly #params: tf.Variable[];
  readonly #m: tf.Variable[];
  readonly #v: tf.Variable[];
  readonly #beta1: number;
  readonly #beta2: number;
  readonly #epsilon: number;
  readonly #weightDecay: number;
  #t = 0;

  constructor(params: readonly tf.Variable[], options: AdamWOptions = {}) {
    this.#params = [...params];
    this.#m = this.#params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
    this.#v = this.#params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
    this.#beta1 = options.beta1 ?? 0.9;
    this.#beta2 = options.beta2 ?? 0.999;
    this.#epsilon = options.epsilon ?? 1e-8;
    this.#weightDecay = options.weightDecay ?? 0;
  }

  /** Steps taken so far. */
  get iterations(): number {
    return this.#t;
  }

  /**
   * One update with learning rate `lr`. `grads` maps variable names to gradients (as returned by
   * `tf.variableGrads`); variables without a gradient are left alone. The caller keeps ownership
   * of `grads`.
   */
  step(grads: ReadonlyMap<string, tf.Tensor> | tf.NamedTensorMap, lr: number): void {
    this.#t += 1;
    const get = (name: string): tf.Tensor | undefined =>
      grads instanceof Map ? grads.get(name) : (grads as tf.NamedTensorMap)[name];
    const b1 = this.#beta1, b2 = this.#beta2, t = this.#t;
    const c1 = 1 / (1 - b1 ** t), c2 = 1 / (1 - b2 ** t);
    tf.tidy(() => {
      for (let i = 0; i < this.#params.length; i++) {
        const p = this.#params[i]!, m = this.#m[i]!, v = this.#v[i]!;
        const g = get(p.name);
        if (g === undefined) continue;
        const m1 = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
        const v1 = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
        m.assign(m1);
        v.assign(v1);
        const update = tf.div(tf.mul(m1, lr * c1), tf.add(tf.sqrt(tf.mul(v1, c2)), this.#epsilon));
        const decay = p.rank >= 2 && this.#weightDecay > 0 ? 1 - lr * this.#weightDecay : 1;
        p.assign(tf.sub(decay === 1 ? p : tf.mul(p, decay), update));
      }
    });
  }

  /** Frees the moment estimates (not the parameters). */
  dispose(): void {
    for (const x of [...this.#m, ...this.#v]) x.dispose();
  }
}

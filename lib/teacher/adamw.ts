/**
 * AdamW (decoupled weight decay, Loshchilov & Hutter) over named weights, with its moments held as
 * tensors that a checkpoint saves and restores exactly; and the learning-rate schedule (linear
 * warm-up, then cosine to zero).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** AdamW hyper-parameters. */
export interface AdamWOptions {
  /** @default 0.9 */
  beta1?: number;
  /** @default 0.999 */
  beta2?: number;
  /** @default 1e-8 */
  epsilon?: number;
  /** Decoupled weight decay. @default 0.05 */
  weightDecay?: number;
}

function zeroVariable(shape: number[]): tf.Variable {
  const z = tf.zeros(shape);
  const v = tf.variable(z, false);
  z.dispose();
  return v;
}

/** AdamW state: first and second moments per trainable weight, and the update count. */
export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  /** Moments by weight name. */
  readonly m = new Map<string, tf.Variable>();
  readonly v = new Map<string, tf.Variable>();

  constructor(shapes: ReadonlyMap<string, number[]>, options: AdamWOptions = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.05;
    for (const [name, shape] of shapes) {
      this.m.set(name, zeroVariable(shape));
      this.v.set(name, zeroVariable(shape));
    }
  }

  /**
   * One update of every weight in `grads` at learning rate `lr`; `t` is the 1-based update count
   * (bias correction); weights named in `decay` also get weight decay.
   */
  apply(
    weights: ReadonlyMap<string, tf.Variable>,
    grads: ReadonlyMap<string, tf.Tensor>,
    lr: number,
    t: number,
    decay: ReadonlySet<string>,
  ): void {
    const c1 = 1 - Math.pow(this.beta1, t);
    const c2 = 1 - Math.pow(this.beta2, t);
    for (const [name, g] of grads) {
      const p = weights.get(name)!;
      const m = this.m.get(name)!;
      const v = this.v.get(name)!;
      tf.tidy(() => {
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        const update = tf.div(tf.mul(m, lr / c1), tf.add(tf.sqrt(tf.mul(v, 1 / c2)), this.epsilon));
        const base = decay.has(name) ? tf.mul(p, 1 - lr * this.weightDecay) : p;
        p.assign(tf.sub(base, update));
      });
    }
  }

  /** Frees the moments. */
  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}

/** Learning rate at 0-based `step` of `total`: linear warm-up over `warmup` of the steps, then cosine to 0. */
export function learningRate(step: number, total: number, peak: number, warmup = 0.05): number {
  const w = Math.max(1, Math.round(total * warmup));
  if (step < w) return peak * (step + 1) / w;
  const progress = (step - w) / Math.max(1, total - w);
  return peak * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
}

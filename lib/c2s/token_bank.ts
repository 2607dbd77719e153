/**
 * The CLS token bank V of Sec. III-C (Eq. 4): a FIFO of the B most recent global CLS tokens C_g
 * of earlier iterations, used as extra negatives of the global distillation. Host memory only: the
 * tokens come from the teacher cache, so the bank never touches the backend.
 *
 * Order per step (the reading used here): the loss of step t contrasts against the tokens enqueued
 * by steps < t (plus the batch's own other images), then step t enqueues its C_g rows, oldest
 * first, and the oldest tokens beyond B are dequeued.
 *
 * @module
 */

/**
 * A fixed-capacity FIFO of `dim`-wide rows.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { TokenBank } from "./token_bank.ts";
 * const bank = new TokenBank(2, 1);
 * bank.push(Float32Array.from([1, 2, 3]));
 * assertEquals(Array.from(bank.tokens()), [2, 3]);
 * ```
 */
export class TokenBank {
  readonly capacity: number;
  readonly dim: number;
  readonly #rows: Float32Array;
  /** Index of the oldest row in the ring. */
  #head = 0;
  #size = 0;

  constructor(capacity: number, dim: number) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(`Token bank capacity must be a non-negative integer, got ${capacity}`);
    }
    if (!Number.isInteger(dim) || dim < 1) {
      throw new RangeError(`Token bank width must be a positive integer, got ${dim}`);
    }
    this.capacity = capacity;
    this.dim = dim;
    this.#rows = new Float32Array(capacity * dim);
  }

  /** Tokens held (at most `capacity`). */
  get size(): number {
    return this.#size;
  }

  /** Enqueues the rows of `tokens` (`n * dim`, oldest first), dequeuing the oldest beyond capacity. */
  push(tokens: Float32Array): void {
    if (tokens.length % this.dim !== 0) {
      throw new RangeError(
        `Token rows must be a multiple of the width ${this.dim}, got ${tokens.length} values`,
      );
    }
    if (this.capacity === 0) return;
    const n = tokens.length / this.dim;
    // Only the newest `capacity` rows can survive.
    for (let r = Math.max(0, n - this.capacity); r < n; r++) {
      const slot = (this.#head + this.#size) % this.capacity;
      this.#rows.set(tokens.subarray(r * this.dim, (r + 1) * this.dim), slot * this.dim);
      if (this.#size < this.capacity) this.#size++;
      else this.#head = (this.#head + 1) % this.capacity;
    }
  }

  /** The held tokens, oldest first, as a fresh `size * dim` array. */
  tokens(): Float32Array {
    const out = new Float32Array(this.#size * this.dim);
    for (let i = 0; i < this.#size; i++) {
      const slot = (this.#head + i) % this.capacity;
      out.set(this.#rows.subarray(slot * this.dim, (slot + 1) * this.dim), i * this.dim);
    }
    return out;
  }
}

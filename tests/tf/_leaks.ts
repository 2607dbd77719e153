/**
 * A leak check for kernels and training steps: the tensor count and the active backend's buffer
 * count stay exactly where a first (warm-up) run left them.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../../lib/_std.ts";

/** Runs `step` once, then `times` more, asserting no tensor and no backend buffer outlives them. */
export function assertNoLeaks(step: () => void, times = 2): void {
  const backend = tf.backend() as unknown as { numDataIds(): number };
  step();
  const tensors = tf.memory().numTensors;
  const buffers = backend.numDataIds();
  for (let i = 0; i < times; i++) step();
  assert.equal(tf.memory().numTensors, tensors, "tensors");
  assert.equal(backend.numDataIds(), buffers, "backend buffers");
}

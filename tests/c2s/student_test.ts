import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../../lib/_std.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { Student } from "../../lib/c2s/student.ts";

await initBackend("wasm");

Deno.test("the default student has the reference size: ~0.27M parameters, ~39 MMAC on 64 x 64", () => {
  const s = new Student();
  assert.equal(s.parameterCount, 269_776);
  assert.equal(Math.round(s.macsPerImage(64, 64) / 1e3), 38_945);
  s.dispose();
});

Deno.test("Student.forward() maps [B, H, W, 1] to features [B, H/4, W/4, D] and frees its intermediates", () => {
  const s = new Student({ width: 4, dim: 8, seed: 3 });
  const x = tf.rand([2, 32, 32, 1], Math.random) as tf.Tensor4D;
  const before = tf.memory().numTensors;
  const f = s.forward(x);
  assert.deepEqual(f.shape, [2, 8, 8, 8]);
  assert.equal(tf.memory().numTensors, before + 1);
  tf.dispose([x, f]);
  const n = tf.memory().numTensors;
  s.dispose();
  assert.equal(tf.memory().numTensors, n - s.variables.length);
});

Deno.test("Student initialisation is deterministic in its seed", () => {
  const a = new Student({ width: 4, dim: 8, seed: 1 });
  const b = new Student({ width: 4, dim: 8, seed: 1 });
  const c = new Student({ width: 4, dim: 8, seed: 2 });
  const first = (s: Student) => Array.from(s.variables[0]!.dataSync());
  assert.deepEqual(first(a), first(b));
  assert.notDeepEqual(first(a), first(c));
  [a, b, c].forEach((s) => s.dispose());
});

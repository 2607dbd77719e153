import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../../lib/_std.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import {
  LatentEmbeddingGenerator,
  type LatentInputs,
  type LatentOptions,
} from "../../lib/c2s/latent_embeddings.ts";
import { messages } from "../../lib/c2s/messages.ts";

await initBackend("wasm");

const D = 8, B = 2, U = 2, S = 4;

function inputs(): LatentInputs {
  const n = (shape: number[], seed: number) => {
    const x = tf.randomNormal(shape, 0, 1, "float32", seed);
    const y = tf.div(x, tf.norm(x, "euclidean", -1, true));
    x.dispose();
    return y;
  };
  return {
    prototypes: n([B, U, D], 1) as tf.Tensor3D,
    latentCls: n([B, U, D], 2) as tf.Tensor3D,
    latentValid: tf.tensor2d([[1, 1], [1, 0]]),
    globalCls: n([B, D], 3) as tf.Tensor2D,
    localCls: n([B, S, D], 4) as tf.Tensor3D,
    localValid: tf.tensor2d([[1, 0, 1, 1], [1, 1, 1, 0]]),
  };
}

function run(patch: Partial<LatentOptions>, x: LatentInputs): number[] {
  const g = new LatentEmbeddingGenerator({
    features: "both",
    calibrator: "transformer",
    useGlobalCls: true,
    useLocalCls: true,
    layers: 1,
    heads: 2,
    dim: D,
    seed: 5,
    ...patch,
  });
  const out = g.generate(x);
  const v = Array.from(out.dataSync());
  out.dispose();
  g.dispose();
  return v;
}

Deno.test("LatentEmbeddingGenerator without calibrator passes the normalised query through", () => {
  const x = inputs();
  const protos = run({ calibrator: "none", features: "prototypes" }, x);
  assert.ok(protos.every((v, i) => Math.abs(v - x.prototypes.dataSync()[i]!) < 1e-6));
  const cls = run({ calibrator: "none", features: "cls" }, x);
  assert.ok(cls.every((v, i) => Math.abs(v - x.latentCls.dataSync()[i]!) < 1e-6));
  tf.dispose(Object.values(x));
});

Deno.test("LatentEmbeddingGenerator outputs unit vectors of shape [B, U, D]", () => {
  const x = inputs();
  const g = new LatentEmbeddingGenerator({
    features: "both",
    calibrator: "transformer",
    useGlobalCls: true,
    useLocalCls: true,
    layers: 2,
    heads: 4,
    dim: D,
  });
  const out = g.generate(x);
  assert.deepEqual(out.shape, [B, U, D]);
  const norms = tf.norm(out, "euclidean", -1);
  assert.ok(Array.from(norms.dataSync()).every((v) => Math.abs(v - 1) < 1e-5));
  tf.dispose([out, norms, ...Object.values(x)]);
  g.dispose();
});

Deno.test("every latent switch (features, calibrator, global / local CLS keys) changes A'_u", () => {
  const x = inputs();
  const variants = [
    run({}, x),
    run({ useGlobalCls: false }, x),
    run({ useLocalCls: false }, x),
    run({ features: "cls" }, x),
    run({ features: "prototypes" }, x),
    run({ calibrator: "mlp" }, x),
    run({ calibrator: "mlp", features: "prototypes" }, x),
    run({ calibrator: "none" }, x),
  ];
  const keys = new Set(variants.map((v) => v.map((x) => x.toFixed(5)).join()));
  assert.equal(keys.size, variants.length);
  tf.dispose(Object.values(x));
});

Deno.test("a padding key (invalid local token) does not affect the transformer's output", () => {
  const x = inputs();
  const a = run({}, x);
  // Change the token of slot 1 of image 0, which is invalid.
  const changed = tf.tidy(() => {
    const buf = x.localCls.bufferSync();
    for (let d = 0; d < D; d++) buf.set(d % 2 ? 5 : -5, 0, 1, d);
    return buf.toTensor() as tf.Tensor3D;
  });
  const b = run({}, { ...x, localCls: changed });
  assert.ok(a.every((v, i) => Math.abs(v - b[i]!) < 1e-5));
  tf.dispose([changed, ...Object.values(x)]);
});

Deno.test("the transformer calibrator without global and local CLS keys is rejected", () => {
  assert.throws(() => run({ useGlobalCls: false, useLocalCls: false }, {} as LatentInputs), {
    name: "RangeError",
    message: messages.noLatentKeys(),
  });
});

Deno.test("heads that do not divide the width are rejected", () => {
  assert.throws(() => run({ heads: 3 }, {} as LatentInputs), {
    name: "RangeError",
    message: 'Config "latent.heads" 3 does not divide the feature width 8',
  });
});

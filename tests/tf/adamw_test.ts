import * as tf from "@tensorflow/tfjs-core";
import { assert, assertThrows } from "../../lib/_std.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { AdamW } from "../../lib/tf/adamw.ts";
import { messages } from "../../lib/tf/messages.ts";

await initBackend("wasm");

Deno.test("AdamW's first step moves by lr * sign(g) plus decoupled decay on matrices only", () => {
  const w = tf.variable(tf.tensor2d([[2, -1]]));
  const b = tf.variable(tf.tensor1d([3]));
  const opt = new AdamW([w, b], { weightDecay: 0.5, epsilon: 0 });
  const grads = { [w.name]: tf.tensor2d([[0.3, -4]]), [b.name]: tf.tensor1d([1]) };
  opt.step(grads, 0.1);
  // m_hat = g, v_hat = g^2: update = lr * sign(g); decay multiplies the matrix by 1 - 0.1 * 0.5.
  const wv = Array.from(w.dataSync());
  assert.ok(Math.abs(wv[0]! - (2 * 0.95 - 0.1)) < 1e-6);
  assert.ok(Math.abs(wv[1]! - (-1 * 0.95 + 0.1)) < 1e-6);
  assert.ok(Math.abs(b.dataSync()[0]! - (3 - 0.1)) < 1e-6);
  assert.equal(opt.iterations, 1);
  tf.dispose([w, b, ...Object.values(grads)]);
  opt.dispose();
});

Deno.test("AdamW over named weights decays the ones `decay` selects, whatever their rank", () => {
  const weights = new Map<string, tf.Variable>([
    ["pos", tf.variable(tf.tensor2d([[1]]))],
    ["bias", tf.variable(tf.tensor1d([1]))],
  ]);
  const opt = new AdamW(weights, {
    weightDecay: 0.5,
    epsilon: 0,
    decay: (name) => name === "bias",
  });
  const grads = new Map<string, tf.Tensor>([["pos", tf.tensor2d([[1]])], [
    "bias",
    tf.tensor1d([1]),
  ]]);
  opt.step(grads, 0.1);
  assert.ok(Math.abs(weights.get("pos")!.dataSync()[0]! - 0.9) < 1e-6);
  assert.ok(Math.abs(weights.get("bias")!.dataSync()[0]! - (0.95 - 0.1)) < 1e-6);
  tf.dispose([...weights.values(), ...grads.values()]);
  opt.dispose();
});

Deno.test("AdamW leaves weights without a gradient unchanged and a step leaks no tensor", () => {
  const w = tf.variable(tf.tensor2d([[1]]));
  const other = tf.variable(tf.tensor2d([[5]]));
  const opt = new AdamW([w, other], { weightDecay: 0.1 });
  const g = tf.ones([1, 1]);
  const before = tf.memory().numTensors;
  opt.step(new Map([[w.name, g]]), 0.01);
  assert.equal(tf.memory().numTensors, before);
  assert.equal(other.dataSync()[0], 5);
  assert.ok(w.dataSync()[0]! < 1);
  tf.dispose([w, other, g]);
  opt.dispose();
});

Deno.test("AdamW owns exactly two moments per weight and frees them all on dispose()", () => {
  const before = tf.memory().numTensors;
  const ws = tf.tidy(() => [tf.variable(tf.zeros([2, 3])), tf.variable(tf.zeros([4]))]);
  const opt = new AdamW(ws);
  assert.equal(tf.memory().numTensors, before + 2 + 4);
  opt.dispose();
  tf.dispose(ws);
  assert.equal(tf.memory().numTensors, before);
});

/** Quadratic loss sum((w - target)^2) over two weights, as tf.variableGrads sees it. */
function train(opt: AdamW, ws: tf.Variable[], steps: number, lr: number): void {
  const target = tf.tensor2d([[1, -2], [3, 0.5]]);
  for (let i = 0; i < steps; i++) {
    const { value, grads } = tf.variableGrads(
      () => tf.add(tf.sum(tf.square(tf.sub(ws[0]!, target))), tf.sum(tf.square(ws[1]!))),
      ws,
    );
    opt.step(grads, lr);
    value.dispose();
    tf.dispose(grads);
  }
  target.dispose();
}

Deno.test("AdamW steps around tf.variableGrads keep the tensor count exactly constant", () => {
  const ws = [tf.variable(tf.zeros([2, 2])), tf.variable(tf.ones([3]))];
  const opt = new AdamW(ws, { weightDecay: 0.05 });
  train(opt, ws, 1, 0.1);
  const before = tf.memory().numTensors;
  train(opt, ws, 5, 0.1);
  assert.equal(tf.memory().numTensors, before);
  assert.equal(opt.iterations, 6);
  opt.dispose();
  tf.dispose(ws);
});

Deno.test("AdamW's state restored into a fresh optimizer continues exactly as the original", () => {
  const init = () => [tf.variable(tf.zeros([2, 2])), tf.variable(tf.ones([3]))];
  const a = init();
  const optA = new AdamW(a, { weightDecay: 0.05 });
  train(optA, a, 3, 0.1);
  const state = optA.getState();
  assert.equal(state.iterations, 3);
  assert.deepEqual([...state.moments.keys()].map((k) => k.slice(0, 2)), ["m.", "m.", "v.", "v."]);
  // A second model with the same weights and a fresh optimizer given that state.
  const b = init();
  a.forEach((w, i) => b[i]!.assign(w));
  const optB = new AdamW(b, { weightDecay: 0.05 });
  const rename = new Map([...state.moments].map(([k, v]) => {
    const i = a.findIndex((w) => k.endsWith(`.${w.name}`));
    return [`${k.slice(0, 2)}${b[i]!.name}`, v];
  }));
  const before = tf.memory().numTensors;
  optB.setState({ iterations: state.iterations, moments: rename });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(optB.iterations, 3);
  train(optA, a, 2, 0.1);
  train(optB, b, 2, 0.1);
  a.forEach((w, i) => assert.deepEqual(b[i]!.dataSync(), w.dataSync()));
  optA.dispose();
  optB.dispose();
  tf.dispose([...a, ...b]);
});

Deno.test("AdamW.setState() names a missing or mis-shaped moment and changes nothing", () => {
  const w = new Map([["w", tf.variable(tf.zeros([2]))]]);
  const opt = new AdamW(w);
  const m = { shape: [2], data: new Float32Array([1, 2]) };
  assertThrows(
    () => opt.setState({ iterations: 4, moments: new Map([["m.w", m]]) }),
    RangeError,
    messages.optimizerStateMissing("v.w"),
  );
  assertThrows(
    () =>
      opt.setState({
        iterations: 4,
        moments: new Map([["m.w", m], ["v.w", { ...m, shape: [1, 2] }]]),
      }),
    RangeError,
    messages.optimizerStateShape("v.w", [1, 2], [2]),
  );
  assert.equal(opt.iterations, 0);
  assert.deepEqual([...opt.getState().moments.values()].map((t) => [...t.data]), [[0, 0], [0, 0]]);
  opt.dispose();
  tf.dispose([...w.values()]);
});

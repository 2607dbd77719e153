import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../../lib/_std.ts";
import type { Backend } from "../../lib/tf/backend_name.ts";
import { backendInfo, initBackend, TENSORFLOW_PACKAGES } from "../../lib/tf/backend.ts";
import { messages } from "../../lib/tf/messages.ts";

/** Replaces `navigator.gpu` while `body` runs. */
async function withGpu(gpu: unknown, body: () => Promise<void>): Promise<void> {
  Object.defineProperty(navigator, "gpu", { value: gpu, configurable: true });
  try {
    await body();
  } finally {
    delete (navigator as unknown as { gpu?: unknown }).gpu;
  }
}

Deno.test("initBackend() rejects an unknown backend name with a RangeError naming it", async () => {
  await assert.rejects(
    initBackend("tpu" as Backend),
    new RangeError(messages.unknownBackend("tpu")),
  );
  assert.match(messages.unknownBackend("tpu"), /"tpu".*"wasm", "cpu", "webgpu", "tensorflow"/);
});

Deno.test("initBackend() starts wasm by default, registers gradients and returns its name", async () => {
  assert.equal(await initBackend(), "wasm");
  assert.equal(tf.getBackend(), "wasm");
  assert.notEqual(tf.getGradient(tf.Conv2D), undefined);
  assert.notEqual(tf.getGradient(tf.Sum), undefined);
});

Deno.test("initBackend() is idempotent: the same backend instance, no new tensors", async () => {
  await initBackend("wasm");
  const backend = tf.backend();
  const tensors = tf.memory().numTensors;
  assert.equal(await initBackend("wasm"), "wasm");
  assert.equal(await initBackend("wasm"), "wasm");
  assert.equal(tf.backend(), backend);
  assert.equal(tf.memory().numTensors, tensors);
});

Deno.test("concurrent initBackend() calls run in order and the last one wins", async () => {
  const names = await Promise.all([initBackend("cpu"), initBackend("wasm")]);
  assert.deepEqual(names, ["cpu", "wasm"]);
  assert.equal(tf.getBackend(), "wasm");
});

Deno.test("initBackend('cpu') switches to the cpu backend and back", async () => {
  assert.equal(await initBackend("cpu"), "cpu");
  assert.equal(tf.getBackend(), "cpu");
  assert.equal(await initBackend("wasm"), "wasm");
});

Deno.test("initBackend('tensorflow') without tfjs-node says it is not installed and how to install it", async () => {
  await initBackend("wasm");
  let caught: unknown = null;
  try {
    await initBackend("tensorflow");
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof Error, "initBackend('tensorflow') should reject");
  assert.equal(caught.constructor, Error);
  const [head, tail] = messages.tensorflowMissing("\u0000").split("\u0000") as [string, string];
  assert.ok(caught.message.startsWith(head), caught.message);
  assert.ok(caught.message.endsWith(tail), caught.message);
  for (const pkg of TENSORFLOW_PACKAGES) assert.ok(caught.message.includes(`${pkg}:`), pkg);
  assert.equal(tf.getBackend(), "wasm", "a failed start leaves the active backend alone");
});

Deno.test("initBackend('webgpu') without navigator.gpu says no WebGPU adapter was found", async () => {
  await withGpu(undefined, async () => {
    await assert.rejects(
      initBackend("webgpu"),
      new Error(messages.noWebGpuAdapter("navigator.gpu is undefined")),
    );
  });
});

Deno.test("initBackend('webgpu') when requestAdapter() finds none says no WebGPU adapter was found", async () => {
  await withGpu({ requestAdapter: () => Promise.resolve(null) }, async () => {
    await assert.rejects(
      initBackend("webgpu"),
      new Error(messages.noWebGpuAdapter("navigator.gpu.requestAdapter() returned null")),
    );
  });
  assert.match(messages.noWebGpuAdapter("x"), /no WebGPU adapter was found/);
});

Deno.test("backendInfo() names the active backend, its threads and the tfjs versions", async () => {
  await initBackend("wasm");
  const info = backendInfo();
  assert.equal(info.name, "wasm");
  assert.equal(info.threads, 1);
  assert.equal(info.versions["tfjs-core"], tf.version_core);
  assert.equal(info.versions["tfjs-backend-wasm"], "4.22.0");
  assert.equal(info.versions.tfjs, "4.22.0");
  assert.equal(info.versions.deno, Deno.version.deno);
  await initBackend("cpu");
  assert.equal(backendInfo().name, "cpu");
  await initBackend("wasm");
});

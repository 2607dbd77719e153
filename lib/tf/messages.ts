/**
 * User-facing messages of `lib/tf`, one typed function each, so tests can assert them and they
 * read alike.
 *
 * @module
 */
import { Backend } from "./backend_name.ts";

/** Every message of the tensor-backend layer. */
export const messages = {
  unknownBackend: (name: string): string =>
    `Unknown tensor backend "${name}": expected one of ${Backend.map((b) => `"${b}"`).join(", ")}`,
  noWebGpuAdapter: (detail: string): string =>
    `Cannot start the "webgpu" backend: no WebGPU adapter was found (${detail}). ` +
    `Use "wasm" or "cpu" on this machine, or run Deno with WebGPU support on a machine with a GPU.`,
  tensorflowMissing: (detail: string): string =>
    `Cannot start the "tensorflow" backend: neither "@tensorflow/tfjs-node-gpu" nor ` +
    `"@tensorflow/tfjs-node" can be imported (${detail}). On a CUDA machine install one of them ` +
    `next to deno.json, e.g. \`npm install @tensorflow/tfjs-node-gpu@4.22.0\` (it downloads ` +
    `libtensorflow), or \`deno add npm:@tensorflow/tfjs-node-gpu@4.22.0\`, then retry; ` +
    `use "wasm" on machines without it.`,
  webGpuFallback: (adapter: string): string =>
    `The WebGPU adapter "${adapter}" is a software fallback: expect it to be slower than "wasm"`,
  gradientsMissing: (detail: string): string =>
    `Cannot register tfjs's gradient functions: "@tensorflow/tfjs" cannot be imported (${detail}). ` +
    `tfjs-core's own bundles carry none; add "@tensorflow/tfjs": "npm:@tensorflow/tfjs@4.22.0" ` +
    `(the version of "@tensorflow/tfjs-core") to the imports of deno.json and run \`deno install\`.`,
  backendFailed: (name: string, detail: string): string =>
    `Cannot start the "${name}" tensor backend: ${detail}`,
  kernelMissing: (kernel: string, backend: string): string =>
    `Kernel "${kernel}" is not registered for the "${backend}" backend`,
  shapeMismatch: (kernel: string, input: string, shape: number[], expected: number[]): string =>
    `Kernel "${kernel}" got ${input} of shape [${shape.join(", ")}] where [${
      expected.join(", ")
    }] was expected`,
  unsupportedAttr: (kernel: string, attr: string, value: string): string =>
    `Kernel "${kernel}" on wasm does not support ${attr} ${value}`,
  optimizerStateMissing: (key: string): string =>
    `Cannot restore the optimizer state: it has no moment "${key}"`,
  optimizerStateShape: (key: string, shape: number[], expected: readonly number[]): string =>
    `Cannot restore the optimizer state: moment "${key}" has shape [${shape.join(", ")}] where [${
      expected.join(", ")
    }] was expected`,
};

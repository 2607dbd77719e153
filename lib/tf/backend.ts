/**
 * Tensor backend selection: `initBackend(name)` makes one of `wasm` (default), `cpu`, `webgpu` or
 * `tensorflow` the active tfjs backend, with everything training needs. Everything that trains
 * calls it first (DESIGN.md, "Backends").
 *
 * - Gradients: `@tensorflow/tfjs-core`'s published bundles register no gradient functions (its
 *   `register_all_gradients` ships only as extensionless ES modules that Deno cannot load), so
 *   `tf.grad` fails with "gradient function not found". The `@tensorflow/tfjs` package bundles and
 *   registers all of them (and the chained ops, `x.reshape(...)`) on the same tfjs-core instance;
 *   `initBackend` imports it once, through deno.json's import map when it declares
 *   `@tensorflow/tfjs`, else as `npm:@tensorflow/tfjs@<tfjs-core's version>` (fetched from npm on
 *   first use, like any npm import).
 * - `wasm`: single-threaded under Deno (the Node build of tfjs-backend-wasm has no threads);
 *   registers the fast convolution gradients of `wasm_gradients.ts` and the faster transposed
 *   matMul, leading-axis reductions and copy-free identity of `wasm_kernels.ts`.
 * - `wasm` and `cpu`: register the corrected pooling and resizing gradients of
 *   `pool_resize_gradients.ts` (several of tfjs 4.22's are wrong).
 * - `webgpu`: needs `navigator.gpu` and an adapter; the error says when there is none.
 * - `tensorflow`: `@tensorflow/tfjs-node-gpu`, else `@tensorflow/tfjs-node`, when the project
 *   declares one (e.g. `deno add`); never downloaded behind the caller's back.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { type Backend, isBackend } from "./backend_name.ts";
import { messages } from "./messages.ts";
import { registerPoolResizeGradients } from "./pool_resize_gradients.ts";
import { registerWasmGradients } from "./wasm_gradients.ts";
import { wasmKernels } from "./wasm_kernels.ts";

/** Packages that provide the `tensorflow` backend, in order of preference. */
export const TENSORFLOW_PACKAGES = ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"] as const;

/** What a run record stores about the tensor backend. */
export interface BackendInfo {
  /** The active backend, or null before `initBackend`. */
  name: string | null;
  /** Threads the backend computes with, where known (wasm under Deno: 1). */
  threads: number | null;
  /** Versions of the tfjs packages in use and of Deno. */
  versions: Record<string, string>;
}

const versions: Record<string, string> = { "tfjs-core": tf.version_core };
let wasmThreads: (() => number) | null = null;
let queue: Promise<unknown> = Promise.resolve();

/**
 * Makes `name` the active tfjs backend and returns its name. Idempotent; concurrent calls run one
 * after the other. Registers tfjs's gradient functions (all backends) and the fast convolution
 * gradients (wasm). Call it before building models.
 *
 * @param name the backend; `@default "wasm"`.
 * @throws {RangeError} for a name that is not a `Backend`.
 * @throws {Error} when the backend cannot start (no WebGPU adapter, tfjs-node not installed, ...),
 *   with a message that says why and what to do.
 *
 * @example
 * ```ts
 * import { initBackend } from "./backend.ts";
 * await initBackend("wasm"); // "wasm"
 * ```
 */
export function initBackend(name: Backend = "wasm"): Promise<string> {
  const run = queue.then(() => start(name));
  queue = run.catch(() => {});
  return run;
}

/**
 * The active backend, its thread count and the package versions, for run records.
 *
 * @example
 * ```ts
 * import { backendInfo, initBackend } from "./backend.ts";
 * await initBackend();
 * backendInfo(); // { name: "wasm", threads: 1, versions: { "tfjs-core": "4.22.0", ... } }
 * ```
 */
export function backendInfo(): BackendInfo {
  const name = (tf.engine() as unknown as { backendName: string | null }).backendName ?? null;
  let threads: number | null = null;
  if (name === "wasm" && wasmThreads !== null) threads = wasmThreads();
  else if (name === "cpu") threads = 1;
  return {
    name,
    threads,
    versions: { ...versions, deno: Deno.version.deno, v8: Deno.version.v8 },
  };
}

async function start(name: string): Promise<string> {
  if (!isBackend(name)) {
    throw new RangeError(messages.unknownBackend(name));
  }
  await ensureGradients();
  const active = (tf.engine() as unknown as { backendName: string | null }).backendName;
  if (active !== name || tf.findBackend(name) === null) {
    switch (name) {
      case "wasm":
        await startWasm();
        break;
      case "cpu":
        await startCpu();
        break;
      case "webgpu":
        await startWebGpu();
        break;
      case "tensorflow":
        await startTensorflow();
        break;
    }
  }
  if (name === "wasm") {
    wasmKernels.register();
    registerWasmGradients();
  }
  if (name === "wasm" || name === "cpu") registerPoolResizeGradients(name);
  await tf.ready();
  return tf.getBackend();
}

/**
 * Imports `@tensorflow/tfjs` once, for the gradient functions it registers: through deno.json's
 * import map when it declares the package, else pinned to tfjs-core's own version (so both share
 * one tfjs-core instance).
 */
async function ensureGradients(): Promise<void> {
  if (tf.getGradient(tf.Conv2D) !== undefined) return;
  const failures: string[] = [];
  for (const specifier of ["@tensorflow/tfjs", `npm:@tensorflow/tfjs@${tf.version_core}`]) {
    try {
      const union = await import(specifier) as { version?: { tfjs?: string } };
      versions.tfjs = union.version?.tfjs ?? "?";
      break;
    } catch (error) {
      failures.push(describe(error));
    }
  }
  if (tf.getGradient(tf.Conv2D) === undefined) {
    throw new Error(messages.gradientsMissing(failures.join("; ") || "it registered none"));
  }
}

async function activate(name: string): Promise<void> {
  let ok = false;
  try {
    ok = await tf.setBackend(name);
  } catch (error) {
    throw new Error(messages.backendFailed(name, describe(error)));
  }
  if (!ok) throw new Error(messages.backendFailed(name, "tfjs could not initialise it"));
}

async function startWasm(): Promise<void> {
  // The Node build (the one Deno loads) reads its .wasm files from its own dist/ folder inside
  // node_modules, so no setWasmPaths() is needed.
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  versions["tfjs-backend-wasm"] = wasm.version_wasm;
  wasmThreads = wasm.getThreadsCount;
  await activate("wasm");
}

async function startCpu(): Promise<void> {
  const cpu = await import("@tensorflow/tfjs-backend-cpu");
  versions["tfjs-backend-cpu"] = cpu.version_cpu;
  await activate("cpu");
}

async function startWebGpu(): Promise<void> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<unknown> } })?.gpu;
  if (gpu === undefined) throw new Error(messages.noWebGpuAdapter("navigator.gpu is undefined"));
  let adapter: unknown = null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (error) {
    throw new Error(messages.noWebGpuAdapter(describe(error)));
  }
  if (adapter === null || adapter === undefined) {
    throw new Error(messages.noWebGpuAdapter("navigator.gpu.requestAdapter() returned null"));
  }
  await import("@tensorflow/tfjs-backend-webgpu");
  const info = (adapter as { info?: { description?: string; isFallbackAdapter?: boolean } }).info;
  if (info?.description) versions["webgpu-adapter"] = info.description;
  if (info?.isFallbackAdapter) console.warn(messages.webGpuFallback(info.description ?? "unknown"));
  await activate("webgpu");
}

async function startTensorflow(): Promise<void> {
  const failures: string[] = [];
  for (const pkg of TENSORFLOW_PACKAGES) {
    try {
      // A variable specifier: resolved through deno.json at run time, never type-checked here,
      // and never fetched implicitly when the project does not declare it.
      const specifier: string = pkg;
      const mod = await import(specifier) as { version?: Record<string, string> };
      versions[pkg.slice("@tensorflow/".length)] = mod.version?.["tfjs-node"] ?? "?";
      await activate("tensorflow");
      return;
    } catch (error) {
      failures.push(`${pkg}: ${describe(error)}`);
    }
  }
  throw new Error(messages.tensorflowMissing(failures.join("; ")));
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0]!.trim();
}

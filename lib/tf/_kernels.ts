/**
 * Private helpers of the kernels `lib/tf` registers: a scratch that runs backend kernels directly
 * (no engine, no tape) and frees their intermediates, and the bookkeeping of replacing tfjs's own
 * kernel registrations and putting them back.
 *
 * @module
 */
import {
  engine,
  getKernel,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  registerKernel,
  type TensorInfo,
  unregisterKernel,
} from "@tensorflow/tfjs-core";
import { messages } from "./messages.ts";

/**
 * Runs kernels of `backendName` directly and remembers every result, so that `dispose()` frees all
 * intermediates except the ones handed out with `keep()`.
 */
export class Scratch {
  readonly #temps: TensorInfo[] = [];
  constructor(readonly backend: KernelBackend, readonly backendName: string) {}

  run(kernel: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const config = getKernel(kernel, this.backendName);
    if (config === undefined) throw new Error(messages.kernelMissing(kernel, this.backendName));
    return this.call(config.kernelFunc, inputs, attrs);
  }

  /** Runs one kernel function (e.g. the tfjs kernel a registered one replaced). */
  call(kernelFunc: KernelFunc, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const out = kernelFunc({ inputs, backend: this.backend, attrs }) as TensorInfo;
    this.#temps.push(out);
    return out;
  }

  /** A new float32 tensor from host values. */
  write(values: Float32Array, shape: number[]): TensorInfo {
    const info: TensorInfo = {
      dataId: this.backend.write(values, shape, "float32"),
      shape,
      dtype: "float32",
    };
    this.#temps.push(info);
    return info;
  }

  read(info: TensorInfo): Float32Array {
    return this.backend.readSync(info.dataId) as Float32Array;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run("Reshape", { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run("Transpose", { x }, { perm });
  }

  /** Crops `x` to `[begin, begin + size)`, or returns it as it is when that is all of it. */
  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    if (size.every((n, i) => n === x.shape[i] && begin[i] === 0)) return x;
    return this.run("Slice", { x }, { begin, size });
  }

  /** Takes `x` out of the scratch list: the caller owns it now (a copy if `x` was an input). */
  keep(x: TensorInfo): TensorInfo {
    const at = this.#temps.lastIndexOf(x);
    if (at < 0) return this.keep(this.run("Identity", { x }));
    this.#temps.splice(at, 1);
    return x;
  }

  dispose(): void {
    for (const t of this.#temps.splice(0)) this.backend.disposeData(t.dataId);
  }
}

/** Runs `body` with a fresh scratch; its result is kept, everything else it made is freed. */
export function withScratch(
  backend: unknown,
  backendName: string,
  body: (s: Scratch) => TensorInfo,
): TensorInfo {
  const scratch = new Scratch(backend as KernelBackend, backendName);
  try {
    return scratch.keep(body(scratch));
  } finally {
    scratch.dispose();
  }
}

/**
 * A set of kernels that replace (or add to) tfjs's for one backend, remembering what they replaced
 * so that the originals can be called (`original()`) and put back (`unregister()`).
 */
export class KernelOverrides {
  readonly #replaced = new Map<string, KernelConfig>();
  constructor(
    readonly backendName: string,
    readonly kernels: Readonly<Record<string, KernelFunc>>,
  ) {}

  /** Registers every kernel; idempotent. Returns their names. */
  register(): string[] {
    for (const [name, kernelFunc] of Object.entries(this.kernels)) {
      const current = getKernel(name, this.backendName);
      if (current?.kernelFunc === kernelFunc) continue;
      const config: KernelConfig = { kernelName: name, backendName: this.backendName, kernelFunc };
      if (current !== undefined) {
        this.#replaced.set(name, current);
        unregisterKernel(name, this.backendName);
        // The original's setup (e.g. binding its C++ function) must still run when the backend
        // starts after this call: replacements may call the original.
        if (current.setupFunc !== undefined) config.setupFunc = current.setupFunc;
      }
      registerKernel(config);
    }
    return Object.keys(this.kernels);
  }

  /** The kernel function `name` replaced. */
  original(name: string): KernelFunc {
    const config = this.#replaced.get(name);
    if (config === undefined) throw new Error(messages.kernelMissing(name, this.backendName));
    return config.kernelFunc;
  }

  /** Removes the kernels and puts back the ones they replaced. */
  unregister(): void {
    for (const [name, kernelFunc] of Object.entries(this.kernels)) {
      if (getKernel(name, this.backendName)?.kernelFunc !== kernelFunc) continue;
      unregisterKernel(name, this.backendName);
      const previous = this.#replaced.get(name);
      if (previous !== undefined) {
        registerKernel(previous);
        // Its setup ran when the backend started; run it again in case the backend started while
        // ours was registered.
        const backend = engine().findBackend(this.backendName);
        if (backend !== null) previous.setupFunc?.(backend);
      }
      this.#replaced.delete(name);
    }
  }
}

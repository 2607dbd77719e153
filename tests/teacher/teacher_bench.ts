/**
 * Teacher throughput on wasm: inference images/s, the training step's images/s and effective
 * GFLOP/s (the DESIGN convention: forward MACs x 2 x 3 per image) and its ratio to a 1024^3 matMul
 * measured in the same run (the machine's single-core peak through the same backend), the same
 * step on tfjs's own wasm kernels (what `lib/tf/wasm_kernels.ts` saves the autodiff step), plus a
 * per-kernel breakdown of one training step. Then both cores on one step: the step's batch split
 * over one and over two data-parallel workers (`lib/teacher/data_parallel.ts`, gradients averaged
 * each step), timed alternately so both see the same machine load; best of the rounds.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../lib/tf/backend.ts";
import { FASHION_CLASSES } from "../../lib/data/types.ts";
import { loadFashionMnist } from "../../lib/data/fashion_mnist.ts";
import { partitionItems } from "../../lib/data/split.ts";
import { makeBatch } from "../../lib/teacher/batches.ts";
import { imageForwardMacs, trainingFlops } from "../../lib/teacher/flops.ts";
import { MiniClip } from "../../lib/teacher/mini_clip.ts";
import { miniClipConfig } from "../../lib/teacher/train.ts";
import { forwardBackward } from "../../lib/teacher/train_step.ts";
import { tokenize } from "../../lib/teacher/tokenizer.ts";
import { initWeights } from "../../lib/teacher/weights.ts";
import { wasmKernels } from "../../lib/tf/wasm_kernels.ts";
import { DataParallelSteps } from "../../lib/teacher/data_parallel.ts";

const PARALLEL_ROUNDS = 4;

function timeMs(f: () => void, repeats: number): number {
  f();
  const t0 = performance.now();
  for (let i = 0; i < repeats; i++) f();
  return (performance.now() - t0) / repeats;
}

/** Prints the teacher's throughput figures. */
export async function bench(): Promise<void> {
  await initBackend("wasm");
  const config = miniClipConfig();
  const teacher = new MiniClip(config, initWeights(config, 0), "bench");
  const { items } = await loadFashionMnist();
  const pool = partitionItems(items, { seed: 1 }).train;
  const ids = tokenize(FASHION_CLASSES, config.vocabulary, config.textLength);

  const a = tf.randomNormal([1024, 1024]);
  const b = tf.randomNormal([1024, 1024]);
  const mmMs = timeMs(() => tf.tidy(() => void tf.matMul(a, b).dataSync()), 3);
  const mmGflops = 2 * 1024 ** 3 / mmMs / 1e6;

  const images = tf.randomUniform([64, 64, 64, 1]) as tf.Tensor4D;
  const fwdMs = timeMs(() => {
    const o = teacher.encodeImages(images);
    o.dense.dataSync();
    tf.dispose([o.cls, o.dense]);
  }, 3);

  const batch = makeBatch(items, pool, 0, 0);
  const dataMs = timeMs(() => void makeBatch(items, pool, 0, 1), 3);
  const step = () => {
    const r = forwardBackward(teacher.weights, config, ids, batch);
    tf.dispose([...r.grads.values()]);
    for (const s of r.stats.values()) tf.dispose([s.mean, s.variance]);
  };
  const stepMs = timeMs(step, 3);
  wasmKernels.unregister();
  const tfjsKernelsMs = timeMs(step, 2);
  wasmKernels.register();
  const stepFlops = trainingFlops(config, 3 * batch.n);
  const stepGflops = stepFlops / stepMs / 1e6;

  const profile = await tf.profile(step);
  const byKernel = new Map<string, number>();
  for (const k of profile.kernels) {
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number));
  }
  const total = [...byKernel.values()].reduce((x, y) => x + y, 0);

  console.log(`matMul 1024^3:            ${mmMs.toFixed(1)} ms = ${mmGflops.toFixed(2)} GFLOP/s`);
  console.log(
    `teacher forward (wasm):   ${(64_000 / fwdMs).toFixed(1)} images/s ` +
      `(${(imageForwardMacs(config) / 1e6).toFixed(1)} MMAC/image, batch 64)`,
  );
  console.log(`batch generation:         ${dataMs.toFixed(1)} ms per step (96 images)`);
  console.log(
    `training step (96 img):   ${stepMs.toFixed(0)} ms = ${
      (96_000 / stepMs).toFixed(1)
    } images/s = ` +
      `${stepGflops.toFixed(2)} GFLOP/s (${(stepFlops / 1e9).toFixed(1)} GFLOP), ` +
      `${(stepGflops / mmGflops).toFixed(2)} x matMul`,
  );
  console.log(
    `  on tfjs's own kernels:  ${tfjsKernelsMs.toFixed(0)} ms ` +
      `(${(tfjsKernelsMs / stepMs).toFixed(2)} x; transposed matMul, reductions, copies)`,
  );
  console.log("step kernels (profiled, ms):");
  for (const [name, ms] of [...byKernel].sort((x, y) => y[1] - x[1]).slice(0, 10)) {
    console.log(
      `  ${name.padEnd(22)} ${ms.toFixed(1).padStart(8)}  ${(100 * ms / total).toFixed(1)} %`,
    );
  }
  tf.dispose([a, b, images]);
  await benchWorkers(teacher.weights, items, pool);
  teacher.dispose();
}

/** Images/s of the training step on one and on two data-parallel workers, alternately. */
async function benchWorkers(
  weights: ReadonlyMap<string, tf.Variable>,
  items: Parameters<typeof makeBatch>[0],
  pool: Int32Array,
): Promise<void> {
  const setup = { items, pool, seed: 0, n: 32 };
  const runs = [await DataParallelSteps.start(1, setup), await DataParallelSteps.start(2, setup)];
  const bestMs = runs.map(() => Infinity);
  try {
    for (let round = 0; round <= PARALLEL_ROUNDS; round++) {
      for (const [i, run] of runs.entries()) {
        const t0 = performance.now();
        const r = await run.step(weights, round);
        const ms = performance.now() - t0;
        tf.dispose([...r.grads.values()]);
        for (const s of r.stats.values()) tf.dispose([s.mean, s.variance]);
        if (round > 0) bestMs[i] = Math.min(bestMs[i]!, ms); // round 0 warms up
      }
    }
  } finally {
    for (const run of runs) run.close();
  }
  const [one, two] = bestMs as [number, number];
  console.log(
    `data-parallel step (96 img, best of ${PARALLEL_ROUNDS}): 1 worker ${one.toFixed(0)} ms = ` +
      `${(96_000 / one).toFixed(1)} images/s; 2 workers ${two.toFixed(0)} ms = ` +
      `${(96_000 / two).toFixed(1)} images/s (${(one / two).toFixed(2)} x; ` +
      `${navigator.hardwareConcurrency} cores, load ${Deno.loadavg()[0]!.toFixed(1)})`,
  );
}

/**
 * Throughput of one full C2S training step (Eq. 8: student forward and backward, global and local
 * distillation, latent embeddings, pixel loss, AdamW) with the default student at batch 16 on
 * 64 x 64 fashion-scenes, teacher outputs cached, on the wasm backend. Prints images/s, the
 * effective GFLOP/s (training FLOPs = 3 x 2 x the student's forward MACs per image), and its share
 * of a same-run 1024^3 `tf.matMul`'s GFLOP/s, plus where the step's time goes (per part and per
 * kernel). The teacher is a random stand-in of the real one's shape (D = 64, 16 x 16 grid): its
 * weights do not change the step's cost.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../lib/tf/backend.ts";
import { type C2SConfig, DEFAULT_CONFIG } from "../../lib/c2s/config.ts";
import { loadRunData } from "../../lib/c2s/datasets.ts";
import { createTrainingState, trainingStep } from "../../lib/c2s/trainer.ts";
import { makeBatch } from "../../lib/c2s/batch.ts";
import { TinyTeacher } from "./_fixtures.ts";

const STEPS = 12;
const WARMUP = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => void, reps: number): number {
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return median(out);
}

function matMulGflops(): number {
  const a = tf.randomNormal([1024, 1024]) as tf.Tensor2D;
  const b = tf.randomNormal([1024, 1024]) as tf.Tensor2D;
  // Never return a typed array from tf.tidy: it walks every element looking for tensors.
  const ms = time(() => tf.tidy(() => void tf.matMul(a, b).dataSync()), 5);
  a.dispose();
  b.dispose();
  return (2 * 1024 ** 3) / (ms / 1000) / 1e9;
}

/** Runs the benchmark and prints its figures. */
export async function bench(): Promise<void> {
  const backend = await initBackend("wasm");
  const peakBefore = matMulGflops();
  const config = structuredClone(DEFAULT_CONFIG) as C2SConfig;
  config.data.trainScenes = 64;
  config.data.evalScenes = 16;
  const data = await loadRunData(config.data);
  const teacher = new TinyTeacher({ dim: 64, imageSize: 64 });
  const state = await createTrainingState(config, { teacher, data });
  const batch = config.train.batchSize;
  const macs = state.student.macsPerImage(64, 64);
  const trainFlopsPerImage = 6 * macs;

  const peak = matMulGflops();
  console.log(`matmul before ${peakBefore.toFixed(1)} after setup ${peak.toFixed(1)}`);

  // Full step.
  for (let i = 0; i < WARMUP; i++) trainingStep(state, 1e-4).dispose();
  const stepMs: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    const t0 = performance.now();
    const t = trainingStep(state, 1e-4);
    t.dataSync();
    t.dispose();
    stepMs.push(performance.now() - t0);
  }
  const full = median(stepMs);

  // Parts: batch assembly, student forward, student forward + backward (no C2S heads).
  const indices = Array.from({ length: batch }, (_, i) => i);
  const assemble = time(() => makeBatch(state.pool, indices).dispose(), 5);
  const b = makeBatch(state.pool, indices);
  const fwd = time(() => tf.tidy(() => void state.student.forward(b.images).dataSync()), 5);
  const fwdBwd = time(() => {
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.square(state.student.forward(b.images))) as tf.Scalar,
      state.student.variables,
    );
    value.dataSync();
    value.dispose();
    tf.dispose(grads);
  }, 5);
  b.dispose();

  const profile = await tf.profile(() => trainingStep(state, 1e-4).dispose());
  const byKernel = new Map<string, number>();
  let kernelMs = 0;
  for (const k of profile.kernels) {
    const ms = typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + ms);
    kernelMs += ms;
  }

  const imagesPerSecond = batch / (full / 1000);
  const effective = (trainFlopsPerImage * imagesPerSecond) / 1e9;
  console.log(`backend ${backend}, batch ${batch}, 64 x 64, student width ${config.student.width}`);
  console.log(
    `student: ${state.student.parameterCount} parameters, ${(macs / 1e6).toFixed(1)} MMAC/image, ` +
      `${(trainFlopsPerImage / 1e9).toFixed(3)} GFLOP/image per training step`,
  );
  console.log(`tf.matMul 1024^3: ${peak.toFixed(1)} GFLOP/s`);
  console.log(
    `full C2S step: ${full.toFixed(0)} ms, ${imagesPerSecond.toFixed(1)} images/s, ` +
      `${effective.toFixed(2)} GFLOP/s effective = ${
        (100 * effective / peak).toFixed(0)
      } % of matMul`,
  );
  console.log(
    `parts: batch assembly ${assemble.toFixed(1)} ms, student forward ${fwd.toFixed(0)} ms, ` +
      `student forward+backward ${fwdBwd.toFixed(0)} ms, C2S heads + losses + AdamW ` +
      `${(full - fwdBwd - assemble).toFixed(0)} ms`,
  );
  console.log(
    `kernels (profiled step, ${kernelMs.toFixed(0)} ms in ${profile.kernels.length} kernel calls):`,
  );
  for (const [name, ms] of [...byKernel].sort((p, q) => q[1] - p[1]).slice(0, 12)) {
    console.log(
      `  ${name.padEnd(28)} ${ms.toFixed(1).padStart(7)} ms  ${(100 * ms / kernelMs).toFixed(1)} %`,
    );
  }
  state.dispose();
  teacher.dispose();
}

if (import.meta.main) await bench();

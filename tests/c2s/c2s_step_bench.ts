/**
 * Throughput of one full C2S training step (Eq. 8: student forward and backward, global and local
 * distillation, latent embeddings, pixel loss, AdamW) with the default student at batch 16 on
 * 64 x 64 fashion-scenes, teacher outputs cached, on the wasm backend.
 *
 * Prints images/s, the effective GFLOP/s (training FLOPs = 3 x 2 x the student's forward MACs per
 * image; the heads' few MFLOP are not counted) and its share of a 1024^3 `tf.matMul`'s GFLOP/s
 * measured in the same run, interleaved with the steps so both see the same machine load; every
 * figure is the best of its repetitions (the machine is shared). Then where a step's time goes: the
 * student's forward, its forward + backward, the C2S heads and losses (forward + backward from
 * fixed features), the AdamW update, and the kernels of one profiled step.
 *
 * The yardstick: PyTorch's step of the same student (BN, residual blocks, fusion, projection,
 * cosine classifier + CE, AdamW) on one thread, `../shared/bench/torch_student_step.py` run with
 * `/usr/bin/python3` as a subprocess between two rounds of our steps (same machine load); the ratio
 * is our best step over its best and over its median. Without `import torch` (CI) the bench says
 * why and prints the matMul share alone.
 *
 * The teacher is a random stand-in of the real one's shape (D = 64, 16 x 16 grid): teacher weights
 * do not change the cost of a step (its outputs are cached).
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

const REPS = 10;
const PYTHON = "/usr/bin/python3";
const TORCH_SCRIPT = new URL("../../../shared/bench/torch_student_step.py", import.meta.url);

/** PyTorch's one-thread student step (ms), or why there is none. */
type TorchStep = { median: number; min: number; version: string } | { missing: string };

/** Runs the PyTorch yardstick; never throws. */
async function torchStudentStep(): Promise<TorchStep> {
  const run = async (args: string[]) => {
    try {
      const out = await new Deno.Command(PYTHON, { args, stdout: "piped", stderr: "piped" })
        .output();
      const text = new TextDecoder().decode(out.success ? out.stdout : out.stderr).trim();
      return { ok: out.success, text };
    } catch (error) {
      return { ok: false, text: error instanceof Error ? error.message : String(error) };
    }
  };
  const probe = await run(["-c", "import torch"]);
  if (!probe.ok) {
    return { missing: `\`${PYTHON} -c "import torch"\` failed (${probe.text.split("\n").at(-1)})` };
  }
  try {
    await Deno.stat(TORCH_SCRIPT);
  } catch {
    return { missing: `"${TORCH_SCRIPT.pathname}" is not there` };
  }
  const bench = await run([TORCH_SCRIPT.pathname]);
  const line = /torch (\S+) threads=1: .*median ([\d.]+) ms, min ([\d.]+) ms/.exec(bench.text);
  if (!bench.ok || line === null) {
    return { missing: `"${TORCH_SCRIPT.pathname}" printed no one-thread step (${bench.text})` };
  }
  return { version: line[1]!, median: Number(line[2]), min: Number(line[3]) };
}

/** Best of `reps` wall-clock runs of `fn`, in ms. */
function best(fn: () => void, reps = REPS): number {
  let min = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

/** Runs the benchmark and prints its figures. */
export async function bench(): Promise<void> {
  const backend = await initBackend("wasm");
  const config = structuredClone(DEFAULT_CONFIG) as C2SConfig;
  config.data.trainScenes = 64;
  config.data.evalScenes = 16;
  const data = await loadRunData(config.data);
  const teacher = new TinyTeacher({ dim: 64, imageSize: 64 });
  const state = await createTrainingState(config, { teacher, data });
  const batch = config.train.batchSize;
  const macs = state.student.macsPerImage(64, 64);
  const flopsPerImage = 6 * macs;

  const a = tf.randomNormal([1024, 1024]) as tf.Tensor2D;
  const b = tf.randomNormal([1024, 1024]) as tf.Tensor2D;
  const matMul = () => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  };
  const step = () => {
    const t = trainingStep(state, 1e-4);
    t.dataSync();
    t.dispose();
  };
  for (let i = 0; i < 3; i++) step();
  matMul();
  let stepMs = Infinity, matMulMs = Infinity;
  const round = () => {
    for (let i = 0; i < REPS / 2; i++) {
      stepMs = Math.min(stepMs, best(step, 1));
      matMulMs = Math.min(matMulMs, best(matMul, 1));
    }
  };
  round();
  const torch = await torchStudentStep();
  round();
  const peak = (2 * 1024 ** 3) / (matMulMs / 1000) / 1e9;

  const x = makeBatch(state.pool, Array.from({ length: batch }, (_, i) => i));
  const fwd = best(() => tf.tidy(() => void state.student.forward(x.images).dataSync()));
  const fwdBwd = best(() => {
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.square(state.student.forward(x.images))) as tf.Scalar,
      state.student.variables,
    );
    value.dataSync();
    value.dispose();
    tf.dispose(grads);
  });
  const features = tf.variable(tf.tidy(() => state.student.forward(x.images)));
  const heads = best(() => {
    const { value, grads } = tf.variableGrads(
      () => state.objective.terms(features as tf.Tensor4D, x, null, state.textSeen).total,
      [features, ...state.objective.variables],
    );
    value.dataSync();
    value.dispose();
    tf.dispose(grads);
  });
  const zeros = new Map(state.variables.map((v) => [v.name, tf.zerosLike(v)]));
  const adamw = best(() => {
    state.optimizer.step(zeros, 0);
    state.variables[0]!.dataSync();
  });
  const assemble = best(() => makeBatch(state.pool, [0, 1, 2, 3, 4, 5, 6, 7]).dispose());
  tf.dispose([features, x.images, ...zeros.values()]);
  x.dispose();

  const profile = await tf.profile(() => trainingStep(state, 1e-4).dispose());
  const byKernel = new Map<string, number>();
  let kernelMs = 0;
  for (const k of profile.kernels) {
    // "...__op" and "unnamed scope" (custom gradients) records wrap kernels listed too.
    if (k.name.endsWith("__op") || k.name === "unnamed scope") continue;
    const ms = typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + ms);
    kernelMs += ms;
  }

  const imagesPerSecond = batch / (stepMs / 1000);
  const effective = (flopsPerImage * imagesPerSecond) / 1e9;
  const pct = (ms: number) => `${(100 * ms / stepMs).toFixed(0)} %`;
  console.log(`backend ${backend}, batch ${batch}, 64 x 64, student width ${config.student.width}`);
  console.log(
    `student: ${state.student.parameterCount} parameters, ${(macs / 1e6).toFixed(1)} MMAC/image, ` +
      `${(flopsPerImage / 1e9).toFixed(3)} GFLOP/image per training step`,
  );
  console.log(`tf.matMul 1024^3: ${peak.toFixed(1)} GFLOP/s`);
  console.log(
    `full C2S step: ${stepMs.toFixed(0)} ms, ${imagesPerSecond.toFixed(1)} images/s, ` +
      `${effective.toFixed(2)} GFLOP/s effective = ${
        (100 * effective / peak).toFixed(0)
      } % of matMul`,
  );
  console.log(
    "missing" in torch
      ? `PyTorch yardstick not run: ${torch.missing}; the matMul share above is the only ratio`
      : `PyTorch ${torch.version} student step, 1 thread, same run: ${
        torch.min.toFixed(1)
      } ms best, ` +
        `${torch.median.toFixed(1)} ms median; ours / PyTorch = ${
          (stepMs / torch.min).toFixed(2)
        } x ` +
        `(best / best), ${(stepMs / torch.median).toFixed(2)} x (best / median)`,
  );
  console.log(`load average ${Deno.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  console.log(
    `parts (best of ${REPS}): student forward ${fwd.toFixed(0)} ms (${pct(fwd)}), ` +
      `student backward ${(fwdBwd - fwd).toFixed(0)} ms (${pct(fwdBwd - fwd)}), ` +
      `C2S heads + losses fwd+bwd ${heads.toFixed(0)} ms (${pct(heads)}), ` +
      `AdamW ${adamw.toFixed(1)} ms (${pct(adamw)}), batch upload ${assemble.toFixed(1)} ms`,
  );
  console.log(
    `kernels of one profiled step (${kernelMs.toFixed(0)} ms in ${profile.kernels.length} calls):`,
  );
  for (const [name, ms] of [...byKernel].sort((p, q) => q[1] - p[1]).slice(0, 10)) {
    console.log(
      `  ${name.padEnd(28)} ${ms.toFixed(1).padStart(7)} ms  ${(100 * ms / kernelMs).toFixed(1)} %`,
    );
  }
  tf.dispose([a, b]);
  state.dispose();
  teacher.dispose();
}

if (import.meta.main) await bench();

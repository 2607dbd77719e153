/**
 * A worker of {@linkcode DataParallelSteps} (`data_parallel.ts`): on `setup` it starts its own
 * wasm backend and the teacher's weights; on each `step` it loads the weights it is sent, builds
 * the step's batch (the same for every worker: it depends only on the seed and the step), takes
 * its part and answers with that part's forward/backward result on the host.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { FASHION_CLASSES } from "../data/types.ts";
import { initBackend } from "../tf/backend.ts";
import { makeBatch } from "./batches.ts";
import {
  batchPart,
  type WorkerResult,
  type WorkerSetup,
  type WorkerStep,
} from "./data_parallel.ts";
import { miniClipConfig } from "./train.ts";
import { forwardBackward } from "./train_step.ts";
import { tokenize } from "./tokenizer.ts";
import { initWeights } from "./weights.ts";

type Message = { type: "setup"; setup: WorkerSetup } | { type: "step"; request: WorkerStep };

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<Message>) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};

let setup: WorkerSetup | null = null;
const config = miniClipConfig();
const textIds = tokenize(FASHION_CLASSES, config.vocabulary, config.textLength, config.prompt);
let weights: Map<string, tf.Variable> | null = null;

async function handle(message: Message): Promise<{ value: unknown; transfer: Transferable[] }> {
  if (message.type === "setup") {
    await initBackend("wasm");
    setup = message.setup;
    weights = initWeights(config, 0);
    return { value: null, transfer: [] };
  }
  const { step, part, parts } = message.request;
  for (const [name, values] of Object.entries(message.request.weights)) {
    const v = weights!.get(name)!;
    tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
  }
  const batch = makeBatch(setup!.items, setup!.pool, setup!.seed, step, { n: setup!.n });
  const r = forwardBackward(weights!, config, textIds, batchPart(batch, part, parts));
  const transfer: Transferable[] = [];
  const host = (t: tf.Tensor) => {
    // A copy of the backend's data; transferred only when it owns its whole buffer.
    const a = t.dataSync() as Float32Array;
    if (a.byteLength === a.buffer.byteLength) transfer.push(a.buffer as ArrayBuffer);
    return a;
  };
  const result: WorkerResult = {
    losses: r.losses,
    grads: Object.fromEntries([...r.grads].map(([name, g]) => [name, host(g)])),
    stats: Object.fromEntries(
      [...r.stats].map(([name, s]) => [name, {
        mean: host(s.mean),
        variance: host(s.variance),
        count: s.count,
      }]),
    ),
  };
  tf.dispose([...r.grads.values(), ...[...r.stats.values()].flatMap((s) => [s.mean, s.variance])]);
  return { value: result, transfer };
}

scope.onmessage = (e) => {
  handle(e.data).then(
    ({ value, transfer }) => scope.postMessage({ ok: true, value }, transfer),
    (error) => scope.postMessage({ ok: false, error: String(error?.stack ?? error) }),
  );
};

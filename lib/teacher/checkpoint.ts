/**
 * Files of a mini-CLIP: `teacher.safetensors` (weights, F32) + `config.json` (architecture and the
 * weights' sha256) + `card.json` (figures), and the resumable training state `state.safetensors`
 * (weights, AdamW moments, step and run facts in `__metadata__`). Loading verifies the sha256:
 * a changed or truncated file is an error naming it, never a silently different teacher.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { MiniClipConfig } from "./config.ts";
import { MiniClip } from "./mini_clip.ts";
import {
  type NamedArray,
  parseSafetensors,
  serializeSafetensors,
  sha256Hex,
} from "./safetensors.ts";
import { weightSpecs } from "./weights.ts";
import * as msg from "./messages.ts";

/** File names inside a teacher directory. */
export const FILES = {
  weights: "teacher.safetensors",
  config: "config.json",
  card: "card.json",
  state: "state.safetensors",
} as const;

/** `config.json`: the architecture plus the weights file and its sha256. */
export interface TeacherConfigFile {
  format: "c2s-mini-clip";
  weights: string;
  sha256: string;
  config: MiniClipConfig;
}

/** Host copies of named tensors (in map order). */
export function toArrays(tensors: ReadonlyMap<string, tf.Tensor>): Map<string, NamedArray> {
  const out = new Map<string, NamedArray>();
  for (const [name, t] of tensors) {
    out.set(name, { shape: [...t.shape], data: new Float32Array(t.dataSync() as Float32Array) });
  }
  return out;
}

/** Variables from host arrays, checked against the architecture's names and shapes. */
export function weightsFromArrays(
  config: MiniClipConfig,
  arrays: ReadonlyMap<string, NamedArray>,
  file: string,
): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  try {
    for (const spec of weightSpecs(config)) {
      const a = arrays.get(spec.name);
      if (!a) throw new RangeError(msg.missingTensor(file, spec.name));
      if (a.shape.join() !== spec.shape.join()) {
        throw new RangeError(msg.tensorShape(file, spec.name, a.shape, spec.shape));
      }
      const t = tf.tensor(a.data, a.shape);
      out.set(spec.name, tf.variable(t, spec.trainable));
      t.dispose();
    }
  } catch (e) {
    for (const v of out.values()) v.dispose();
    throw e;
  }
  return out;
}

/** Writes `teacher.safetensors` + `config.json` into `dir`; returns the weights' sha256. */
export async function saveTeacher(
  dir: string,
  config: MiniClipConfig,
  weights: ReadonlyMap<string, tf.Tensor>,
  metadata: Record<string, string> = {},
): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const bytes = serializeSafetensors(toArrays(weights), { format: "c2s-mini-clip", ...metadata });
  const hash = await sha256Hex(bytes);
  await atomicWrite(`${dir}/${FILES.weights}`, bytes);
  const file: TeacherConfigFile = {
    format: "c2s-mini-clip",
    weights: FILES.weights,
    sha256: hash,
    config,
  };
  await atomicWrite(
    `${dir}/${FILES.config}`,
    new TextEncoder().encode(JSON.stringify(file, null, 2) + "\n"),
  );
  return hash;
}

/** Writes bytes under a temporary name, then renames (a reader never sees half a file). */
export async function atomicWrite(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${Deno.pid}`;
  await Deno.writeFile(tmp, bytes);
  await Deno.rename(tmp, path);
}

/**
 * Loads a mini-CLIP from a directory holding `config.json` and the weights it names, after
 * checking the weights' sha256 against the one recorded in `config.json`.
 *
 * @throws {Error} When the weights' sha256 differs from the recorded one (a changed file).
 * @throws {SyntaxError} When a file is truncated or not valid JSON / safetensors.
 */
export async function loadMiniClip(dir: string): Promise<MiniClip> {
  const configPath = `${dir}/${FILES.config}`;
  let file: TeacherConfigFile;
  try {
    file = JSON.parse(await Deno.readTextFile(configPath));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new Error(msg.noTeacher(dir), { cause: e });
    throw new SyntaxError(msg.badConfig(configPath, (e as Error).message));
  }
  if (file.format !== "c2s-mini-clip" || typeof file.sha256 !== "string" || !file.config) {
    throw new SyntaxError(msg.badConfig(configPath, "not a c2s-mini-clip config"));
  }
  const weightsPath = `${dir}/${file.weights}`;
  const bytes = await Deno.readFile(weightsPath);
  const hash = await sha256Hex(bytes);
  if (hash !== file.sha256) throw new Error(msg.hashMismatch(weightsPath, file.sha256, hash));
  const content = parseSafetensors(bytes, weightsPath);
  return new MiniClip(
    file.config,
    weightsFromArrays(file.config, content.tensors, weightsPath),
    hash,
  );
}

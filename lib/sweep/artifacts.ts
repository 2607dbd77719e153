/**
 * The files a run leaves beside its record, each as a record artifact with its sha256: the sample
 * images (`samples.json`), the trained student's weights (`student.safetensors`) and the teacher's
 * card (read where it lies).
 *
 * @module
 */
import { join } from "node:path";
import type { Sample } from "../c2s/events.ts";
import { type NamedArray, sha256Hex, writeSafetensors } from "../teacher/safetensors.ts";
import type { RecordArtifact } from "../track/record.ts";

/** The name of a training run's weights file in its artifact folder. */
export const STUDENT_WEIGHTS_FILE = "student.safetensors";

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Writes the samples as JSON (maps base64) to `dir/samples.json`; kind `samples`. */
export async function writeSamples(
  dir: string,
  samples: readonly Sample[],
): Promise<RecordArtifact> {
  const rows = samples.map((s) => ({
    split: s.split,
    index: s.index,
    height: s.height,
    width: s.width,
    image: base64(s.image),
    groundTruth: base64(s.groundTruth),
    pseudoMask: s.pseudoMask === null ? null : base64(s.pseudoMask),
    prediction: base64(s.prediction),
  }));
  const bytes = new TextEncoder().encode(JSON.stringify(rows) + "\n");
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, "samples.json");
  await Deno.writeFile(path, bytes);
  return { kind: "samples", path, sha256: await sha256Hex(bytes) };
}

/**
 * Writes a student's weights (name -> shape and data) to `dir/student.safetensors`, with
 * `metadata` in its header; kind `student-weights`. `readSafetensors` reads them back.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { readSafetensors } from "../teacher/safetensors.ts";
 * import { writeStudentWeights } from "./artifacts.ts";
 * const dir = await Deno.makeTempDir();
 * const weights = new Map([["proj.kernel", { shape: [2], data: new Float32Array([1, 2]) }]]);
 * const artifact = await writeStudentWeights(dir, weights, { run: "abc" });
 * const back = await readSafetensors(artifact.path);
 * assert.deepEqual(back.tensors, weights);
 * assert.deepEqual(back.metadata, { run: "abc" });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeStudentWeights(
  dir: string,
  weights: ReadonlyMap<string, NamedArray>,
  metadata: Record<string, string> = {},
): Promise<RecordArtifact> {
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, STUDENT_WEIGHTS_FILE);
  const bytes = await writeSafetensors(path, weights, metadata);
  return { kind: "student-weights", path, sha256: await sha256Hex(bytes) };
}

/** An existing file as an artifact of `kind`, with the sha256 of its bytes now. */
export async function fileArtifact(kind: string, path: string): Promise<RecordArtifact> {
  return { kind, path, sha256: await sha256Hex(await Deno.readFile(path)) };
}

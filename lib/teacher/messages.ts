/**
 * User-facing messages of `lib/teacher` and of the `teacher` task, as typed functions, so that the
 * wording stays consistent and tests can assert it exactly.
 *
 * @module
 */

/** A class name's prompt holds a word the text tower has no token for. */
export function unknownWord(word: string, className: string): string {
  return `Cannot tokenize class "${className}": unknown word "${word}"`;
}

/** A prompt is longer than the text tower reads. */
export function promptTooLong(className: string, words: number, max: number): string {
  return `Cannot tokenize class "${className}": ${words} words, the text tower reads at most ${max}`;
}

/** Images of the wrong shape were given to the image tower. */
export function badImageShape(shape: readonly number[], side: number): string {
  return `Expected images of shape [B, ${side}, ${side}, 1], got [${shape.join(", ")}]`;
}

/** A tensor's data does not match its shape. */
export function shapeMismatch(name: string, shape: readonly number[], length: number): string {
  return `Tensor "${name}" has shape [${shape.join(", ")}] but ${length} values`;
}

/** A safetensors file ends before its header or data do. */
export function safetensorsTruncated(file: string, expected: number, actual: number): string {
  return `Cannot read safetensors file "${file}": truncated, expected at least ${expected} bytes but got ${actual}`;
}

/** A safetensors file holds bytes past its last tensor. */
export function safetensorsTrailing(file: string, expected: number, actual: number): string {
  return `Cannot read safetensors file "${file}": ${
    actual - expected
  } bytes after the last tensor (expected ${expected} bytes, got ${actual})`;
}

/** A safetensors header is not JSON. */
export function safetensorsBadHeader(file: string, why: string): string {
  return `Cannot read safetensors file "${file}": bad header (${why})`;
}

/** A safetensors header entry is malformed. */
export function safetensorsBadEntry(file: string, name: string): string {
  return `Cannot read safetensors file "${file}": bad entry for tensor "${name}"`;
}

/** A safetensors tensor has a dtype this reader does not take. */
export function safetensorsDtype(file: string, name: string, dtype: string): string {
  return `Cannot read safetensors file "${file}": tensor "${name}" has dtype "${dtype}", expected F32, F16 or BF16`;
}

/** A weights file lacks a tensor the architecture needs. */
export function missingTensor(file: string, name: string): string {
  return `Cannot load "${file}": tensor "${name}" is missing`;
}

/** A weights file's tensor has another shape than the architecture's. */
export function tensorShape(
  file: string,
  name: string,
  got: readonly number[],
  want: readonly number[],
): string {
  return `Cannot load "${file}": tensor "${name}" has shape [${got.join(", ")}], expected [${
    want.join(", ")
  }]`;
}

/** No teacher in a directory. */
export function noTeacher(dir: string): string {
  return `No teacher in "${dir}": config.json not found (train one with: deno task teacher train --out ${dir})`;
}

/** A config.json is unreadable. */
export function badConfig(file: string, why: string): string {
  return `Cannot read teacher config "${file}": ${why}`;
}

/** The weights differ from the ones the config/card recorded. */
export function hashMismatch(file: string, expected: string, actual: string): string {
  return `Teacher weights "${file}" do not match their recorded sha256: expected ${expected}, got ${actual}`;
}

/** A training state belongs to another run. */
export function stateMismatch(file: string, key: string, saved: string, wanted: string): string {
  return `Cannot resume from "${file}": it was saved with ${key} ${saved}, this run has ${key} ${wanted} (use another --out or the same settings)`;
}

/** The card describes other weights than the ones in the directory. */
export function cardHashMismatch(file: string, recorded: string, actual: string): string {
  return `Teacher card "${file}" describes weights with sha256 ${recorded}, but the weights have ${actual}`;
}

/** No teacher at a path given as a checkpoint folder or teacher module. */
export function teacherMissing(path: string): string {
  return `No teacher at ${JSON.stringify(path)}: train one with \`deno task teacher\`, or pass ` +
    `--teacher PATH (a checkpoint folder, a Hugging Face CLIPModel folder, or a module whose ` +
    `default export makes a Teacher)`;
}

/** A teacher module without a default export function. */
export function teacherModuleNoFactory(path: string): string {
  return `Teacher module ${JSON.stringify(path)} has no default export function that ` +
    "makes a Teacher";
}

/** A teacher module's factory returned something else. */
export function teacherModuleNotTeacher(path: string): string {
  return `Teacher ${JSON.stringify(path)} did not give a Teacher (name, dim, denseSize, hash, ` +
    `encodeImages, textEmbeddings, dispose)`;
}

/** No card to print. */
export function noCard(file: string): string {
  return `No teacher card "${file}" (train a teacher first, or pass --measure)`;
}

/** A teacher card that is not JSON. */
export function cardNotJson(file: string, reason: string): string {
  return `Cannot read teacher card "${file}": not valid JSON (${reason})`;
}

/** A teacher card lacks a field, or has it with another type. */
export function cardBadField(file: string, field: string, type: string): string {
  return `Cannot read teacher card "${file}": field "${field}" must be a ${type}`;
}

/** The weights a card describes are not there. */
export function cardWeightsMissing(weights: string, card: string): string {
  return `Teacher weights "${weights}" are missing: the card "${card}" describes weights that ` +
    "are not there (retrain, or restore the file)";
}

/** The weights beside a card are not the ones it was measured on. */
export function cardWeightsDiffer(
  weights: string,
  card: string,
  expected: string,
  got: string,
): string {
  return `Teacher weights "${weights}" do not match the card "${card}": their sha256 is ` +
    `${got}, the card's ${expected}, so its figures are not these weights' (corrupt or ` +
    "replaced; restore the file, retrain, or re-measure with --measure)";
}

/** A CLIPModel `config.json` field is missing its expected type or value. */
export function clipConfigField(
  file: string,
  key: string,
  expected: string,
  value: unknown,
): string {
  return `Cannot read CLIP config "${file}": "${key}" must be ${expected}, got ${
    JSON.stringify(value) ?? String(value)
  }`;
}

/** A CLIPModel folder lacks one of its files. */
export function clipFileMissing(dir: string, file: string): string {
  return `CLIP folder "${dir}" has no ${file} (expected the Hugging Face CLIPModel layout: ` +
    `config.json, model.safetensors, vocab.json, merges.txt)`;
}

/** A CLIP vocabulary or merges file is malformed. */
export function clipVocabBad(file: string, why: string): string {
  return `Cannot read CLIP tokenizer file "${file}": ${why}`;
}

/** A BPE token is not in the vocabulary. */
export function clipTokenUnknown(token: string, text: string): string {
  return `Cannot tokenize ${JSON.stringify(text)}: BPE token ${
    JSON.stringify(token)
  } is not in the vocabulary`;
}

/** Images for the CLIP tower have the wrong shape. */
export function clipImageShape(shape: readonly number[], patch: number): string {
  return `Expected CLIP images of shape [B, H, W, 1 or 3] with H, W >= the patch size ${patch}, got [${
    shape.join(", ")
  }]`;
}

/** `--teacher` names what eval reads; train writes to `--out`. */
export function teacherFlagOnTrain(path: string): string {
  return `Flag "--teacher" of deno task teacher is for eval, got ${
    JSON.stringify(path)
  } with train (train writes to --out DIR)`;
}

/** A data-parallel step cannot split the batch evenly over its workers. */
export function batchSplit(n: number, workers: number): string {
  return `Cannot split a batch of ${n} items per kind evenly over ${
    JSON.stringify(workers)
  } workers: give a worker count that divides it`;
}

/** A data-parallel step worker failed. */
export function stepWorkerFailed(detail: string): string {
  return `A data-parallel step worker failed: ${detail}`;
}

/**
 * The text tower's word tokenizer: lower-case words, split on white space and "/" (so
 * "T-shirt/top" reads "t-shirt top"), looked up in a fixed vocabulary built from the prompt
 * template and the class names. Token 0 is padding.
 *
 * @module
 */
import { PROMPT_TEMPLATE } from "./config.ts";
import * as msg from "./messages.ts";

/** The padding token. */
export const PAD = "<pad>";

/** Lower-case words of a text: split on white space, "/" and "," ; hyphens stay inside words. */
export function words(text: string): string[] {
  return text.toLowerCase().split(/[\s/,]+/).filter((w) => w.length > 0);
}

/** The prompt for one class name. */
export function promptFor(className: string, template = PROMPT_TEMPLATE): string {
  return template.replace("{class}", className);
}

/**
 * A vocabulary (`[PAD, ...words in first-seen order]`) covering the template and the class names.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { buildVocabulary } from "./tokenizer.ts";
 * assertEquals(buildVocabulary(["Ankle boot"]), ["<pad>", "a", "photo", "of", "ankle", "boot"]);
 * ```
 */
export function buildVocabulary(
  classNames: readonly string[],
  template = PROMPT_TEMPLATE,
): string[] {
  const vocab = [PAD];
  for (const name of classNames) {
    for (const w of words(promptFor(name, template))) if (!vocab.includes(w)) vocab.push(w);
  }
  return vocab;
}

/**
 * Token ids of each class's prompt, padded with 0 to `length`.
 *
 * @throws {RangeError} On a word outside the vocabulary or a prompt longer than `length`.
 */
export function tokenize(
  classNames: readonly string[],
  vocabulary: readonly string[],
  length: number,
  template = PROMPT_TEMPLATE,
): Int32Array[] {
  return classNames.map((name) => {
    const ws = words(promptFor(name, template));
    if (ws.length > length) throw new RangeError(msg.promptTooLong(name, ws.length, length));
    const ids = new Int32Array(length);
    ws.forEach((w, i) => {
      const id = vocabulary.indexOf(w);
      if (id <= 0) throw new RangeError(msg.unknownWord(w, name));
      ids[i] = id;
    });
    return ids;
  });
}

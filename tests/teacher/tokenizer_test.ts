import { assert } from "../../lib/_std.ts";
import { FASHION_CLASSES } from "../../lib/data/types.ts";
import { buildVocabulary, promptFor, tokenize, words } from "../../lib/teacher/tokenizer.ts";
import * as msg from "../../lib/teacher/messages.ts";

Deno.test("words() lower-cases and splits class names sensibly (slash and space, hyphen kept)", () => {
  assert.deepEqual(words(promptFor("T-shirt/top")), ["a", "photo", "of", "a", "t-shirt", "top"]);
  assert.deepEqual(words(promptFor("Ankle boot")), ["a", "photo", "of", "a", "ankle", "boot"]);
});

Deno.test("tokenize() maps every Fashion-MNIST prompt to shared word ids, padded with 0", () => {
  const vocab = buildVocabulary(FASHION_CLASSES);
  assert.equal(vocab[0], "<pad>");
  assert.equal(new Set(vocab).size, vocab.length);
  const ids = tokenize(FASHION_CLASSES, vocab, 8);
  assert.equal(ids.length, 10);
  const prefix = [...ids[0]!.slice(0, 4)];
  for (const row of ids) assert.deepEqual([...row.slice(0, 4)], prefix); // "a photo of a"
  assert.deepEqual([...ids[9]!].map((i) => vocab[i]), [
    "a",
    "photo",
    "of",
    "a",
    "ankle",
    "boot",
    "<pad>",
    "<pad>",
  ]);
});

Deno.test("tokenize() rejects a word outside the vocabulary and a prompt longer than the tower reads", () => {
  const vocab = buildVocabulary(FASHION_CLASSES);
  assert.throws(() => tokenize(["Scarf"], vocab, 8), RangeError, msg.unknownWord("scarf", "Scarf"));
  assert.throws(
    () => tokenize(["Ankle boot"], vocab, 5),
    RangeError,
    msg.promptTooLong("Ankle boot", 6, 5),
  );
});

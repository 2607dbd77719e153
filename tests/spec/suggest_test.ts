import { assert } from "../../lib/_std.ts";
import { editDistance, suggest } from "../../lib/_suggest.ts";
import { CONFIG_KEYS } from "../../lib/spec/keys.ts";

Deno.test("editDistance() counts inserts, deletes and substitutions", () => {
  assert.equal(editDistance("", ""), 0);
  assert.equal(editDistance("abc", ""), 3);
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(editDistance("globl", "global"), 1);
});

Deno.test("suggest() picks the nearest candidate within a third of the input's length", () => {
  assert.equal(suggest("distill.globl.bankSize", CONFIG_KEYS), "distill.global.bankSize");
  assert.equal(suggest("pseudomask.lamda", CONFIG_KEYS), "pseudoMask.lambda");
  assert.equal(suggest("tokenbank", ["module", "token-bank", "window-size"]), "token-bank");
  assert.equal(suggest("quik", ["smoke", "quick", "paper"]), "quick");
  assert.equal(suggest("zzzzzz", ["smoke", "quick", "paper"]), undefined);
  assert.equal(suggest("7", ["0", "2", "6", "14"]), undefined);
  assert.equal(suggest("66", ["0", "2", "6", "14"]), "6");
});

Deno.test("suggest() completes a unique trailing field name to its dotted key", () => {
  assert.equal(suggest("bankSize", CONFIG_KEYS), "distill.global.bankSize");
  assert.equal(suggest("global.loss", CONFIG_KEYS), "distill.global.loss");
  // "temperature" ends two keys: no completion, and no key is near enough by edits.
  assert.equal(suggest("temperature", CONFIG_KEYS), undefined);
});

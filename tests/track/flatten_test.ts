import { assert } from "../../lib/_std.ts";
import { flattenConfig } from "../../lib/track/flatten.ts";
import { rejectsWith } from "./_helpers.ts";

Deno.test("flattenConfig() turns nesting into dotted keys and values into text", () => {
  assert.deepEqual(
    flattenConfig({
      data: { unseen: ["Trouser", "Bag"], evalScenes: 512 },
      distill: { global: { bankSize: 6, on: true, weight: 0.25, loss: "infonce" }, extra: {} },
      teacher: null,
      skipped: undefined,
      diverged: NaN,
      windows: [{ k: 3 }],
    }),
    [
      { key: "data.unseen", value: '["Trouser","Bag"]' },
      { key: "data.evalScenes", value: "512" },
      { key: "distill.global.bankSize", value: "6" },
      { key: "distill.global.on", value: "true" },
      { key: "distill.global.weight", value: "0.25" },
      { key: "distill.global.loss", value: "infonce" },
      { key: "distill.extra", value: "{}" },
      { key: "teacher", value: null },
      { key: "diverged", value: "NaN" },
      { key: "windows", value: '[{"k":3}]' },
    ],
  );
});

Deno.test("flattenConfig() of an empty object is no rows", () => {
  assert.deepEqual(flattenConfig({}), []);
});

Deno.test("flattenConfig() rejects what is not an object", async () => {
  await rejectsWith(
    () => flattenConfig([1]),
    TypeError,
    "Cannot flatten config: expected an object, got an array [1]",
  );
  await rejectsWith(
    () => flattenConfig("x"),
    TypeError,
    'Cannot flatten config: expected an object, got a string "x"',
  );
});

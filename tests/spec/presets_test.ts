import { assert } from "../../lib/_std.ts";
import { getPreset, PRESET_KEYS, PresetName, PRESETS } from "../../lib/spec/presets.ts";
import { resolveConfig } from "../../lib/spec/validate.ts";
import { assertThrowsExactly } from "./_assert.ts";

Deno.test("presets set only schedule and pool sizes, with valid values", () => {
  for (const name of PresetName) {
    const preset = PRESETS[name];
    assert.equal(preset.name, name);
    for (const key of Object.keys(preset.set)) {
      assert.ok((PRESET_KEYS as readonly string[]).includes(key), `${name} sets "${key}"`);
    }
    resolveConfig(preset.set, `preset ${name}`);
  }
});

Deno.test("presets run 1, 3 and 5 seeds and grow in length", () => {
  assert.deepEqual(PresetName.map((name) => PRESETS[name].seeds), [1, 3, 5]);
  const images = PresetName.map((name) => {
    const set = PRESETS[name].set;
    return (set["train.steps"] ?? 0) * (set["train.batchSize"] ?? 0);
  });
  assert.ok(images[0]! < images[1]! && images[1]! < images[2]!, images.join(" < "));
});

Deno.test("getPreset() names the presets for an unknown name", () => {
  assert.equal(getPreset("paper"), PRESETS.paper);
  assertThrowsExactly(
    () => getPreset("fast"),
    RangeError,
    `Unknown preset "fast"; presets are "smoke", "quick", "paper"`,
  );
});

import { assert } from "../../lib/_std.ts";
import module from "../../ablations/module.ts";
import globalLocal from "../../ablations/global_local.ts";
import windowSize from "../../ablations/window_size.ts";
import { expandAblation } from "../../lib/spec/expand.ts";
import { formatOverrides, formatPlan, shortHash } from "../../lib/spec/plan.ts";

Deno.test("formatOverrides() writes key=value pairs, lists in brackets, - for none", () => {
  assert.equal(
    formatOverrides({ "pseudoMask.windowSizes": [3, 7], "distill.global.loss": "l2" }),
    "pseudoMask.windowSizes=[3,7] distill.global.loss=l2",
  );
  assert.equal(formatOverrides({}), "-");
});

Deno.test("formatPlan() lists runs with variant, seed, short hash, status and overrides", async () => {
  const runs = await expandAblation(windowSize, { preset: "smoke", seeds: 2 });
  const h = runs.map((run) => shortHash(run.hash));
  const text = formatPlan(runs, [runs[1]?.hash ?? "", "not-a-run"]);
  assert.equal(
    text,
    [
      "window-size: Table X (training), preset smoke",
      "  base:   data.source=fashion-scenes data.unseen=[Trouser,Sneaker,Bag]",
      "  preset: train.steps=3 train.batchSize=2 train.evalEvery=0 train.logEvery=1 " +
      "data.trainScenes=8 data.evalScenes=4",
      "  variant  seed  hash          status   overrides",
      `  3        0     ${h[0]}  pending  pseudoMask.windowSizes=[3]`,
      `  7        0     ${h[1]}  done     pseudoMask.windowSizes=[7]`,
      `  3,7      0     ${h[2]}  pending  pseudoMask.windowSizes=[3,7]`,
      `  3        1     ${h[3]}  pending  pseudoMask.windowSizes=[3]`,
      `  7        1     ${h[4]}  pending  pseudoMask.windowSizes=[7]`,
      `  3,7      1     ${h[5]}  pending  pseudoMask.windowSizes=[3,7]`,
      "  6 runs: 1 done, 5 pending",
    ].join("\n"),
  );
});

Deno.test("formatPlan() marks a run another table already plans, and counts distinct configs", async () => {
  const runs = [
    ...await expandAblation(module, { preset: "smoke" }),
    ...await expandAblation(globalLocal, { preset: "smoke" }),
  ];
  const text = formatPlan(runs, []);
  const lines = text.split("\n");
  const none = lines.find((line) => line.trimStart().startsWith("none "));
  assert.ok(none?.endsWith(`(same run as module "+latent")`), none);
  const both = lines.find((line) => line.trimStart().startsWith("global + local "));
  assert.ok(both?.endsWith(`(same run as module "full")`), both);
  assert.equal(lines.at(-1), "In all: 9 runs, 7 distinct configs: 0 done, 7 to run");
});

Deno.test("formatPlan() says so when there is nothing to run", () => {
  assert.equal(formatPlan([], []), "No runs.");
});

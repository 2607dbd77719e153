import { assert, assertRejects } from "../../lib/_std.ts";
import { Msg } from "../../lib/report/messages.ts";
import { fileName, paperNotesFor, renderReport } from "../../lib/report/render.ts";
import { listAblations, loadAblation } from "../../lib/spec/registry.ts";
import { tableOrder } from "../../lib/report/data.ts";
import { databaseMissing } from "../../lib/track/messages.ts";
import { readClaims } from "../../lib/track/ablation_rows.ts";
import { RunStore } from "../../lib/track/store.ts";
import { makeFixtureDb } from "./_fixture.ts";
import definition from "../../reports/paper.ts";

const fx = await makeFixtureDb();
const out = `${fx.dir}/out`;
globalThis.addEventListener("unload", () => Deno.removeSync(fx.dir, { recursive: true }));

Deno.test("renderReport() writes one self-contained page for an ablation", async () => {
  const result = await renderReport("token-bank", { db: fx.db, outDir: out, definition });
  assert.deepEqual(result.pages.map((p) => [p.name, p.path, p.rows, p.finishedRuns]), [
    ["token-bank", `${out}/token-bank.html`, 4, 12],
  ]);
  assert.deepEqual(result.warnings, []);
  const page = await Deno.readTextFile(`${out}/token-bank.html`);
  assert.ok(page.includes(`data-rows="4"`));
  assert.ok(page.includes("Table IX \u00b7 token-bank"));
  assert.ok(page.includes(`id="tau"`));
  assert.ok(page.includes("Kendall τ<sub>b</sub>") && !page.includes("\\u03c4"));
  assert.ok(page.includes("data:image/png;base64,"), "sample images are embedded");
  assert.ok(page.includes("mini-CLIP conv tower (TEST FIXTURE"), "teacher card shown");
  assert.ok(page.includes("connected-component proposals"), "stand-ins labelled");
  assert.ok(page.includes("distill.global.bankSize"), "varying setting shown");
  assert.ok(page.includes("The paper's Table IX as printed (4 rows)"));
  assert.ok(page.includes(`<table class="plain results" id="table" data-rows="4">`));
});

Deno.test("renderReport() escapes text from the database (a run's error message)", async () => {
  await renderReport("token-bank", { db: fx.db, outDir: out, definition });
  const page = await Deno.readTextFile(`${out}/token-bank.html`);
  assert.ok(
    page.includes(
      `<td class="error">step 340: NaN loss at step 340 &lt;script&gt;alert(1)&lt;/script&gt;`,
    ),
  );
  assert.ok(!page.includes("<script>alert(1)"));
});

Deno.test("renderReport() computes the agreement shown on the page from the runs", async () => {
  await renderReport("module", { db: fx.db, outDir: out, definition });
  const page = await Deno.readTextFile(`${out}/module.html`);
  // Fixture module means: baseline < +latent < full ~ +distillation, as in the paper except
  // possibly the last pair: tau is 1 or 2/3, never the placeholder.
  const tau = /data-tau="([^"]+)"/.exec(page)![1]!;
  assert.ok(["1.00", "0.67"].includes(tau), tau);
  assert.ok(page.includes("Rows: <b>+latent</b> = the paper&#39;s &quot;baseline + latent"));
});

Deno.test("renderReport() shows the teacher card once when the runs recorded the shipped card", async () => {
  // The shipped teacher folder holds the very card every fixture run recorded as an artifact.
  const teacherDir = `${fx.dir}/shipped-teacher`;
  await Deno.mkdir(teacherDir, { recursive: true });
  await Deno.copyFile(`${fx.dir}/artifacts/teacher-card.json`, `${teacherDir}/card.json`);
  await renderReport("token-bank", { db: fx.db, outDir: `${out}/card`, definition, teacherDir });
  const page = await Deno.readTextFile(`${out}/card/token-bank.html`);
  assert.equal(page.split(`class="card teacher-card"`).length - 1, 1);
});

Deno.test("renderReport() shows each claim's paired verdict, judged with --delta", async () => {
  const verdicts = async (delta: number) => {
    await renderReport("token-bank", { db: fx.db, outDir: `${out}/d${delta}`, definition, delta });
    const page = await Deno.readTextFile(`${out}/d${delta}/token-bank.html`);
    assert.ok(page.includes(`id="claims"`) && page.includes(`claims_at(${delta.toFixed(1)})`));
    return /<b id="verdicts">([^<]+)<\/b>/.exec(page)![1]!;
  };
  const store = await RunStore.open(fx.db, { readOnly: true });
  try {
    const count = async (delta: number) => {
      const rows = await readClaims(store, "token-bank", delta);
      const on = rows.filter((c) => c.metric === "hIoU");
      return ["reproduced", "reversed", "equivalent", "unresolved"].map((v) =>
        `${on.filter((c) => c.verdict === v).length} ${v}`
      ).join(", ");
    };
    const [at1, at100] = [await count(1), await count(100)];
    await store.close();
    assert.equal(await verdicts(1), at1);
    // A margin of 100 points calls every claim that is not reproduced or reversed equivalent.
    assert.equal(await verdicts(100), at100);
    assert.match(at100, / 0 unresolved$/);
  } finally {
    await store.close();
  }
});

Deno.test("renderReport() gives an ablation without runs a page that says so", async () => {
  const result = await renderReport("window-size", { db: fx.db, outDir: out, definition });
  assert.deepEqual(result.warnings, [Msg.noRunsYet("window-size")]);
  const page = await Deno.readTextFile(`${out}/window-size.html`);
  assert.ok(page.includes(`id="no-runs"`));
  assert.ok(page.includes("Nothing to compare yet"));
  assert.ok(page.includes(`data-rows="3"`));
});

Deno.test("renderReport('all') writes every table's page and an index linking each", async () => {
  const dir = `${out}/all`;
  const result = await renderReport("all", { db: fx.db, outDir: dir, definition });
  const names = await listAblations();
  const pages = result.pages.filter((p) => p.name !== "index" && p.name !== "verdicts");
  assert.deepEqual(pages.map((p) => p.name).sort(), names.sort());
  const tables = new Map<string, string>();
  for (const name of names) tables.set(name, (await loadAblation(name)).table);
  const order = pages.map((p) => tableOrder(tables.get(p.name)!));
  assert.deepEqual(order, [...order].sort((a, b) => a - b), "pages in the paper's table order");
  const index = await Deno.readTextFile(`${dir}/index.html`);
  for (const name of names) {
    assert.ok(index.includes(`href="${fileName(name)}.html"`), name);
    await Deno.stat(`${dir}/${fileName(name)}.html`);
  }
  assert.ok(index.includes(`data-rows="${names.length}"`));
  // token-bank's "6" and module's "full" are the same three runs: counted once.
  const indexPage = result.pages.find((p) => p.name === "index")!;
  assert.equal(indexPage.finishedRuns, fx.finished["token-bank"]! + fx.finished.module! - 3);
  const tokenBank = await Deno.readTextFile(`${dir}/token-bank.html`);
  assert.ok(tokenBank.includes(`href="index.html"`));
});

Deno.test("renderReport() names a missing database and an unknown ablation", async () => {
  const missing = `${fx.dir}/nope.duckdb`;
  await assertRejects(
    () => renderReport("token-bank", { db: missing, outDir: out, definition }),
    Deno.errors.NotFound,
    databaseMissing(missing),
  );
  const known = [...new Set([...(await listAblations()), "module", "token-bank", "window-size"])]
    .sort();
  await assertRejects(
    () => renderReport("tokn-bank", { db: fx.db, outDir: out, definition }),
    RangeError,
    Msg.unknownAblation("tokn-bank", known),
  );
});

Deno.test("paperNotesFor() picks the notes of one table, not of a table sharing its prefix", () => {
  assert.equal(paperNotesFor("IX").length, 2);
  assert.ok(paperNotesFor("X").every((n) => /Table X(?![IVX])/.test(n)));
  assert.deepEqual(paperNotesFor(null), []);
});

Deno.test("renderReport('all') writes verdicts.md: per table the paper's and the measured order, tau and the verdicts", async () => {
  const dir = `${out}/verdicts`;
  const result = await renderReport("all", { db: fx.db, outDir: dir, definition });
  const file = result.pages.find((p) => p.name === "verdicts")!;
  assert.equal(file.path, `${dir}/verdicts.md`);
  const lines = (await Deno.readTextFile(file.path)).trimEnd().split("\n");
  assert.equal(
    lines[0],
    "| table | ablation | metric | seeds | paper order | measured order | τb | reproduced | " +
      "reversed | equivalent | unresolved |",
  );
  assert.equal(lines.length, 2 + file.rows);
  // The fixture's Table IX: 14 beats 0 in the measurements, so tau-b is 4/6 and the three claims
  // involving 0 or 14 stay unresolved.
  assert.ok(
    lines.includes(
      "| IX | token-bank | hIoU | 3 | 6 > 2 > 0 > 14 | 6 > 2 > 14 > 0 | 0.67 | 3 | 0 | 0 | 3 |",
    ),
    lines.join("\n"),
  );
  // A table without runs: the paper's order, nothing measured, every claim unresolved.
  assert.ok(
    lines.includes(
      "| XI | aggregation | hIoU | 0 | attention > max > mean | – | n/a | 0 | 0 | 0 | 3 |",
    ),
  );
  assert.ok(lines.includes("| III | efficiency | – | – | – | – | – | – | – | – | – |"));
});

/**
 * How long `renderReport` takes on the test fixture database (invented runs: 2 tables x 12
 * finished runs, ~160 curve points each, plus every registry ablation without runs).
 */
import { renderReport } from "../../lib/report/render.ts";
import definition from "../../reports/paper.ts";
import { makeFixtureDb } from "./_fixture.ts";

export async function bench(): Promise<void> {
  const fx = await makeFixtureDb();
  try {
    const out = `${fx.dir}/out`;
    const cold = await renderReport("token-bank", { db: fx.db, outDir: out, definition });
    const warm = await renderReport("token-bank", { db: fx.db, outDir: out, definition });
    console.log(
      `report token-bank: ${cold.ms.toFixed(0)} ms first (reads the Vega builds), ` +
        `${warm.ms.toFixed(0)} ms again; ${(warm.pages[0]!.bytes / 1024).toFixed(0)} KiB`,
    );
    const all = await renderReport("all", { db: fx.db, outDir: out, definition });
    const bytes = all.pages.reduce((n, p) => n + p.bytes, 0);
    console.log(
      `report all: ${all.ms.toFixed(0)} ms for ${all.pages.length} pages ` +
        `(${(all.ms / all.pages.length).toFixed(0)} ms/page), ${
          (bytes / 1024 / 1024).toFixed(1)
        } MiB`,
    );
  } finally {
    await fx.cleanup();
  }
}

/// <reference lib="dom" />
/**
 * The generated pages in a real headless Chromium (Debian `chromium`, driven by playwright-core),
 * opened from file:// with every non-file request blocked and recorded: every chart draws, every
 * table has one row per variant, no element ends right of a 1,280 px wide window, nothing is
 * requested from the network, nothing logs an error, no injected script runs; once on a fixture
 * database, once on a real `ablate all --preset smoke` database (tiny teacher). Screenshots go to
 * reports/out/screenshots/ (git-ignored).
 *
 * Skipped, saying so, where Chromium is missing (CHROMIUM_PATH overrides /usr/bin/chromium).
 */
import { type Browser, chromium, type Page } from "playwright-core";
import { assert } from "../../lib/_std.ts";
import { renderReport } from "../../lib/report/render.ts";
import definition from "../../reports/paper.ts";
import { loadAblation } from "../../lib/spec/registry.ts";
import { makeFixtureDb } from "./_fixture.ts";
import { ablate, smokeArgs, tempArea } from "../sweep/_sweep.ts";

const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const SCREENSHOTS = new URL("../../reports/out/screenshots/", import.meta.url).pathname;

function chromiumPresent(): boolean {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
}

const present = chromiumPresent();
if (!present) {
  console.warn(`browser_test: Chromium not found at ${CHROMIUM}; the browser checks are skipped`);
}

/** What a page did that it must not. */
interface Incidents {
  requests: string[];
  consoleErrors: string[];
  pageErrors: string[];
  dialogs: string[];
}

function watch(page: Page, incidents: Incidents): void {
  page.on("console", (m) => {
    if (m.type() === "error") incidents.consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => incidents.pageErrors.push(`${page.url()}: ${e.message}`));
  page.on("dialog", (d) => {
    incidents.dialogs.push(`${page.url()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith("file:") && !url.startsWith("data:")) incidents.requests.push(url);
  });
}

/** Rows of the main table, the charts on the page and those that drew an SVG. */
function countRows(page: Page): Promise<{ rows: number; charts: number; drawn: number }> {
  return page.evaluate(() => {
    const rows = document.querySelectorAll("table#table tbody tr").length;
    const charts = document.querySelectorAll("div.chart").length;
    const drawn = document.querySelectorAll("div.chart svg.marks").length;
    return { rows, charts, drawn };
  });
}

/** Elements whose box ends right of the window (the page would scroll sideways or cut them). */
function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    if (document.documentElement.scrollWidth > width) {
      out.push(`page scrolls to ${document.documentElement.scrollWidth} px`);
    }
    for (const el of document.querySelectorAll("body *")) {
      const right = el.getBoundingClientRect().right;
      if (right > width + 0.5) {
        const where = el.closest("[id]")?.id ?? "";
        out.push(`${el.tagName.toLowerCase()} in #${where} ends at ${Math.round(right)} px`);
      }
    }
    return out.slice(0, 10);
  });
}

/**
 * Renders `all` from `db` and opens every page in Chromium: every chart draws, every image decodes,
 * each table has `expectedRows(name)` rows, and no page requests anything, logs an error or runs an
 * injected script. Screenshots of token-bank and the index go to `shotPrefix`.
 */
async function checkPagesInBrowser(
  db: string,
  outDir: string,
  expectedRows: (name: string) => Promise<number>,
  shotPrefix: string,
): Promise<void> {
  const result = await renderReport("all", { db, outDir, definition });
  const expected = new Map<string, number>();
  for (const page of result.pages) {
    if (!page.path.endsWith(".html")) continue; // verdicts.md is no page
    if (page.name !== "index") expected.set(page.name, await expectedRows(page.name));
  }
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const incidents: Incidents = { requests: [], consoleErrors: [], pageErrors: [], dialogs: [] };
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
      incidents.requests.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    watch(page, incidents);
    await Deno.mkdir(SCREENSHOTS, { recursive: true });

    for (const rendered of result.pages) {
      if (!rendered.path.endsWith(".html")) continue;
      await page.goto(new URL(`file://${rendered.path}`).href);
      await page.waitForFunction(
        () => document.body.getAttribute("data-charts") === "done",
        null,
        { timeout: 60_000 },
      );
      const errors = await page.evaluate(() =>
        (globalThis as unknown as { c2sReport: { errors: Record<string, string> } }).c2sReport
          .errors
      );
      assert.deepEqual(errors, {}, rendered.name);
      const images = await page.evaluate(() =>
        [...document.images].map((img) => img.complete && img.naturalWidth > 0)
      );
      assert.ok(images.every(Boolean), `${rendered.name}: every image decodes`);
      if (rendered.name === "index") {
        const lines = await page.locator("#tables tbody tr").count();
        assert.equal(lines, expected.size);
        const drawn = await page.locator("#summary svg.marks").count();
        assert.equal(drawn, 1);
      } else {
        const rows = await countRows(page);
        const want = expected.get(rendered.name)!;
        assert.equal(rows.rows, want, `${rendered.name}: rows of the main table`);
        assert.equal(rows.drawn, rows.charts, `${rendered.name}: every chart drew an SVG`);
      }
      assert.deepEqual(await overflowing(page), [], `${rendered.name}: fits a 1,280 px window`);
      if (["token-bank", "efficiency", "index"].includes(rendered.name)) {
        const shot = `${SCREENSHOTS}${shotPrefix}${rendered.name}.png`;
        await page.screenshot({ path: shot, fullPage: true });
        console.log(`screenshot: ${shot}`);
      }
    }
    // A fixture run's error carries a <script>; had it been injected, it would have alerted.
    assert.deepEqual(incidents, { requests: [], consoleErrors: [], pageErrors: [], dialogs: [] });
  } finally {
    await browser.close();
  }
}

Deno.test({
  name: present
    ? "report pages render offline in Chromium: every table, no request, no console error"
    : `report pages render offline in Chromium (skipped: Chromium not found at ${CHROMIUM})`,
  ignore: !present,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const fx = await makeFixtureDb();
    try {
      await checkPagesInBrowser(
        fx.db,
        `${fx.dir}/out`,
        // The main table lists every row of the spec, measured or not.
        async (name) => (await loadAblation(name)).variants.length,
        "",
      );
    } finally {
      await fx.cleanup();
    }
  },
});

Deno.test({
  name: present
    ? "reports of a real ablate all --preset smoke database render offline in Chromium"
    : `reports of a real smoke sweep render in Chromium (skipped: Chromium not found at ${CHROMIUM})`,
  ignore: !present,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using area = await tempArea();
    const out = await ablate(["all", ...smokeArgs(area, null)]);
    assert.equal(out.code, 0, out.stdout + out.stderr);
    await checkPagesInBrowser(
      area.db,
      `${area.work}/reports`,
      async (name) => (await loadAblation(name)).variants.length,
      "smoke-",
    );
  },
});

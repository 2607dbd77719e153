/**
 * Self-contained HTML: a page shell that inlines the Vega, Vega-Lite and vega-embed builds as
 * script text, carries every chart spec (with its data) as JSON, embeds images as data URLs, and
 * forbids network access with a Content-Security-Policy (`default-src 'none'`), so the page opens
 * offline and makes no request. Text is escaped by construction: the {@link html} tag escapes every
 * interpolated value unless it is already {@link SafeHtml}.
 *
 * Once the charts are drawn, `window.c2sReport` holds `{ views, errors, done }`: the Vega views by
 * chart id, embedding errors by chart id, and a promise that settles when all charts are done.
 *
 * @module
 */
import type { VegaLiteSpec } from "./vega_specs.ts";
import { type VendorScript, vendorScripts } from "./vendor.ts";

/** A string that is already HTML (escaped or built by {@link html}). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/**
 * Escape text for HTML element content and quoted attribute values.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { escapeHtml } from "./html.ts";
 * assertEquals(escapeHtml(`<a href="x">&'</a>`), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Mark trusted HTML (built by this module or a fixed literal) as safe. */
export function raw(value: string): SafeHtml {
  return new SafeHtml(value);
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/**
 * Template tag: literal parts are trusted, interpolations are escaped (arrays joined; `null`,
 * `undefined` and `false` render nothing).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { html } from "./html.ts";
 * const name = "<b>";
 * assertEquals(html`<p title="${name}">${name}</p>`.value, '<p title="&lt;b&gt;">&lt;b&gt;</p>');
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

/**
 * JSON safe inside a `<script>` element: `<`, `>`, `&`, U+2028 and U+2029 as `\u` escapes, so no
 * string value can close the element or start a comment.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { scriptJson } from "./html.ts";
 * assertEquals(scriptJson({ a: "</script>" }), '{"a":"\\u003c/script\\u003e"}');
 * ```
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** One chart of a page: its container id and spec. */
export interface PageChart {
  /** Element id, `[a-z0-9-]+`. */
  readonly id: string;
  readonly spec: VegaLiteSpec;
}

/** Inputs of {@link htmlPage}. */
export interface PageInput {
  readonly title: string;
  readonly body: SafeHtml;
  readonly charts: readonly PageChart[];
}

/** The page's Content-Security-Policy: inline scripts and styles, data: images, nothing else. */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'unsafe-inline' " +
  "'unsafe-eval'; style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; " +
  "base-uri 'none'; form-action 'none'";

const STYLE = `
:root { color-scheme: light; --fg: #1d2329; --muted: #5c6670; --line: #d9dee3; --accent: #1f6fb4; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg);
  margin: 0; background: #fafbfc; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 64px; background: #fff;
  min-height: 100vh; }
h1 { font-size: 1.6em; margin: 0.2em 0 0.1em; }
h2 { font-size: 1.2em; margin: 1.8em 0 0.5em; border-bottom: 1px solid var(--line);
  padding-bottom: 0.2em; }
h3 { font-size: 1.02em; margin: 1.2em 0 0.4em; }
.muted, .meta { color: var(--muted); }
.meta { font-size: 0.88em; }
nav { font-size: 0.9em; margin: 0.5em 0 1em; }
nav a { margin-right: 0.9em; }
a { color: var(--accent); }
.chart { margin: 0.6em 0 1.2em; overflow-x: auto; }
.scroll { overflow-x: auto; }
.notice { border-left: 4px solid #e0a100; background: #fff8e1; padding: 0.6em 0.9em; margin: 1em 0; }
.notice.error { border-color: #c62828; background: #fdecea; }
table.plain { border-collapse: collapse; font-size: 0.88em; margin: 0.4em 0 1em; }
table.plain th, table.plain td { border-bottom: 1px solid var(--line); padding: 3px 10px 3px 0;
  text-align: left; vertical-align: top; }
table.plain td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.plain td.nowrap, #runs-table td { white-space: nowrap; }
#runs-table td.error { white-space: normal; }
.outcome-reproduced { color: #1e7b2e; font-weight: 600; }
.outcome-equivalent { color: #1f6fb4; }
.outcome-reversed { color: #c62828; font-weight: 600; }
.outcome-unresolved { color: var(--muted); }
table.results caption { text-align: left; font-weight: 600; padding-bottom: 4px; }
table.results th.group { text-align: center; border-bottom: 1px solid #444; }
table.results td.best-paper { font-weight: 700; }
table.results td.best-measured { background: #d7ecd2; }
table.results td, table.results th { padding-left: 8px; white-space: nowrap; }
.legend .swatch { display: inline-block; margin-right: 12px; white-space: nowrap; }
.legend .swatch i { display: inline-block; width: 12px; height: 12px; margin-right: 4px;
  vertical-align: -1px; border: 1px solid var(--line); }
.big { font-size: 1.35em; font-weight: 600; }
.figures { display: flex; flex-wrap: wrap; gap: 18px; }
figure { margin: 0; }
figure .panels { display: flex; gap: 6px; }
figure .panel { text-align: center; font-size: 0.78em; color: var(--muted); }
figure img { width: 128px; height: 128px; image-rendering: pixelated; display: block;
  border: 1px solid var(--line); }
figcaption { font-size: 0.82em; color: var(--muted); margin-top: 2px; }
dl.card { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; font-size: 0.9em; }
dl.card dt { font-weight: 600; }
dl.card dd { margin: 0; }
code { font-size: 0.92em; background: #f2f4f6; padding: 0 3px; border-radius: 3px; }
details { margin: 0.5em 0; }
footer { margin-top: 3em; font-size: 0.8em; color: var(--muted); }
`;

const BOOT = `(function () {
  var specs = JSON.parse(document.getElementById("c2s-specs").textContent);
  var report = window.c2sReport = { views: {}, errors: {}, done: null };
  report.done = Promise.all(Object.keys(specs).map(function (id) {
    return vegaEmbed("#" + id, specs[id], { renderer: "svg", actions: false })
      .then(function (result) { report.views[id] = result.view; })
      .catch(function (error) {
        report.errors[id] = String(error);
        console.error("Chart " + id + " failed: " + error);
        var el = document.getElementById(id);
        if (el) { el.className += " notice error"; el.textContent = "Chart failed: " + error; }
      });
  })).then(function () { document.body.setAttribute("data-charts", "done"); });
})();`;

/**
 * A complete self-contained page.
 *
 * @example
 * ```ts ignore
 * const page = await htmlPage({ title: "t", body: html`<p>hi</p>`, charts: [] });
 * await Deno.writeTextFile("t.html", page);
 * ```
 */
export async function htmlPage(input: PageInput): Promise<string> {
  const vendor = await vendorScripts();
  const specs = Object.fromEntries(input.charts.map((c) => [c.id, c.spec]));
  const scripts = vendor.map((v: VendorScript) =>
    `<script data-package="${escapeHtml(v.name)}@${escapeHtml(v.version)}">${v.source}</script>`
  ).join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CONTENT_SECURITY_POLICY)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${input.body.value}
<footer>Charts drawn with ${
    vendor.map((v) => `${escapeHtml(v.name)} ${escapeHtml(v.version)}`).join(", ")
  }, inlined in this file; the page makes no network request.</footer>
</main>
${scripts}
<script type="application/json" id="c2s-specs">${scriptJson(specs)}</script>
<script>${BOOT}</script>
</body>
</html>
`;
}

import { assert } from "../../lib/_std.ts";
import {
  CONTENT_SECURITY_POLICY,
  escapeHtml,
  html,
  htmlPage,
  raw,
  scriptJson,
} from "../../lib/report/html.ts";
import { VENDOR_PACKAGES, vendorScripts } from "../../lib/report/vendor.ts";

Deno.test("escapeHtml() escapes the five HTML metacharacters", () => {
  assert.equal(
    escapeHtml(`<a href="x">&'</a>`),
    "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;",
  );
  assert.equal(escapeHtml("plain 42.3 \u00b1 1"), "plain 42.3 \u00b1 1");
});

Deno.test("html`` escapes interpolated values unless they are SafeHtml", () => {
  const evil = `"><script>alert(1)</script>`;
  const out = html`<p title="${evil}">${evil}${raw("<b>ok</b>")}${[1, "<", null, false]}</p>`;
  assert.equal(
    out.value,
    `<p title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">&quot;&gt;&lt;script&gt;` +
      `alert(1)&lt;/script&gt;<b>ok</b>1&lt;</p>`,
  );
});

Deno.test("scriptJson() keeps a string from closing the script element", () => {
  const value = { a: "</script><!-- \u2028 & >" };
  const text = scriptJson(value);
  assert.ok(!/[<>&\u2028\u2029]/.test(text), text);
  assert.deepEqual(JSON.parse(text), value);
});

Deno.test("vendorScripts() reads the pinned vega, vega-lite and vega-embed builds", async () => {
  const pins = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)))
    .imports as Record<string, string>;
  const scripts = await vendorScripts();
  assert.deepEqual(scripts.map((s) => s.name), [...VENDOR_PACKAGES]);
  for (const s of scripts) {
    assert.equal(pins[s.name], `npm:${s.name}@${s.version}`);
    assert.ok(s.file.endsWith(".min.js"), s.file);
    assert.ok(s.source.length > 50_000);
  }
  // UMD builds: each defines its browser global.
  assert.ok(scripts[0]!.source.includes(".vega={}"));
  assert.ok(scripts[1]!.source.includes(".vegaLite={}"));
  assert.ok(scripts[2]!.source.includes(".vegaEmbed="));
});

Deno.test("htmlPage() inlines every script, carries the specs and refers to nothing remote", async () => {
  const spec = { mark: "point", data: { values: [{ x: "</script>" }] } } as const;
  const page = await htmlPage({
    title: "A <title>",
    body: html`<h1>${"x & y"}</h1>`,
    charts: [{ id: "c1", spec: spec as never }],
  });
  assert.ok(page.includes("<title>A &lt;title&gt;</title>"));
  assert.ok(page.includes("<h1>x &amp; y</h1>"));
  assert.ok(page.includes(escapeHtml(CONTENT_SECURITY_POLICY)));
  for (const name of VENDOR_PACKAGES) assert.ok(page.includes(`data-package="${name}@`), name);
  // No element loads anything: no src/href to a URL, no external script, no stylesheet link.
  assert.ok(!/\s(src|href)\s*=\s*["']?(https?:|\/\/)/i.test(page));
  assert.ok(!/<link\b/i.test(page));
  assert.equal((page.match(/<script\b[^>]*\ssrc=/gi) ?? []).length, 0);
  const json = /<script type="application\/json" id="c2s-specs">(.*?)<\/script>/s.exec(page)![1]!;
  assert.deepEqual(JSON.parse(json), { c1: spec });
  // The only "</script" sequences are the closing tags of the 5 scripts.
  assert.equal(page.split("</script>").length - 1, 5);
});

import { chromium } from "playwright-core";
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const [file, ...clips] = Deno.args;
await page.goto("file:///tmp/rtest/out/" + file);
await page.waitForFunction(() => document.body.getAttribute("data-charts") === "done");
let i = 0;
for (const c of clips) {
  const [y, h] = c.split(":").map(Number);
  await page.screenshot({
    path: `/tmp/rtest/clip${i++}.png`,
    fullPage: true,
    clip: { x: 0, y: y!, width: 1280, height: h! },
  });
}
await browser.close();

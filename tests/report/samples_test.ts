import { assert, assertThrows } from "../../lib/_std.ts";
import { CLASS_PALETTE, encodePng } from "../../lib/data/png.ts";
import type { ArtifactRow } from "../../lib/report/data.ts";
import { Msg } from "../../lib/report/messages.ts";
import {
  decodeSample,
  LATENT_PALETTE,
  loadSampleFigures,
  samplePanels,
} from "../../lib/report/samples.ts";

/** Decode an 8-bit, non-interlaced, filter-0 PNG (what encodePng writes) to its raw bytes. */
async function decodePng(bytes: Uint8Array): Promise<{ w: number; h: number; px: Uint8Array }> {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  let at = 8;
  let w = 0, h = 0, channels = 0;
  const idat: Uint8Array[] = [];
  while (at < bytes.length) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, at + 8 + len);
    if (type === "IHDR") {
      w = view.getUint32(at + 8);
      h = view.getUint32(at + 12);
      channels = ({ 0: 1, 2: 3, 6: 4 } as Record<number, number>)[data[9]!]!;
    }
    if (type === "IDAT") idat.push(data);
    at += 12 + len;
  }
  const z = new Blob(idat as Uint8Array<ArrayBuffer>[]).stream()
    .pipeThrough(new DecompressionStream("deflate"));
  const raw = new Uint8Array(await new Response(z).arrayBuffer());
  const px = new Uint8Array(w * h * channels);
  for (let y = 0; y < h; y++) {
    assert.equal(raw[y * (w * channels + 1)], 0, "filter type 0");
    px.set(
      raw.subarray(y * (w * channels + 1) + 1, (y + 1) * (w * channels + 1)),
      y * w * channels,
    );
  }
  return { w, h, px };
}

function fromDataUrl(url: string): Uint8Array {
  assert.ok(url.startsWith("data:image/png;base64,"));
  return Uint8Array.from(atob(url.slice(22)), (c) => c.charCodeAt(0));
}

Deno.test("samplePanels() draws scene, ground truth, pseudo masks and prediction as PNGs", async () => {
  const panels = await samplePanels({
    height: 1,
    width: 3,
    image: new Uint8Array([0, 128, 255]),
    groundTruth: new Uint8Array([1, 8, 255]),
    pseudoMask: new Uint8Array([1, 10, 11]),
    prediction: new Uint8Array([1, 2, 255]),
  });
  assert.deepEqual(panels.map((p) => p.label), [
    "scene",
    "ground truth",
    "pseudo masks",
    "prediction",
  ]);
  const scene = await decodePng(fromDataUrl(panels[0]!.dataUrl));
  assert.deepEqual([scene.w, scene.h, [...scene.px]], [3, 1, [0, 128, 255]]);
  const pseudo = await decodePng(fromDataUrl(panels[2]!.dataUrl));
  assert.deepEqual([...pseudo.px], [
    ...CLASS_PALETTE[1]!,
    ...LATENT_PALETTE[0]!,
    ...LATENT_PALETTE[1]!,
  ]);
  const gt = await decodePng(fromDataUrl(panels[1]!.dataUrl));
  assert.deepEqual([...gt.px], [...CLASS_PALETTE[1]!, ...CLASS_PALETTE[8]!, 0, 0, 0]);
});

Deno.test("samplePanels() leaves out the pseudo-mask panel of an evaluation scene", async () => {
  const map = new Uint8Array([0, 1]);
  const panels = await samplePanels({
    height: 1,
    width: 2,
    image: map,
    groundTruth: map,
    pseudoMask: null,
    prediction: map,
  });
  assert.deepEqual(panels.map((p) => p.label), ["scene", "ground truth", "prediction"]);
});

Deno.test("decodeSample() reads base64 or arrays and names a bad field", () => {
  const ok = decodeSample({
    height: 1,
    width: 2,
    image: [0, 255],
    groundTruth: "AAE=",
    pseudoMask: null,
    prediction: [0, 1],
  });
  assert.deepEqual([...ok.groundTruth], [0, 1]);
  assertThrows(
    () =>
      decodeSample({ height: 1, width: 2, image: [0], groundTruth: [0, 1], prediction: [0, 1] }),
    RangeError,
    Msg.sampleFieldLength("image", 1, 2),
  );
  assertThrows(
    () => decodeSample({ height: 1, width: 2, image: 7, groundTruth: [0, 1], prediction: [0, 1] }),
    TypeError,
    Msg.sampleBadField("image"),
  );
  assertThrows(() => decodeSample({ height: 0, width: 2 }), RangeError, Msg.sampleBadSize(0, 2));
  assertThrows(() => decodeSample(null), TypeError, Msg.sampleNotObject(null));
});

async function sha(bytes: Uint8Array): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("loadSampleFigures() embeds PNG artifacts and notes missing or altered files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const png = await encodePng(2, 2, 1, new Uint8Array([0, 50, 100, 150]));
    await Deno.writeFile(`${dir}/a.png`, png);
    const art = (
      variant: string,
      seed: number,
      path: string,
      sha256: string | null,
    ): ArtifactRow => ({
      variant,
      runId: `${variant}-${seed}`,
      seed,
      kind: "sample",
      path,
      sha256,
    });
    const { figures, notes } = await loadSampleFigures(
      [
        art("a", 1, "a.png", await sha(png)),
        art("a", 0, "a.png", await sha(png)), // lowest seed wins
        art("b", 0, "gone.png", null),
        art("c", 0, "a.png", "00".repeat(32)),
        art("d", 0, `${dir}/a.png`, null), // absolute path
      ],
      ["a", "b", "c", "d"],
      { root: dir },
    );
    assert.deepEqual(figures.map((f) => [f.variant, f.seed]), [["a", 0], ["d", 0]]);
    assert.deepEqual(fromDataUrl(figures[0]!.panels[0]!.dataUrl), png);
    assert.deepEqual(notes, [
      Msg.artifactMissing(`${dir}/gone.png`),
      Msg.artifactHash(`${dir}/a.png`, "00".repeat(32), await sha(png)),
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * Sample images for a report (as the paper's Figs. 6-8: scene, ground truth, pseudo masks,
 * prediction), embedded as PNG data URLs so the page needs no file beside it.
 *
 * Artifacts read (kind `sample` or starting with `sample`): a `.png` file is embedded as is; a
 * `.json` file holds one training-core `Sample` or an array of them (`image`, `groundTruth`,
 * `pseudoMask`, `prediction` as base64 strings or number arrays) and is drawn with the class
 * palette through `encodePng`. Relative artifact paths resolve against `root` (the run database's
 * folder by default). A missing file, a sha256 mismatch or an unreadable image is reported as a
 * note on the page, never silently skipped.
 *
 * @module
 */
import { CLASS_PALETTE, colorizeLabels, encodePng, IGNORE_COLOR } from "../data/png.ts";
import { rgbHex } from "../data/palette.ts";
import { FASHION_CLASSES } from "../data/types.ts";
import type { ArtifactRow } from "./data.ts";
import { Msg } from "./messages.ts";

/** One picture on the page. */
export interface SamplePanel {
  readonly label: string;
  /** `data:image/png;base64,...` */
  readonly dataUrl: string;
}

/** One sample (a row of panels) of one run. */
export interface SampleFigure {
  readonly variant: string;
  readonly seed: number;
  readonly runId: string;
  readonly caption: string;
  readonly panels: readonly SamplePanel[];
}

/** The decoded fields of a training-core sample. */
export interface SampleMaps {
  readonly split?: string;
  readonly index?: number;
  readonly height: number;
  readonly width: number;
  readonly image: Uint8Array;
  readonly groundTruth: Uint8Array;
  readonly pseudoMask: Uint8Array | null;
  readonly prediction: Uint8Array;
}

/** Colours of latent classes `10 + u` in pseudo masks (distinct from the class palette). */
export const LATENT_PALETTE: readonly (readonly [number, number, number])[] = [
  [0, 128, 128],
  [220, 190, 255],
  [255, 215, 180],
  [170, 255, 195],
  [128, 128, 0],
  [250, 190, 212],
  [0, 0, 117],
  [255, 250, 200],
];

/** The colour of each class in ground truth and prediction panels, then background. */
export const CLASS_LEGEND: readonly { readonly label: string; readonly color: string }[] = [
  ...FASHION_CLASSES.map((label, i) => ({ label, color: rgbHex(CLASS_PALETTE[i]!) })),
  { label: "background (ignored)", color: rgbHex(IGNORE_COLOR) },
];

/** True when an artifact kind is a sample image. */
export function isSampleKind(kind: string): boolean {
  return kind === "sample" || kind.startsWith("sample");
}

/** Options of {@link loadSampleFigures}. */
export interface SampleOptions {
  /** Folder relative artifact paths are resolved against. */
  readonly root: string;
  /**
   * Samples shown per variant (from its lowest seed).
   * @default {2}
   */
  readonly perVariant?: number;
}

/** Figures and the problems met while reading them. */
export interface SampleLoad {
  readonly figures: SampleFigure[];
  readonly notes: string[];
}

/**
 * Read sample artifacts into figures: for each variant, its lowest-seed run's samples, at most
 * `perVariant`.
 */
export async function loadSampleFigures(
  artifacts: readonly ArtifactRow[],
  variants: readonly string[],
  options: SampleOptions,
): Promise<SampleLoad> {
  const perVariant = options.perVariant ?? 2;
  const figures: SampleFigure[] = [];
  const notes: string[] = [];
  for (const variant of variants) {
    const mine = artifacts.filter((a) => a.variant === variant && isSampleKind(a.kind));
    if (mine.length === 0) continue;
    const seed = Math.min(...mine.map((a) => a.seed));
    const run = mine.find((a) => a.seed === seed)!.runId;
    let shown = 0;
    for (const a of mine.filter((x) => x.runId === run)) {
      if (shown >= perVariant) break;
      const path = resolvePath(a.path, options.root);
      let bytes: Uint8Array;
      try {
        bytes = await Deno.readFile(path);
      } catch {
        notes.push(Msg.artifactMissing(path));
        continue;
      }
      if (a.sha256) {
        const actual = await sha256Hex(bytes);
        if (actual !== a.sha256.toLowerCase()) {
          notes.push(Msg.artifactHash(path, a.sha256, actual));
          continue;
        }
      }
      try {
        if (isPng(bytes)) {
          figures.push({
            variant,
            seed,
            runId: run,
            caption: `${a.kind}: ${baseName(a.path)}`,
            panels: [{ label: a.kind, dataUrl: pngDataUrl(bytes) }],
          });
          shown++;
          continue;
        }
        const parsed = JSON.parse(new TextDecoder().decode(bytes));
        const list: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
        for (const item of list) {
          if (shown >= perVariant) break;
          const maps = decodeSample(item);
          figures.push({
            variant,
            seed,
            runId: run,
            caption: `${maps.split ?? "sample"} scene ${maps.index ?? ""}`.trim(),
            panels: await samplePanels(maps),
          });
          shown++;
        }
      } catch (error) {
        notes.push(Msg.artifactUnreadable(path, (error as Error).message));
      }
    }
  }
  return { figures, notes };
}

/**
 * The panels of one sample: scene (grey), ground truth, pseudo masks (training scenes only; latent
 * classes in {@link LATENT_PALETTE}) and prediction, each a PNG data URL.
 *
 * @example
 * ```ts
 * import { assert, assertEquals } from "../_std.ts";
 * import { samplePanels } from "./samples.ts";
 * const map = new Uint8Array([0, 1, 255, 2]);
 * const panels = await samplePanels({
 *   height: 2, width: 2, image: new Uint8Array([0, 64, 128, 255]),
 *   groundTruth: map, pseudoMask: null, prediction: map,
 * });
 * assertEquals(panels.length, 3);
 * assert(panels[0]!.dataUrl.startsWith("data:image/png;base64,"));
 * ```
 */
export async function samplePanels(sample: SampleMaps): Promise<SamplePanel[]> {
  const { width, height } = sample;
  const panels: SamplePanel[] = [];
  panels.push({
    label: "scene",
    dataUrl: pngDataUrl(await encodePng(width, height, 1, sample.image)),
  });
  panels.push({
    label: "ground truth",
    dataUrl: pngDataUrl(await encodePng(width, height, 3, colorizeLabels(sample.groundTruth))),
  });
  if (sample.pseudoMask) {
    panels.push({
      label: "pseudo masks",
      dataUrl: pngDataUrl(await encodePng(width, height, 3, colorizePseudo(sample.pseudoMask))),
    });
  }
  panels.push({
    label: "prediction",
    dataUrl: pngDataUrl(await encodePng(width, height, 3, colorizeLabels(sample.prediction))),
  });
  return panels;
}

function colorizePseudo(map: Uint8Array): Uint8Array {
  const out = colorizeLabels(map.map((v) => (v >= 10 && v !== 255 ? 255 : v)));
  for (let p = 0; p < map.length; p++) {
    const v = map[p]!;
    if (v >= 10 && v !== 255) {
      const c = LATENT_PALETTE[(v - 10) % LATENT_PALETTE.length]!;
      out[3 * p] = c[0];
      out[3 * p + 1] = c[1];
      out[3 * p + 2] = c[2];
    }
  }
  return out;
}

/**
 * Decode a sample from JSON: maps as base64 strings or number arrays, all `height * width` long.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { decodeSample } from "./samples.ts";
 * const s = decodeSample({ height: 1, width: 2, image: [0, 255], groundTruth: "AAE=",
 *   pseudoMask: null, prediction: [0, 1] });
 * assertEquals(Array.from(s.groundTruth), [0, 1]); // "AAE=" is base64 of bytes 0, 1
 * ```
 */
export function decodeSample(value: unknown): SampleMaps {
  if (typeof value !== "object" || value === null) {
    throw new TypeError(Msg.sampleNotObject(value));
  }
  const v = value as Record<string, unknown>;
  const height = Number(v.height);
  const width = Number(v.width);
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new RangeError(Msg.sampleBadSize(v.height, v.width));
  }
  const map = (field: string): Uint8Array => {
    const raw = v[field];
    const bytes = typeof raw === "string"
      ? Uint8Array.from(atob(raw), (c) => c.charCodeAt(0))
      : Array.isArray(raw)
      ? Uint8Array.from(raw as number[])
      : null;
    if (bytes === null) throw new TypeError(Msg.sampleBadField(field));
    if (bytes.length !== height * width) {
      throw new RangeError(Msg.sampleFieldLength(field, bytes.length, height * width));
    }
    return bytes;
  };
  return {
    ...(typeof v.split === "string" ? { split: v.split } : {}),
    ...(typeof v.index === "number" ? { index: v.index } : {}),
    height,
    width,
    image: map("image"),
    groundTruth: map("groundTruth"),
    pseudoMask: v.pseudoMask === null || v.pseudoMask === undefined ? null : map("pseudoMask"),
    prediction: map("prediction"),
  };
}

/** Whether bytes start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  return bytes.length > 8 && sig.every((b, i) => bytes[i] === b);
}

/** `data:image/png;base64,...` of PNG bytes. */
export function pngDataUrl(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return `data:image/png;base64,${btoa(binary)}`;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function resolvePath(path: string, root: string): string {
  if (path.startsWith("/")) return path;
  return `${root.replace(/\/$/, "")}/${path}`;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

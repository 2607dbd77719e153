/**
 * The browser builds of Vega, Vega-Lite and vega-embed (the npm packages pinned in deno.json), read
 * from disk so a page can inline them as script text and open offline.
 *
 * Resolution: the package's module entry as Deno resolves the bare name (`import.meta.resolve`,
 * which points into `node_modules/` under `nodeModulesDir: "auto"`), walked up to the package
 * root; its `jsdelivr`/`unpkg` field names the minified UMD build. Failing that, `node_modules/`
 * folders above this file (including Deno's `node_modules/.deno/<name>@<version>/`) are searched.
 *
 * @module
 */
import { Msg } from "./messages.ts";

/** The packages a page needs, in load order (vega-lite needs vega; vega-embed needs both). */
export const VENDOR_PACKAGES = ["vega", "vega-lite", "vega-embed"] as const;
export type VendorPackage = typeof VENDOR_PACKAGES[number];

/** One package's browser build. */
export interface VendorScript {
  readonly name: VendorPackage;
  readonly version: string;
  /** Absolute path of the build read. */
  readonly file: string;
  readonly source: string;
}

let cache: Promise<VendorScript[]> | null = null;

/**
 * The three builds, read once per process.
 *
 * @example
 * ```ts ignore
 * const [vega] = await vendorScripts();
 * console.log(vega!.version, vega!.source.length);
 * ```
 */
export function vendorScripts(): Promise<VendorScript[]> {
  cache ??= Promise.all(VENDOR_PACKAGES.map(readVendor)).catch((error) => {
    cache = null;
    throw error;
  });
  return cache;
}

async function readVendor(name: VendorPackage): Promise<VendorScript> {
  const tried: string[] = [];
  for (const root of candidateRoots(name)) {
    tried.push(root);
    const pkg = await readJson(`${root}/package.json`);
    if (!pkg || pkg.name !== name) continue;
    const rel = String(pkg.jsdelivr ?? pkg.unpkg ?? `build/${name}.min.js`).replace(/^\.\//, "");
    const file = `${root}/${rel}`;
    let source: string;
    try {
      source = await Deno.readTextFile(file);
    } catch {
      tried.push(file);
      continue;
    }
    if (/<\/script|<!--/i.test(source)) throw new SyntaxError(Msg.vendorUnsafe(file));
    return { name, version: String(pkg.version), file, source };
  }
  throw new Deno.errors.NotFound(Msg.vendorMissing(name, tried));
}

function* candidateRoots(name: string): Generator<string> {
  try {
    const entry = import.meta.resolve(name);
    if (entry.startsWith("file:")) {
      let dir = new URL(".", entry).pathname;
      while (dir.length > 1) {
        if (dir.endsWith(`/node_modules/${name}/`)) {
          yield dir.slice(0, -1);
          break;
        }
        dir = new URL("..", `file://${dir}`).pathname;
      }
    }
  } catch {
    // The bare name is not mapped here (no deno.json import): fall through to the search.
  }
  let dir = new URL(".", import.meta.url).pathname;
  while (dir.length > 1) {
    yield `${dir}node_modules/${name}`;
    const hidden = `${dir}node_modules/.deno`;
    try {
      const matches = [...Deno.readDirSync(hidden)]
        .filter((e) => e.isDirectory && e.name.startsWith(`${name.replace("/", "+")}@`))
        .map((e) => e.name)
        .sort()
        .reverse();
      for (const m of matches) yield `${hidden}/${m}/node_modules/${name}`;
    } catch {
      // No Deno npm layout here.
    }
    dir = new URL("..", `file://${dir}`).pathname;
  }
}

async function readJson(path: string): Promise<Record<string, unknown> | null> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch {
    return null;
  }
}

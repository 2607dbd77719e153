/**
 * Dependencies point one way: cli -> (sweep, report, spec, track) -> c2s -> (teacher, tf, data).
 * This test reads every module under `lib/`, takes each relative specifier it loads (static
 * imports and re-exports, `import("...")` with a literal, and `new URL("...", import.meta.url)`,
 * which is how a module names a file to run), and checks each edge to a `.ts` module against the
 * table below. URLs of folders and data files (`data/teacher`, `deno.json`) are reads, not
 * dependencies. Comments are stripped first, so doc examples may show any import.
 */
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { assert } from "../lib/_std.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const LIB = join(ROOT, "lib");

/** What each area of `lib/` may load besides itself; `root` is the files directly in `lib/`. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  root: [],
  data: ["root"],
  tf: ["root"],
  teacher: ["root", "tf", "data"],
  c2s: ["root", "teacher", "tf", "data"],
  track: ["root"],
  spec: ["root", "c2s", "teacher", "tf", "data"],
  report: ["root", "track", "spec", "c2s", "teacher", "tf", "data"],
  sweep: ["root", "track", "spec", "report", "c2s", "teacher", "tf", "data"],
  cli: ["root", "drill", "sweep", "report", "spec", "track", "c2s", "teacher", "tf", "data"],
  drill: ["root", "sweep", "report", "spec", "track", "c2s", "teacher", "tf", "data"],
};

/** The area of a path relative to the repository (`lib/c2s/x.ts` -> `c2s`), or its top folder. */
function areaOf(path: string): string {
  const parts = path.split("/");
  if (parts[0] !== "lib") return `../${parts[0]}`;
  return parts.length === 2 ? "root" : parts[1]!;
}

/** Source text without comments (string contents are kept: specifiers live in them). */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

const SPECIFIER = [
  /\bfrom\s+"(\.[^"]+)"/g,
  /\bimport\s+"(\.[^"]+)"/g,
  /\bimport\(\s*"(\.[^"]+)"\s*\)/g,
  /\bnew URL\(\s*"(\.[^"]+)"\s*,\s*import\.meta\.url\s*\)/g,
];

/** Relative specifiers a module loads or names, resolved to repository paths. */
function dependencies(file: string, text: string): string[] {
  const code = stripComments(text);
  const found: string[] = [];
  for (const pattern of SPECIFIER) {
    for (const match of code.matchAll(pattern)) {
      found.push(relative(ROOT, resolve(dirname(file), match[1]!)));
    }
  }
  return found;
}

async function libModules(dir: string = LIB): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) files.push(...await libModules(path));
    else if (entry.isFile && entry.name.endsWith(".ts")) files.push(path);
  }
  return files.sort();
}

/** Every edge that breaks the table, as "from -> to". */
async function violations(): Promise<string[]> {
  const bad: string[] = [];
  for (const file of await libModules()) {
    const from = relative(ROOT, file);
    const area = areaOf(from);
    const allowed = ALLOWED[area];
    assert.ok(allowed !== undefined, `lib area "${area}" (${from}) has no layering rule`);
    for (const to of dependencies(file, await Deno.readTextFile(file))) {
      if (!to.endsWith(".ts")) continue;
      const target = areaOf(to);
      if (target !== area && !allowed.includes(target)) bad.push(`${from} -> ${to}`);
    }
  }
  return bad;
}

Deno.test("lib dependencies point one way: cli -> (sweep, report, spec, track) -> c2s -> (teacher, tf, data)", async () => {
  assert.deepEqual(await violations(), []);
});

Deno.test("the layering check sees static, dynamic and URL dependencies and ignores comments", () => {
  const file = join(LIB, "tf", "x.ts");
  const text = [
    `import { a } from "../c2s/config.ts";`,
    `export * from "./y.ts";`,
    `const m = await import("../sweep/run.ts");`,
    `const u = new URL("../cli/run_one.ts", import.meta.url);`,
    `// import { b } from "../track/store.ts";`,
    `/** import { c } from "../report/data.ts"; */`,
  ].join("\n");
  assert.deepEqual(dependencies(file, text), [
    "lib/c2s/config.ts",
    "lib/tf/y.ts",
    "lib/sweep/run.ts",
    "lib/cli/run_one.ts",
  ]);
  assert.deepEqual(
    ["lib/c2s/config.ts", "lib/_std.ts", "reports/paper.ts"].map(areaOf),
    ["c2s", "root", "../reports"],
  );
});

/**
 * `deno task bench`: runs every `tests/**\/*_bench.ts` module's exported `bench()` in turn; each
 * prints its own figures. `deno task bench NAME` runs only the files whose path contains NAME.
 *
 * @module
 */
const filter = Deno.args[0] ?? "";
const root = new URL(".", import.meta.url);

async function* walk(dir: URL): AsyncGenerator<URL> {
  const entries = [];
  for await (const entry of Deno.readDir(dir)) entries.push(entry);
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* walk(url);
    else if (entry.name.endsWith("_bench.ts")) yield url;
  }
}

for await (const file of walk(root)) {
  if (!file.pathname.includes(filter)) continue;
  console.log(`\n# ${file.pathname.slice(root.pathname.length)}`);
  const mod = await import(file.href);
  if (typeof mod.bench !== "function") {
    throw new TypeError(`Benchmark "${file.pathname}" exports no bench() function`);
  }
  await mod.bench();
}

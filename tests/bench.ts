/**
 * `deno task bench`: runs every `tests/**\/*_bench.ts` module's exported `bench()` in turn; each
 * prints its own figures. `deno task bench NAME` runs only the files whose path contains NAME.
 *
 * @module
 */
import { cliMain, defineTask, type RequestOf, text } from "../lib/_args.ts";

/** `bench`: the throughput figures. */
export const BENCH = defineTask({
  name: "bench",
  summary: `Runs the benchmarks: every tests/**/*_bench.ts module's exported bench() in turn, each
    printing its own figures (scenes/s, GFLOP/s, images/s).`,
  positionals: {
    filter: text({
      value: "NAME",
      default: null,
      defaultText: "every benchmark",
      description: "Only the files whose path contains NAME",
    }),
  },
  flags: {},
  examples: `
    # Every benchmark
    deno task bench
    # Only the scene generator's
    deno task bench scenes`,
});

/** Parses `bench`'s arguments (no I/O). */
export const parseBenchArgs = BENCH.parse;

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

async function bench({ filter }: RequestOf<typeof BENCH>): Promise<void> {
  for await (const file of walk(root)) {
    if (!file.pathname.includes(filter ?? "")) continue;
    console.log(`\n# ${file.pathname.slice(root.pathname.length)}`);
    const mod = await import(file.href);
    if (typeof mod.bench !== "function") {
      throw new TypeError(`Benchmark "${file.pathname}" exports no bench() function`);
    }
    await mod.bench();
  }
}

if (import.meta.main) Deno.exit(await cliMain(BENCH, bench)(Deno.args));

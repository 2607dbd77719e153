/**
 * What every run records about what produced it: the git state (a checkout is dirty when tracked
 * files changed, not when untracked files such as an export folder lie in it), the code that
 * produces results (a digest and a per-file manifest), the data and the teacher.
 */
import { join } from "node:path";
import { assert } from "../../lib/_std.ts";
import { loadFashionMnist } from "../../lib/data/fashion_mnist.ts";
import { sha256Hex } from "../../lib/spec/hash.ts";
import {
  changedFiles,
  codeManifest,
  formatManifest,
  parseManifest,
} from "../../lib/sweep/code_digest.ts";
import {
  dataIdentity,
  gitState,
  hashContext,
  provenanceVersions,
} from "../../lib/sweep/context.ts";
import { tempArea } from "./_sweep.ts";

async function git(cwd: string, ...args: string[]): Promise<void> {
  const out = await new Deno.Command("git", {
    args: ["-c", "user.name=t", "-c", "user.email=t@example.org", ...args],
    cwd,
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
}

Deno.test("gitState() is clean with untracked files and dirty once a tracked file changes", async () => {
  await using area = await tempArea();
  await git(area.dir, "init", "-q");
  await Deno.writeTextFile(join(area.dir, "tracked.txt"), "a\n");
  await git(area.dir, "add", "tracked.txt");
  await git(area.dir, "commit", "-q", "-m", "first");
  await Deno.mkdir(join(area.dir, "out"));
  await Deno.writeTextFile(join(area.dir, "out", "runs.parquet"), "untracked");
  const clean = await gitState(area.dir);
  assert.match(clean.commit ?? "", /^[0-9a-f]{40}$/);
  assert.equal(clean.dirty, false);
  await Deno.writeTextFile(join(area.dir, "tracked.txt"), "b\n");
  assert.deepEqual(await gitState(area.dir), { commit: clean.commit, dirty: true });
});

Deno.test("gitState() outside a checkout says nothing rather than guessing", async () => {
  await using area = await tempArea();
  assert.deepEqual(await gitState(area.dir), { commit: null, dirty: null });
});

// ---------------------------------------------------------------- the code that produces results

/** A checkout with a training-core file importing a root helper, a report and a package pin. */
async function fakeCheckout(dir: string): Promise<URL> {
  const files: Record<string, string> = {
    "deno.json": JSON.stringify({ imports: { "@tensorflow/tfjs-core": "npm:tfjs-core@4.22.0" } }),
    "lib/c2s/loss.ts": [
      "/**",
      " * @example",
      ' * import { report } from "../report/page.ts";',
      " */",
      'import * as tf from "@tensorflow/tfjs-core";',
      'import { join } from "node:path";',
      "import {",
      "  helper,",
      '} from "../_helper.ts";',
      'export { kernel } from "../tf/kernel/conv.ts";',
      'export const message = (file: string) => `Cannot read from "${file}"`;',
    ].join("\n"),
    "lib/tf/kernel/conv.ts": "export const kernel = 1;\n",
    "lib/_helper.ts": "export const helper = 1;\n",
    "lib/_unused.ts": "export const unused = 1;\n",
    "lib/report/page.ts": "export const report = 1;\n",
    "lib/teacher/README.md": "docs\n",
  };
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(join(dir, path, ".."), { recursive: true });
    await Deno.writeTextFile(join(dir, path), text);
  }
  await Deno.mkdir(join(dir, "lib/data"));
  return new URL(`file://${dir}/`);
}

Deno.test("codeManifest() covers the training core, teacher, data and kernels and what they import, nothing else", async () => {
  await using area = await tempArea();
  const code = await codeManifest(await fakeCheckout(area.dir));
  assert.deepEqual(Object.keys(code.files), [
    "deno.json#@tensorflow/tfjs-core",
    "lib/_helper.ts",
    "lib/c2s/loss.ts",
    "lib/tf/kernel/conv.ts",
  ]);
  assert.match(code.digest, /^code-[0-9a-f]{16}$/);
  assert.equal(code.digest, `code-${(await sha256Hex(formatManifest(code.files))).slice(0, 16)}`);
});

Deno.test("codeManifest() changes with a file it covers, which changedFiles() names, and is read once per process", async () => {
  await using area = await tempArea();
  const root = await fakeCheckout(area.dir);
  const before = await codeManifest(root);
  await Deno.writeTextFile(join(area.dir, "lib/_helper.ts"), "export const helper = 2;\n");
  await Deno.writeTextFile(join(area.dir, "lib/data/items.ts"), "export const items = 1;\n");
  assert.equal(await codeManifest(root), before, "cached for the life of the process");
  // The same checkout under another path is read afresh.
  await Deno.symlink(area.dir, `${area.dir}-link`);
  const after = await codeManifest(new URL(`file://${area.dir}-link/`));
  await Deno.remove(`${area.dir}-link`);
  assert.notEqual(after.digest, before.digest);
  assert.deepEqual(changedFiles(before.files, after.files), [
    "lib/_helper.ts",
    "lib/data/items.ts",
  ]);
  assert.deepEqual(parseManifest(formatManifest(after.files)), after.files);
});

Deno.test("codeManifest() of this checkout leaves out reports, CLI tasks, the tracker and the sweep", async () => {
  const code = await codeManifest();
  const paths = Object.keys(code.files);
  assert.ok(paths.includes("lib/c2s/pixel_loss.ts") && paths.includes("lib/tf/adamw.ts"));
  assert.ok(paths.includes("lib/_files.ts"), "a root helper the data loader imports");
  assert.deepEqual(
    paths.filter((p) => /^lib\/(report|cli|track|sweep|spec)\//.test(p) || !p.startsWith("lib/")),
    paths.filter((p) => p.startsWith("deno.json#")),
  );
});

Deno.test("hashContext() and provenanceVersions() carry the code digest, its files and the data identity", async () => {
  const { items } = await loadFashionMnist();
  const context = await hashContext(items, "teacher-hash");
  const code = await codeManifest();
  assert.deepEqual(context, {
    dataIdentity: await dataIdentity(items),
    teacherHash: "teacher-hash",
    codeVersion: code.digest,
  });
  assert.match(context.dataIdentity!, /^fashion-mnist:10000x28:[0-9a-f]{16}$/);
  assert.deepEqual(provenanceVersions(context, code), {
    code: code.digest,
    codeFiles: formatManifest(code.files),
    dataIdentity: context.dataIdentity,
  });
});

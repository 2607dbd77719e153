/**
 * The git state recorded with every run: a checkout is dirty when tracked files changed, not when
 * untracked files (an export folder, a scratch file) lie in it.
 */
import { join } from "node:path";
import { assert } from "../../lib/_std.ts";
import { gitState } from "../../lib/sweep/context.ts";
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

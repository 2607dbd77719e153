/**
 * Job files: written and read back whole, refused when edited, found by hash prefix.
 */
import { join } from "node:path";
import { assert } from "../../lib/_std.ts";
import { DEFAULT_CONFIG } from "../../lib/c2s/config.ts";
import { runHash } from "../../lib/spec/hash.ts";
import {
  findJob,
  JOB_FORMAT,
  jobFileName,
  readJob,
  type RunJob,
  workPaths,
  writeJob,
} from "../../lib/sweep/job.ts";
import * as msg from "../../lib/sweep/messages.ts";
import { assertRejectsExactly, assertThrowsExactly } from "../spec/_assert.ts";
import { tempArea } from "./_sweep.ts";

const CONTEXT = { dataIdentity: "fashion-mnist:10x28:abc", teacherHash: "t1", codeVersion: "c1" };

async function job(seed: number): Promise<RunJob> {
  const config = structuredClone(DEFAULT_CONFIG);
  config.train.seed = seed;
  return {
    format: JOB_FORMAT,
    hash: await runHash({ config, preset: "smoke", kind: "training" }, CONTEXT),
    ablation: "token-bank",
    variant: "6",
    seed,
    preset: "smoke",
    kind: "training",
    config,
    overrides: { "train.seed": seed },
    context: CONTEXT,
    teacher: "/teachers/t1",
    dataDir: null,
    cacheDir: "/w/c2s",
    artifactDir: "/w/artifacts/x",
    git: { commit: "abc", dirty: false },
  };
}

Deno.test("writeJob() and readJob() round-trip a job under <hash>.job.json", async () => {
  await using area = await tempArea();
  const original = await job(0);
  const path = await writeJob(area.dir, original);
  assert.equal(path, join(area.dir, `${original.hash}.job.json`));
  assert.deepEqual(await readJob(path), original);
  const names = [...Deno.readDirSync(area.dir)].map((e) => e.name);
  assert.deepEqual(names, [`${original.hash}.job.json`], "no temporary file is left");
});

Deno.test("readJob() refuses a job whose contents no longer hash to its name", async () => {
  await using area = await tempArea();
  const original = await job(0);
  const path = await writeJob(area.dir, original);
  const edited = JSON.parse(await Deno.readTextFile(path));
  edited.config.train.lr = 0.1;
  await Deno.writeTextFile(path, JSON.stringify(edited));
  const actual = await runHash(
    { config: edited.config, preset: "smoke", kind: "training" },
    CONTEXT,
  );
  await assertRejectsExactly(
    () => readJob(path),
    RangeError,
    msg.jobHashMismatch(path, original.hash, actual),
  );
});

Deno.test("readJob() names the file and field of a malformed job", async () => {
  await using area = await tempArea();
  const path = join(area.dir, "bad.job.json");
  await Deno.writeTextFile(path, JSON.stringify({ ...await job(0), seed: -1 }));
  await assertRejectsExactly(
    () => readJob(path),
    TypeError,
    msg.badJobField(path, "seed", "an integer >= 0", -1),
  );
  await Deno.writeTextFile(path, "{ not json");
  await assert.rejects(() => readJob(path), SyntaxError);
});

Deno.test("findJob() finds a job by a unique hash prefix and refuses short or ambiguous ones", async () => {
  await using area = await tempArea();
  const a = await job(0), b = await job(1);
  const pathA = await writeJob(area.dir, a);
  await writeJob(area.dir, b);
  assert.equal(await findJob(a.hash.slice(0, 8), area.dir), pathA);
  assert.equal(await findJob(pathA, "/nowhere"), pathA);
  await assertRejectsExactly(
    () => findJob(a.hash.slice(0, 7), area.dir),
    Deno.errors.NotFound,
    msg.jobRefNotFound(a.hash.slice(0, 7), area.dir),
  );
  // A second job file whose name shares the first eight digits.
  const twin = `${a.hash.slice(0, 8)}${"0".repeat(56)}`;
  await Deno.writeTextFile(join(area.dir, `${twin}.job.json`), "{}");
  await assertRejectsExactly(
    () => findJob(a.hash.slice(0, 8), area.dir),
    RangeError,
    msg.jobRefAmbiguous(a.hash.slice(0, 8), 2),
  );
});

Deno.test("jobFileName() accepts only full lower-case sha256 hashes", () => {
  assertThrowsExactly(() => jobFileName("../x"), TypeError, msg.badJobHash("../x"));
  assert.equal(jobFileName("a".repeat(64)), `${"a".repeat(64)}.job.json`);
});

Deno.test("workPaths() puts jobs, records, artifacts and the teacher cache under one folder", () => {
  assert.deepEqual(workPaths("/w"), {
    root: "/w",
    jobs: "/w/jobs",
    records: "/w/records",
    artifacts: "/w/artifacts",
    cache: "/w/c2s",
  });
});

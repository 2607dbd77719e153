/**
 * Malformed inputs: bad flags, bad spec files, bad record files, files that are not run stores,
 * a missing or corrupt teacher. Each case runs one real task against its own copy of a finished
 * database, and passes when the task fails (non-zero exit) with a message that names the
 * culprit (the flag, file, field or hash; no stack trace), loses nothing, leaves the database
 * readable by a second client and creates no database file of its own.
 *
 * @module
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Area, copyPlace, type Place, sweepArgs } from "./area.ts";
import { Ledger } from "./ledger.ts";
import { jobHashes } from "./faults.ts";
import { before, look, verdict } from "./look.ts";
import * as msg from "./messages.ts";
import { REPO, runTask, shownCommand } from "./proc.ts";
import { type Row, row } from "./table.ts";

/** What a case works with. */
export interface CaseContext {
  /** The case's copy of the finished database and working area. */
  readonly place: Place;
  /** A folder of its own for the bad files. */
  readonly dir: string;
  /** Full hashes of two finished runs. */
  readonly hashes: readonly [string, string];
  /** A finished run's record, parsed. */
  readonly record: Record<string, unknown>;
}

/** One malformed input. */
export interface Case {
  /** What is wrong, for the row. */
  readonly name: string;
  readonly task: string;
  /** Writes the bad files (optional). */
  readonly setup?: (c: CaseContext) => Promise<void>;
  readonly args: (c: CaseContext) => string[];
  /** What the message must name. */
  readonly culprit: (c: CaseContext) => string[];
}

// ---------------------------------------------------------------- the cases

const db = (c: CaseContext) => ["--db", c.place.db];
/** A database path that does not exist: an early error must not create it. */
const none = (c: CaseContext) => join(c.dir, "none.duckdb");
/** `ablate`'s smoke arguments into the case's working area and a database that does not exist. */
const sweep = (c: CaseContext) => [...sweepArgs(c.place).slice(0, -2), "--db", none(c)];
const records = (c: CaseContext) => join(c.dir, "records");
const collect = (c: CaseContext) => ["--from", records(c), ...db(c)];

type Args = (c: CaseContext) => string[];

function simple(name: string, task: string, args: Args, culprit: Args): Case {
  return { name, task, args, culprit };
}

/** `ablate` with its smoke arguments and `extra`. */
function sweepCase(name: string, extra: Args, culprit: Args): Case {
  return simple(name, "ablate", (c) => [...sweep(c), ...extra(c)], culprit);
}

/** A record file `file(c)` in the case's records folder, made by `change` from a good one. */
function recordCase(
  name: string,
  change: (record: Record<string, unknown>, c: CaseContext) => unknown,
  culprit: Args,
  file: (c: CaseContext) => string = (c) => `${c.hashes[0]}.run.json`,
): Case {
  return {
    name,
    task: "collect",
    setup: async (c) => {
      await Deno.mkdir(records(c), { recursive: true });
      const value = change(structuredClone(c.record), c);
      const text = typeof value === "string" ? value : JSON.stringify(value, null, 1);
      await Deno.writeTextFile(join(records(c), file(c)), text);
    },
    args: collect,
    culprit: (c) => [file(c), ...culprit(c)],
  };
}

function withField(field: string, value: unknown): (r: Record<string, unknown>) => unknown {
  return (r) => ({ ...r, [field]: value });
}

function results(r: Record<string, unknown>): Record<string, unknown>[] {
  return r.results as Record<string, unknown>[];
}

function withResult(value: unknown): (r: Record<string, unknown>) => unknown {
  return (r) => {
    const [first, ...rest] = results(r);
    return { ...r, results: [{ ...first, value }, ...rest] };
  };
}

/** A spec file `drill_bad.ts` (ablation `drill-bad`) whose body is `body`. */
function specCase(name: string, body: string, culprit: string[]): Case {
  const specs = (c: CaseContext) => join(c.dir, "specs");
  return {
    name,
    task: "ablate",
    setup: async (c) => {
      await Deno.mkdir(specs(c), { recursive: true });
      const imports = [
        `import fashionScenes from "${
          pathToFileURL(join(REPO, "experiments/fashion_scenes.ts"))
        }";`,
        `import { defineAblation } from "${pathToFileURL(join(REPO, "lib/spec/define.ts"))}";`,
      ];
      await Deno.writeTextFile(join(specs(c), "drill_bad.ts"), `${imports.join("\n")}\n${body}\n`);
    },
    args: (c) => ["drill-bad", ...sweep(c).slice(1), "--specs", specs(c)],
    culprit: () => ["drill_bad.ts", ...culprit],
  };
}

/** A spec of Table IX with `fields` added. */
function spec(fields: string, metrics = `["hIoU"]`): string {
  return `export default defineAblation({ name: "drill-bad", table: "IX", title: "Bad", ` +
    `base: fashionScenes, metrics: ${metrics}, ${fields} });`;
}

/** A file at `other.duckdb` that is not a run store, passed as `--db` to `task`. */
function dbCase(
  name: string,
  task: string,
  make: (path: string) => Promise<void>,
  args: Args,
): Case {
  const path = (c: CaseContext) => join(c.dir, "other.duckdb");
  return {
    name,
    task,
    setup: (c) => make(path(c)),
    args: (c) => [...args(c), "--db", path(c)],
    culprit: (c) => [path(c)],
  };
}

const textFile = (path: string) => Deno.writeTextFile(path, "not a database\n");

/** A DuckDB file with one table of someone else's (made with `query --write`). */
/** Someone else's DuckDB file: made with a plain client, so it holds none of the store's tables. */
async function foreignDuckDb(path: string): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  try {
    await conn.run("CREATE TABLE invoices (id INTEGER)");
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

const corruptTeacher = async (c: CaseContext) => {
  const teacher = join(c.dir, "teacher");
  await Deno.mkdir(teacher);
  for (const f of ["card.json", "config.json"]) {
    await Deno.copyFile(join(REPO, "data/teacher", f), join(teacher, f));
  }
  await Deno.writeTextFile(join(teacher, "teacher.safetensors"), "garbage");
};

/** Every malformed input, in the order the drill runs them. */
export const CASES: readonly Case[] = [
  // flags
  sweepCase("ablate --preset with a typo", () => ["--preset", "smok"], () => ["--preset", "smok"]),
  sweepCase("ablate --workers 0", () => ["--workers", "0"], () => ["--workers"]),
  sweepCase("ablate --seeds -1", () => ["--seeds", "-1"], () => ["--seeds"]),
  sweepCase(
    "ablate --db given twice",
    (c) => ["--db", join(c.dir, "second.duckdb")],
    () => ["--db"],
  ),
  sweepCase("ablate with an unknown flag", () => ["--frobnicate"], () => ["--frobnicate"]),
  sweepCase("ablate --backend with a typo", () => ["--backend", "wasmm"], () => ["wasmm"]),
  simple(
    "ablate of an unknown ablation",
    "ablate",
    (c) => ["token-bnak", ...sweep(c).slice(1)],
    () => ["token-bnak"],
  ),
  simple("ablate without an ablation", "ablate", (c) => sweep(c).slice(1), () => ["NAME"]),
  simple("runs --limit -5", "runs", (c) => [...db(c), "--limit", "-5"], () => ["--limit", "-5"]),
  simple(
    "runs --status done",
    "runs",
    (c) => [...db(c), "--status", "done"],
    () => ["--status", "done"],
  ),
  simple("query without SQL", "query", db, () => ["SQL"]),
  simple("query --format xml", "query", (c) => ["SELECT 1", ...db(c), "-f", "xml"], () => ["xml"]),
  simple(
    "query of an unknown table",
    "query",
    (c) => ["SELECT * FROM nope", ...db(c)],
    () => ["nope"],
  ),
  simple(
    "collect --from a missing folder",
    "collect",
    (c) => ["--from", join(c.dir, "nowhere"), "--db", none(c)],
    (c) => [join(c.dir, "nowhere")],
  ),
  simple(
    "collect --wait abc",
    "collect",
    (c) => [...collect(c), "--wait", "abc"],
    () => ["--wait", "abc"],
  ),
  simple(
    "report of a missing database",
    "report",
    (c) => ["token-bank", "--db", none(c), "--out", join(c.dir, "out")],
    (c) => [none(c)],
  ),
  simple("export without --parquet", "export", db, () => ["--parquet"]),
  simple(
    "run-one of an unknown hash",
    "run-one",
    (c) => ["deadbeefdeadbeef", "--jobs", join(c.place.work, "jobs"), "--records", records(c)],
    () => ["deadbeefdeadbeef"],
  ),
  // spec files
  specCase("spec with an unknown key", spec(`vary: { "distill.globl.bankSize": [0, 2] }`), [
    "distill.globl.bankSize",
  ]),
  specCase(
    "spec with a value of the wrong type",
    spec(`vary: { "distill.global.bankSize": ["six"] }`),
    ["distill.global.bankSize"],
  ),
  specCase("spec that is not TypeScript", "export default defineAblation({ name: ", []),
  specCase("spec without a default export", "export const x = 1;", []),
  specCase("spec that throws on import", `throw new Error("boom");`, ["boom"]),
  specCase(
    "spec with an unknown metric",
    spec(`vary: { "distill.global.bankSize": [0] }`, `["hIoUU"]`),
    ["hIoUU"],
  ),
  specCase("spec with an empty vary", spec(`vary: { "distill.global.bankSize": [] }`), [
    "distill.global.bankSize",
  ]),
  // record files
  recordCase("record with a string seed", withField("seed", "zero"), () => ["seed"]),
  recordCase("record without results", withField("results", undefined), () => ["results"]),
  recordCase("record with an unknown field", withField("colour", "red"), () => ["colour"]),
  recordCase("record with an Infinity result", withResult("Infinity"), () => ["results[0].value"]),
  recordCase("record with a NaN result", withResult("NaN"), () => ["results[0].value"]),
  recordCase(
    "record with a text metric value",
    withField("metrics", [{ step: 0, name: "loss", value: "low" }]),
    () => ["metrics[0].value"],
  ),
  recordCase("record with an unknown status", withField("status", "done"), () => ["status"]),
  recordCase(
    "record with a bad start time",
    withField("startedAt", "yesterday"),
    () => ["startedAt"],
  ),
  recordCase(
    "record with a result twice",
    (r) => ({ ...r, results: [...results(r), results(r)[0]] }),
    (c) => [String(results(c.record)[0]!.metric)],
  ),
  recordCase(
    "record with a text class IoU",
    withField("classIou", [{ className: "Bag", seen: false, iou: "high" }]),
    () => ["classIou[0].iou"],
  ),
  recordCase("record with a seed past 2^31", withField("seed", 2 ** 40), () => ["seed"]),
  recordCase("record that is an array", () => [], () => []),
  recordCase("record cut off half way", (r) => JSON.stringify(r).slice(0, 300), () => []),
  recordCase("record file that is empty", () => "", () => []),
  recordCase(
    "record under another run's hash",
    (r) => r,
    (c) => [c.hashes[0]],
    (c) => `${c.hashes[1]}.run.json`,
  ),
  // database files
  dbCase("query --db a text file", "query", textFile, () => ["SELECT 1"]),
  dbCase("ablate --db a text file", "ablate", textFile, (c) => sweep(c).slice(0, -2)),
  dbCase(
    "ablate --db a DuckDB file with foreign tables",
    "ablate",
    foreignDuckDb,
    (c) => sweep(c).slice(0, -2),
  ),
  dbCase(
    "collect --db a DuckDB file with foreign tables",
    "collect",
    async (path) => {
      await foreignDuckDb(path);
      await Deno.mkdir(join(dirname(path), "records"));
    },
    (c) => ["--from", records(c)],
  ),
  dbCase("runs --db a folder", "runs", (path) => Deno.mkdir(path), () => []),
  // teacher, data, folders
  sweepCase(
    "ablate --teacher a missing folder",
    () => ["--teacher", "/nonexistent/teacher"],
    () => ["/nonexistent/teacher"],
  ),
  {
    ...sweepCase(
      "ablate --teacher with corrupt weights",
      (c) => ["--teacher", join(c.dir, "teacher")],
      () => ["teacher.safetensors"],
    ),
    setup: corruptTeacher,
  },
  sweepCase(
    "ablate --specs a missing folder",
    () => ["--specs", "/nonexistent/specs"],
    () => ["/nonexistent/specs"],
  ),
  sweepCase(
    "ablate --data a missing folder",
    () => ["--data", "/nonexistent/fashion"],
    () => ["/nonexistent/fashion"],
  ),
  {
    ...simple(
      "ablate --work a file",
      "ablate",
      (c) => [...sweep(c).slice(0, -4), "--work", join(c.dir, "work-file"), "--db", none(c)],
      (c) => [join(c.dir, "work-file")],
    ),
    setup: (c) => Deno.writeTextFile(join(c.dir, "work-file"), "x"),
  },
];

/** The cases `--short` runs: one of each kind. */
export const SHORT_CASES: readonly string[] = [
  "ablate --preset with a typo",
  "runs --limit -5",
  "spec with an unknown key",
  "record with an Infinity result",
  "record under another run's hash",
  "record cut off half way",
  "ablate --db a DuckDB file with foreign tables",
  "ablate --teacher a missing folder",
];

/** Runs `cases` on copies of `base` (`lanes` at a time); one row each. */
export async function malformedDrill(
  area: Area,
  base: Place,
  cases: readonly Case[],
  lanes: number,
): Promise<Row[]> {
  const hashes = await jobHashes(base);
  const ingested = join(base.records, "ingested", `${hashes[0]}.run.json`);
  const record = JSON.parse(await Deno.readTextFile(ingested));
  const rows: Row[] = new Array(cases.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < cases.length; i = next++) {
      const place = await copyPlace(area, base, `malformed-${i}`);
      const dir = join(place.dir, "case");
      await Deno.mkdir(dir);
      const c: CaseContext = { place, dir, hashes: [hashes[0]!, hashes[1]!], record };
      rows[i] = await runCase(cases[i]!, c);
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return rows;
}

async function runCase(kase: Case, c: CaseContext): Promise<Row> {
  await kase.setup?.(c);
  const ledger = new Ledger();
  await before(c.place, ledger);
  const args = kase.args(c);
  const watched = ["none.duckdb", "second.duckdb", "nowhere"].map((name) => join(c.dir, name));
  const ended = await runTask(kase.task, args, { deadlineMs: 120_000 });
  const problems: string[] = [];
  for (const path of watched) {
    if (await Deno.lstat(path).then(() => true, () => false)) problems.push(msg.leftBehind(path));
  }
  const after = await look(c.place, ledger, true);
  return row({
    group: "malformed",
    scenario: kase.name,
    ...verdict(kase.task, ended, kase.culprit(c), after, { problems }),
    reproduce: shownCommand(kase.task, args),
  });
}

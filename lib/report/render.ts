/**
 * `renderReport(ablation | "all", { db, definition, outDir })`: read the run database (read-only), build the
 * pages and write `<outDir>/<ablation>.html`; `all` writes every ablation's page plus
 * `<outDir>/index.html`, which links them under one summary chart, and `<outDir>/verdicts.md`, the
 * same per table in markdown (`verdicts.ts`).
 *
 * A missing database is an error (`Deno.errors.NotFound`); an unknown ablation is a `RangeError`
 * naming the known ones; an ablation with paper values but no finished run still gets a page that
 * says "no runs yet" (and a warning in the result).
 *
 * @module
 */
import { isTableId, PAPER_NOTES, PAPER_TABLES } from "../spec/paper_tables.ts";
import { RunStore } from "../track/store.ts";
import {
  ablationPage,
  headlineAgreement,
  pageAgreements,
  type PrintedTable,
} from "./ablation_page.ts";
import { listReportAblations, loadReportData, type ReportData, tableOrder } from "./data.ts";
import type { ReportDefinition } from "./define.ts";
import { htmlPage } from "./html.ts";
import { type IndexLine, indexPage } from "./index_page.ts";
import { type VerdictLine, verdictsMarkdown } from "./verdicts.ts";
import { Msg } from "./messages.ts";
import { loadSampleFigures } from "./samples.ts";
import { type SpecLayout, specLayout, specNames } from "./spec_layout.ts";
import { DEFAULT_TEACHER_DIR } from "../teacher/load.ts";
import { loadTeacherCards } from "./teacher_card.ts";

/** Options of {@link renderReport}. */
export interface RenderOptions {
  /** The run database file. */
  readonly db: string;
  /**
   * Milliseconds to keep retrying while another process (a sweep, between its runs) writes the
   * file.
   * @default {0}
   */
  readonly waitMs?: number;
  /**
   * Where the pages go (created when missing).
   * @default {"reports/out"}
   */
  readonly outDir?: string;
  /** Title, introduction and captions (the repository's is `reports/paper.ts`). */
  readonly definition: ReportDefinition;
  /**
   * Folder relative artifact paths resolve against.
   * @default {the database file's folder}
   */
  readonly artifactRoot?: string;
  /**
   * The teacher checkpoint folder whose `card.json` the teacher card shows; null: none.
   * @default {the repository's data/teacher}
   */
  readonly teacherDir?: string | null;
  /**
   * Sample figures per variant.
   * @default {2}
   */
  readonly samplesPerVariant?: number;
  /**
   * Equivalence margin of the paper's claims, in the metric's units.
   * @default {1}
   */
  readonly delta?: number;
}

/** One page written. */
export interface RenderedPage {
  /** The ablation, or `index`. */
  readonly name: string;
  readonly path: string;
  /** Table rows (variants) on the page; tables on the index. */
  readonly rows: number;
  readonly finishedRuns: number;
  readonly bytes: number;
}

/** What {@link renderReport} did. */
export interface RenderResult {
  readonly pages: readonly RenderedPage[];
  /** Conditions worth telling the user (no runs yet, unreadable artifacts). */
  readonly warnings: readonly string[];
  /** Wall time in milliseconds. */
  readonly ms: number;
}

/**
 * Render one ablation's page, or every page and the index (`"all"`).
 *
 * @example
 * ```ts ignore
 * import paperReport from "../../reports/paper.ts";
 * const { pages } = await renderReport("token-bank", { db: "runs.duckdb", definition: paperReport });
 * console.log(pages[0]!.path); // reports/out/token-bank.html
 * ```
 */
export async function renderReport(target: string, options: RenderOptions): Promise<RenderResult> {
  const started = performance.now();
  const outDir = options.outDir ?? "reports/out";
  const db = options.db;
  // Read-only: a missing file is Deno.errors.NotFound naming it; a file another process writes
  // for longer than `waitMs` is the store's DatabaseBusyError (a sweep writes only for moments).
  const store = await RunStore.open(db, { readOnly: true, waitMs: options.waitMs ?? 0 });
  try {
    await Deno.mkdir(outDir, { recursive: true });
    const context: Context = {
      db,
      outDir,
      definition: options.definition,
      artifactRoot: options.artifactRoot ?? dirName(db),
      samplesPerVariant: options.samplesPerVariant ?? 2,
      delta: options.delta ?? 1,
      teacherDir: options.teacherDir === undefined ? DEFAULT_TEACHER_DIR : options.teacherDir,
      generatedAt: new Date(),
      known: await specNames(),
    };
    const warnings: string[] = [];
    const pages: RenderedPage[] = [];
    if (target === "all") {
      const lines: IndexLine[] = [];
      const verdicts: VerdictLine[] = [];
      const finishedIds = new Set<string>();
      for (const name of await allAblations(store, context.known)) {
        const { page, data } = await writeAblationPage(store, name, context, warnings, true);
        pages.push(page);
        for (const r of data.runs) if (r.status === "finished") finishedIds.add(r.runId);
        const agreement = headlineAgreement(pageAgreements(data));
        lines.push({
          ablation: data.ablation,
          tableId: data.tableId,
          title: paperTitle(data.tableId) ?? data.ablation,
          finishedRuns: page.finishedRuns,
          agreement,
          href: `${encodeURIComponent(fileName(data.ablation))}.html`,
        });
        verdicts.push({
          tableId: data.tableId,
          ablation: data.ablation,
          agreement,
          summary: data.summary,
          paper: data.paper,
        });
      }
      const index = indexPage(lines, {
        definition: context.definition,
        dbPath: db,
        generatedAt: context.generatedAt,
      });
      const text = await htmlPage(index);
      const path = `${outDir}/index.html`;
      await Deno.writeTextFile(path, text);
      pages.push({
        name: "index",
        path,
        rows: lines.length,
        // Distinct runs: one run can be a row of several tables.
        finishedRuns: finishedIds.size,
        bytes: text.length,
      });
      const markdown = verdictsMarkdown(verdicts);
      const verdictsPath = `${outDir}/verdicts.md`;
      await Deno.writeTextFile(verdictsPath, markdown);
      pages.push({
        name: "verdicts",
        path: verdictsPath,
        rows: verdicts.length,
        finishedRuns: finishedIds.size,
        bytes: markdown.length,
      });
    } else {
      const hasIndex = await Deno.stat(`${outDir}/index.html`).then(() => true, () => false);
      const { page } = await writeAblationPage(store, target, context, warnings, hasIndex);
      pages.push(page);
    }
    return { pages, warnings, ms: performance.now() - started };
  } finally {
    await store.close();
  }
}

/** Every ablation of the database or the registry, in the paper's table order. */
async function allAblations(store: RunStore, known: readonly string[]): Promise<string[]> {
  const listed = await listReportAblations(store);
  const table = new Map(listed.map((a) => [a.ablation, a.tableId]));
  for (const name of known) {
    if (!table.has(name)) table.set(name, (await specLayout(name))?.tableId ?? null);
  }
  return [...table].sort(([a, ta], [b, tb]) =>
    tableOrder(ta) - tableOrder(tb) || a.localeCompare(b)
  )
    .map(([name]) => name);
}

interface Context {
  readonly db: string;
  readonly outDir: string;
  readonly definition: ReportDefinition;
  readonly artifactRoot: string;
  readonly samplesPerVariant: number;
  readonly delta: number;
  readonly teacherDir: string | null;
  readonly generatedAt: Date;
  /** The spec registry's ablation names. */
  readonly known: readonly string[];
}

async function writeAblationPage(
  store: RunStore,
  ablation: string,
  context: Context,
  warnings: string[],
  linkIndex: boolean,
): Promise<{ page: RenderedPage; data: ReportData }> {
  const layout: SpecLayout | null = context.known.includes(ablation)
    ? await specLayout(ablation)
    : null;
  const data = await loadReportData(store, ablation, {
    known: context.known,
    delta: context.delta,
    ...(layout ? { variants: layout.variants, metrics: layout.metrics, paper: layout.paper } : {}),
  });
  const finishedRuns = data.runs.filter((r) => r.status === "finished").length;
  if (finishedRuns === 0) warnings.push(Msg.noRunsYet(ablation));
  const samples = await loadSampleFigures(data.artifacts, data.variants, {
    root: context.artifactRoot,
    perVariant: context.samplesPerVariant,
  });
  const teacher = await loadTeacherCards(data.artifacts, context.artifactRoot, context.teacherDir);
  const notes = [...samples.notes, ...teacher.notes];
  warnings.push(...notes);
  const page = ablationPage(data, {
    paperTitle: paperTitle(data.tableId),
    specTitle: layout?.title ?? null,
    paperRows: layout?.paperRows ?? {},
    caption: data.tableId ? context.definition.captions[data.tableId] ?? null : null,
    paperNotes: paperNotesFor(data.tableId),
    paperTable: printedTable(data.tableId),
    samples: samples.figures,
    teacherCards: teacher.cards,
    notes,
    dbPath: context.db,
    generatedAt: context.generatedAt,
    indexHref: linkIndex ? "index.html" : null,
  });
  const text = await htmlPage(page);
  const path = `${context.outDir}/${fileName(ablation)}.html`;
  await Deno.writeTextFile(path, text);
  return {
    page: { name: ablation, path, rows: page.rows, finishedRuns, bytes: text.length },
    data,
  };
}

/** The paper's table as printed, or null. */
function printedTable(tableId: string | null): PrintedTable | null {
  if (tableId === null || !isTableId(tableId)) return null;
  const table = PAPER_TABLES[tableId];
  return {
    id: tableId,
    columns: table.columns,
    rows: table.rows.map((row) => ({
      variant: row.variant,
      values: table.columns.map((c) => {
        const v = (row as Record<string, unknown>)[c];
        return typeof v === "number" ? v : null;
      }),
    })),
  };
}

/** The paper table's title, or null. */
function paperTitle(tableId: string | null): string | null {
  return tableId !== null && isTableId(tableId) ? PAPER_TABLES[tableId].title : null;
}

/**
 * The paper notes that name this table ("Table IX ..."), not those of a table whose id merely
 * starts the same ("Table X" is not "Table XI").
 */
export function paperNotesFor(tableId: string | null): string[] {
  if (tableId === null) return [];
  const pattern = new RegExp(`\\bTable ${tableId}(?![IVXLC])`);
  return PAPER_NOTES.filter((n) => pattern.test(n));
}

/** A safe file name for an ablation (kebab-case names pass through unchanged). */
export function fileName(ablation: string): string {
  return ablation.replace(/[^A-Za-z0-9._-]/g, "_");
}

function dirName(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : path.slice(0, i);
}

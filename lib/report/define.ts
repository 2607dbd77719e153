/**
 * A report definition (a file under `reports/`): the index page's title and introduction, and one
 * caption per paper table saying what the table asks and what the paper claims. Tables appear in
 * the paper's order (IV, V, ... XIII); ablations without a caption still appear.
 *
 * @module
 */

/** What a report definition declares. */
export interface ReportDefinition {
  /** Title of the index page. */
  readonly title: string;
  /** One paragraph under the title of the index page. */
  readonly intro: string;
  /** Paper table id ("IX") -> caption shown above that table's results. */
  readonly captions: Readonly<Record<string, string>>;
}

/**
 * Gives a report definition its type.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../_std.ts";
 * import { defineReport } from "./define.ts";
 * const r = defineReport({ title: "Ablations", intro: "All tables.", captions: { IX: "Bank size." } });
 * assertEquals(r.captions.IX, "Bank size.");
 * ```
 */
export function defineReport(definition: ReportDefinition): ReportDefinition {
  return definition;
}

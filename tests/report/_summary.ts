/**
 * TEST FIXTURE: a `variant_summary` row of 3 seeds with a 95 % CI of half-width 2.5 (none without
 * a mean), as the report's table and chart tests use it.
 *
 * @module
 */
import type { SummaryRow } from "../../lib/report/data.ts";

/** A summary row: 3 seeds, std 1, CI mean ± 2.5; n = 0 and no CI when `mean` is null. */
export function summary(
  variant: string,
  metric: string,
  paper: number | null,
  mean: number | null,
): SummaryRow {
  return {
    variant,
    metric,
    n: mean === null ? 0 : 3,
    mean,
    std: mean === null ? null : 1,
    ci95Low: mean === null ? null : mean - 2.5,
    ci95High: mean === null ? null : mean + 2.5,
    paper,
    delta: mean === null || paper === null ? null : mean - paper,
  };
}

/** Table IX's bank sizes plus an extra row whose label needs escaping. */
export const BANK_VARIANTS = ["0", "2", "6", "14", "extra <b>"];

/** hIoU rows of {@linkcode BANK_VARIANTS} (the extra row has no paper value). */
export const BANK_HIOU: SummaryRow[] = [
  summary("0", "hIoU", 41.0, 27.6),
  summary("2", "hIoU", 41.5, 28.4),
  summary("6", "hIoU", 42.3, 29.9),
  summary("14", "hIoU", 40.9, 30.2),
  summary("extra <b>", "hIoU", null, 35),
];

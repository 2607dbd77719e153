import { assert } from "../../lib/_std.ts";
import { studentTCdf, studentTQuantile, tCritical95 } from "../../lib/track/student_t.ts";
import { tCritRows } from "../../lib/track/schema.ts";
import { rejectsWith } from "./_helpers.ts";

function near(actual: number, expected: number, tolerance: number): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `expected ${expected}, got ${actual}`);
}

Deno.test("tCritical95() matches closed forms for df = 1 and df = 2", () => {
  near(tCritical95(1), Math.tan(0.475 * Math.PI), 1e-9);
  near(tCritical95(2), 0.95 * Math.sqrt(2 / (4 * 0.975 * 0.025)), 1e-9);
});

Deno.test("tCritical95() matches published t-table values", () => {
  const table: [number, number][] = [
    [3, 3.182],
    [4, 2.776],
    [5, 2.571],
    [9, 2.262],
    [19, 2.093],
    [29, 2.045],
    [120, 1.980],
  ];
  for (const [df, t] of table) near(tCritical95(df), t, 5e-4);
});

Deno.test("studentTCdf() inverts studentTQuantile() and is symmetric", () => {
  for (const df of [1, 3, 10, 50]) {
    for (const p of [0.6, 0.9, 0.99]) {
      near(studentTCdf(studentTQuantile(p, df), df), p, 1e-9);
      near(studentTQuantile(1 - p, df), -studentTQuantile(p, df), 1e-9);
    }
  }
});

Deno.test("studentTQuantile() rejects probabilities outside (0, 1) and df <= 0", async () => {
  await rejectsWith(
    () => studentTQuantile(1, 3),
    RangeError,
    "Probability must be in (0, 1), got 1",
  );
  await rejectsWith(
    () => studentTQuantile(0.5, 0),
    RangeError,
    "Degrees of freedom must be positive, got 0",
  );
});

Deno.test("tCritRows() covers df 1..1000, decreasing towards 1.96", () => {
  const rows = tCritRows();
  assert.equal(rows.length, 1000);
  assert.deepEqual(rows[0]![0], 1);
  assert.deepEqual(rows[999]![0], 1000);
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i]![1] < rows[i - 1]![1]);
  near(rows[999]![1], 1.9623, 1e-4);
});

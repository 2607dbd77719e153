import { assert } from "../../lib/_std.ts";
import { createProgress, formatDuration } from "../../lib/teacher/progress.ts";

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => t += ms };
}

Deno.test("createProgress() off a terminal writes plain lines at the interval with rate and ETA", () => {
  const lines: string[] = [];
  const c = clock();
  const p = createProgress({
    total: 100,
    start: 20,
    tty: false,
    lineSeconds: 30,
    write: (t) => lines.push(t),
    now: c.now,
  });
  c.advance(2000);
  p.update(21, "loss 2.000");
  c.advance(2000);
  p.update(22); // within 30 s of the last line: nothing
  c.advance(30_000);
  p.update(40);
  assert.deepEqual(lines, [
    "step 21/100 21.0%, 2.00 s/step, ETA 2m38s, loss 2.000\n",
    "step 40/100 40.0%, 1.70 s/step, ETA 1m42s\n",
  ]);
  assert.ok(lines.every((l) => !l.includes("\r")));
});

Deno.test("createProgress() on a terminal redraws one line with a bar", () => {
  const out: string[] = [];
  const c = clock();
  const p = createProgress({ total: 4, tty: true, write: (t) => out.push(t), now: c.now });
  c.advance(1000);
  p.update(2);
  p.done();
  assert.equal(out[0], "\r\x1b[2K[############------------] step 2/4 50.0% 0.50 s/step, ETA 1s");
  assert.equal(out[1], "\n");
});

Deno.test("formatDuration() reads as hours+minutes, minutes+seconds or seconds", () => {
  assert.equal(formatDuration(3725), "1h02m");
  assert.equal(formatDuration(185), "3m05s");
  assert.equal(formatDuration(12), "12s");
  assert.equal(formatDuration(NaN), "?");
});

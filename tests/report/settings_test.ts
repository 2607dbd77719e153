import { assert } from "../../lib/_std.ts";
import { summarizeSettings } from "../../lib/report/settings.ts";
import { flattenCard, loadTeacherCards } from "../../lib/report/teacher_card.ts";
import { Msg } from "../../lib/report/messages.ts";

Deno.test("summarizeSettings() separates shared settings from what each variant changed", () => {
  const p = (variant: string, runId: string, key: string, value: string | null) => ({
    variant,
    runId,
    key,
    value,
  });
  const s = summarizeSettings([
    p("0", "a", "distill.global.bankSize", "0"),
    p("0", "a", "train.seed", "0"),
    p("0", "a", "train.steps", "800"),
    p("6", "b", "distill.global.bankSize", "6"),
    p("6", "b", "train.seed", "1"),
    p("6", "b", "train.steps", "800"),
    p("6", "c", "distill.global.bankSize", "6"),
    p("6", "c", "train.steps", "400"),
  ]);
  assert.deepEqual(s.common, {});
  assert.deepEqual(s.varying, [
    { key: "distill.global.bankSize", byVariant: { "0": "0", "6": "6" } },
    { key: "train.steps", byVariant: { "0": "800", "6": "800 | 400" } },
  ]);
  assert.deepEqual(summarizeSettings([p("x", "a", "k", null)]).common, { k: "null" });
});

Deno.test("flattenCard() lists a teacher card's fields as dotted keys", () => {
  assert.deepEqual(
    flattenCard({ name: "mini-CLIP", eval: { zeroShot: 90.4, dense: 71.6 }, seeds: [1, 2] }),
    [["name", "mini-CLIP"], ["eval.zeroShot", "90.4"], ["eval.dense", "71.6"], ["seeds", "1, 2"]],
  );
});

Deno.test("loadTeacherCards() reads each distinct card once and notes an unreadable one", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/card.json`, JSON.stringify({ name: "t", acc: 1 }));
    await Deno.writeTextFile(`${dir}/bad.json`, "{");
    const a = (runId: string, path: string, sha256: string) => ({
      variant: "v",
      runId,
      seed: 0,
      kind: "teacher-card",
      path,
      sha256,
    });
    const { cards, notes } = await loadTeacherCards(
      [a("1", "card.json", "s1"), a("2", "card.json", "s1"), a("3", "bad.json", "s2")],
      dir,
      null,
    );
    assert.deepEqual(cards, [{ path: "card.json", fields: [["name", "t"], ["acc", "1"]] }]);
    assert.equal(notes.length, 1);
    assert.ok(notes[0]!.startsWith(Msg.teacherCardUnreadable(`${dir}/bad.json`, "").slice(0, -1)));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadTeacherCards() shows the shipped checkpoint's card.json first, when there is one", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const none = await loadTeacherCards([], dir, `${dir}/teacher`);
    assert.deepEqual(none, { cards: [], notes: [] });
    await Deno.mkdir(`${dir}/teacher`);
    await Deno.writeTextFile(`${dir}/teacher/card.json`, JSON.stringify({ zeroShot: 0.905 }));
    const one = await loadTeacherCards([], dir, `${dir}/teacher/`);
    assert.deepEqual(one.cards, [{
      path: `${dir}/teacher/card.json`,
      fields: [["zeroShot", "0.905"]],
    }]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

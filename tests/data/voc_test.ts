/** The VOC and COCO-Stuff folder readers on tests/fixtures/voc-tiny and a COCO-Stuff folder made here. */
import jpeg from "jpeg-js";
import { encode } from "fast-png";
import { join } from "node:path";
import { assert, assertEquals, assertThrows } from "../../lib/_std.ts";
import { openVoc, VOC_CLASSES, VOC_UNSEEN } from "../../lib/data/voc.ts";
import { COCO_STUFF_CLASSES, COCO_STUFF_UNSEEN, openCocoStuff } from "../../lib/data/coco_stuff.ts";
import { IGNORE_LABEL } from "../../lib/data/types.ts";

const VOC = new URL("../fixtures/voc-tiny", import.meta.url).pathname;
const unseenIds = VOC_UNSEEN.map((name) => VOC_CLASSES.indexOf(name));
const options = { size: 32, unseenIds, trainLimit: 100, evalLimit: 2 };

Deno.test("openVoc() reads the split lists, resizes to the size and hides unseen classes in training", () => {
  const { train, eval: val } = openVoc(VOC, options);
  assertEquals([train.length, val.length, train.channels, train.height], [5, 2, 3, 32]);
  assertEquals(VOC_UNSEEN.length + 15, VOC_CLASSES.length);
  let unseenHidden = 0;
  for (let i = 0; i < train.length; i++) {
    const s = train.get(i);
    assertEquals([s.image.length, s.labels.length], [32 * 32 * 3, 32 * 32]);
    assert.ok(s.image.every((v) => v >= 0 && v <= 1));
    s.fullLabels.forEach((v, p) => {
      assert.ok(v === IGNORE_LABEL || v < 20);
      if (unseenIds.includes(v)) {
        assertEquals(s.labels[p], IGNORE_LABEL);
        unseenHidden++;
      } else assertEquals(s.labels[p], v);
    });
  }
  assert.ok(unseenHidden > 0, "the fixture has unseen pixels in training images");
  // Background (0) is ignored and VOC label 8 (cat) is id 7.
  const first = train.get(0);
  assert.ok(first.fullLabels.includes(IGNORE_LABEL) && first.fullLabels.includes(7));
});

Deno.test("openVoc() names the missing file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assertThrows(
      () => openVoc(dir, options),
      Deno.errors.NotFound,
      `VOC folder "${dir}" has no ImageSets/Segmentation/train.txt`,
    );
    await Deno.mkdir(join(dir, "ImageSets/Segmentation"), { recursive: true });
    await Deno.writeTextFile(join(dir, "ImageSets/Segmentation/train.txt"), "2007_000001\n");
    assertThrows(
      () => openVoc(dir, options),
      Deno.errors.NotFound,
      "has no JPEGImages/2007_000001.jpg",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openCocoStuff() maps raw COCO ids to the 171 contiguous classes and names a missing image", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const split of ["train2017", "val2017"]) {
      await Deno.mkdir(join(dir, "images", split), { recursive: true });
      await Deno.mkdir(join(dir, "annotations", split), { recursive: true });
      // Raw 0 (person), 12 (COCO id 13, stop sign: id 11 after the unused raw 11), 181 (wood), 255.
      const labels = Uint8Array.from([0, 12, 181, 255]);
      await Deno.writeFile(
        join(dir, "annotations", split, "0001.png"),
        encode({ width: 2, height: 2, data: labels, depth: 8, channels: 1 }),
      );
      const rgba = new Uint8Array(16).fill(128);
      await Deno.writeFile(
        join(dir, "images", split, "0001.jpg"),
        jpeg.encode({ data: rgba, width: 2, height: 2 }, 90).data,
      );
    }
    const { train } = openCocoStuff(dir, { size: 2, unseenIds: [], trainLimit: 10, evalLimit: 10 });
    assertEquals(Array.from(train.get(0).fullLabels), [0, 11, 170, 255]);
    assertEquals([COCO_STUFF_CLASSES.length, COCO_STUFF_UNSEEN.length], [171, 15]);
    assertEquals(COCO_STUFF_CLASSES[11], "stop sign");
    assert.ok(COCO_STUFF_UNSEEN.every((name) => COCO_STUFF_CLASSES.includes(name)));
    await Deno.remove(join(dir, "images", "val2017", "0001.jpg"));
    assertThrows(
      () => openCocoStuff(dir, { size: 2, unseenIds: [], trainLimit: 10, evalLimit: 10 }),
      Deno.errors.NotFound,
      "has no images/val2017/0001.jpg",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

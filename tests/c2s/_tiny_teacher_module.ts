/**
 * A teacher module for `runOne({ teacherModule })` tests: a tiny random teacher for 64 x 64
 * scenes (D = 16, 16 x 16 grid).
 *
 * @module
 */
import { TinyTeacher } from "./_fixtures.ts";

/** Makes the teacher. */
export default function makeTeacher(): TinyTeacher {
  return new TinyTeacher({ dim: 16, imageSize: 64 });
}

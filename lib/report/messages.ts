/**
 * Every user-facing message of the report area, as typed functions, so tests can assert them and
 * they read the same everywhere.
 *
 * @module
 */

/** Quote a value for a message. */
function q(value: unknown): string {
  return JSON.stringify(String(value));
}

/** List names for a message: `"a", "b" and "c"`, or `none` when empty. */
export function listNames(names: readonly string[]): string {
  if (names.length === 0) return "none";
  const quoted = names.map(q);
  if (quoted.length === 1) return quoted[0]!;
  return `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}

/** Messages, one function per condition. */
export const Msg = {
  unknownAblation: (name: string, known: readonly string[]) =>
    `Unknown ablation ${q(name)}: no spec defines it and the database has no runs or paper ` +
    `values for it (known: ${listNames(known)})`,
  emptyAblationName: () => `Ablation name must be a non-empty string`,
  noRunsYet: (name: string) =>
    `No finished runs yet for ${q(name)}: its page says so (run "deno task ablate ${name}")`,
  noRunsPage: (name: string) =>
    `No runs yet: the database holds no finished run of ${q(name)}, so the table shows the ` +
    `paper's values only. Run "deno task ablate ${name}" to measure it.`,
  vendorMissing: (name: string, tried: readonly string[]) =>
    `Cannot find the built script of npm package ${q(name)} (tried ${listNames(tried)}); ` +
    `run "deno install" so node_modules/ holds it`,
  vendorUnsafe: (file: string) =>
    `Script ${q(file)} contains "</script" or "<!--" and cannot be inlined into HTML`,
  artifactMissing: (path: string) => `Artifact ${q(path)} is missing`,
  artifactHash: (path: string, expected: string, actual: string) =>
    `Artifact ${q(path)} has sha256 ${actual}, the database recorded ${expected}`,
  artifactUnreadable: (path: string, reason: string) =>
    `Artifact ${q(path)} cannot be read as an image: ${reason}`,
  sampleNotObject: (value: unknown) => `Sample must be an object, got ${q(JSON.stringify(value))}`,
  sampleBadSize: (height: unknown, width: unknown) =>
    `Sample size must be positive integers, got ${q(height)} x ${q(width)}`,
  sampleBadField: (field: string) =>
    `Sample field ${q(field)} must be a base64 string or an array of numbers`,
  sampleFieldLength: (field: string, got: number, expected: number) =>
    `Sample field ${q(field)} has ${got} values, expected ${expected}`,
  teacherCardUnreadable: (path: string, reason: string) =>
    `Teacher card ${q(path)} cannot be read: ${reason}`,
  kendallLength: (a: number, b: number) =>
    `Kendall tau needs two rankings of equal length, got ${a} and ${b}`,
  kendallNotFinite: (index: number, value: unknown) =>
    `Kendall tau needs finite numbers, got ${q(value)} at index ${index}`,
  wrotePages: (count: number, ms: number) =>
    `Wrote ${count} page${count === 1 ? "" : "s"} in ${ms.toFixed(0)} ms`,
} as const;

/**
 * Content hashes of runs: sha256 (Web Crypto) of the canonical JSON (keys sorted at every level)
 * of the resolved config, the preset name, the run kind (training / measurement / efficiency) and
 * a `HashContext` (data identity, teacher hash, code digest), so a run's id changes exactly when
 * something that changes its result does. Variant labels and ablation names are not hashed: one
 * config that serves several tables is one run.
 *
 * @example
 * ```ts
 * import { assert } from "../_std.ts";
 * import { DEFAULT_CONFIG } from "../c2s/config.ts";
 * import { runHash } from "./hash.ts";
 * const hash = await runHash({ config: DEFAULT_CONFIG, preset: "quick", kind: "training" }, {
 *   dataIdentity: "fashion-mnist:10000x28:0123456789abcdef",
 *   teacherHash: "ab12...",
 *   codeVersion: "code-0123456789abcdef",
 * });
 * assert(/^[0-9a-f]{64}$/.test(hash)); // sha256, hex
 * ```
 *
 * @module
 */
import type { C2SConfig } from "../c2s/config.ts";
import * as msg from "./messages.ts";

/** What a run's result depends on besides its config; the runner supplies it. */
export interface HashContext {
  /** The data the scenes are built from: a digest of the items loaded (`fashion-mnist:...`). */
  readonly dataIdentity: string | null;
  /** sha256 of the teacher's weights (`Teacher.hash`). */
  readonly teacherHash: string | null;
  /**
   * The code that produces results: a digest of its source files (`code-<16 hex>`, see
   * `lib/sweep/code_digest.ts`), so an edit to the training core gives its runs new hashes.
   */
  readonly codeVersion: string | null;
}

/** A context with nothing known yet: hashes made with it are provisional (for plans). */
export const UNRESOLVED_CONTEXT: HashContext = Object.freeze({
  dataIdentity: null,
  teacherHash: null,
  codeVersion: null,
});

/** Version of the hash input layout; bump it when the layout changes. */
export const HASH_SCHEME = 1;

function write(value: unknown, path: string): string {
  if (value === null || typeof value === "string" || typeof value === "boolean") {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(msg.notCanonical(path, value));
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item, i) => write(item, `${path}[${i}]`)).join(",")}]`;
  }
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      return `{${
        keys.map((key) =>
          `${JSON.stringify(key)}:${write(record[key], path === "" ? key : `${path}.${key}`)}`
        ).join(",")
      }}`;
    }
  }
  throw new TypeError(msg.notCanonical(path, value));
}

/**
 * JSON with object keys sorted at every level and no whitespace. Throws a `TypeError` for values
 * JSON cannot hold exactly (undefined, NaN, Infinity, functions, class instances).
 */
export function canonicalJson(value: unknown): string {
  return write(value, "");
}

/** Lower-case hex sha256 of a string's UTF-8 bytes. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** What identifies a run besides its context. */
export interface HashInput {
  /** The resolved config (seed included). */
  readonly config: C2SConfig;
  /** The preset name. */
  readonly preset: string;
  /**
   * What the run does with the config: train a student, measure masks, measure cost. The full
   * method's config is a row of Tables IV-XII, XIII and III, but only the training runs share one
   * result.
   */
  readonly kind: string;
}

/** The content hash of one run: 64 hex digits. */
export function runHash(input: HashInput, context: HashContext): Promise<string> {
  return sha256Hex(canonicalJson({
    scheme: HASH_SCHEME,
    kind: input.kind,
    preset: input.preset,
    config: input.config,
    dataIdentity: context.dataIdentity,
    teacherHash: context.teacherHash,
    codeVersion: context.codeVersion,
  }));
}

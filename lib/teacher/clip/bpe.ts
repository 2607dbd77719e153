/**
 * CLIP's tokenizer: byte-level BPE (Radford et al. 2021; the algorithm of `simple_tokenizer.py` in
 * openai/CLIP, over the `vocab.json` and `merges.txt` of a Hugging Face CLIPModel folder).
 *
 * 1. Clean: HTML entities unescaped twice (the common named ones and numeric ones), runs of
 *    whitespace collapsed to one space, trimmed, lower-cased. (CLIP also runs `ftfy.fix_text`
 *    first, which repairs mojibake; well-formed text, such as class names, is unchanged by it.)
 * 2. Split with CLIP's pattern: the two special tokens, the contractions 's 't 're 've 'm 'll 'd,
 *    runs of letters, single digits, runs of other non-space characters.
 * 3. Each piece's UTF-8 bytes become printable symbols (GPT-2's byte-to-unicode table), the last
 *    one marked end-of-word (`</w>`), and the lowest-ranked adjacent pair is merged until no pair
 *    has a rank. The special tokens map to their own ids.
 * 4. `<|startoftext|>` + ids + `<|endoftext|>`, cut to the context length (77 for CLIP).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../../_std.ts";
 * import { ClipTokenizer } from "./bpe.ts";
 * const vocab: Record<string, number> = { "<|startoftext|>": 0, "<|endoftext|>": 1, "a</w>": 2, "c": 3, "at</w>": 4 };
 * const tok = new ClipTokenizer(vocab, [["a", "t</w>"]]);
 * assertEquals(tok.encode("A cat"), [0, 2, 3, 4, 1]);
 * ```
 *
 * @module
 */
import * as msg from "../messages.ts";

/** The special tokens. */
export const START_TOKEN = "<|startoftext|>";
export const END_TOKEN = "<|endoftext|>";

const PATTERN =
  /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/giu;

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
};

/** GPT-2 / CLIP byte-to-symbol table: printable bytes map to themselves, others to U+0100 on. */
function byteSymbols(): string[] {
  const printable = (b: number) =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const out: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) out[b] = String.fromCodePoint(printable(b) ? b : 256 + extra++);
  return out;
}

const BYTE_SYMBOLS = byteSymbols();

function unescapeHtml(text: string): string {
  return text.replace(/&(#[xX][0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, body: string) => {
    if (body[0] === "#") {
      const code = body[1] === "x" || body[1] === "X"
        ? parseInt(body.slice(2), 16)
        : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[body] ?? whole;
  });
}

/** Step 1 of the module doc: the text CLIP tokenizes. */
export function cleanText(text: string): string {
  return unescapeHtml(unescapeHtml(text)).trim().replace(/\s+/gu, " ").trim().toLowerCase();
}

/** A CLIP BPE tokenizer over a vocabulary (token -> id) and ranked merges. */
export class ClipTokenizer {
  readonly #vocab: ReadonlyMap<string, number>;
  readonly #ranks = new Map<string, number>();
  readonly #cache = new Map<string, string[]>();
  readonly startId: number;
  readonly endId: number;

  constructor(
    vocab: Readonly<Record<string, number>>,
    merges: readonly (readonly [string, string])[],
  ) {
    this.#vocab = new Map(Object.entries(vocab));
    merges.forEach(([a, b], rank) => this.#ranks.set(`${a} ${b}`, rank));
    const id = (token: string) => {
      const found = this.#vocab.get(token);
      if (found === undefined) throw new RangeError(msg.clipVocabBad("vocab.json", `no ${token}`));
      return found;
    };
    this.startId = id(START_TOKEN);
    this.endId = id(END_TOKEN);
  }

  /** BPE of one piece already mapped to byte symbols: its tokens. */
  #bpe(symbols: string): string[] {
    if (symbols === START_TOKEN || symbols === END_TOKEN) return [symbols];
    const cached = this.#cache.get(symbols);
    if (cached) return cached;
    const chars = [...symbols];
    let word = [...chars.slice(0, -1), `${chars[chars.length - 1]}</w>`];
    while (word.length > 1) {
      let best = -1, bestRank = Infinity;
      for (let i = 0; i < word.length - 1; i++) {
        const rank = this.#ranks.get(`${word[i]} ${word[i + 1]}`);
        if (rank !== undefined && rank < bestRank) [best, bestRank] = [i, rank];
      }
      if (best < 0) break;
      const [first, second] = [word[best]!, word[best + 1]!];
      const merged: string[] = [];
      for (let i = 0; i < word.length; i++) {
        if (i < word.length - 1 && word[i] === first && word[i + 1] === second) {
          merged.push(first + second);
          i++;
        } else merged.push(word[i]!);
      }
      word = merged;
    }
    this.#cache.set(symbols, word);
    return word;
  }

  /**
   * Token ids of `text`: start, BPE ids, end, at most `contextLength` in all.
   *
   * @throws {RangeError} When a BPE token is not in the vocabulary (a vocabulary without the
   *   512 byte symbols).
   */
  encode(text: string, contextLength = 77): number[] {
    const ids: number[] = [];
    const bytes = new TextEncoder();
    for (const [piece] of cleanText(text).matchAll(PATTERN)) {
      const symbols = Array.from(bytes.encode(piece), (b) => BYTE_SYMBOLS[b]!).join("");
      for (const token of this.#bpe(symbols)) {
        const id = this.#vocab.get(token);
        if (id === undefined) throw new RangeError(msg.clipTokenUnknown(token, text));
        ids.push(id);
      }
    }
    return [this.startId, ...ids.slice(0, Math.max(0, contextLength - 2)), this.endId];
  }
}

/**
 * Reads `vocab.json` (token -> id) and `merges.txt` (a `#version` line, then one "a b" pair per
 * line, best first) into a tokenizer.
 *
 * @throws {SyntaxError} For a vocabulary that is not a JSON object of ids, or a merge line that
 *   is not two tokens; each names the file.
 */
export function parseClipTokenizer(
  vocabText: string,
  mergesText: string,
  files: { vocab: string; merges: string },
): ClipTokenizer {
  let vocab: unknown;
  try {
    vocab = JSON.parse(vocabText);
  } catch (error) {
    throw new SyntaxError(msg.clipVocabBad(files.vocab, (error as Error).message));
  }
  if (
    typeof vocab !== "object" || vocab === null || Array.isArray(vocab) ||
    !Object.values(vocab).every((v) => Number.isInteger(v))
  ) {
    throw new SyntaxError(msg.clipVocabBad(files.vocab, "expected an object of token ids"));
  }
  const merges: [string, string][] = [];
  mergesText.split("\n").forEach((line, i) => {
    if (line === "" || (i === 0 && line.startsWith("#version"))) return;
    const parts = line.split(" ");
    if (parts.length !== 2 || parts[0] === "" || parts[1] === "") {
      throw new SyntaxError(
        msg.clipVocabBad(files.merges, `line ${i + 1} is not two tokens: ${JSON.stringify(line)}`),
      );
    }
    merges.push([parts[0]!, parts[1]!]);
  });
  return new ClipTokenizer(vocab as Record<string, number>, merges);
}

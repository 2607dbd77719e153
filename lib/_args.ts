/**
 * One way to take a task's command line. A task declares its positional arguments and flags once
 * (name, type, default, description, repeatable or not) with {@linkcode defineTask}; from that
 * declaration it gets a pure `parse` returning a typed struct, which checks every value before
 * any work starts, and its `--help` text in the one layout every task shares: usage line, one
 * paragraph on what it does, arguments, options with their defaults, notes, worked examples.
 * {@linkcode cliMain} runs a task from the command line: help to stdout (exit 0), a usage error to
 * stderr with a pointer to `--help` (exit 2), any later error as `error: message` (exit 1).
 * Tokens come from the standard-library seam's `parseArgs`; messages from `_args_messages.ts`.
 *
 * @example
 * ```ts
 * import { assert, assertThrows } from "./_std.ts";
 * import { defineTask, flag, integer, text } from "./_args.ts";
 * const greet = defineTask({
 *   name: "greet",
 *   summary: "Greets NAME a few times.",
 *   positionals: { who: text({ value: "NAME", required: true, description: "Whom to greet" }) },
 *   flags: {
 *     times: integer({ value: "N", min: 1, default: 1, description: "How often" }),
 *     loud: flag({ description: "Shout" }),
 *   },
 *   examples: "deno task greet Ada --times 2",
 * });
 * assert.deepEqual(greet.parse(["Ada", "--times=2"]), {
 *   help: false,
 *   who: "Ada",
 *   times: 2,
 *   loud: false,
 * });
 * assert.deepEqual(greet.parse(["-h"]), { help: true });
 * assert.ok(greet.help.startsWith("Usage: deno task greet NAME [options]\n"));
 * assertThrows(
 *   () => greet.parse(["Ada", "--time", "2"]),
 *   TypeError,
 *   'Unknown flag "--time" for deno task greet (did you mean "--times"?)',
 * );
 * ```
 *
 * @module
 */
import { suggest } from "./_suggest.ts";
import { parseArgs } from "./_std.ts";
import { flagName, helpText, usageOf } from "./_args_help.ts";
import * as msg from "./_args_messages.ts";

const INVALID: unique symbol = Symbol("invalid value");

/** What a reader returns for a value it rejects (see {@linkcode invalid}). */
export interface Invalid {
  readonly [INVALID]: true;
  /** What the value must be: "a positive integer", `one of "a", "b"`. */
  readonly expected: string;
  /** The closest valid value, if one is close. */
  readonly suggestion: string | undefined;
}

/**
 * A rejected value, for a custom reader of {@linkcode arg}: the usage error says "must be
 * `expected`, got VALUE" (and "did you mean `suggestion`?").
 *
 * @example
 * ```ts
 * import { assert } from "./_std.ts";
 * import { invalid } from "./_args.ts";
 * assert.equal(invalid("an even number").expected, "an even number");
 * ```
 */
export function invalid(expected: string, suggestion?: string): Invalid {
  return { [INVALID]: true, expected, suggestion };
}

function isInvalid(value: unknown): value is Invalid {
  return typeof value === "object" && value !== null && INVALID in value;
}

/** One declared flag or positional argument; `T` is its type in the parsed struct. */
export interface Arg<T> {
  /** What it is for, one line for the help (the default is appended). */
  readonly description: string;
  /** Placeholder of its value (`N`, `PATH`); `null` for a switch, which takes no value. */
  readonly value: string | null;
  /** Its value when not given (unused when `required`). */
  readonly default: T;
  /** The default as the help shows it; `null`: not shown. */
  readonly defaultText: string | null;
  /** Whether it must be given. */
  readonly required: boolean;
  /** Whether it may be given more than once (its values are collected in order). */
  readonly repeatable: boolean;
  /** The flag as typed, without dashes; `null`: the field name in kebab-case. */
  readonly name: string | null;
  /** One-letter short form (`-f`), or `null`. */
  readonly short: string | null;
  /** Other long names meaning the same (`dry-run` for `plan`). */
  readonly aliases: readonly string[];
  /** The help section it is listed under; `null`: "Options". */
  readonly group: string | null;
  /** Reads one given value (one element, for a repeatable one): the value or an `Invalid`. */
  readonly read: (text: string) => unknown;
}

/** A task's flags or positional arguments, by the field they fill in the parsed struct. */
export type Args = { readonly [field: string]: Arg<unknown> };

/** What a declaration of any kind may say, besides its default. */
export interface ArgSpec {
  /** What it is for, one line for the help, no final period (the default is appended). */
  readonly description: string;
  /** Placeholder of its value in the help (`N`, `PATH`). */
  readonly value?: string;
  /** The flag as typed, without dashes. @default {the field name in kebab-case} */
  readonly name?: string;
  /** One-letter short form, without the dash. */
  readonly short?: string;
  /** Other long names meaning the same, without dashes. */
  readonly aliases?: readonly string[];
  /** The help section it is listed under. @default {"Options"} */
  readonly group?: string;
  /** The default as the help shows it. @default {the default; nothing for null, false or []} */
  readonly defaultText?: string;
}

/** A default value, or `required: true`. */
export type Defaulted<D> = { readonly default: D } | { readonly required: true };

function showDefault(value: unknown): string | null {
  if (value === null || value === undefined || value === false) return null;
  if (Array.isArray(value)) return value.length === 0 ? null : value.join(",");
  return String(value);
}

/**
 * Declares an argument read by a custom `read` (the building block of the others).
 *
 * @example
 * ```ts
 * import { assert } from "./_std.ts";
 * import { arg, defineTask, invalid } from "./_args.ts";
 * const even = arg({
 *   value: "N",
 *   default: 2,
 *   description: "An even number",
 *   read: (text) => Number(text) % 2 === 0 ? Number(text) : invalid("an even number"),
 * });
 * const task = defineTask({ name: "t", summary: "S.", flags: { even }, examples: "deno task t" });
 * assert.deepEqual(task.parse(["--even", "4"]), { help: false, even: 4 });
 * ```
 */
export function arg<T, D extends T | null = never>(
  spec: ArgSpec & Defaulted<D> & { readonly read: (text: string) => T | Invalid },
): Arg<T | NoInfer<D>> {
  const required = "required" in spec && spec.required;
  const fallback = "default" in spec ? spec.default : undefined;
  return {
    description: spec.description,
    value: spec.value ?? "VALUE",
    default: fallback as D,
    defaultText: spec.defaultText ?? (required ? null : showDefault(fallback)),
    required,
    repeatable: false,
    name: spec.name ?? null,
    short: spec.short ?? null,
    aliases: spec.aliases ?? [],
    group: spec.group ?? null,
    read: spec.read,
  };
}

/**
 * Declares a switch: `true` when given, else `false`; it takes no value.
 *
 * @example
 * ```ts
 * import { assert } from "./_std.ts";
 * import { flag } from "./_args.ts";
 * assert.equal(flag({ description: "Keep the files" }).default, false);
 * ```
 */
export function flag(spec: ArgSpec): Arg<boolean> {
  return { ...arg({ ...spec, default: false, read: () => true }), value: null, defaultText: null };
}

function readText(text: string): string | Invalid {
  return text.trim() === "" ? invalid(msg.NON_EMPTY) : text;
}

/**
 * Declares a non-empty text value (a path, a name, SQL).
 *
 * @example
 * ```ts
 * import { assert } from "./_std.ts";
 * import { text } from "./_args.ts";
 * assert.equal(text({ value: "PATH", default: "runs.duckdb", description: "Database" }).default,
 *   "runs.duckdb");
 * ```
 */
export function text<D extends string | null = never>(
  spec: ArgSpec & Defaulted<D>,
): Arg<string | NoInfer<D>> {
  return arg<string, D>({ value: "TEXT", ...spec, read: readText });
}

/**
 * Declares an integer value within `min`..`max` (either bound optional).
 *
 * @example
 * ```ts
 * import { assert } from "./_std.ts";
 * import { integer } from "./_args.ts";
 * assert.equal(integer({ min: 1, default: 20, description: "At most N rows" }).read("5"), 5);
 * ```
 */
export function integer<D extends number | null = never>(
  spec: ArgSpec & Defaulted<D> & { readonly min?: number; readonly max?: number },
): Arg<number | NoInfer<D>> {
  const { min, max } = spec;
  return arg<number, D>({
    value: "N",
    ...spec,
    read: (text) => {
      const n = /^-?\d+$/.test(text) ? Number(text) : NaN;
      const fits = Number.isSafeInteger(n) && (min === undefined || n >= min) &&
        (max === undefined || n <= max);
      return fits ? n : invalid(msg.integerExpected(min, max));
    },
  });
}

/**
 * Declares a finite number, at least `min` when given.
 *
 * @example
 * ```ts
 * import { assert } from "./_std.ts";
 * import { number } from "./_args.ts";
 * assert.equal(number({ min: 0, default: 3, description: "Minutes" }).read("0.5"), 0.5);
 * ```
 */
export function number<D extends number | null = never>(
  spec: ArgSpec & Defaulted<D> & { readonly min?: number },
): Arg<number | NoInfer<D>> {
  const { min } = spec;
  return arg<number, D>({
    value: "N",
    ...spec,
    read: (text) => {
      const n = text.trim() === "" ? NaN : Number(text);
      const fits = Number.isFinite(n) && (min === undefined || n >= min);
      return fits ? n : invalid(msg.numberExpected(min));
    },
  });
}

/**
 * Declares one of a fixed list of words (an `as const` list); its placeholder lists them.
 *
 * @example
 * ```ts
 * import { assert } from "./_std.ts";
 * import { choice } from "./_args.ts";
 * const format = choice(["table", "csv"] as const, { default: "table", description: "Format" });
 * assert.equal(format.value, "table|csv");
 * assert.equal(format.read("csv"), "csv");
 * ```
 */
export function choice<C extends string, D extends C | null = never>(
  choices: readonly C[],
  spec: ArgSpec & Defaulted<D>,
): Arg<C | NoInfer<D>> {
  const words: readonly string[] = choices;
  return arg<C, D>({
    value: choices.join("|"),
    ...spec,
    read: (text) =>
      words.includes(text)
        ? text as C
        : invalid(msg.choiceExpected(choices), suggest(text, choices)),
  });
}

/**
 * Makes an argument repeatable: its values are collected in order (default: none).
 *
 * @example
 * ```ts
 * import { assert } from "./_std.ts";
 * import { defineTask, many, text } from "./_args.ts";
 * const tag = many(text({ value: "TAG", default: null, description: "A tag" }));
 * const task = defineTask({ name: "t", summary: "S.", flags: { tag }, examples: "deno task t" });
 * assert.deepEqual(task.parse(["--tag", "a", "--tag=b"]), { help: false, tag: ["a", "b"] });
 * ```
 */
export function many<T>(one: Arg<T>): Arg<readonly Exclude<T, null>[]> {
  return { ...one, default: [], defaultText: one.defaultText, repeatable: true };
}

/** The struct fields an `Args` declaration fills. */
export type Values<A extends Args> = {
  readonly [K in keyof A]: A[K] extends Arg<infer T> ? T : never;
};

/** What `parse` returns for `-h` / `--help`. */
export interface HelpRequest {
  readonly help: true;
}

/** What `parse` returns for a command line that asks for work. */
export type Request<P extends Args, F extends Args> =
  & { readonly help: false }
  & Values<P>
  & Values<F>;

/** A task's declaration, as {@linkcode defineTask} takes it. */
export interface TaskSpec<P extends Args, F extends Args> {
  /** The task as typed after `deno task`: `"ablate"`. */
  readonly name: string;
  /** One paragraph: what the task does. */
  readonly summary: string;
  /** Positional arguments, in order; only the last may be repeatable. */
  readonly positionals?: P;
  /** Flags (`-h, --help` is added). */
  readonly flags: F;
  /** Sections after the options: a title and one paragraph each. */
  readonly notes?: readonly { readonly title: string; readonly text: string }[];
  /** Worked examples, one a line: a command (`deno task NAME ...`) or a `# comment` on the next. */
  readonly examples: string;
}

/** A declared task: its declaration, its help text and its pure parser. */
export interface Task<P extends Args, F extends Args> {
  /** The declaration it was made from (to extend it: `{ ...task.spec, flags: { ... } }`). */
  readonly spec: TaskSpec<P, F>;
  /** The `--help` text, in the common layout. */
  readonly help: string;
  /**
   * Reads `argv` (no I/O): `{ help: true }` when `-h`/`--help` is anywhere before `--`, else
   * every field filled. Throws a `TypeError` for a malformed command line (unknown flag, missing
   * value, a flag given twice, a missing or extra argument) and a `RangeError` for a value its
   * argument cannot take.
   */
  readonly parse: (argv: readonly string[]) => HelpRequest | Request<P, F>;
}

/** The parsed struct of a task made by {@linkcode defineTask}. */
export type RequestOf<T> = T extends Task<infer P, infer F> ? Request<P, F> : never;

/** A value that is the next flag rather than a value (`-5` and `-` are values). */
const LOOKS_LIKE_FLAG = /^--?[^\d.]/;

/**
 * Declares a task: its arguments, flags, help and examples, once. Returns its help text in the
 * common layout and its pure parser (see {@linkcode Task}).
 *
 * @example
 * ```ts
 * import { assert } from "./_std.ts";
 * import { choice, defineTask, text } from "./_args.ts";
 * const list = defineTask({
 *   name: "list",
 *   summary: "Lists the runs.",
 *   flags: {
 *     db: text({ value: "PATH", default: "runs.duckdb", description: "Database file" }),
 *     format: choice(["table", "csv"] as const, { short: "f", default: "table", description: "How" }),
 *   },
 *   examples: "deno task list -f csv",
 * });
 * assert.deepEqual(list.parse(["-f", "csv"]), { help: false, db: "runs.duckdb", format: "csv" });
 * assert.match(list.help, /^ {2}--db PATH +Database file \(default: runs\.duckdb\)$/m);
 * ```
 */
export function defineTask<P extends Args = Record<never, never>, F extends Args = Args>(
  spec: TaskSpec<P, F>,
): Task<P, F> {
  const task = spec.name;
  const positionals: Args = spec.positionals ?? {};
  const flags: Args = spec.flags;
  const fieldOf = new Map<string, string>();
  const nodeOptions: Record<string, { type: "string" | "boolean"; short?: string }> = {
    help: { type: "boolean", short: "h" },
  };
  for (const [field, a] of Object.entries(flags)) {
    const type = a.value === null ? "boolean" : "string";
    for (const [i, name] of [flagName(field, a), ...a.aliases].entries()) {
      fieldOf.set(name, field);
      nodeOptions[name] = i === 0 && a.short !== null ? { type, short: a.short } : { type };
    }
  }
  const longNames = Object.keys(nodeOptions).map((name) => `--${name}`);
  const takes = Object.values(positionals).length === 0 ? "" : usageOf(positionals, {});

  function read(a: Arg<unknown>, subject: string, value: string): unknown {
    const result = a.read(value);
    if (isInvalid(result)) {
      throw new RangeError(msg.badValue(task, subject, result.expected, value, result.suggestion));
    }
    return result;
  }

  function parse(argv: readonly string[]): HelpRequest | Request<P, F> {
    const { tokens } = parseArgs({
      args: [...argv],
      options: nodeOptions,
      strict: false,
      allowPositionals: true,
      tokens: true,
    });
    if (tokens.some((t) => t.kind === "option" && t.name === "help")) return { help: true };
    const out: Record<string, unknown> = {};
    const firstText = new Map<string, string>();
    const words: string[] = [];
    for (const token of tokens) {
      if (token.kind === "positional") words.push(token.value);
      if (token.kind !== "option") continue;
      const field = fieldOf.get(token.name);
      if (field === undefined) {
        throw new TypeError(
          msg.unknownFlag(task, token.rawName, suggest(token.rawName, longNames)),
        );
      }
      const a = flags[field]!;
      if (a.value === null) {
        if (token.value !== undefined) {
          throw new TypeError(msg.switchWithValue(task, token.rawName, token.value));
        }
        out[field] = true;
        continue;
      }
      const value = token.value;
      if (value === undefined || (!token.inlineValue && LOOKS_LIKE_FLAG.test(value))) {
        throw new TypeError(msg.missingValue(task, token.rawName, a.value));
      }
      const first = firstText.get(field);
      if (first !== undefined && !a.repeatable) {
        throw new TypeError(msg.givenTwice(task, `--${flagName(field, a)}`, first, value));
      }
      firstText.set(field, first ?? value);
      const parsed = read(a, msg.flagSubject(token.rawName), value);
      out[field] = a.repeatable ? [...(out[field] as unknown[] | undefined ?? []), parsed] : parsed;
    }
    let next = 0;
    for (const [field, a] of Object.entries(positionals)) {
      const subject = msg.argumentSubject(`${a.value}`);
      if (a.repeatable) {
        out[field] = words.slice(next).map((word) => read(a, subject, word));
        next = words.length;
      } else if (next < words.length) out[field] = read(a, subject, words[next++]!);
    }
    if (next < words.length) {
      throw new TypeError(msg.unexpectedArgument(task, words[next]!, takes));
    }
    for (const [field, a] of Object.entries(positionals)) {
      const given = a.repeatable ? (out[field] as unknown[]).length > 0 : Object.hasOwn(out, field);
      if (a.required && !given) throw new TypeError(msg.missingArgument(task, `${a.value}`));
    }
    for (const [field, a] of Object.entries(flags)) {
      if (a.required && !Object.hasOwn(out, field)) {
        throw new TypeError(msg.missingFlag(task, `--${flagName(field, a)}`, `${a.value}`));
      }
    }
    const values: Record<string, unknown> = { help: false };
    for (const [field, a] of [...Object.entries(positionals), ...Object.entries(flags)]) {
      values[field] = Object.hasOwn(out, field) ? out[field] : a.default;
    }
    return values as Request<P, F>;
  }

  return { spec, help: helpText(spec), parse };
}

/**
 * The `main` of a task's entry file: parses `argv` with the task's parser and prints the help
 * (exit 0), or a usage error and where to find help (exit 2), or runs `run` and returns its exit
 * code (nothing: 0); an error `run` throws is printed as `error: message` (its stack with
 * `C2S_DEBUG=1`) and exits 1.
 *
 * @example
 * ```ts ignore
 * export const main = cliMain(QUERY, query);
 * if (import.meta.main) Deno.exit(await main(Deno.args));
 * ```
 */
export function cliMain<P extends Args, F extends Args>(
  task: Task<P, F>,
  run: (args: Request<P, F>) => Promise<number | void> | number | void,
): (argv: readonly string[]) => Promise<number> {
  return async (argv) => {
    let args: HelpRequest | Request<P, F>;
    try {
      args = task.parse(argv);
    } catch (error) {
      console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
      console.error(msg.seeHelp(task.spec.name));
      return 2;
    }
    if (args.help) {
      console.log(task.help);
      return 0;
    }
    try {
      return (await run(args)) ?? 0;
    } catch (error) {
      const debug = Deno.env.get("C2S_DEBUG") === "1";
      const text = error instanceof Error ? (debug ? error.stack : error.message) : String(error);
      console.error(`error: ${text}`);
      return 1;
    }
  };
}

/**
 * Every message about a task's command line (`lib/_args.ts`), as typed functions, so each task
 * words a usage error alike and tests can assert it exactly. A message names the task as it is
 * typed (`deno task ablate`), quotes what was given, and offers the closest valid spelling.
 *
 * @module
 */

function q(text: string): string {
  return JSON.stringify(text);
}

function didYouMean(suggestion: string | undefined): string {
  return suggestion === undefined ? "" : ` (did you mean ${q(suggestion)}?)`;
}

/** `deno task NAME`: how a message names the task. */
export function taskCommand(task: string): string {
  return `deno task ${task}`;
}

/** The subject of a value message: a flag as typed, quoted. */
export function flagSubject(flag: string): string {
  return `Flag ${q(flag)}`;
}

/** The subject of a value message: a positional argument by its placeholder. */
export function argumentSubject(placeholder: string): string {
  return `Argument ${placeholder}`;
}

/** A flag the task does not have. */
export function unknownFlag(task: string, flag: string, suggestion: string | undefined): string {
  return `Unknown flag ${q(flag)} for ${taskCommand(task)}${didYouMean(suggestion)}`;
}

/** A flag that takes a value, given none (or followed by another flag). */
export function missingValue(task: string, flag: string, placeholder: string): string {
  return `${flagSubject(flag)} of ${taskCommand(task)} needs a value (${flag} ${placeholder})`;
}

/** A switch given a value (`--plan=yes`). */
export function switchWithValue(task: string, flag: string, value: string): string {
  return `${flagSubject(flag)} of ${taskCommand(task)} takes no value, got ${q(value)}`;
}

/** A flag that may be given once, given again. */
export function givenTwice(task: string, flag: string, first: string, second: string): string {
  return `${flagSubject(flag)} of ${taskCommand(task)} is given twice (${q(first)}, then ` +
    `${q(second)}): give it once`;
}

/** A value its flag or argument cannot take; `expected` reads like "a positive integer". */
export function badValue(
  task: string,
  subject: string,
  expected: string,
  value: string,
  suggestion: string | undefined,
): string {
  return `${subject} of ${taskCommand(task)} must be ${expected}, got ${q(value)}` +
    didYouMean(suggestion);
}

/** A required flag not given. */
export function missingFlag(task: string, flag: string, placeholder: string): string {
  return `${flagSubject(flag)} of ${taskCommand(task)} is required (${flag} ${placeholder})`;
}

/** A required positional argument not given. */
export function missingArgument(task: string, placeholder: string): string {
  return `${argumentSubject(placeholder)} of ${taskCommand(task)} is required`;
}

/** A positional argument beyond those the task takes; `takes` is its usage (`NAME|all`). */
export function unexpectedArgument(task: string, value: string, takes: string): string {
  return `Unexpected argument ${q(value)} for ${taskCommand(task)}, which takes ${
    takes === "" ? "no arguments" : takes
  }`;
}

/** Printed after a usage error. */
export function seeHelp(task: string): string {
  return `Run "${taskCommand(task)} --help" for its usage and examples.`;
}

/** The help line of `-h, --help`. */
export const HELP_DESCRIPTION = "Show this help and exit";

// What a value must be (the `expected` of `badValue`)

/** "a positive integer", "an integer >= 0", "an integer in 1..10000". */
export function integerExpected(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `an integer in ${min}..${max}`;
  if (min === 1) return "a positive integer";
  if (min !== undefined) return `an integer >= ${min}`;
  return max === undefined ? "an integer" : `an integer <= ${max}`;
}

/** "a number >= 0". */
export function numberExpected(min: number | undefined): string {
  return min === undefined ? "a finite number" : `a number >= ${min}`;
}

/** `one of "smoke", "quick", "paper"`. */
export function choiceExpected(choices: readonly string[]): string {
  return `one of ${choices.map(q).join(", ")}`;
}

/** A text value that is empty or blank. */
export const NON_EMPTY = "non-empty";

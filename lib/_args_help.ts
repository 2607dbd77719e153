/**
 * The `--help` layout every task shares (see `defineTask` in `_args.ts`): a usage line, the
 * summary, the arguments, the options (by group, each with its default), notes, and the worked
 * examples, wrapped to 100 columns with descriptions in one column.
 *
 * @module
 */
import type { Arg, Args, TaskSpec } from "./_args.ts";
import * as msg from "./_args_messages.ts";

/** The flag as typed, without dashes: its declared name, else its field in kebab-case. */
export function flagName(field: string, a: Arg<unknown>): string {
  return a.name ?? field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

const WIDTH = 100;
const COLUMN = 32;
/** Joins words the wrapping must keep on one line (a default's "(default: X)"). */
const GLUE = "\u00a0";

function wrap(textToWrap: string, indent: number, first = indent): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of textToWrap.split(/[ \t\n]+/).filter((w) => w !== "")) {
    const room = WIDTH - (lines.length === 0 ? first : indent);
    if (line !== "" && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.map((l) => l.replaceAll(GLUE, " "));
}

/** The usage line after the task name: its arguments, then its required flags. */
export function usageOf(positionals: Args, flags: Args): string {
  const words = Object.values(positionals).map((a) => {
    const word = a.repeatable ? `${a.value}...` : `${a.value}`;
    return a.required ? word : `[${word}]`;
  });
  for (const [field, a] of Object.entries(flags)) {
    if (a.required) words.push(`--${flagName(field, a)} ${a.value}`);
  }
  return words.join(" ");
}

function describe(a: Arg<unknown>, positional = false): string {
  const suffix = a.required
    ? (positional ? "" : " (required)")
    : a.defaultText === null
    ? ""
    : ` (default:${GLUE}${a.defaultText})`;
  return `${a.description}${suffix}`;
}

function table(rows: readonly (readonly [string, string])[], column: number): string[] {
  const lines: string[] = [];
  for (const [left, right] of rows) {
    const cell = `  ${left}`;
    if (cell.length + 2 <= column) {
      const [head, ...rest] = wrap(right, column);
      lines.push(`${cell.padEnd(column)}${head}`, ...rest.map((l) => " ".repeat(column) + l));
    } else {
      lines.push(cell, ...wrap(right, column).map((l) => " ".repeat(column) + l));
    }
  }
  return lines;
}

/** The `--help` text of a task, in the common layout. */
export function helpText<P extends Args, F extends Args>(spec: TaskSpec<P, F>): string {
  const positionals: Args = spec.positionals ?? {};
  const flagRows = new Map<string, [string, string][]>();
  for (const [field, a] of Object.entries(spec.flags)) {
    const names = [flagName(field, a), ...a.aliases].map((n) => `--${n}`).join(", ");
    const left = `${a.short === null ? "" : `-${a.short}, `}${names}` +
      (a.value === null ? "" : ` ${a.value}`);
    const group = a.group ?? "Options";
    flagRows.set(group, [...(flagRows.get(group) ?? []), [left, describe(a)]]);
  }
  const options = flagRows.get("Options") ?? [];
  flagRows.set("Options", [...options, ["-h, --help", msg.HELP_DESCRIPTION]]);
  const argRows = Object.values(positionals).map((a) => [`${a.value}`, describe(a, true)] as const);
  const widest = Math.max(
    ...[...argRows, ...[...flagRows.values()].flat()].map(([left]) => left.length + 4),
  );
  const column = Math.min(widest, COLUMN);
  const usage = [msg.taskCommand(spec.name), usageOf(positionals, spec.flags), "[options]"];
  const sections = [
    `Usage: ${usage.filter((part) => part !== "").join(" ")}`,
    wrap(spec.summary, 0).join("\n"),
  ];
  if (argRows.length > 0) sections.push(["Arguments:", ...table(argRows, column)].join("\n"));
  for (const group of ["Options", ...[...flagRows.keys()].filter((g) => g !== "Options")]) {
    sections.push([`${group}:`, ...table(flagRows.get(group)!, column)].join("\n"));
  }
  for (const note of spec.notes ?? []) {
    sections.push([`${note.title}:`, ...wrap(note.text, 2).map((l) => `  ${l}`)].join("\n"));
  }
  const examples = spec.examples.split("\n").map((line) => line.trim()).filter((l) => l !== "");
  sections.push(["Examples:", ...examples.map((line) => `  ${line}`)].join("\n"));
  return sections.join("\n\n");
}

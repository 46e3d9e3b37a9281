import { existsSync } from "node:fs";
import type { Command, Option } from "commander";
import { didYouMeanAny } from "../../sim/suggest.js";
import type { OptionMistakes } from "./option-parsers.js";

/** The help flags commander answers itself (they are no option of the command's). */
const HELP = ["--help", "-h"];

/** Whether an option gathers its values (a list or a mapping: `--set`, `--grid`): given again, it adds, not replaces. */
function gathers(option: Option): boolean {
  return typeof option.defaultValue === "object" && option.defaultValue !== null;
}

/** An option's name as typed, without a value written onto it (`--sed=path=key`, `-xkey`): the value may be a key. */
function nameOf(word: string): string {
  return word.startsWith("--") ? word.replace(/^(--[A-Za-z0-9_-]*).*$/s, "$1") : word.slice(0, 2);
}

function optionNamed(command: Command, name: string): Option | undefined {
  return command.options.find((option) => option.long === name || option.short === name);
}

/** Whether an option takes a value (`--seed <n>`), which is the next word unless written onto it. */
function takesValue(option: Option): boolean {
  return option.required || option.optional;
}

/**
 * The command line's own mistakes, noted with the options' other mistakes so that one pass says
 * them all. Commander stopped at the first option a command does not know, leaving every word after
 * it unread (a wrong --seed after it went unsaid), at an option's missing value and at a missing
 * argument, and let a second `--seed` silently replace the first. Here each is noted and the rest
 * of the line still read; arguments beyond the command's are counted once they are known
 * (noteExcessArguments). Values are never shown: any may hold a key. The help flags still give help.
 */
export function noteCommandLineMistakes(command: Command, mistakes: OptionMistakes): void {
  command.allowExcessArguments(true);
  const parseOptions = command.parseOptions.bind(command);
  const names = [...command.options.flatMap((option) => [option.long, option.short].filter((name): name is string => name !== undefined)), ...HELP];
  // Commander's own hook for a missing argument (not in its typings): it stopped there.
  (command as Command & { missingArgument(name: string): void }).missingArgument = (name: string) => {
    mistakes.note(`the ${name} argument is missing: ${command.name()} ${command.registeredArguments.map((argument) => (argument.required ? `<${argument.name()}>` : `[${argument.name()}]`)).join(" ")}`, null);
  };
  command.parseOptions = (args: string[]) => {
    // Another command named after options (`nicsim --out x sweep --grid …`: the default command's line): the words from it on are that command's, not judged here.
    const other = firstOperandNamingCommand(command, args);
    const { words, missing } = withoutMissingValue(command, args.slice(0, other));
    const operands: string[] = [];
    // Commander reads the words up to each option it does not know, then that option is noted: the mistakes come in the line's order.
    let rest = words;
    for (;;) {
      const cut = firstUnknown(command, rest);
      const parsed = parseOptions(rest.slice(0, cut));
      operands.push(...parsed.operands);
      // What commander did not know within the words read (a short option in a group, -qx): noted after them.
      for (const unknown of parsed.unknown) {
        if (HELP.includes(unknown)) return { operands, unknown: [unknown] };
        if (unknown.startsWith("-")) noteUnknown(command, unknown, names, mistakes);
        else operands.push(unknown);
      }
      if (cut >= rest.length) break;
      const unknown = rest[cut]!;
      // Help asked for: commander gives it (and ends) whatever else is wrong.
      if (HELP.includes(unknown)) return { operands, unknown: [unknown] };
      const known = noteUnknown(command, unknown, names, mistakes);
      // The word after an option not known may be its value, or an argument: a word naming no file is taken as its value (every argument of nicsim's is a file), and not judged again as an argument.
      const next = rest[cut + 1];
      rest = rest.slice(!known && !unknown.includes("=") && next !== undefined && looksLikeValue(next) ? cut + 2 : cut + 1);
    }
    // Said after the line's other mistakes: where they are in it, at its end or across it.
    if (missing !== undefined) mistakes.note(`${missing.long ?? missing.short}: its value is missing (${missing.flags})`, null);
    repeated(command, words, mistakes);
    return { operands: [...operands, ...args.slice(other)], unknown: [] };
  };
}

/** The index of the first argument (no option, no option's value) when it names another command (or help), else the words' length. */
function firstOperandNamingCommand(command: Command, words: readonly string[]): number {
  const commands = [...(command.parent?.commands ?? []).map((each) => each.name()), "help"].filter((name) => name !== command.name());
  let index = 0;
  for (const { index: at, option, attached } of optionWords(command, words)) {
    // The words between two options: the first of them that is no value is the first argument.
    if (at > index) return commands.includes(words[index]!) ? index : words.length;
    index = at + 1 + (option !== undefined && !attached && takesValue(option) && at + 1 < words.length && (option.required || !words[at + 1]!.startsWith("-")) ? 1 : 0);
  }
  return index < words.length && commands.includes(words[index]!) ? index : words.length;
}

/** A number (negative ones too), or a word that names no file and is not written as one (a name with an extension): a value, not an argument. */
function looksLikeValue(word: string): boolean {
  if (NUMBER.test(word)) return true;
  return !word.startsWith("-") && !existsSync(word) && !/\.[A-Za-z]\w*$/.test(word);
}

const NUMBER = /^-?(\d+|\d*\.\d+)(e[+-]?\d+)?$/;

/** Note an option word commander does not take: a flag given a value, or an option not known (with the names meant). Whether it was a known flag. */
function noteUnknown(command: Command, word: string, names: readonly string[], mistakes: OptionMistakes): boolean {
  const name = nameOf(word);
  const known = optionNamed(command, name) !== undefined || HELP.includes(name);
  mistakes.note(known ? `${name} takes no value (one was written onto it)` : `unknown option '${name}'${hint(command, name, names)}`, null);
  return known;
}

/** What was meant by an unknown option: the names near it (none for a single letter: every other is as near), or what it is elsewhere. */
function hint(command: Command, name: string, names: readonly string[]): string {
  if (name === "-V" || name === "--version") return ` (nicsim ${name} gives the version; after a command it is no option)`;
  if (name === "--seed" && optionNamed(command, "--grid") !== undefined) return " (seeds are an axis here: --grid seed=1,2,3)";
  const ours = OTHER_TOOLS_NAMES[name];
  if (ours !== undefined && optionNamed(command, ours) !== undefined) return ` (did you mean ${ours}?)`;
  return name.length <= 2 ? "" : didYouMeanAny(name, names);
}

/** Other tools' names for an option of ours, too far from it in spelling to be found as a misspelling (make's -j, GNU parallel's --jobs, gcc's -o). */
const OTHER_TOOLS_NAMES: Readonly<Record<string, string>> = {
  "-j": "--workers",
  "-w": "--workers",
  "--jobs": "--workers",
  "--threads": "--workers",
  "--parallel": "--workers",
  "-o": "--out",
  "--output": "--out",
  "--output-dir": "--out",
  "--outdir": "--out",
  "--out-dir": "--out",
};

/** An option word of a line: where it is, the option it names (if the command has one) and whether a value is written onto it. */
interface OptionWord {
  readonly index: number;
  readonly word: string;
  readonly option: Option | undefined;
  readonly attached: boolean;
}

/**
 * The option words of a line in order, as commander reads them: an option's value is the next
 * word unless written onto it (a required value's word is no option, whatever it looks like, even
 * `--`); a number is a value; `--` not taken as a value ends the options.
 */
function* optionWords(command: Command, words: readonly string[]): Generator<OptionWord> {
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    if (word === "--") return;
    if (word.length < 2 || !word.startsWith("-") || NUMBER.test(word)) continue;
    const name = nameOf(word);
    const option = optionNamed(command, name);
    const attached = word.length > name.length;
    yield { index, word, option, attached };
    const next = words[index + 1];
    if (option !== undefined && !attached && takesValue(option) && (option.required || (next !== undefined && !next.startsWith("-")))) index++;
  }
}

/** The index of the first word that is an option the command does not know as written (or a help flag), or the words' length. */
function firstUnknown(command: Command, words: readonly string[]): number {
  // A long flag written with a value (--quiet=yes) is not taken; a short one runs into a group (-qx), which commander reads.
  for (const { index, word, option, attached } of optionWords(command, words)) if (option === undefined || (attached && word.startsWith("--") && !takesValue(option))) return index;
  return words.length;
}

/** The words without a last option whose value is missing, and that option: commander stopped there, with that alone said. */
function withoutMissingValue(command: Command, args: readonly string[]): { words: string[]; missing: Option | undefined } {
  for (const { index, option, attached } of optionWords(command, args)) {
    if (option !== undefined && option.required && !attached && index === args.length - 1) return { words: args.slice(0, -1), missing: option };
  }
  return { words: [...args], missing: undefined };
}

/** Options of one value given more than once: the last would silently stand. */
function repeated(command: Command, words: readonly string[], mistakes: OptionMistakes): void {
  const counts = new Map<Option, number>();
  for (const { option } of optionWords(command, words)) if (option !== undefined && takesValue(option) && !gathers(option)) counts.set(option, (counts.get(option) ?? 0) + 1);
  for (const [option, count] of counts) if (count > 1) mistakes.note(`${option.long ?? option.short} given ${count} times: give it once (the last would silently stand)`, null);
}

/** Arguments beyond those the command takes (commander splits a subcommand's arguments before it reads its options, so they are counted once it has). */
export function noteExcessArguments(command: Command, mistakes: OptionMistakes): void {
  const most = command.registeredArguments.some((argument) => argument.variadic) ? Infinity : command.registeredArguments.length;
  if (command.args.length <= most) return;
  const takes = most === 0 ? "takes none" : `takes at most ${most} (${command.registeredArguments.map((argument) => argument.name()).join(", ")})`;
  const count = command.args.length;
  mistakes.note(`${count} argument${count === 1 ? "" : "s"}, where ${command.name()} ${takes} (not shown: an argument may hold a key)`, null);
}

/** The options written before a command given late that the command does not take: moved after it, they would be refused too. */
export function notTaken(commands: readonly Command[], name: string, words: readonly string[]): string {
  const command = commands.find((each) => each.name() === name);
  const known = new Set([...(command?.options ?? []).flatMap((option) => [option.long, option.short]), "--help", "-h"]);
  const before = words.slice(0, words.indexOf(name)).filter((word) => /^--?[A-Za-z]/.test(word)).map((word) => word.replace(/=.*$/s, ""));
  const others = [...new Set(before.filter((option) => !known.has(option)))];
  return others.length === 0 ? "" : `; ${name} takes no ${others.join(", no ")}`;
}

/** Whether one of the options is written on the line (with or without a value), before `--` (serve's client's words). */
export function written(words: readonly string[], ...names: readonly string[]): boolean {
  const end = words.indexOf("--");
  return words.slice(0, end < 0 ? words.length : end).some((word) => names.some((name) => word === name || word.startsWith(`${name}=`)));
}

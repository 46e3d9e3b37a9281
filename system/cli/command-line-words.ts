import type { Command, Option } from "commander";
import { didYouMeanAny } from "../../sim/suggest.js";
import type { OptionMistakes } from "./option-parsers.js";

/** Whether an option gathers its values (a list or a mapping: `--set`, `--grid`): given again, it adds, not replaces. */
function gathers(option: Option): boolean {
  return typeof option.defaultValue === "object" && option.defaultValue !== null;
}

/** An option's name as typed, without a value written onto it (`--sed=path=key`, `-xkey`): the value may be a key. */
function nameOf(word: string): string {
  return word.startsWith("--") ? word.replace(/^(--[A-Za-z0-9-]*).*$/s, "$1") : word.slice(0, 2);
}

/**
 * The command line's own mistakes, noted with the options' other mistakes so that one pass says
 * them all. Commander stopped at the first option a command does not know, leaving every word after
 * it unread (a wrong --seed after it went unsaid), stopped at one argument too many, and let a
 * second `--seed` silently replace the first. Here a word commander does not know is noted and the
 * rest of the line is still read; an option that takes one value given twice is noted too, and
 * arguments beyond the command's (noteExcessArguments, once they are known). Values are never shown: any may hold a key.
 */
export function noteCommandLineMistakes(command: Command, mistakes: OptionMistakes): void {
  command.allowExcessArguments(true);
  const parseOptions = command.parseOptions.bind(command);
  const names = command.options.flatMap((option) => [option.long, option.short].filter((name): name is string => name !== undefined));
  command.parseOptions = (args: string[]) => {
    const words = args.slice(0, args.includes("--") ? args.indexOf("--") : args.length);
    repeated(command, words, mistakes);
    const operands: string[] = [];
    let rest = args;
    for (;;) {
      const parsed = parseOptions(rest);
      operands.push(...parsed.operands);
      const [unknown, ...after] = parsed.unknown;
      if (unknown === undefined) break;
      const name = nameOf(unknown);
      mistakes.note(`unknown option '${name}'${didYouMeanAny(name, names)}`, null);
      rest = after;
    }
    return { operands, unknown: [] };
  };
}

/** Arguments beyond those the command takes (commander splits a subcommand's arguments before it reads its options, so they are counted once it has). */
export function noteExcessArguments(command: Command, mistakes: OptionMistakes): void {
  const most = command.registeredArguments.some((argument) => argument.variadic) ? Infinity : command.registeredArguments.length;
  if (command.args.length <= most) return;
  const takes = most === 0 ? "takes none" : `takes at most ${most} (${command.registeredArguments.map((argument) => argument.name()).join(", ")})`;
  mistakes.note(`${command.args.length} argument${command.args.length === 1 ? "" : "s"}, where ${command.name()} ${takes}; they are not shown: a --set value typed without quotes may hold a key`, null);
}

/** Options of one value given more than once: the last would silently stand. */
function repeated(command: Command, words: readonly string[], mistakes: OptionMistakes): void {
  const counts = new Map<Option, number>();
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    const option = command.options.find((candidate) => candidate.long === nameOf(word) || candidate.short === nameOf(word));
    if (option === undefined || !(option.required || option.optional)) continue;
    // Its value is the next word unless written onto it; a required value's word is no option, whatever it looks like.
    const attached = word.length > nameOf(word).length;
    const next = words[index + 1];
    if (!attached && (option.required || (next !== undefined && !next.startsWith("-")))) index++;
    if (!gathers(option)) counts.set(option, (counts.get(option) ?? 0) + 1);
  }
  for (const [option, count] of counts) if (count > 1) mistakes.note(`${option.long ?? option.short} given ${count} times: give it once (the last would silently stand)`, null);
}

import { didYouMean } from "../../sim/suggest.js";

/** A word of a configuration line and the column (1-based) it starts at. */
export interface Token {
  readonly text: string;
  readonly column: number;
}

/** A place in the configuration text and what is wrong there (or worth a warning). */
export interface QosProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
  /** In the policy's JSON form, where in it (profiles, 0, match, 1): a scenario places the problem at that value's own line. */
  readonly path?: readonly (string | number)[];
  /** For a name defined twice, where it was first: a scenario names that place in its file too. */
  readonly first?: { readonly line: number; readonly column?: number; readonly path?: readonly (string | number)[] };
  /** In the JSON form, the values that made the problem (a sum's terms): a scenario names the --set values among them, not every one inside `path`. */
  readonly parts?: ReadonlyArray<readonly (string | number)[]>;
}

/** One command of the supported subset: its keywords, then its values (`<placeholder>`: what is expected). */
export interface CommandForm<Name extends string> {
  readonly name: Name;
  readonly words: readonly string[];
  readonly values: ReadonlyArray<{ readonly placeholder: string; readonly expected: string; readonly optional?: boolean }>;
}

/** The words of a line, with their columns; a `!` starts a comment. */
export function tokens(line: string): Token[] {
  const result: Token[] = [];
  const pattern = /\S+/g;
  const text = line.replace(/!.*$/, "");
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) result.push({ text: match[0], column: match.index + 1 });
  return result;
}

/** How a form reads: `match identity host domain <DOMAIN>`. */
export const formText = (form: CommandForm<string>) => [...form.words, ...form.values.map((value) => (value.optional ? `[${value.placeholder}]` : value.placeholder))].join(" ");

export type CommandMatch<Name extends string> = { readonly kind: "command"; readonly form: CommandForm<Name>; readonly values: readonly Token[] } | { readonly kind: "problem"; readonly problem: QosProblem };

/**
 * Which command of `forms` a line is: the form whose keywords the line starts with (the longest,
 * so `host domain` wins over `host`), with exactly its values. A line missing a value is
 * incomplete, one with words left over has something unexpected, and one no form starts is not
 * supported (the subset is named, and a near keyword suggested).
 */
export function matchCommand<Name extends string>(words: readonly Token[], line: number, forms: readonly CommandForm<Name>[], where: string): CommandMatch<Name> {
  const lower = words.map((word) => word.text.toLowerCase());
  const applicable = forms.filter((form) => form.words.every((word, index) => lower[index] === word));
  const form = applicable.sort((a, b) => b.words.length - a.words.length)[0];
  const problem = (column: number, message: string): CommandMatch<Name> => ({ kind: "problem", problem: { line, column, message } });
  const text = words.map((word) => word.text).join(" ");
  if (form === undefined) {
    // The near keyword is suggested where the line leaves every form (`match identity hots`: host).
    let depth = 0;
    let agreeing: readonly CommandForm<Name>[] = forms;
    for (let next = agreeing; depth < lower.length; depth++) {
      next = agreeing.filter((candidate) => candidate.words[depth] === lower[depth]);
      if (next.length === 0) break;
      agreeing = next;
    }
    const keywords = [...new Set(agreeing.flatMap((candidate) => (depth < candidate.words.length ? [candidate.words[depth]!] : [])))];
    const suggestion = depth >= lower.length || keywords.includes(lower[depth]!) ? "" : didYouMean(lower[depth]!, keywords);
    return problem(words[0]!.column, `not supported: '${text}'${suggestion}; ${where} this model takes ${forms.map((candidate) => `'${formText(candidate)}'`).join(", ")} (README, "QoS on encrypted traffic")`);
  }
  const values = words.slice(form.words.length);
  const required = form.values.filter((value) => !value.optional).length;
  if (values.length < required) {
    const last = words[words.length - 1]!;
    return problem(last.column + last.text.length + 1, `incomplete: '${text}' needs ${form.values[values.length]!.expected} (${formText(form)})`);
  }
  if (values.length > form.values.length) {
    const extra = values[form.values.length]!;
    // A keyword misspelt where a longer form has one (`class-map match-some NAME`) was taken for the name: the keywords that go there are said.
    const longer = forms.filter((candidate) => candidate.words.length === form.words.length + 1 && form.words.every((word, index) => candidate.words[index] === word) && candidate.values.length === values.length - 1);
    const keywords = [...new Set(longer.map((candidate) => candidate.words[form.words.length]!))];
    const taken = values[0]!.text.toLowerCase();
    // Only for a word like those keywords (near one, or `match-` and another ending): a name of two words is not one.
    const near = didYouMean(taken, keywords);
    const like = near !== "" || keywords.some((keyword) => keyword.includes("-") && taken.startsWith(keyword.slice(0, keyword.indexOf("-") + 1)));
    const keyword = like ? ` ('${values[0]!.text}' is taken as its value: ${words[0]!.text} takes ${keywords.join(" or ")} there${near})` : "";
    return problem(extra.column, `unexpected '${extra.text}': '${formText(form)}' ends before it${keyword}`);
  }
  return { kind: "command", form, values };
}

/** A whole number in [minimum, maximum], or the problem with the token. */
export function integerValue(token: Token, line: number, what: string, maximum: number, minimum = 0): number | QosProblem {
  const value = Number(token.text);
  if (!/^\d+$/.test(token.text) || value < minimum || value > maximum) return { line, column: token.column, message: `expected ${what} (${minimum} to ${maximum}), found '${token.text}'` };
  return value;
}

/** A place where a text is not JSON, and what is wrong there (in words that quote none of the text: a value may be a key). */
export interface JsonMistake {
  readonly position: number;
  readonly reason: string;
}

type Token =
  | { readonly kind: "open"; readonly char: string; readonly at: number }
  | { readonly kind: "close"; readonly char: string; readonly at: number }
  | { readonly kind: "colon"; readonly at: number }
  | { readonly kind: "comma"; readonly at: number }
  /** A string, number or word: `string` when it was written as a text (in double or single quotes). */
  | { readonly kind: "value"; readonly at: number; readonly string: boolean; readonly flawed?: boolean };

const DIGITS = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
/** What ends a word or a number: JSON's punctuation, quotes, blanks and a comment's start. */
const DELIMITER = /[\s,:{}[\]"'/]/;
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t", "u"]);

/**
 * Every mistake of a text that JSON.parse refused, in text order: each character, word, number,
 * text and comment read on its own (comments, single quotes, words without quotes, numbers JSON
 * does not write, escapes and control characters inside a text, each at its character), and the
 * structure read past the mistakes it can mend as written (a ',' left out or written twice or
 * last, a ':' left out) up to the first it cannot (a close of the other kind, a ':' in a list),
 * after which only the first kind are said: what the structure would say from there follows from
 * that mistake. VS Code's tolerant parser stopped reading names at the first without quotes.
 */
export function jsonMistakes(text: string): JsonMistake[] {
  const mistakes: JsonMistake[] = [];
  const say = (position: number, reason: string) => mistakes.push({ position, reason });
  // Not JSON at all (YAML: a '---' first, or a word after any comments): one mistake, not one for each of its words.
  const first = text.search(/\S/);
  const { tokens, complete } = tokenize(text, say);
  const firstToken = tokens[0];
  if (first >= 0 && (text.startsWith("---", first) || (firstToken?.kind === "value" && firstToken.flawed && /[A-Za-z_$']/.test(text[firstToken.at]!)))) {
    return [{ position: text.startsWith("---", first) ? first : firstToken!.at, reason: "the file is no JSON mapping: a scenario in JSON is one mapping, from '{' to '}'" }];
  }
  // Stopped at a text never closed: the structure is read up to it, without it.
  readStructure(complete ? tokens : tokens.slice(0, -1), complete ? text.length : null, say);
  // Two mistakes at one place are both said (a field's name without its quotes, and the ',' before it left out); one found twice, once.
  const seen = new Set<string>();
  return mistakes.sort((one, other) => one.position - other.position).filter(({ position, reason }) => !seen.has(`${position} ${reason}`) && seen.add(`${position} ${reason}`));
}

function tokenize(text: string, say: (position: number, reason: string) => void): { tokens: Token[]; complete: boolean } {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    const at = index;
    if (char === " " || char === "\t" || char === "\n" || char === "\r") index++;
    else if (char === "{" || char === "[") (tokens.push({ kind: "open", char, at }), index++);
    else if (char === "}" || char === "]") (tokens.push({ kind: "close", char, at }), index++);
    else if (char === ":") (tokens.push({ kind: "colon", at }), index++);
    else if (char === ",") (tokens.push({ kind: "comma", at }), index++);
    else if ((char === "/" && (text[index + 1] === "/" || text[index + 1] === "*")) || char === "#") {
      say(at, "a comment, which JSON does not have");
      const block = char === "/" && text[index + 1] === "*";
      const end = block ? text.indexOf("*/", index + 2) : text.indexOf("\n", index);
      index = end < 0 ? text.length : block ? end + 2 : end;
    } else if (char === '"') {
      const read = readText(text, index, say);
      tokens.push({ kind: "value", at, string: true, flawed: read.flawed });
      // A text whose closing '"' is missing swallowed what followed on its line (a ',', a field): what the reading would say after it is not to be trusted.
      if (!read.closed) return { tokens, complete: false };
      index = read.end;
    } else if (char === "'") {
      say(at, "a text in single quotes: JSON's are in double quotes");
      const close = text.slice(index + 1).search(/['\n]/);
      index = close < 0 ? text.length : index + 2 + close;
      tokens.push({ kind: "value", at, string: true, flawed: true });
    } else if (/[-+.\d]/.test(char)) {
      let end = index + 1;
      while (end < text.length && !DELIMITER.test(text[end]!)) end++;
      const number = text.slice(index, end);
      if (!DIGITS.test(number)) say(at, numberMistake(number));
      tokens.push({ kind: "value", at, string: false });
      index = end;
    } else if (/[A-Za-z_$]/.test(char)) {
      // A text without its quotes runs on over blanks within its line ("correct horse" is one mistake, not two and a ',' left out between).
      let end = index + 1;
      while (end < text.length && (!DELIMITER.test(text[end]!) || ((text[end] === " " || text[end] === "\t") && /^[ \t]*[^\s,:{}[\]"'/]/.test(text.slice(end, end + 64))))) end++;
      const word = text.slice(index, end);
      // A text whose opening quote was left out ends with its closing one: one mistake, not a word and then a text that never closes.
      const closedOnly = text[end] === '"';
      if (closedOnly) end++;
      const next = text.slice(end).match(/^\s*(.)/)?.[1];
      const flawed = closedOnly || (word !== "true" && word !== "false" && word !== "null");
      if (closedOnly) say(at, "a text without its opening '\"'");
      else if (word === "NaN" || word === "Infinity") say(at, "NaN and Infinity, which JSON does not have: a number is written in digits");
      else if (flawed) say(at, next === ":" ? "a field's name without its double quotes" : "a text without its double quotes (or a word JSON does not have: its words are true, false and null)");
      tokens.push({ kind: "value", at, string: closedOnly || next === ":", flawed });
      index = end;
    } else if (/^(<{7}|={7}|>{7})/.test(text.slice(index, index + 7)) && (index === 0 || text[index - 1] === "\n")) {
      say(at, "a merge conflict's marker line (<<<<<<<, ======= or >>>>>>>): keep one side");
      const end = text.indexOf("\n", index);
      index = end < 0 ? text.length : end;
    } else {
      // A run of such characters is one mistake (an emoji is two UTF-16 units).
      say(at, /\s/.test(char) ? "a blank JSON does not have (its blanks are spaces, tabs and line breaks)" : "a character JSON does not have here");
      index++;
      while (index < text.length && !/[\s,:{}[\]"'/A-Za-z0-9_$+.-]/.test(text[index]!)) index++;
    }
  }
  return { tokens, complete: true };
}

/**
 * Read a text from its opening '"': where it ends, after its closing '"' (a '"' followed by more
 * text on its line, not by punctuation, is one inside the text, left unescaped), or at its line's
 * end, unclosed.
 */
function readText(text: string, start: number, say: (position: number, reason: string) => void): { end: number; closed: boolean; flawed: boolean } {
  let index = start + 1;
  let saidInside = false;
  // One mistake inside a text said, the first: a text of many tabs is one mistake to mend.
  const inside = (position: number, reason: string) => {
    if (!saidInside) say(position, reason);
    saidInside = true;
  };
  while (index < text.length) {
    const char = text[index]!;
    if (char === '"') {
      // One inside the text has a word right after it, the text going on to a closing '"' (`"say "hi" now"`); a closing one has JSON after it (a value after a ':' left out, an unquoted name after a ',' left out) or the line's end.
      const after = text.slice(index + 1, index + 256);
      if (!/^[ \t]*[A-Za-z][^"\n:,{}[\]]*"/.test(after)) return { end: index + 1, closed: true, flawed: saidInside };
      inside(index, "a '\"' inside a text, which JSON writes as \\\"");
      index++;
      continue;
    }
    if (char === "\n" || char === "\r") break;
    if (char === "\\") {
      const escaped = text[index + 1];
      if (escaped === undefined) break;
      if (!ESCAPES.has(escaped)) inside(index, "an escape JSON does not have ('\\' and a letter): write '\\\\' for a backslash");
      else if (escaped === "u" && !/^[0-9A-Fa-f]{4}$/.test(text.slice(index + 2, index + 6))) inside(index, "a \\u escape without four hexadecimal digits");
      index += 2;
      continue;
    }
    if (char < " ") inside(index, "a control character (a tab, say) inside a text: write it as \\t, \\n or \\u00XX");
    index++;
  }
  say(start, "a text whose closing '\"' is missing (a JSON text ends on its line)");
  return { end: index, closed: false, flawed: true };
}

function numberMistake(number: string): string {
  if (/^-?0\d/.test(number)) return "a number with a leading zero, which JSON does not write (01 is 1)";
  if (number.startsWith("+")) return "a number with a '+', which JSON does not write";
  if (/^-?\./.test(number)) return "a number with no digit before its '.' (0.5, not .5)";
  if (/[.eE+-]$/.test(number)) return "a number cut short: a '-', '.' or exponent with no digit after it";
  return "a number JSON does not write so (digits, a '.', an exponent)";
}

type Expecting = "first" | "key" | "colon" | "value" | "next";

/** The structure of the tokens, its mistakes said as long as it can be read on as written; `end`, the text's, or null when its reading stopped short. */
function readStructure(tokens: readonly Token[], end: number | null, say: (position: number, reason: string) => void): void {
  /** The open mappings and lists, innermost last, with what each expects next and the ',' before it (for a trailing comma). */
  const stack: { char: string; expecting: Expecting; comma: number | null }[] = [];
  /** Whether the scenario's one value has been read. */
  const whole = { read: false };
  const closer = (char: string) => (char === "{" ? "}" : "]");
  const opened = (token: Token) => {
    if (token.kind === "open") stack.push({ char: token.char, expecting: "first", comma: null });
  };
  /** A value (or an opened mapping or list) taken where one goes: its container expects a ',' or its close next. */
  const took = (token: Token) => {
    const inner = stack.at(-1);
    if (inner) inner.expecting = "next";
    else whole.read = true;
    opened(token);
  };
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    const inner = stack.at(-1);
    if (!inner) {
      if (whole.read) return say(token.at, "more after the scenario's value, which has ended: a scenario is one JSON value");
      if (token.kind === "value" || token.kind === "open") took(token);
      else return say(token.at, "the scenario's value does not start so: a scenario is one JSON mapping ('{')");
      continue;
    }
    const mapping = inner.char === "{";
    if (token.kind === "close") {
      if (token.char !== closer(inner.char)) return say(token.at, mapping ? "a ']' inside a mapping ('{'), which closes with '}' (left out?)" : "a '}' inside a list ('['), which closes with ']' (left out?)");
      if (inner.expecting === "colon") say(token.at, "a field's name with no ':' and value after it");
      else if (inner.expecting === "value" && mapping) say(token.at, "a value was expected after the ':'");
      else if ((inner.expecting === "key" || inner.expecting === "value") && inner.comma !== null) say(inner.comma, "a ',' with nothing after it (a trailing comma)");
      stack.pop();
      took({ kind: "value", at: token.at, string: false });
      continue;
    }
    if (token.kind === "comma") {
      if (inner.expecting === "next") inner.expecting = mapping ? "key" : "value";
      else if (inner.expecting === "colon") (say(token.at, "':' and a value were expected after the field's name"), (inner.expecting = "key"));
      else if (inner.expecting === "value" && mapping) (say(token.at, "a value was expected after the ':'"), (inner.expecting = "key"));
      else say(token.at, inner.expecting === "first" ? `a ',' before the ${mapping ? "mapping's first field" : "list's first value"}` : "a second ',' with nothing between");
      inner.comma = token.at;
      continue;
    }
    if (token.kind === "colon") {
      if (mapping && inner.expecting === "colon") inner.expecting = "value";
      else if (!mapping) return say(token.at, "a ':' inside a list ('['): a field belongs in a mapping ('{'), or the list's ']' was left out before it");
      else if (inner.expecting === "next") {
        // After a text with a '"' inside, that text read as a field's value was likely two, the second a name (a '"' or ',' left out between): read on as a field's ':'.
        const before = tokens[index - 1];
        if (before?.kind !== "value" || !before.string || !before.flawed) return say(token.at, "a ':' where a ',' or '}' was expected: a '{' left out before the field?");
        say(token.at, "a ':' after a field's value: a ',' or a closing '\"' left out before it?");
        inner.expecting = "value";
      }
      else if (inner.expecting === "value") say(token.at, "a second ':'");
      // Passed over: taken as a field's ':', the next field was read as its value, and a false '{' left out followed.
      else say(token.at, "a ':' with no field's name before it");
      continue;
    }
    // A value, or a mapping or list opened.
    const namesField = tokens[index + 1]?.kind === "colon";
    // A word or text already said to be no JSON value (a stray word, a unit after a number), with no ':' after it, is passed over: read as a field's name or a value, the fields after it were said to lack their ':' or ','.
    if (token.kind === "value" && token.flawed && !namesField && (inner.expecting === "next" || (mapping && inner.expecting !== "value" && inner.expecting !== "colon"))) continue;
    // A second value after a field's value, with no ':' after it: one mistake, not a ',' and a name without its ':'.
    if (mapping && inner.expecting === "next" && token.kind === "value" && !namesField) {
      say(token.at, "a second value after the field's value (a ',' and a field's name left out?)");
      continue;
    }
    if (inner.expecting === "next") say(token.at, `',' was expected before this, between two ${mapping ? "fields" : "values"}`);
    if (mapping && (inner.expecting === "first" || inner.expecting === "key" || inner.expecting === "next")) {
      if (token.kind === "open") return say(token.at, "a mapping or list where a field's name goes");
      if (!token.string) say(token.at, "a field's name is a text in double quotes");
      inner.expecting = "colon";
      continue;
    }
    if (mapping && inner.expecting === "colon") say(token.at, "':' was expected after the field's name");
    took(token);
  }
  if (end === null) return;
  const inner = stack.at(-1);
  if (inner) say(end, inner.char === "{" ? "'}' was expected: a mapping ('{') is not closed where the file ends" : "']' was expected: a list ('[') is not closed where the file ends");
  else if (!whole.read) say(end, "the file holds no JSON value: a scenario is one JSON mapping ('{')");
}

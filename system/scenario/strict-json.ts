import { printParseErrorCode, visit } from "jsonc-parser";

/** A place where a text stops being JSON, and why (in words that quote none of the text: a value may be a key). */
export interface JsonSyntaxProblem {
  readonly position: number;
  readonly reason: string;
}

/** What each of the tolerant parser's mistakes is, in a scenario writer's words (keyed by printParseErrorCode's names). */
const WORDS: Readonly<Record<string, string>> = {
  InvalidSymbol: "no JSON value starts so: a text without its double quotes (or in single quotes), or a word JSON does not have",
  InvalidNumberFormat: "a number JSON does not write so (a '+', or a '.' with no digit before it)",
  PropertyNameExpected: "a field's name in double quotes was expected here (a ',' with nothing after it: a trailing comma?)",
  ValueExpected: "a value was expected here (a ',' with nothing after it in a list: a trailing comma?)",
  ColonExpected: "':' was expected after the field's name",
  CommaExpected: "',' was expected before this, between two fields or two values",
  CloseBraceExpected: "'}' was expected: a mapping ('{') is not closed",
  CloseBracketExpected: "']' was expected: a list ('[') is not closed",
  EndOfFileExpected: "more after the scenario's value, which has ended: a scenario is one JSON value",
  InvalidCommentToken: "a comment, which JSON does not have",
  UnexpectedEndOfComment: "a comment, which JSON does not have (and it is not closed)",
  UnexpectedEndOfString: "a text whose closing '\"' is missing (a JSON text ends on its line)",
  UnexpectedEndOfNumber: "a number cut short: a '-', '.' or exponent with no digit after it",
  InvalidUnicode: "a \\u escape without four hexadecimal digits",
  InvalidEscapeCharacter: "an escape JSON does not have ('\\' and a letter): write '\\\\' for a backslash",
  InvalidCharacter: "a control character (a tab, say) inside a text: write it as \\t, \\n or \\u00XX",
};

/** A close of the other kind where ',' or the close was expected: the open one's close was left out. */
const OTHER_CLOSE: Readonly<Record<string, string>> = {
  "]": "a ']' inside a mapping ('{'), which closes with '}' (left out?)",
  "}": "a '}' inside a list ('['), which closes with ']' (left out?)",
};

/** A digit right after a lone 0 (`01`): the parser takes the 0 as the number and asks for a ','. */
function afterLeadingZero(text: string, position: number): boolean {
  return /\d/.test(text[position] ?? "") && text[position - 1] === "0" && !/[\d.eE+-]/.test(text[position - 2] ?? "");
}

/**
 * Every place a text stops being JSON, in text order, or none when it is JSON. A tolerant parser
 * (VS Code's) goes on past a mistake; what it finds before it has read a value or a name again
 * follows from that mistake and is not said, nor is a second mistake at one place: JSON.parse
 * stops at the first, and a file with three mistakes took three runs to mend.
 */
export function jsonSyntaxProblems(text: string): JsonSyntaxProblem[] {
  let firstError: unknown;
  try {
    JSON.parse(text);
    return [];
  } catch (error) {
    firstError = error;
  }
  const found: JsonSyntaxProblem[] = [];
  let readSince = true;
  // After a close of the other kind, the parser reads on inside what it did not close, to the end of the file, and finds that unclosed there: the same mistake.
  let otherClose = false;
  const read = () => {
    readSince = true;
  };
  try {
    visit(
      text,
      {
        onObjectBegin: read,
        onObjectEnd: read,
        onArrayBegin: read,
        onArrayEnd: read,
        onObjectProperty: read,
        onLiteralValue: read,
        onError: (error, position) => {
          const name = printParseErrorCode(error);
          const unclosedAtEnd = (name === "CloseBraceExpected" || name === "CloseBracketExpected") && text.slice(position).trim() === "";
          if (readSince && found.at(-1)?.position !== position && !(otherClose && unclosedAtEnd)) {
            const closing = name === "CommaExpected" ? OTHER_CLOSE[text[position]!] : undefined;
            if (closing !== undefined) otherClose = true;
            const reason = name !== "CommaExpected" ? (WORDS[name] ?? name) : afterLeadingZero(text, position) ? "a number with a leading zero, which JSON does not write (01 is 1)" : (closing ?? WORDS[name]!);
            found.push({ position, reason });
          }
          readSince = false;
        },
      },
      { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
    );
  } catch {
    // Nested past what the tolerant parser's recursion holds: the first mistake alone, found as JSON.parse finds it.
    return [firstProblem(text, firstError)];
  }
  return found.length > 0 ? found : [firstProblem(text, firstError)];
}

/** Whether a prefix of a JSON text can still become JSON: it parses, or fails only where it ends. */
function validSoFar(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (error) {
    const message = (error as Error).message;
    const position = / at position (\d+)/.exec(message)?.[1];
    return /Unexpected end of JSON input|Unterminated string/.test(message) || (position !== undefined && Number(position) >= prefix.length);
  }
}

/**
 * Where JSON.parse stopped and why, in V8's words without the text they quote: for what the
 * tolerant parser cannot read. The place is the longest prefix that can still become JSON (V8's
 * messages give it for some mistakes and not others).
 */
function firstProblem(text: string, error: unknown): JsonSyntaxProblem {
  let low = 0;
  let high = text.length;
  // Invariant: text.slice(0, low) can still become JSON, text.slice(0, high + 1) cannot (a prefix that cannot, no longer one can).
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (validSoFar(text.slice(0, middle))) low = middle;
    else high = middle - 1;
  }
  // V8's words up to where it quotes the text (`, "…"` or, shortened, `, …"…"…`) or gives the position; a token it names is the text's too.
  const words = (error as Error).message.split(/, "|, \.\.\.| (?:in JSON )?at position \d+/)[0]!;
  const reason = /^Unexpected token/.test(words) ? "Unexpected character" : words === "Unexpected end of JSON input" ? "the text ends before its JSON does" : words.replace(/"[^"]*"?/g, "…");
  return { position: Math.min(low, text.length), reason };
}

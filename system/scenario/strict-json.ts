import { LineCounter } from "yaml";
import { type JsonMistake, jsonMistakes } from "./json-mistakes.js";

/**
 * Every place a text is not JSON, in text order, or none when it is JSON (jsonMistakes): JSON.parse
 * stops at the first, and a file with three mistakes took three runs to mend. Where that reading
 * finds nothing JSON.parse refused, V8's first mistake is said.
 */
export function jsonSyntaxProblems(text: string): JsonMistake[] {
  try {
    JSON.parse(text);
    return [];
  } catch (error) {
    const found = jsonMistakes(text);
    return found.length > 0 ? found : [firstProblem(text, error)];
  }
}

/** The most JSON mistakes said one by one: a file of many (a list of numbers without its commas) is said in a screen, not in thousands of lines. */
const JSON_MISTAKES_SAID = 50;

/** Why a .json file's YAML is refused: said once, with its first mistake. */
const JSON_NOT_YAML = "; a .json scenario is read as JSON, without trailing commas, comments or unquoted keys (YAML goes in a .yaml file)";

/** A .json scenario's mistakes as the loader says them, each at its line and column (none: it is JSON). */
export function jsonProblemsSaid(json: string, file: string): string[] {
  const found = jsonSyntaxProblems(json);
  if (found.length === 0) return [];
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let at = json.indexOf("\n"); at >= 0; at = json.indexOf("\n", at + 1)) lines.addNewLine(at + 1);
  const said = found.slice(0, JSON_MISTAKES_SAID).map(({ position, reason }, index) => {
    const { line, col } = lines.linePos(position);
    // Why JSON and not YAML is said once, with the first.
    return `${file}:${line}:${col}: not JSON: ${reason}${index === 0 ? JSON_NOT_YAML : ""}`;
  });
  const more = found.length - said.length;
  return more > 0 ? [...said, `${file}: ${more} more JSON ${more === 1 ? "mistake" : "mistakes"} after these`] : said;
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
function firstProblem(text: string, error: unknown): JsonMistake {
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

/**
 * The declaration section of a VCD (IEEE 1364 §18.2.3): its variables with their full paths, its
 * $timescale text, and where the value changes begin. Run on a file checkVcd has passed, so the
 * structure is known good; only what the reader needs is taken from it.
 */

export interface ParsedVariable {
  path: string;
  type: string;
  width: number;
  code: string;
}

export interface VcdDeclarations {
  /** Every $var, in the order the file declares them. */
  readonly variables: ParsedVariable[];
  /** The $timescale text as written (trimmed), undefined without one. */
  readonly timescale: string | undefined;
  /** Index in the text just after `$enddefinitions $end`, and the line it is on. */
  readonly bodyStart: number;
  readonly bodyLine: number;
  /** Whether the text holds `$enddefinitions $end` (the first pieces of a file read in pieces may not). */
  readonly complete: boolean;
}

/** A whitespace-separated word of the text, with where it lies. */
interface Word {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Read the declarations, up to and including `$enddefinitions $end`. */
export function readDeclarations(text: string): VcdDeclarations {
  const words = new WordReader(text);
  const variables: ParsedVariable[] = [];
  const scopes: string[] = [];
  let timescale: string | undefined;
  let complete = false;
  for (let keyword = words.next(); keyword !== null; keyword = words.next()) {
    const body = words.untilEnd();
    if (keyword.text === "$scope") scopes.push(body[1]!.text);
    else if (keyword.text === "$upscope") scopes.pop();
    else if (keyword.text === "$var") variables.push(variableOf(body, scopes));
    else if (keyword.text === "$timescale") timescale = text.slice(keyword.end, words.endOfLastSection).trim();
    else if (keyword.text === "$enddefinitions") {
      // Its $end read too: a piece may end between them.
      complete = words.endOfLastSection > keyword.start;
      break;
    }
  }
  return { variables, timescale, bodyStart: words.position, bodyLine: words.line, complete };
}

/**
 * `$var <type> <size> <identifier> <name> [range] $end`. The name and its range are joined, and a
 * range that is the whole variable ([size-1:0]) is dropped: `data [7:0]` is `data`, `data [7:4]`
 * stays `data[7:4]` (the names readVcd gave when it read with vcd-stream).
 */
function variableOf(body: readonly Word[], scopes: readonly string[]): ParsedVariable {
  const [type, size, code, ...name] = body;
  const width = Number(size!.text);
  let reference = name.map((word) => word.text).join("");
  const whole = new RegExp(`^(\\w+)\\[${width - 1}:0\\]$`).exec(reference);
  if (whole) reference = whole[1]!;
  return { path: [...scopes, reference].join("."), type: type!.text, width, code: code!.text };
}

class WordReader {
  position = 0;
  line = 1;
  /** Where the `$end` of the last section read by untilEnd begins. */
  endOfLastSection = 0;

  constructor(private readonly text: string) {}

  next(): Word | null {
    const text = this.text;
    for (; this.position < text.length; this.position++) {
      const code = text.charCodeAt(this.position);
      if (code === 10) this.line++;
      else if (code !== 32 && code !== 9 && code !== 13) break;
    }
    if (this.position >= text.length) return null;
    const start = this.position;
    while (this.position < text.length && !isSpace(text.charCodeAt(this.position))) this.position++;
    return { text: text.slice(start, this.position), start, end: this.position };
  }

  /** The words up to the next `$end` (checkVcd has made sure there is one). */
  untilEnd(): Word[] {
    const body: Word[] = [];
    for (let word = this.next(); word !== null; word = this.next()) {
      if (word.text === "$end") {
        this.endOfLastSection = word.start;
        break;
      }
      body.push(word);
    }
    return body;
  }
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

import { didYouMean } from "../../sim/suggest.js";
import { enclosingPath, parameterPath, scenarioPath, segmentProblem } from "../scenario/overrides.js";
import { nestingDepth, valueChildren } from "../scenario/nesting.js";
import { LIMITS, runName } from "../scenario/schema.js";
import { isSecretPath } from "../scenario/secret-paths.js";
import { markedFileText } from "../readme-section.js";

/**
 * Mistakes in the options' values, noted as commander parses each option rather than thrown: a
 * throw stopped the parse at the first, which hid the others. The command reports them all,
 * with its scenario's where it has one, before it does anything.
 */
export class OptionMistakes {
  readonly noted: string[] = [];

  /** Note a mistake, and give back what stands in for the option's value meanwhile. */
  note<T>(message: string, standIn: T): T {
    this.noted.push(message);
    return standIn;
  }
}

type Assignments = Record<string, unknown>;

/** No scenario path has ':' or a blank in it: one that does holds a value typed where '=' belongs. */
const SWALLOWED_VALUE = /[:\s]/;

/** Whether a path goes on below a key's field (`…preSharedKey.secret`): a key has no fields, so what follows may be the key itself. */
function belowKey(path: string): boolean {
  const segments = scenarioPath(path).split(".");
  return segments.slice(0, -1).some((_, index) => isSecretPath(segments.slice(0, index + 1).join(".")));
}

/** The parsers of nicsim's option values, each noting its mistakes with the others. */
export function optionParsers(mistakes: OptionMistakes) {
  /** `path=value`; a mistake leaves the earlier assignments as they were. */
  function assignment(spelling: (path: string) => string, refuseNested: boolean) {
    return (text: string, previous: Assignments = {}): Assignments => {
      const equals = text.indexOf("=");
      if (equals <= 0) return mistakes.note(`--set: expected path=value, ${equals < 0 ? "and there is no '='" : "with a path before the '='"} (the argument is not shown: it may hold a key)`, previous);
      const given = text.slice(0, equals);
      // A key typed after its path with ':' or a blank for '=' (or '.') would be echoed as the path.
      if (SWALLOWED_VALUE.test(given)) return mistakes.note(`--set: a path with ':' or a blank in it (the argument is not shown: it may hold a key typed after ':' or a blank for '=')`, previous);
      if (belowKey(given)) return mistakes.note(`--set: a path below a key's field (the argument is not shown: it may hold the key, typed after '.' for '=')`, previous);
      const path = spelling(given);
      const problem = segmentProblem(path);
      if (problem !== null) return mistakes.note(`--set ${given}: ${problem}`, previous);
      // The same place twice (in either spelling): the later would silently replace the earlier.
      if (Object.hasOwn(previous, path)) {
        // The later value's own mistake is said too: mended by taking the earlier one out, it would have been the next run's refusal.
        mistakes.note(`--set ${given}: ${path} is given by an earlier --set too; give it once`, previous);
        const again = parseValue(text.slice(equals + 1), `--set ${given}`);
        return "mistake" in again ? mistakes.note(again.mistake, previous) : previous;
      }
      const around = refuseNested ? enclosingPath(path, Object.keys(previous)) : undefined;
      if (around !== undefined) return mistakes.note(`--set ${given}: inside ${scenarioPath(around)}, which an earlier --set gives whole; give one or the other`, previous);
      const inside = refuseNested ? Object.keys(previous).find((other) => enclosingPath(other, [path]) !== undefined) : undefined;
      if (inside !== undefined) return mistakes.note(`--set ${given}: gives whole ${scenarioPath(path)}, which holds ${scenarioPath(inside)} of an earlier --set; give one or the other`, previous);
      const value = parseValue(text.slice(equals + 1), `--set ${given}`);
      return "mistake" in value ? mistakes.note(value.mistake, previous) : { ...previous, [path]: value.value };
    };
  }

  /** `path=v1,v2,…`: one axis of a sweep; a mistake leaves the earlier axes as they were. */
  function axis(text: string, previous: Array<[string, unknown[]]> = []): Array<[string, unknown[]]> {
    const equals = text.indexOf("=");
    if (equals <= 0) return mistakes.note(`--grid: expected path=value,value,…, ${equals < 0 ? "and there is no '='" : "with a path before the '='"} (the argument is not shown: it may hold a key)`, previous);
    const given = text.slice(0, equals);
    if (SWALLOWED_VALUE.test(given)) return mistakes.note(`--grid: a path with ':' or a blank in it (the argument is not shown: it may hold a key typed after ':' or a blank for '=')`, previous);
    if (belowKey(given)) return mistakes.note(`--grid: a path below a key's field (the argument is not shown: it may hold the key, typed after '.' for '=')`, previous);
    if (equals === text.length - 1) return mistakes.note(`--grid ${given}: expected path=value,value,…, with values after the '='`, previous);
    const path = scenarioPath(given);
    const problem = segmentProblem(path);
    if (problem !== null) return mistakes.note(`--grid ${given}: ${problem}`, previous);
    // Whether the path names a place in the scenario is checked with each configuration's other mistakes.
    // Values are split at the commas between them: not those inside a JSON list, mapping or string.
    const written = splitValues(text.slice(equals + 1));
    // Two commas in a row, or one at an end, is a slip: it read as a configuration of "" ("expected a number"; from an outside check).
    const empty = written.findIndex((value) => value.trim() === "");
    if (empty >= 0) return mistakes.note(`--grid ${given}: value ${empty + 1} of ${written.length} is ${written[empty] === "" ? "empty (two commas in a row, or one at an end" : "blank (only spaces between two commas"}; "" is an empty string)`, previous);
    const values = written.map((value) => parseValue(value, `--grid ${given}`));
    const refused = values.find((value) => "mistake" in value);
    if (refused !== undefined && "mistake" in refused) return mistakes.note(refused.mistake, previous);
    return [...previous, [path, values.map((value) => ("value" in value ? value.value : undefined))]];
  }

  /** A whole number written in decimal digits (no sign, exponent, fraction or blank), within its range. */
  function integer(name: string, minimum: number, maximum = Number.MAX_SAFE_INTEGER) {
    return (text: string): number | undefined => {
      const value = Number(text);
      // No upper bound named where there is none a user would meet (it read "from 1 to 9007199254740991"; from an outside check).
      if (/^\d+$/.test(text) && !Number.isSafeInteger(value)) return mistakes.note(`${name} '${text}': a whole number beyond 2^53 - 1 (9007199254740991), which a double does not hold exactly`, undefined);
      if (!/^\d+$/.test(text) || value < minimum || value > maximum) return mistakes.note(`${name} '${text}': expected a whole number${maximum === Number.MAX_SAFE_INTEGER ? `, ${minimum} or more` : ` from ${minimum} to ${maximum}`}`, undefined);
      return value;
    };
  }

  /** A time in µs: a non-negative decimal number. */
  function microseconds(name: string) {
    return (text: string): number | undefined => {
      const value = Number(text);
      if (!/^\s*(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(text)) return mistakes.note(`${name} '${text}': expected a time in µs, a non-negative number`, undefined);
      if (!Number.isFinite(value)) return mistakes.note(`${name} '${text}': beyond what a double holds (about 1.8e308 µs)`, undefined);
      return value;
    };
  }

  /**
   * A file (or `what` else) to name: an empty or blank name names none (it was taken as none given,
   * or as every one). With `isPath`, a name that starts with '-' is written ./-name.
   */
  function named(name: string, what = "a file", isPath = true) {
    return (text: string): string | undefined => {
      if (text.trim() === "") return mistakes.note(`${name} '${text}': expected ${what}`, undefined);
      // An option's value is the next word whatever it is (`--out --help`): one that reads as an option is more likely a value left out.
      if (name.startsWith("--") && /^-[A-Za-z-]/.test(text)) return mistakes.note(`${name} '${text}': an option where ${what} goes (its value left out?)${isPath ? `; a name that starts with '-' is written ./${text}` : ""}`, undefined);
      return text;
    };
  }

  /** A path to write to: an empty or blank one would quietly mean the current directory (or a file named by spaces). */
  const outputPath = (name: string) => named(name, "a path (say '.' for the current directory)");
  /** A file to write to (a sweep's JSON lines): '.' is no hint there, being a directory (from an architect's check); nor is a name ending in '/' (it gave a lock file's error). */
  const outputFile = (name: string) => (text: string): string | undefined => {
    if (named(name, "a file's path")(text) === undefined) return undefined;
    return /\/$/.test(text) ? mistakes.note(`${name} '${text}': expected a file's path, not a directory's (the results are one file, such as ${text}sweep.jsonl)`, undefined) : text;
  };

  /** A base name the files are named from (`waveforms/x` gives waveforms/x.vcd, …): a directory (`.`, `out/`) would give hidden files named `..vcd` or `out/.vcd`. */
  const outputBase = (name: string) => (text: string): string | undefined => {
    if (named(name, "a base name for the files")(text) === undefined) return undefined;
    const last = text.split("/").at(-1)!;
    return last === "" || last === "." || last === ".." ? mistakes.note(`${name} '${text}': expected a base name for the files, not a directory (e.g. ${text.replace(/\/*$/, "")}/run names them ${text.replace(/\/*$/, "")}/run.*)`, undefined) : text;
  };

  return {
    outputBase,
    /** `path=value` for a scenario (values parse as JSON when they can, else stay strings); whether the path names a place in it is checked when the scenario is loaded, with its other mistakes. */
    scenarioAssignment: assignment(scenarioPath, false),
    /** `path=value` for a design's parameter, the same path as a scenario's (`nic.queues` or `top.nic.queues`); the parameters check it themselves. */
    // Parameters go to the design as they are, with no scenario loader to find one --set inside another: refused here.
    parameterAssignment: assignment(parameterPath, true),
    axis,
    integer,
    microseconds,
    outputPath,
    outputFile,
    named,
    /** A Markdown file with a generated section to rewrite: readable and marked, checked before any work (validate's suite takes minutes). */
    markedFile(name: string, section: string) {
      return (text: string): string | undefined => {
        if (named(name)(text) === undefined) return undefined;
        const marked = markedFileText(text, section);
        return "problem" in marked ? mistakes.note(`${name}: ${marked.problem}`, undefined) : text;
      };
    },
    /** One of the option's choices, or the one meant. */
    choice<const C extends string>(name: string, choices: readonly C[]) {
      return (text: string): C | undefined => ((choices as readonly string[]).includes(text) ? (text as C) : mistakes.note(`${name} '${text}': expected one of ${choices.join(", ")}${didYouMean(text, choices)}`, undefined));
    },
    /** A run's name, as a scenario's name must be. */
    name(text: string): string | undefined {
      const checked = runName.safeParse(text);
      return checked.success ? text : mistakes.note(`--name: expected ${checked.error.issues.map((issue) => issue.message).join("; ")}`, undefined);
    },
    fraction(text: string): number | undefined {
      const value = Number(text);
      return text.trim() === "" || !(value > 0 && value <= 1) ? mistakes.note(`--load '${text}': expected a fraction of the line rate in (0, 1]`, undefined) : value;
    },
    /** A value the option's own parser refused (its message), or its value. */
    checked<T>(problem: (text: string) => string | T, name: string) {
      return (text: string): T | undefined => {
        const parsed = problem(text);
        return typeof parsed === "string" ? mistakes.note(`${name} '${text}': ${parsed}`, undefined) : parsed;
      };
    },
  };
}

/**
 * A value as JSON when it parses, else a plain string such as a choice; one that starts as JSON's
 * list, mapping or string must parse (as a string it would hide the slip). The message shows no
 * part of it, as it may hold a key.
 */
function parseValue(text: string, option: string): { readonly value: unknown } | { readonly mistake: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    if (/^\s*[[{"]/.test(text)) return { mistake: `${option}: the value starts as JSON (with [, { or ") but does not parse as JSON` };
    // As written: a text may be a key, whose spaces count (trimmed, a pre-shared key 'wrong ' matched the gateway's 'wrong'; from a re-check).
    return { value: text };
  }
  if (nestingDepth(value, valueChildren) > LIMITS.nesting) return { mistake: `${option}: the value nests mappings and lists more than ${LIMITS.nesting} levels deep; a scenario's deepest place is a few levels down` };
  // JSON reads 1e400 as Infinity, which a message would show in place of what was written.
  if (holdsInfinity(value)) return { mistake: `${option}: a number in the value is beyond what a double holds (about 1.8e308)` };
  // JSON reads 9007199254740993 as ...992: a message would name a number other than the one written.
  if (typeof value === "number" && /^\s*-?\d+\s*$/.test(text) && !Number.isSafeInteger(value)) return { mistake: `${option}: a whole number ${value < 0 ? "below -(2^53 - 1) (-9007199254740991)" : "beyond 2^53 - 1 (9007199254740991)"}, which a double does not hold exactly` };
  return { value };
}

function holdsInfinity(value: unknown): boolean {
  if (typeof value === "number") return !Number.isFinite(value);
  return typeof value === "object" && value !== null && Object.values(value).some(holdsInfinity);
}

/** `a,{"b":1,"c":2},"d,e"`: the values of an axis, split at commas outside brackets and quotes. */
function splitValues(text: string): string[] {
  const values: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (quoted) {
      if (character === "\\") index++;
      else if (character === '"') quoted = false;
    } else if (character === '"') quoted = true;
    else if (character === "[" || character === "{") depth++;
    else if ((character === "]" || character === "}") && depth > 0) depth--;
    else if (character === "," && depth === 0) {
      values.push(text.slice(start, index));
      start = index + 1;
    }
  }
  values.push(text.slice(start));
  return values;
}

import { existsSync, statSync } from "node:fs";
import { extname } from "node:path";
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, type Scalar, visit, type YAMLError } from "yaml";
import { parseQosConfig, type Placed, type QosConfig, QosConfigError, type QosProblem, qosProblemText } from "../../driver/intermediate/qos-config.js";
import { qosConfigWarnings } from "../../driver/intermediate/qos-config-warnings.js";
import { parseQosConfigJson } from "../../driver/intermediate/qos-config-json.js";
import { container as rootContainer, type DependencyContainer } from "../../sim/di.js";
import { cannotRead, readNamedFile } from "../../sim/unreadable.js";
import { applyOverrides } from "./overrides.js";
import { jsonProblemsSaid } from "./strict-json.js";
import { bracketsDeeperThan, FLOW_DEPTH_READ } from "./nesting.js";
import { parameterProblems } from "./parameter-check.js";
import { prototypeKeyProblems } from "./parameter-tree.js";
import { deepestNode, nestingDepth, valueChildren } from "./nesting.js";
import { referenceProblems } from "./references.js";
import { decodeText } from "./text-bytes.js";
import { scenarioWarnings } from "./scenario-warnings.js";
import { markTagObjects, tagObjectsIn } from "./yaml-object-kind.js";
import { describeIssues } from "./schema-issues.js";
import { fieldNameShown, secretTexts, withoutSecretTexts } from "./secret-paths.js";
import { LIMITS, type Scenario, scenarioSchema } from "./schema.js";
import { formatPath, isMergeKey, SourceMap } from "./source-map.js";
import { valueKind } from "../../sim/shown-value.js";

export { formatPath, SourceMap } from "./source-map.js";

/** A scenario that cannot run: every problem, each naming the file, line, column and path. */
export class ScenarioError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.length === 1 ? problems[0]! : `${problems.length} problems:\n  ${problems.join("\n  ")}`);
  }
}

/** A scenario checked and ready: the values with defaults, its QoS policy parsed, where it came from, and what in it is accepted but likely not meant. */
export interface LoadedScenario {
  readonly scenario: Scenario;
  readonly qos: QosConfig | null;
  readonly source: SourceMap;
  /** Each naming its place in the file, for the run to print. */
  readonly warnings: readonly string[];
  /** How many of the warnings, the last ones, weigh what the run would do with its values: moot beside a refusal of the design, one of whose values they may have weighed (warningsBesideRefusal). */
  readonly runWarnings: number;
}

/** Read a scenario file (.yaml, .yml or .json); `overrides` set values by dotted path first (`nic.crypto_tx.bytesPerCycle`). */
export function loadScenarioFile(file: string, overrides: Record<string, unknown> = {}): LoadedScenario {
  if (typeof file !== "string") throw new TypeError(`loadScenarioFile: the file must be a path (a string), not ${valueKind(file)}`);
  return parseScenarioText(readScenarioText(file), file, overrides);
}

/**
 * YAML takes a carriage return alone (classic Mac OS line ends) as a line break; the library read
 * such a file as one line, and refused it there. A line feed in its place keeps every column.
 */
function withLineFeeds(text: string): string {
  return text.includes("\r") ? text.replace(/\r(?!\n)/g, "\n") : text;
}

/** A file's bytes as text: one that holds a NUL byte or is not UTF-8 (a binary file named by mistake) is said to be no text, not read as "a text of 5000 characters". */
function scenarioText(file: string, bytes: Buffer): string {
  const decoded = decodeText(bytes);
  if (typeof decoded !== "string") throw new ScenarioError([`${file}:${decoded.place}: not a text file (${decoded.problem}): expected a YAML or JSON scenario`]);
  return decoded;
}

/** A scenario file's text, refused with its name when it is no .yaml, .yml or .json file, too large, or unreadable. */
export function readScenarioText(file: string): string {
  // A `path=value` given without --set may be a key: it is not shown.
  if (file.includes("=") && !existsSync(file)) throw new ScenarioError([`the scenario file's name has '=' in it and no such file exists: a path=value is given with --set (the argument is not shown: it may hold a key)`]);
  if (![".yaml", ".yml", ".json"].includes(extname(file).toLowerCase())) {
    // A word that names no file may be the rest of a value typed without quotes (--set …preSharedKey=correct horse): not shown.
    if (!existsSync(file)) throw new ScenarioError([`the scenario file given is no .yaml, .yml or .json file, and no such file exists (it is not shown: it may be a word of a --set value typed without quotes, which may hold a key)`]);
    throw new ScenarioError([`${file}: expected a .yaml, .yml or .json scenario file`]);
  }
  try {
    // Parsing a huge file takes long before its size can be refused field by field.
    const bytes = statSync(file).size;
    if (bytes > LIMITS.fileBytes) throw new ScenarioError([`${file}: ${bytes} bytes; a scenario file is at most ${LIMITS.fileBytes} (one of ${LIMITS.streams} streams takes well under 1 MB)`]);
    // A byte-order mark (some Windows editors write one) is no character of line 1: its columns were one off.
    return withLineFeeds(scenarioText(file, readNamedFile(file)).replace(/^\uFEFF/, ""));
  } catch (error) {
    if (error instanceof ScenarioError) throw error;
    throw new ScenarioError([cannotRead(file, error)]);
  }
}

/**
 * What each alias names: the latest node with its anchor before it, found in one pass in the
 * document's order (the library's resolve() searches the document for each alias, so a chain of
 * thousands of aliases took tens of seconds).
 */
function aliasTargets(document: Document): Map<unknown, unknown> {
  const anchored = new Map<string, unknown>();
  const targets = new Map<unknown, unknown>();
  visit(document, {
    Alias: (_, alias) => void targets.set(alias, anchored.get(alias.source)),
    Node: (_, node) => void (node.anchor !== undefined && anchored.set(node.anchor, node)),
  });
  return targets;
}

/**
 * Characters and nodes a document's values would hold with every alias expanded: an alias counts
 * as what it names, each time (each node sized once); and whether a value holds an alias of itself.
 */
function expandedSize(document: Document): { size: number; selfHolding: boolean } {
  const sizes = new Map<unknown, number>();
  const open = new Set<unknown>();
  let selfHolding = false;
  const named = aliasTargets(document);
  const size = (node: unknown): number => {
    if (node === null || node === undefined) return 0;
    if (isAlias(node)) return size(named.get(node));
    if (open.has(node)) selfHolding = true;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    // A node within itself (an alias to an ancestor) counts once.
    sizes.set(node, 0);
    open.add(node);
    // A node counts at least one, so that aliases of empty mappings nested a thousand deep count too.
    let total = 1;
    if (isScalar(node)) total = Math.max(1, String(node.value ?? "").length);
    else if (isMap(node)) for (const pair of node.items) total += size(pair.key) + size(pair.value);
    else if (isSeq(node)) for (const item of node.items) total += size(item);
    sizes.set(node, total);
    open.delete(node);
    return total;
  };
  return { size: size(document.contents), selfHolding };
}

/**
 * The text up to a second document that holds nothing (only `---`, `...`, blank lines and
 * comments): many YAML writers end a file with a marker. A second document with a value is kept,
 * to be refused.
 */
function withoutEmptyTrailingDocuments(text: string): string {
  const documents = parseAllDocuments(text);
  const second = Array.isArray(documents) ? documents[1] : undefined;
  if (second === undefined) return text;
  const rest = text.slice(second.range[0]);
  return rest.split(/\r?\n/).every((line) => /^\s*(---|\.\.\.)?\s*(#.*)?$/.test(line)) ? text.slice(0, second.range[0]) : text;
}

/** A document's mappings and lists, for their depth (an alias is a leaf: it is not expanded). */
const nodeChildren = (node: unknown): Iterable<unknown> | null => (isMap(node) ? node.items.map((pair) => pair.value) : isSeq(node) ? node.items : null);

const NESTED_TOO_DEEPLY = `mappings and lists nested more than ${LIMITS.nesting} levels deep; a scenario's deepest place is a few levels down`;

function parsedWithLines(text: string): { document: Document; lines: LineCounter } {
  const lines = new LineCounter();
  // Keys given twice are found below, each named with the file's other mistakes: the library's own check stops everything at the first.
  // Merge keys (`<<: *name`) let one stream or customer take another's fields, as YAML 1.1 files write them.
  // The library's warnings (to stderr, quoting the text) are never shown: what they would say is a mistake named here at its line.
  return { document: parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false, merge: true, logLevel: "error" }), lines };
}

/** Each key a mapping gives twice, at the later one's line: the later value would silently win. */
function duplicateKeys(document: Document, lines: LineCounter, file: string): string[] {
  const problems: string[] = [];
  visit(document, {
    Map(_, map, path) {
      // The mapping's place by its fields' names, list items as 0, a merge's where it lands: enough to tell a customer's ike; so is holding a pre-shared key (an anchored mapping written elsewhere).
      const holdsKey = map.items.some((pair) => isScalar(pair.key) && /^(gateway)?preSharedKey$/.test(String(pair.key.value)));
      const place = holdsKey ? "customers.0.ike" : path.flatMap((node) => (isPair(node) && isScalar(node.key) && !isMergeKey(node.key) ? [String(node.key.value)] : isSeq(node) ? ["0"] : [])).join(".");
      const first = new Map<string, number>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = isMergeKey(pair.key) ? "<<" : String(pair.key.value);
        const at = lines.linePos(pair.key.range?.[0] ?? 0);
        const earlier = first.get(key);
        if (earlier === undefined) first.set(key, at.line);
        // A name with ':', '=' or a blank may hold a value (a key, even) written without its ':': not shown.
        else if (key === "<<") problems.push(`${file}:${at.line}:${at.col}: '<<' given twice in one mapping (first on line ${earlier}): merge several mappings with one, '<<: [*first, *second]'`);
        else problems.push(`${file}:${at.line}:${at.col}: ${!fieldNameShown(place, key) ? "a field" : `'${key}'`} given twice in one mapping (first on line ${earlier}); the later would silently replace it: give it once`);
      }
      return path.length > LIMITS.nesting * 2 ? visit.SKIP : undefined;
    },
  });
  return problems;
}

/**
 * Each alias whose anchor is not set before it, and each merge key (`<<`) whose value is no
 * mapping, alias of one, or list of them, at its line: the library would throw at the first,
 * naming no line (and naming the anchor, which may be a key written unquoted). They are the file's
 * YAML, like a syntax error: said together, before its fields are read.
 */
function aliasProblems(document: Document, lines: LineCounter, file: string): string[] {
  const problems: string[] = [];
  const at = (node: { range?: [number, number, number] | null }) => {
    const { line, col } = lines.linePos(node.range?.[0] ?? 0);
    return `${file}:${line}:${col}`;
  };
  // An alias without its anchor is said as itself, not again as a merge of no mapping.
  const isMapping = (node: unknown): boolean => (isAlias(node) ? node.resolve(document) === undefined || isMap(node.resolve(document)) : isMap(node));
  visit(document, {
    Alias(_, alias) {
      if (alias.resolve(document) === undefined) problems.push(`${at(alias)}: an alias (*name) whose anchor (&name) is not set before it; a text that starts with '*' must be quoted`);
    },
    Pair(_, pair) {
      // A key that is no name would be made a text of its value (a key, even), and the library says so on stderr; it was placed at 1:1.
      const key = pair.key as InText | null;
      if (key === null || (isScalar(key) && key.value === null)) problems.push(`${at((key ?? pair.value ?? {}) as InText)}: a field without a name (':' with nothing before it, or '~'): give the field's name`);
      else if (isMap(key) || isSeq(key) || isAlias(key)) problems.push(`${at(key)}: a field whose name is a ${isSeq(key) ? "list" : isMap(key) ? "mapping" : "alias"}; a field's name is a word (a ':' after a value written in braces or brackets makes it one)`);
      if (!isMergeKey(pair.key)) return;
      const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
      if (!sources.every(isMapping)) problems.push(`${at(pair.key as Scalar)}: a merge key ('<<') takes a mapping, an alias of one (*name), or a list of them`);
    },
  });
  return problems;
}

/**
 * The library's errors whose messages quote the text they stumbled on (a tag, an escape, a token): a pre-shared key written
 * '!Pa55w0rd' or "S3cr3t\\q" was shown in them. Said in these words instead, the line and column pointing at it.
 */
const OWN_WORDS: Partial<Record<string, string>> = {
  TAG_RESOLVE_FAILED: "a YAML tag ('!' and a name) that a scenario does not take here: leave it out (a text that starts with '!' is quoted)",
  BAD_DQ_ESCAPE: "an escape ('\\' and a letter) that YAML's double-quoted texts do not have: write '\\\\' for a backslash, or quote the text with ' instead",
  UNEXPECTED_TOKEN: "YAML did not expect what is here (an indicator such as ',', ']', '}', or text after a block scalar's '|' or '>')",
  BAD_COLLECTION_TYPE: "a YAML tag that does not fit the value it is on (a mapping's tag on a list, say)",
  // The library's name for what it cannot place; in a scenario, a field named by a mapping or a list after other fields.
  IMPOSSIBLE: "YAML cannot read what is here: a field whose name is a mapping or a list (a ':' after a value in braces or brackets), say; a field's name is a word",
};

/** A YAML node's place in the text. */
type InText = { range?: [number, number, number] | null };

/** Scenario text as a YAML document (JSON is a subset), its line counter and its value; a syntax error is refused at its line and column. */
export function parseScenarioDocument(given: string, file: string) {
  const text = withLineFeeds(given);
  // A .json file is held to JSON: YAML would take its trailing commas, comments and unquoted keys without a word.
  // A byte-order mark, which an editor may write, is no mistake: YAML takes it, and JSON is checked after it.
  const bom = text.startsWith("\uFEFF") ? 1 : 0;
  const notJson = extname(file).toLowerCase() === ".json" ? jsonProblemsSaid(text.slice(bom), file) : [];
  if (notJson.length > 0) throw new ScenarioError(notJson);
  // Brackets nested tens of thousands deep ran the YAML library out of memory (the process aborted, JSON or YAML; an outside check): refused before it reads them.
  const deepAt = bracketsDeeperThan(text, FLOW_DEPTH_READ, LIMITS.nesting);
  if (deepAt !== null) {
    const before = text.slice(0, deepAt);
    throw new ScenarioError([`${file}:${before.split("\n").length}:${deepAt - before.lastIndexOf("\n")}: ${NESTED_TOO_DEEPLY}`]);
  }
  let { document, lines } = parsedWithLines(text);
  let parsed = text;
  if (document.errors.some((error) => error.code === "MULTIPLE_DOCS")) {
    const first = withoutEmptyTrailingDocuments(text);
    if (first !== text) ({ document, lines } = parsedWithLines((parsed = first)));
  }
  // A tag the library cannot resolve is only its warning: the value was taken as a text (a key written '!Pa55w0rd tail' became 'tail').
  // In a file that otherwise parses, it is a mistake said with the others the value has; with syntax errors, with those.
  const unresolvedTags = document.warnings.filter((warning) => warning.code === "TAG_RESOLVE_FAILED");
  // A mistake found at the end of the file (a quote or bracket never closed) is placed after its last character, not on a line past it.
  const end = parsed.trimEnd().length;
  // One mistake the library reports twice at one place (a tag it can neither read nor resolve) is said once.
  const describe = (mistakes: readonly YAMLError[]) =>
    [...new Set(mistakes.map((error) => {
      const { line, col } = lines.linePos(Math.min(error.pos[0], end));
      const atEnd = error.pos[0] >= end && end > 0 ? " (where the file ends)" : "";
      // The library's advice is for its own callers: a scenario is one document.
      // The library quotes the text it stumbled on, which may be a key: not shown (the line and column point at it).
      const message = error.code === "MULTIPLE_DOCS" ? "a second YAML document ('---'): a scenario file holds one" : /call stack/.test(error.message) ? NESTED_TOO_DEEPLY : (OWN_WORDS[error.code] ?? error.message.split("\n")[0]!.replace(/"[^"]*"/g, "…"));
      return `${file}:${line}:${col}: ${message}${atEnd}`;
    }))];
  const syntax = document.errors.length > 0 ? describe([...document.errors, ...unresolvedTags]) : [];
  // The walks over a scenario recurse: a value nested past what a stack holds is refused before any of them.
  const deepest = deepestNode(document.contents, nodeChildren);
  if (deepest.depth > LIMITS.nesting) {
    // Placed at its deepest mapping or list: the message had no line.
    const { line, col } = lines.linePos((deepest.node as InText | null)?.range?.[0] ?? 0);
    // The library's own refusal of a nesting past its stack is the same mistake: said once. Keys given twice are said with it (the walk stops well short of the depth).
    const nesting = syntax.find((problem) => problem.includes(NESTED_TOO_DEEPLY)) ?? `${file}:${line}:${col}: ${NESTED_TOO_DEEPLY}`;
    // Aliases too, where the walk's recursion is far from a stack's end (the library itself stops near 800 levels).
    const aliases = deepest.depth <= LIMITS.nesting * 8 && syntax.length === 0 ? aliasProblems(document, lines, file) : [];
    throw new ScenarioError(inFileOrder([...syntax.filter((problem) => !problem.includes(NESTED_TOO_DEEPLY)), nesting, ...aliases, ...duplicateKeys(document, lines, file)], file));
  }
  // A syntax error is said with the file's other YAML mistakes (aliases, merges, keys given twice) around it: all of them together.
  if (syntax.length > 0) {
    // The library's error at a place is the one said there (a field named by a mapping is both).
    const placeOf = (problem: string) => problem.slice(0, problem.indexOf(": "));
    const placed = new Set(syntax.map(placeOf));
    const others = [...aliasProblems(document, lines, file), ...duplicateKeys(document, lines, file)].filter((problem) => !placed.has(placeOf(problem)));
    throw new ScenarioError(inFileOrder([...syntax, ...others], file));
  }
  // Aliases of a large value (a long string named a thousand times) would fill memory as it is expanded: its size is counted first.
  const expanded = expandedSize(document);
  // The file's other YAML mistakes are said with each of these, all of them together (keys given twice, aliases and tags were left out: an outside check).
  const aliases = aliasProblems(document, lines, file);
  const otherYaml = () => [...describe(unresolvedTags), ...aliases, ...duplicateKeys(document, lines, file)];
  if (expanded.selfHolding) throw new ScenarioError(inFileOrder([`${file}: a YAML alias (*name) inside the value it names (&name): a scenario cannot hold itself`, ...otherYaml()], file));
  if (expanded.size > LIMITS.fileBytes) throw new ScenarioError(inFileOrder([`${file}: its YAML aliases (*name) would expand it to ${expanded.size} characters and values; a scenario is at most ${LIMITS.fileBytes}`, ...otherYaml()], file));
  // Keys given twice are said with them, as with a syntax error (they were left out: an outside check).
  if (aliases.length > 0) throw new ScenarioError(inFileOrder(otherYaml(), file));
  // The expansion is bounded by the size just counted, not by the library's count of aliases.
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: -1 });
  } catch (error) {
    // An alias before its anchor is found above, at its line; the library's message names the anchor, which may be a key written unquoted.
    if (error instanceof ReferenceError) throw new ScenarioError([`${file}: an alias (*name) whose anchor (&name) is not set before it; a text that starts with '*' must be quoted`]);
    throw error;
  }
  // Aliases nest values without nesting the file: the expanded value is measured too.
  if (nestingDepth(value, valueChildren) > LIMITS.nesting) throw new ScenarioError(inFileOrder([`${file}: ${NESTED_TOO_DEEPLY}`, ...otherYaml()], file));
  return { text, document, lines, value, duplicates: [...describe(unresolvedTags), ...duplicateKeys(document, lines, file)] };
}

/** Parse and check scenario text (YAML, of which JSON is a subset). */
export function parseScenarioText(text: string, file = "scenario", overrides: Record<string, unknown> = {}): LoadedScenario {
  return scenarioLoader(text, file)(overrides);
}

/** Scenario text parsed once, then checked with each set of overrides given (a sweep's configurations): the YAML is not parsed again for each. */
export function scenarioLoader(given: string, file = "scenario"): (overrides?: Record<string, unknown>) => LoadedScenario {
  // A library caller may pass anything: undefined or a number failed as "text.includes is not a function" (from a driver developer's check).
  if (typeof given !== "string") throw new TypeError(`${String(file)}: the scenario text must be a string, not ${valueKind(given)}`);
  const { text, document, lines, value, duplicates } = parseScenarioDocument(given, file);
  return (overrides = {}) => {
    if (typeof overrides !== "object" || overrides === null || Array.isArray(overrides)) throw new TypeError(`${file}: the overrides must be an object of dotted paths and values, not ${valueKind(overrides)}`);
    const copy = structuredClone(value);
    // A --set that has nowhere to go is reported with the file's own mistakes; the others are set.
    const { problems, applied, replaced } = applyOverrides(copy, overrides);
    try {
      const loaded = checkScenario(copy, new SourceMap(file, document, lines, applied, text, copy), [...duplicates, ...problems]);
      // A warning quoting a text a YAML alias repeats from a key shows the key.
      return { ...loaded, warnings: withoutSecretTexts([...replaced.map((text) => `warning: ${text}`), ...loaded.warnings], secretTexts(copy)) };
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      // What a mapping given whole dropped is often why the scenario no longer holds together: said after its mistakes.
      throw new ScenarioError(withoutSecretTexts([...error.problems, ...replaced.map((text) => `warning: ${text}`)], secretTexts(copy)));
    }
  };
}

/**
 * Check a scenario given as a value (the built-in default, or one a program builds): every
 * mistake in one pass, the schema's, the references', every line of the QoS policy's and, when
 * there are any, the parameters' too (built on a stand-in scenario), in the file's order.
 * A scenario without mistakes has its parameters checked when it is built (`buildScenario`).
 */
export function checkScenario(asRead: unknown, source = new SourceMap("scenario", null, null), earlier: readonly string[] = [], container: DependencyContainer = rootContainer): LoadedScenario {
  const value = markTagObjects(asRead);
  const problems: string[] = [...earlier];
  const problem = (path: PropertyKey[], message: string) => problems.push(source.at(path, `${formatPath(path)}: ${message}`));
  const parsed = scenarioSchema.safeParse(value);
  if (!parsed.success) describeIssues(parsed.error.issues, value, (path, text) => problems.push(source.at(path, text)));
  prototypeKeyProblems(value, problem);
  referenceProblems(value, source, problem);
  const given = (value as { qos?: unknown } | null)?.qos;
  const { qos, warnings } = checkQos(given, source, problems);
  if (problems.length > 0) throw new ScenarioError(inFileOrder([...problems, ...parameterProblems(value, source, container, { qos })], source.file));
  const { mapping, run } = scenarioWarnings(parsed.data!, qos, source);
  return { scenario: parsed.data!, qos, source, warnings: [...warnings, ...mapping, ...run], runWarnings: run.length };
}

/** The QoS policy (IOS text or JSON) parsed, its problems added to `problems`; its warnings, each at its place in the file. */
function checkQos(given: unknown, source: SourceMap, problems: string[]): { qos: QosConfig | null; warnings: string[] } {
  if (typeof given !== "string" && (typeof given !== "object" || given === null || Array.isArray(given))) return { qos: null, warnings: [] };
  const at = (problem: QosProblem, kind = "") => {
    // A policy in a literal block (`qos: |`) is placed at its line and column in the file; otherwise at the policy's line and column within it.
    // In the JSON form, at the line of the value the problem names (or of the nearest place above it the file has).
    const placeOf = (item: { line: number; column: number; path?: readonly (string | number)[] }) => (typeof given === "string" ? source.inText(["qos"], item.line, item.column) : source.locate(["qos", ...(item.path ?? [])]));
    // In the JSON form the values that made the problem, where known, are the --set values it names.
    const place = typeof given === "string" || problem.parts === undefined ? placeOf(problem) : source.locate(["qos", ...(problem.path ?? [])], undefined, problem.parts.map((part) => ["qos", ...part]));
    // Where a name defined twice was first, as a place in the file too (the policy's own line or path where the file has none).
    const first = (item: Placed) => {
      const found = placeOf({ ...item, column: item.column ?? 1 });
      return found === null ? `in the policy at ${item.path?.join(".") ?? `line ${item.line}`}` : `at ${found}`;
    };
    const message = qosProblemText(problem, first);
    return place !== null ? `${place}: qos: ${kind}${message}` : `${source.locate(["qos"])}: qos line ${problem.line}, column ${problem.column}: ${kind}${message}`;
  };
  // In the JSON form, a YAML tag's object (marked) would vanish in JSON: each is said at its place.
  if (typeof given === "object") {
    for (const { path, kind } of tagObjectsIn(given)) problems.push(source.at(["qos", ...path], `${formatPath(["qos", ...path])}: ${kind}: the JSON form takes mappings, lists, texts and numbers`));
  }
  try {
    const qos = typeof given === "string" ? parseQosConfig(given) : parseQosConfigJson(JSON.stringify(given));
    return { qos, warnings: qosConfigWarnings(qos).map((warning) => at(warning, "warning: ")) };
  } catch (error) {
    if (!(error instanceof QosConfigError)) throw error;
    problems.push(...error.problems.map((problem) => at(problem)));
    return { qos: null, warnings: [] };
  }
}

/** Problems at places in the file in the order of the file; the others (the command line's, the whole file's) first, as they came. */
export function inFileOrder(problems: readonly string[], file: string): string[] {
  const place = (problem: string) => {
    const match = problem.startsWith(`${file}:`) ? /^(\d+):(\d+):/.exec(problem.slice(file.length + 1)) : null;
    return match ? [Number(match[1]), Number(match[2])] : [0, 0];
  };
  return problems
    .map((problem, index) => ({ problem, index, at: place(problem) }))
    .sort((a, b) => a.at[0]! - b.at[0]! || a.at[1]! - b.at[1]! || a.index - b.index)
    .map(({ problem }) => problem);
}

import { existsSync, readFileSync, statSync } from "node:fs";
import { extname } from "node:path";
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument } from "yaml";
import type { z } from "zod";
import { parseQosConfig, type QosConfig, QosConfigError, type QosProblem, qosConfigWarnings } from "../../driver/intermediate/qos-config.js";
import { parseQosConfigJson } from "../../driver/intermediate/qos-config-json.js";
import { container as rootContainer, type DependencyContainer } from "../../sim/di.js";
import { didYouMean } from "../../sim/suggest.js";
import { applyOverrides, schemaFields } from "./overrides.js";
import { parameterProblems } from "./parameter-check.js";
import { prototypeKeyProblems } from "./parameter-tree.js";
import { referenceProblems } from "./references.js";
import { LIMITS, type Scenario, scenarioSchema } from "./schema.js";
import { formatPath, SourceMap } from "./source-map.js";

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
}

/** Read a scenario file (.yaml, .yml or .json); `overrides` set values by dotted path first (`nic.crypto_tx.bytesPerCycle`). */
export function loadScenarioFile(file: string, overrides: Record<string, unknown> = {}): LoadedScenario {
  return parseScenarioText(readScenarioText(file), file, overrides);
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
    return readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof ScenarioError) throw error;
    throw new ScenarioError([`${file}: cannot read: ${(error as Error).message}`]);
  }
}

/** Scenario text as a YAML document (JSON is a subset), its line counter and its value; a syntax error is refused at its line and column. */
/** Characters and nodes a document's values would hold with every alias expanded: an alias counts as what it names, each time (each node sized once). */
function expandedSize(document: Document): number {
  const sizes = new Map<unknown, number>();
  const size = (node: unknown): number => {
    if (node === null || node === undefined) return 0;
    if (isAlias(node)) return size(node.resolve(document));
    const known = sizes.get(node);
    if (known !== undefined) return known;
    // A node within itself (an alias to an ancestor) counts once.
    sizes.set(node, 0);
    // A node counts at least one, so that aliases of empty mappings nested a thousand deep count too.
    let total = 1;
    if (isScalar(node)) total = Math.max(1, String(node.value ?? "").length);
    else if (isMap(node)) for (const pair of node.items) total += size(pair.key) + size(pair.value);
    else if (isSeq(node)) for (const item of node.items) total += size(item);
    sizes.set(node, total);
    return total;
  };
  return size(document.contents);
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

function parsedWithLines(text: string): { document: Document; lines: LineCounter } {
  const lines = new LineCounter();
  return { document: parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true }), lines };
}

export function parseScenarioDocument(text: string, file: string) {
  let { document, lines } = parsedWithLines(text);
  if (document.errors.some((error) => error.code === "MULTIPLE_DOCS")) {
    const first = withoutEmptyTrailingDocuments(text);
    if (first !== text) ({ document, lines } = parsedWithLines(first));
  }
  if (document.errors.length > 0) {
    throw new ScenarioError(document.errors.map((error) => {
      const { line, col } = lines.linePos(error.pos[0]);
      // The library's advice is for its own callers: a scenario is one document.
      const message = error.code === "MULTIPLE_DOCS" ? "a second YAML document ('---'): a scenario file holds one" : error.message.split("\n")[0];
      return `${file}:${line}:${col}: ${message}`;
    }));
  }
  // Aliases of a large value (a long string named a thousand times) would fill memory as it is expanded: its size is counted first.
  const expanded = expandedSize(document);
  if (expanded > LIMITS.fileBytes) throw new ScenarioError([`${file}: its YAML aliases (*name) would expand it to ${expanded} characters and values; a scenario is at most ${LIMITS.fileBytes}`]);
  // The expansion is bounded by the size just counted, not by the library's count of aliases.
  return { document, lines, value: document.toJS({ maxAliasCount: -1 }) as unknown };
}

/** Parse and check scenario text (YAML, of which JSON is a subset). */
export function parseScenarioText(text: string, file = "scenario", overrides: Record<string, unknown> = {}): LoadedScenario {
  return scenarioLoader(text, file)(overrides);
}

/** Scenario text parsed once, then checked with each set of overrides given (a sweep's configurations): the YAML is not parsed again for each. */
export function scenarioLoader(text: string, file = "scenario"): (overrides?: Record<string, unknown>) => LoadedScenario {
  const { document, lines, value } = parseScenarioDocument(text, file);
  return (overrides = {}) => {
    const copy = structuredClone(value);
    // A --set that has nowhere to go is reported with the file's own mistakes; the others are set.
    const { problems, applied } = applyOverrides(copy, overrides);
    return checkScenario(copy, new SourceMap(file, document, lines, applied, text, copy), problems);
  };
}

/**
 * Check a scenario given as a value (the built-in default, or one a program builds): every
 * mistake in one pass, the schema's, the references', every line of the QoS policy's and, when
 * there are any, the parameters' too (built on a stand-in scenario), in the file's order.
 * A scenario without mistakes has its parameters checked when it is built (`buildScenario`).
 */
export function checkScenario(value: unknown, source = new SourceMap("scenario", null, null), earlier: readonly string[] = [], container: DependencyContainer = rootContainer): LoadedScenario {
  const problems: string[] = [...earlier];
  const problem = (path: PropertyKey[], message: string) => problems.push(source.at(path, `${formatPath(path)}: ${message}`));
  const parsed = scenarioSchema.safeParse(value);
  if (!parsed.success) describeIssues(parsed.error.issues, value, problem);
  prototypeKeyProblems(value, problem);
  referenceProblems(value, source, problem);
  const given = (value as { qos?: unknown } | null)?.qos;
  const { qos, warnings } = checkQos(given, source, problems);
  if (problems.length > 0) throw new ScenarioError(inFileOrder([...problems, ...parameterProblems(value, source, container)], source.file));
  return { scenario: parsed.data!, qos, source, warnings };
}

/** The QoS policy (IOS text or JSON) parsed, its problems added to `problems`; its warnings, each at its place in the file. */
function checkQos(given: unknown, source: SourceMap, problems: string[]): { qos: QosConfig | null; warnings: string[] } {
  if (typeof given !== "string" && (typeof given !== "object" || given === null || Array.isArray(given))) return { qos: null, warnings: [] };
  const at = (problem: QosProblem, kind = "") => {
    // A policy in a literal block (`qos: |`) is placed at its line and column in the file; otherwise at the policy's line and column within it.
    const place = typeof given === "string" ? source.inText(["qos"], problem.line, problem.column) : null;
    return place !== null ? `${place}: qos: ${kind}${problem.message}` : `${source.locate(["qos"])}: qos${typeof given === "string" ? ` line ${problem.line}, column ${problem.column}` : ""}: ${kind}${problem.message}`;
  };
  try {
    const qos = typeof given === "string" ? parseQosConfig(given) : parseQosConfigJson(JSON.stringify(given));
    return { qos, warnings: qosConfigWarnings(qos).map((warning) => at(warning, "warning: ")) };
  } catch (error) {
    if (!(error instanceof QosConfigError)) throw error;
    problems.push(...error.problems.map((problem) => at(problem)));
    return { qos: null, warnings: [] };
  }
}

/** The schema's finding as a problem: an unknown field at its own place, with the field it is nearest; a value not among the choices, with the nearest choice. */
/** The schema's findings as problems, a value that breaks two bounds once. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], value: unknown, problem: (path: PropertyKey[], message: string) => void): void {
  for (const issue of tightestBounds(issues)) describeIssue(issue, value, problem);
}

function describeIssue(issue: z.core.$ZodIssue, value: unknown, problem: (path: PropertyKey[], message: string) => void): void {
  const path = issue.path as PropertyKey[];
  if (issue.code === "unrecognized_keys") {
    const fields = schemaFields(path);
    for (const key of issue.keys) problem([...path, key], `unknown field${didYouMean(key, fields)}`);
    return;
  }
  let message = issue.message;
  const given = path.reduce<unknown>((node, key) => (node as Record<PropertyKey, unknown> | undefined)?.[key], value);
  if (issue.code === "invalid_type" && message.includes("received undefined")) message = `required: ${message.replace(/^Invalid input: /, "")}`;
  // The parameter trees and the QoS policy in the scenario's words, not the schema's (a record, a union).
  else if (path.length === 1 && ["nic", "driver", "wire"].includes(String(path[0]))) message = `a group of parameters (a mapping such as ${String(path[0])}: { … }), not ${given === null ? "an empty value" : Array.isArray(given) ? "a list" : `one value (${shown(given)})`}`;
  else if (path.length === 1 && path[0] === "qos") message = `the QoS policy: its IOS text (qos: |), or its JSON form (a mapping of profiles, classMaps and policyMaps), not ${given === null ? "an empty value" : Array.isArray(given) ? "a list" : shown(given)}`;
  // A refinement's own message says what is expected; the value refused goes before it, as for a choice.
  if (issue.code === "custom" && (typeof given === "string" || typeof given === "number")) message = `${shown(given)}: ${message}`;
  if (issue.code === "invalid_value") {
    // Worded as the parameters' own check words it, so a value refused by either reads the same.
    message = `${shown(given)}: expected one of ${issue.values.map(String).join(", ")}`;
    if (typeof given === "string") message += didYouMean(given, issue.values.map(String));
  }
  problem(path, message);
}

/** Of two bounds a value breaks at one place (an integer's safe range and the field's own), the tighter: one message, not two. */
function tightestBounds(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const key = (issue: z.core.$ZodIssue) => `${issue.code}:${issue.path.map(String).join(".")}`;
  const bound = (issue: z.core.$ZodIssue) => Number((issue as { maximum?: unknown; minimum?: unknown }).maximum ?? -Number((issue as { minimum?: unknown }).minimum ?? 0));
  const kept = new Map<string, z.core.$ZodIssue>();
  const rest: z.core.$ZodIssue[] = [];
  for (const issue of issues) {
    if (issue.code !== "too_big" && issue.code !== "too_small") rest.push(issue);
    else if (!kept.has(key(issue)) || bound(issue) < bound(kept.get(key(issue))!)) kept.set(key(issue), issue);
  }
  return [...rest, ...kept.values()];
}

/** A value as a message shows it: as JSON, but a number JSON cannot hold (a YAML .inf, 1e400) as itself. */
const shown = (value: unknown): string => (typeof value === "number" && !Number.isFinite(value) ? String(value) : JSON.stringify(value));

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

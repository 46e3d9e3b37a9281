import type { z } from "zod";
import { didYouMean } from "../../sim/suggest.js";
import { scenarioSchema, STREAM_RATE_FIELDS } from "./schema.js";
import { kindName } from "./schema-issues.js";
import { fieldNameShown } from "./secret-paths.js";
import { valueAt } from "./source-map.js";

/** Path segments that would reach an object's prototype instead of a value of the scenario. */
const FORBIDDEN_SEGMENTS = ["__proto__", "constructor", "prototype"];

/** The design's root, which full parameter paths (`top.nic.queues`) start with and scenario paths (`nic.queues`) leave out. */
const DESIGN_ROOT = "top.";

/**
 * The one spelling of a command line's path, as a scenario names it: `top.nic.queues` and
 * `nic.queues` are the same place, so every command (`run`, `sweep --grid`, `plain-traffic`,
 * `latency`) takes either; and `traffic[0].load`, as messages print it, is `traffic.0.load`.
 */
export function scenarioPath(path: string): string {
  // The form error messages print a list's element in (`traffic[0].load`) is `traffic.0.load` too.
  const dotted = path.replace(/\[(\d+)\]/g, ".$1");
  return dotted.startsWith(DESIGN_ROOT) ? dotted.slice(DESIGN_ROOT.length) : dotted;
}

/** The same path as a design's full parameter path (`nic.queues` and `top.nic.queues` both give `top.nic.queues`). */
export function parameterPath(path: string): string {
  // The root itself (`top={"nic":{…}}`) gives the whole design's values.
  if (path === DESIGN_ROOT.slice(0, -1)) return path;
  return DESIGN_ROOT + scenarioPath(path);
}

/** Why a dotted path (`nic.crypto_tx.bytesPerCycle`) cannot name a place in a scenario, or null when it can. */
export function overridePathProblem(path: string): string | null {
  return segmentProblem(path) ?? schemaPathProblem(scenarioSchema, path.split("."));
}

/** Why a dotted path of any kind (a scenario's, or a full parameter path such as `top.nic.queues`) is malformed, or null. */
export function segmentProblem(path: string): string | null {
  const keys = path.split(".");
  if (keys.some((key) => key === "")) return `'${path}' has an empty segment`;
  const forbidden = keys.find((key) => FORBIDDEN_SEGMENTS.includes(key));
  return forbidden === undefined ? null : `'${forbidden}' cannot be a path segment (it names an object's prototype, not a value)`;
}

/**
 * Whether the schema has a place at `keys`: fields of mappings, indices of lists. Below the
 * parameter trees (nic, driver, wire) and the QoS policy anything goes here; the parameters
 * check those later, with suggestions.
 */
function schemaPathProblem(schema: z.core.$ZodType, keys: readonly string[]): string | null {
  let node = schema;
  for (const [index, key] of keys.entries()) {
    const where = keys.slice(0, index).join(".") || "the scenario";
    node = unwrap(node);
    const definition = node._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };
    if (definition.type === "object") {
      const field = Object.hasOwn(definition.shape!, key) ? definition.shape![key] : undefined;
      if (field === undefined) return `${where} has no field '${key}'${didYouMean(key, Object.keys(definition.shape!))} (fields: ${Object.keys(definition.shape!).join(", ")})`;
      node = field;
    } else if (definition.type === "array") {
      if (!/^(0|[1-9]\d*)$/.test(key)) return `${where} is a list: '${key}' is not an index`;
      node = definition.element!;
    } else if (["lazy", "record", "union"].includes(definition.type)) return null;
    else return `${where} takes ${definition.type === "enum" ? "one of a list of names" : kindName(definition.type)}, not a mapping, so it has no '${key}'`;
  }
  return null;
}

type SchemaDefinition = { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };

/** The schema's definition at a path of the scenario (fields of mappings, elements of lists), inside defaults and optionals; null where the schema has no such place. */
function schemaAt(path: readonly PropertyKey[]): SchemaDefinition | null {
  let definition = unwrap(scenarioSchema)._zod.def as SchemaDefinition;
  for (const key of path.map(String)) {
    let node: z.core.$ZodType;
    if (definition.type === "object" && Object.hasOwn(definition.shape!, key)) node = definition.shape![key]!;
    else if (definition.type === "array") node = definition.element!;
    else return null;
    definition = unwrap(node)._zod.def as SchemaDefinition;
  }
  return definition;
}

/** The fields of the mapping at a path of the scenario (`customers.0.identity`), for "did you mean"; none where it is not a mapping. */
export function schemaFields(path: readonly PropertyKey[]): string[] {
  const definition = schemaAt(path);
  return definition?.type === "object" ? Object.keys(definition.shape!) : [];
}

/** From `present` keys on the scenario has nothing, and the `--set` makes mappings: a list among them cannot be indexed into (an object would be made there), but is set whole. */
function missingListProblem(keys: readonly string[], present: number): string | null {
  for (let end = present; end < keys.length; end++) {
    const list = keys.slice(0, end).join(".");
    const definition = schemaAt(keys.slice(0, end));
    if (definition?.type !== "array") continue;
    const element = unwrap(definition.element!)._zod.def.type === "object" ? "{…}" : '"…"';
    return `the scenario has no ${list} to index into; set the whole list (--set '${list}=[${element}]')`;
  }
  return null;
}

/** The schema inside defaults, optionals and pipes. */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let node = schema;
  for (;;) {
    const definition = node._zod.def as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
    if (definition.innerType) node = definition.innerType;
    else if (definition.type === "pipe" && definition.in) node = definition.in;
    else return node;
  }
}

/**
 * Set values by dotted path (`nic.sacache.txEntries`, `traffic.0.load`), creating mappings on the
 * way. Returns every problem, each naming its `--set` path, and the paths set: those without a
 * problem, so that the scenario's own mistakes are reported with these in the same pass (and a
 * mistake at a place a refused `--set` named is the file's). A mapping given replaces the
 * scenario's whole mapping there: the values it drops are named in `replaced`, for a warning.
 */
export function applyOverrides(root: unknown, overrides: Record<string, unknown>): { problems: string[]; applied: string[]; replaced: string[] } {
  // The file's own mistake (not a mapping) is said at its line; each value given (by --set, --seed or --grid) has nowhere to go until it is mended.
  if (typeof root !== "object" || root === null || Array.isArray(root)) return { problems: [], applied: [], replaced: [] };
  const problems: string[] = [];
  const applied: string[] = [];
  for (const path of Object.keys(overrides)) {
    const problem = overridePathProblem(path) ?? enclosingProblem(path, overrides) ?? placeProblem(root, path.split("."));
    if (problem !== null) problems.push(`--set ${path}: ${problem}`);
    else applied.push(path);
  }
  const replaced: string[] = [];
  for (const path of applied) {
    const dropped = droppedLeaves(valueAt(root, path.split(".")), overrides[path], path);
    if (dropped.length > 0) replaced.push(`--set ${path}: the ${Array.isArray(overrides[path]) ? "list" : "mapping"} given replaces the scenario's whole ${path}, dropping ${dropped.map(shownPath).join(", ")}; give whole paths (--set ${shownPath(dropped[0]!)}=…) to change single values`);
    setPath(root as Record<string, unknown>, path.split("."), overrides[path]);
    const other = otherRateField(root, path, overrides);
    if (other !== null) {
      delete other.stream[other.field];
      replaced.push(`--set ${path}: replaces the scenario's ${other.path} (a stream's rate is one of ${STREAM_RATE_FIELDS.join(" and ")})`);
    }
  }
  return { problems, applied, replaced };
}

/**
 * The file's other rate field of a stream one of whose rate fields a --set gives (`traffic.0.load`
 * where the file gives `traffic.0.gapMicroseconds`): its stream, name and path; or null. Without it
 * being taken away, no --set or --grid could turn a stream given by its gap into one given by its load.
 */
function otherRateField(root: object, path: string, overrides: Record<string, unknown>): { stream: Record<string, unknown>; field: string; path: string } | null {
  const keys = path.split(".");
  const given = keys.at(-1) as (typeof STREAM_RATE_FIELDS)[number];
  if (keys.length !== 3 || keys[0] !== "traffic" || !STREAM_RATE_FIELDS.includes(given)) return null;
  const field = STREAM_RATE_FIELDS.find((name) => name !== given)!;
  const other = `traffic.${keys[1]}.${field}`;
  // Both given by --set: the two are refused together, as in a file.
  if (Object.hasOwn(overrides, other)) return null;
  const stream = valueAt(root, keys.slice(0, -1));
  return isMapping(stream) && Object.hasOwn(stream, field) ? { stream, field, path: other } : null;
}

const isMapping = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** The scenario's values under `before` that the mapping or list `after` does not give, by path (a list's entries by index). */
/** A path as a message shows it: its last name may be a key written as a name (fieldNameShown). */
function shownPath(path: string): string {
  const at = path.lastIndexOf(".");
  return fieldNameShown(path.slice(0, at), path.slice(at + 1)) ? path : `${path.slice(0, at)}.… (a name not shown: it may be a key written as one)`;
}

function droppedLeaves(before: unknown, after: unknown, path: string): string[] {
  if (Array.isArray(before) && Array.isArray(after)) return before.flatMap((entry, index) => (index < after.length ? droppedLeaves(entry, after[index], `${path}.${index}`) : [`${path}.${index}`]));
  if (!isMapping(before) || !isMapping(after)) return [];
  return Object.keys(before).flatMap((key) => {
    const at = `${path}.${key}`;
    if (!Object.hasOwn(after, key)) return isMapping(before[key]) ? leavesOf(before[key], at) : [at];
    return droppedLeaves(before[key], after[key], at);
  });
}

function leavesOf(value: Record<string, unknown>, path: string): string[] {
  return Object.keys(value).flatMap((key) => (isMapping(value[key]) ? leavesOf(value[key], `${path}.${key}`) : [`${path}.${key}`]));
}

/** Of `paths`, the one that gives a place around `path` whole (`traffic.0` around `traffic.0.load`), if any. */
export function enclosingPath(path: string, paths: Iterable<string>): string | undefined {
  for (const other of paths) if (path.startsWith(`${other}.`)) return other;
  return undefined;
}

/** Another override that gives a place around this path whole: which of the two should stand is not for the loader to guess. */
function enclosingProblem(path: string, overrides: Record<string, unknown>): string | null {
  const enclosing = enclosingPath(path, Object.keys(overrides));
  return enclosing === undefined ? null : `inside ${enclosing}, which --set ${enclosing} gives whole; give one or the other`;
}

/** What in the scenario's own values stands in the way of the path (a value where a mapping is needed, an index past a list's end). */
function placeProblem(root: object, keys: readonly string[]): string | null {
  let node: unknown = root;
  for (const [index, key] of keys.slice(0, -1).entries()) {
    node = Object.hasOwn(node as object, key) ? (node as Record<string, unknown>)[key] : undefined;
    const where = keys.slice(0, index + 1).join(".");
    if (node === undefined) return missingListProblem(keys, index + 1);
    if (Array.isArray(node) && !(Number(keys[index + 1]) < node.length)) return `${where} has ${node.length} ${node.length === 1 ? "entry" : "entries"}, so there is no ${where}.${keys[index + 1]}`;
    if (typeof node !== "object" || node === null) return `${where} is ${node === null ? "null" : `a ${typeof node}`}, not a mapping`;
  }
  return null;
}

function setPath(root: Record<string, unknown>, keys: readonly string[], value: unknown): void {
  let node = root;
  for (const key of keys.slice(0, -1)) {
    if (!Object.hasOwn(node, key)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

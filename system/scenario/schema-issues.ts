import type { z } from "zod";
import { shownValue } from "../../sim/shown-value.js";
import { didYouMean } from "../../sim/suggest.js";
import { leadingZerosHint } from "../../sim/parameters.js";
import { schemaFields } from "./overrides.js";
import { fieldNameShown, REDACTED, redactValue } from "./secret-paths.js";
import { formatPath } from "./source-map.js";
import { yamlObjectKind } from "./yaml-object-kind.js";
import { PARAMETER_GROUPS } from "./parameter-tree.js";

/**
 * The schema's findings in the scenario's words, worded as the parameters' own check words a
 * value (`customers[0].sas = 0: expected at least 1`, as `nic.queues = 99: expected at most 8`):
 * each as its place's text (`placed(path, text)`), the text starting with the path.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], value: unknown, placed: (path: PropertyKey[], text: string) => void): void {
  for (const issue of tightestBounds(issues)) describeIssue(issue, value, placed);
}

function describeIssue(issue: z.core.$ZodIssue, value: unknown, placed: (path: PropertyKey[], text: string) => void): void {
  const path = issue.path as PropertyKey[];
  if (issue.code === "unrecognized_keys") {
    const fields = schemaFields(path);
    for (const key of issue.keys) {
      // A name with ':' or a blank in it holds a value written without its ':' (`preSharedKey secret`): not shown, it may be a key.
      if (/[:=\s]/.test(key)) placed([...path, key], `${formatPath(path)}: a field whose name has ':', '=' or a blank in it (not shown: it may hold a value, a key even, written without its ':')`);
      else if (!fieldNameShown(path.map(String).join("."), key)) placed([...path, key], `${formatPath(path)}: an unknown field (its name not shown: under ike, a name near no field may be the key written as one)`);
      else placed([...path, key], `${formatPath([...path, key])}: unknown field${didYouMean(key, fields)}`);
    }
    return;
  }
  const given = path.reduce<unknown>((node, key) => (node as Record<PropertyKey, unknown> | undefined)?.[key], value);
  // A key is never shown, not even a value of the wrong kind given for it.
  const redacted = redactValue(path.map(String).join("."), given);
  const shownGiven = redacted === REDACTED ? REDACTED : shown(redacted);
  const say = (why: string) => placed(path, `${formatPath(path)}: ${why}`);
  const sayValue = (why: string) => placed(path, `${formatPath(path)} = ${shownGiven}: ${why}`);
  // The parameter trees and the QoS policy in the scenario's words, not the schema's (a record, a union).
  // YAML's tags make other objects than mappings and lists (!!binary, !!timestamp, !!set): named as such, not as mappings.
  const wrongKind = given === null ? "an empty value" : Array.isArray(given) ? "a list" : yamlObjectKind(given);
  if (issue.code === "invalid_type" && given === undefined) return say(`required: expected ${kindName(issue.expected)}`);
  if (issue.code === "invalid_value" && (given === undefined || given === null)) return say(`${given === undefined ? "required" : "no value given"}: expected one of ${issue.values.map(String).join(", ")}`);
  if (path.length === 1 && (PARAMETER_GROUPS as readonly string[]).includes(String(path[0]))) return say(`a group of parameters (a mapping such as ${String(path[0])}: { … }), not ${wrongKind ?? `one value (${shownGiven})`}`);
  if (path.length === 1 && path[0] === "qos") return say(`the QoS policy: its IOS text (qos: |), or its JSON form (a mapping of profiles, classMaps and policyMaps), not ${wrongKind ?? shownGiven}`);
  switch (issue.code) {
    case "invalid_type":
      // A mapping or list given whole is named by its kind: its JSON could be long, and hold keys.
      if (typeof given === "object" || typeof given === "symbol") return say(`${wrongKind ?? "a mapping"}: expected ${kindName(issue.expected)}`);
      // YAML reads 123, .inf or true unquoted as a number or true: a text that looks like one is quoted (the value is not repeated here: it may be a key).
      // A --set value is read as JSON, not YAML: both are said, with the command line's quoting (it said YAML alone of a --set's value; a session's check).
      if (issue.expected === "string" && (typeof given === "number" || typeof given === "boolean")) return sayValue(`expected a text: it was read as ${typeof given === "number" ? "a number" : "true or false"}; quote it to give it as a text (in YAML "…", with --set 'path="…"')`);
      // YAML's .inf, or a number past a double's range (1e400), reads as infinity: no count or time holds it.
      if (given === Infinity || given === -Infinity) return sayValue(`beyond what a double holds (about 1.8e308): expected a finite number`);
      return sayValue(`expected ${kindName(issue.expected)}${issue.expected === "number" || issue.expected === "int" ? leadingZerosHint(given) : ""}`);
    case "invalid_value":
      // A YAML tag's object has no value to show: its kind is said.
      if (typeof given === "symbol") return say(`${wrongKind}: expected one of ${issue.values.map(String).join(", ")}`);
      return sayValue(`expected one of ${issue.values.map(String).join(", ")}${typeof given === "string" ? didYouMean(given, issue.values.map(String)) : ""}`);
    case "too_small":
    case "too_big":
      return describeBound(issue, given, say, sayValue);
    case "custom":
      // A refinement's own message says what is expected; the value refused goes before it, as for a choice.
      return typeof given === "string" || typeof given === "number" ? sayValue(issue.message) : say(issue.message);
    default:
      return say(issue.message);
  }
}

/** A bound broken: a number's with the value; a list's or a text's with its length (a text may be a key). */
function describeBound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, given: unknown, say: (why: string) => void, sayValue: (why: string) => void): void {
  // A bound with a message of its own (not zod's "Too small: …") says why; the value goes before it (a text's length: it may be a key).
  if (!/^Too (small|big)\b/.test(issue.message)) return typeof given === "string" ? say(`${count(given.length, "character", "characters")}: ${issue.message}`) : sayValue(issue.message);
  const small = issue.code === "too_small";
  const bound = Number(small ? (issue as z.core.$ZodIssueTooSmall).minimum : (issue as z.core.$ZodIssueTooBig).maximum);
  const inclusive = issue.inclusive !== false;
  const comparison = small ? (inclusive ? "at least" : "more than") : inclusive ? "at most" : "less than";
  if (issue.origin === "array" && Array.isArray(given)) return say(`${count(given.length, "entry", "entries")}: expected ${comparison} ${count(bound, "entry", "entries")}`);
  if (issue.origin === "string" && typeof given === "string") return say(`${count(given.length, "character", "characters")}: expected ${comparison} ${count(bound, "character", "characters")}`);
  return sayValue(`expected ${comparison} ${bound}`);
}

const count = (number: number, one: string, many: string) => `${number === 0 ? "no" : number} ${number === 1 ? one : many}`;

/** What the schema expected, in the scenario's words (a sweep row's check words it the same). */
export function kindName(expected: string): string {
  const names: Record<string, string> = { number: "a number", int: "a whole number", string: "a text", boolean: "true or false", array: "a list", object: "a mapping", record: "a mapping" };
  return names[expected] ?? expected;
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

const shown = shownValue;

import { z } from "zod";
import { yamlObjectKind } from "./yaml-object-kind.js";

type Tree = Record<string, unknown>;

/** A scenario's groups of parameter overrides, each the design's component of that name below `top` (`nic` is `top.nic`). */
export const PARAMETER_GROUPS = ["nic", "driver", "wire", "peer"] as const;
export type ParameterGroup = (typeof PARAMETER_GROUPS)[number];

/** A scenario's parameter groups as the design's parameters take them (`top.nic`: { … }). */
export function designParameterTrees(scenario: Readonly<Record<ParameterGroup, unknown>>): Record<string, unknown> {
  return Object.fromEntries(PARAMETER_GROUPS.map((group) => [`top.${group}`, scenario[group]]));
}

/** A YAML or JSON mapping (not a list, not null, not what one of YAML's tags made: binary data, a date, a set). */
export const isMapping = (value: unknown): value is Tree => typeof value === "object" && value !== null && !Array.isArray(value) && yamlObjectKind(value) === undefined;

/** Why a value in a parameter tree can be neither a parameter's value nor a mapping of them, or null. */
function leafProblem(value: unknown): string | null {
  if (value === null || value === undefined) return "no value given: expected a number, a text or true/false";
  const kind = yamlObjectKind(value);
  if (kind !== undefined) return `${kind}: expected a number, a text or true/false, or a mapping of parameters`;
  if (Array.isArray(value)) return "a list: a parameter takes one value (a number, a text or true/false), or a mapping of parameters";
  if (typeof value === "number" && !Number.isFinite(value)) return "not a finite number";
  if (isMapping(value) && Object.keys(value).length === 0) return "an empty mapping: a parameter takes one value (a number, a text or true/false), and a group the values of its parameters";
  if (typeof value === "number" || typeof value === "string" || typeof value === "boolean" || isMapping(value)) return null;
  return "expected a number, a text or true/false";
}

/** A key YAML keeps as the mapping's own, which an object built by assignment would take for its prototype. */
const PROTOTYPE_KEY = "__proto__";
const NO_SUCH_PARAMETER = "no such parameter";

/** Every value below `tree` that cannot be a parameter's, at its own path. */
function treeProblems(tree: Tree, path: readonly string[], problem: (path: string[], message: string) => void): void {
  for (const [key, value] of Object.entries(tree)) {
    const message = key === PROTOTYPE_KEY ? NO_SUCH_PARAMETER : leafProblem(value);
    if (message !== null) problem([...path, key], message);
    else if (isMapping(value)) treeProblems(value, [...path, key], problem);
  }
}

/**
 * Parameter overrides below a component, as a nested object (`crypto_tx: { bytesPerCycle: 8 }`):
 * each value that cannot be a parameter's (empty, a list) is refused at its own path, not as its
 * whole branch, so that the others are still checked.
 */
export const parameterTree = z.record(z.string(), z.unknown()).superRefine((tree, context) => treeProblems(tree, [], (path, message) => context.addIssue({ code: "custom", path, message })));

/**
 * A `__proto__` key at a group's top (nic, driver, wire, peer), which the schema cannot see: its record
 * is rebuilt by assignment, which takes that key for the prototype and drops it without a word.
 * Below the top, the schema's own check sees it.
 */
export function prototypeKeyProblems(scenario: unknown, problem: (path: PropertyKey[], message: string) => void): void {
  if (!isMapping(scenario)) return;
  for (const group of PARAMETER_GROUPS) {
    const tree = scenario[group];
    if (isMapping(tree) && Object.hasOwn(tree, PROTOTYPE_KEY)) problem([group, PROTOTYPE_KEY], NO_SUCH_PARAMETER);
  }
}

/** The tree without the values the schema refuses (and `__proto__`, refused too): what the parameters can still check. */
export function checkableParameters(value: unknown): Tree {
  if (!isMapping(value)) return {};
  return Object.fromEntries(
    Object.entries(value).flatMap(([key, item]) => {
      if (key === PROTOTYPE_KEY || leafProblem(item) !== null) return [];
      if (!isMapping(item)) return [[key, item]];
      // A group left with nothing to check is left out, as an empty one is refused.
      const group = checkableParameters(item);
      return Object.keys(group).length === 0 ? [] : [[key, group]];
    }),
  );
}

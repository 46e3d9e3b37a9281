import type { Kernel } from "../../sim/kernel.js";
import { designPaths, selectionProblems } from "../../sim/vcd/selection-problems.js";
import type { LoadedScenario } from "./load.js";

const FIELDS = { scopes: "waveformScopes", exclude: "waveformExclude" } as const;

/**
 * The waveform's scope and exclude patterns that match nothing in the built design (a mistyped
 * name), each at its place, and excludes that together take every signal the scopes select (a
 * dump without a signal): the library's check (selectionProblems), in the scenario's words. An
 * empty scope list the schema has refused already.
 */
export function waveformScopeProblems(loaded: LoadedScenario, kernel: Kernel, judged: (field: "waveformScopes" | "waveformExclude", index: number) => boolean = () => true): string[] {
  const outputs = loaded.scenario.outputs;
  const scopes = outputs.waveform ? (outputs.waveformScopes ?? []) : [];
  const excludes = outputs.waveform ? (outputs.waveformExclude ?? []) : [];
  if (scopes.length === 0 && excludes.length === 0) return [];
  const problems = selectionProblems(
    designPaths(kernel),
    { scopes: scopes.length === 0 ? undefined : scopes, exclude: excludes },
    (field, index) => `outputs.${FIELDS[field]}${index === undefined ? "" : `[${index}]`}`,
    (field, index) => judged(FIELDS[field], index),
  );
  return problems.map(({ field, index, message }) => loaded.source.at(index === null ? ["outputs", FIELDS[field]] : ["outputs", FIELDS[field], index], message));
}

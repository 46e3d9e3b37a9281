import type { Kernel } from "../../sim/kernel.js";
import { ScopeMatcher } from "../../sim/vcd/selection.js";
import type { LoadedScenario } from "./load.js";

/**
 * The waveform's scope and exclude patterns that match nothing in the built design (a mistyped
 * name), each at its place, and excludes that together take every signal the scopes select (a
 * dump without a signal). Design paths start at `top`,
 * which `--set` paths leave out, so a pattern that would match with it gets that suggestion.
 */
export function waveformScopeProblems(loaded: LoadedScenario, kernel: Kernel, judged: (field: "waveformScopes" | "waveformExclude", index: number) => boolean = () => true): string[] {
  const outputs = loaded.scenario.outputs;
  const scopes = outputs.waveform ? (outputs.waveformScopes ?? []) : [];
  const excludes = outputs.waveform ? (outputs.waveformExclude ?? []) : [];
  if (scopes.length === 0 && excludes.length === 0) return [];
  const paths = [...kernel.signals.map((signal) => signal.path), ...kernel.events.map((event) => event.path), ...kernel.domains.filter((domain) => domain.traced).map((domain) => domain.path)];
  const selecting = new ScopeMatcher({ scopes: scopes.length === 0 ? undefined : scopes });
  const selected = paths.filter((path) => selecting.matches(path));
  const matchesAny = (pattern: string, among: readonly string[]) => {
    const matcher = new ScopeMatcher({ scopes: [pattern] });
    return among.some((path) => matcher.matches(path));
  };
  const unmatched = (field: "waveformScopes" | "waveformExclude", among: readonly string[], what: string) => (pattern: string, index: number) => {
    if (!judged(field, index) || matchesAny(pattern, among)) return [];
    const hint = matchesAny(`top.${pattern}`, among) ? ` (did you mean top.${pattern}? design paths start at top)` : "";
    return [loaded.source.at(["outputs", field, index], `outputs.${field}[${index}]: '${pattern}' ${what}${hint}`)];
  };
  const problems = [...scopes.flatMap(unmatched("waveformScopes", paths, "selects no signal of the design")), ...excludes.flatMap(unmatched("waveformExclude", paths, "excludes no signal of the design"))];
  const kept = new ScopeMatcher({ scopes: ["**"], exclude: excludes });
  if (excludes.length > 0 && selected.length > 0 && !selected.some((path) => kept.matches(path))) {
    problems.push(loaded.source.at(["outputs", "waveformExclude"], `outputs.waveformExclude: excludes every signal ${scopes.length === 0 ? "of the design" : "outputs.waveformScopes select"}: the waveform would hold none`));
  }
  return problems;
}

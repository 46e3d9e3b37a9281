import type { Kernel } from "../../sim/kernel.js";
import { ScopeMatcher } from "../../sim/vcd/selection.js";
import type { LoadedScenario } from "./load.js";

/**
 * The waveform's scope patterns that select nothing of the built design, each at its place: with
 * only such patterns a run would write a dump without a signal. Design paths start at `top`, which `--set`
 * paths leave out, so a pattern that would match with it gets that suggestion.
 */
export function waveformScopeProblems(loaded: LoadedScenario, kernel: Kernel): string[] {
  const patterns = loaded.scenario.outputs.waveform ? (loaded.scenario.outputs.waveformScopes ?? []) : [];
  if (patterns.length === 0) return [];
  const paths = [...kernel.signals.map((signal) => signal.path), ...kernel.events.map((event) => event.path), ...kernel.domains.filter((domain) => domain.traced).map((domain) => domain.path)];
  const selects = (pattern: string) => {
    const matcher = new ScopeMatcher({ scopes: [pattern] });
    return paths.some((path) => matcher.matches(path));
  };
  return patterns.flatMap((pattern, index) => {
    if (selects(pattern)) return [];
    const hint = selects(`top.${pattern}`) ? ` (did you mean top.${pattern}? design paths start at top)` : "";
    return [loaded.source.at(["outputs", "waveformScopes", index], `outputs.waveformScopes[${index}]: '${pattern}' selects no signal of the design${hint}`)];
  });
}

import { readFileSync } from "node:fs";

/** The first figure two runs' summaries give differently: its place (`flows[2].received`) and each run's value, as JSON. */
export interface SummaryDifference {
  readonly path: string;
  readonly first: string;
  readonly second: string;
}

/** Longest value shown: a whole section (a flow, a sample) can differ. */
const SHOWN_CHARACTERS = 160;

/**
 * The first difference between two summaries of one scenario's runs over the same span (nicsim
 * every-edge ends its second run where the first ended), or null. Only the kernel's own counts are
 * left out: they measure the model's work, which the two ways of running differ in by design
 * (nicsim validate's work budgets hold them).
 */
export function firstSummaryDifference(first: string, second: string): SummaryDifference | null {
  const [one, other] = [first, second].map((path) => {
    const { kernel: _work, ...summary } = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    return summary;
  });
  return firstDifferenceIn(one, other, "");
}

function firstDifferenceIn(one: unknown, other: unknown, path: string): SummaryDifference | null {
  if (typeof one === "object" && one !== null && typeof other === "object" && other !== null && Array.isArray(one) === Array.isArray(other)) {
    const keys = Array.isArray(one) ? Array.from({ length: Math.max(one.length, (other as unknown[]).length) }, (_, index) => index) : [...new Set([...Object.keys(one), ...Object.keys(other)])];
    for (const key of keys) {
      const place = typeof key === "number" ? `${path}[${key}]` : path === "" ? key : `${path}.${key}`;
      const found = firstDifferenceIn((one as Record<string | number, unknown>)[key], (other as Record<string | number, unknown>)[key], place);
      if (found !== null) return found;
    }
    return null;
  }
  const [a, b] = [one, other].map((value) => (value === undefined ? "(none)" : JSON.stringify(value)));
  if (a === b) return null;
  const shown = (text: string) => (text.length > SHOWN_CHARACTERS ? `${text.slice(0, SHOWN_CHARACTERS)}…` : text);
  return { path: path === "" ? "(the whole summary)" : path, first: shown(a!), second: shown(b!) };
}

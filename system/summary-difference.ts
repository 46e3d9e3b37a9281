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
 * The first difference between two summaries of one scenario's runs, or null. Left out are the
 * figures that depend on where a run stopped, not on what it did: the run's length and the host's
 * cores' use over it, the kernel's own counts (nicsim validate's work budgets hold those), and the
 * samples whose interval ends less than one interval before the earlier run's end (the last, cut
 * off at each run's own end).
 */
export function firstSummaryDifference(first: string, second: string): SummaryDifference | null {
  const [one, other] = [first, second].map((path) => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>);
  const end = Math.min(Number(one!.simulatedMicroseconds), Number(other!.simulatedMicroseconds));
  return firstDifferenceIn(comparable(one!, end), comparable(other!, end), "");
}

function comparable(summary: Record<string, unknown>, end: number): Record<string, unknown> {
  const { kernel: _work, simulatedMicroseconds: _length, samples, host, ...rest } = summary;
  const interval = Number((summary.sampling as { intervalMicroseconds?: unknown } | undefined)?.intervalMicroseconds ?? 0);
  const kept = Array.isArray(samples) ? samples.filter((sample: { time?: unknown }) => Number(sample.time) <= end - interval) : samples;
  // Each core's busy time divided by the run's length.
  const { utilisation: _overTheRun, ...hostRest } = (host ?? {}) as Record<string, unknown>;
  return { ...rest, samples: kept, host: hostRest };
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

import { z } from "zod";
import { formatPath } from "./source-map.js";

const LatencySchema = z.object({ count: z.number(), p50: z.number(), p99: z.number(), max: z.number() });

/**
 * What a sweep keeps of each run, the figures to compare: one definition for the rows a sweep
 * writes and for the check `sweep-merge` makes of each row it reads back (a row edited by hand).
 */
export const SweepResultSchema = z.object({
  index: z.number().int().nonnegative(),
  overrides: z.record(z.string(), z.unknown()),
  outcome: z.string(),
  classes: z.array(z.object({ trafficClass: z.number(), className: z.string(), direction: z.string(), received: z.number(), gigabitsPerSecond: z.number(), latency: LatencySchema, host: LatencySchema })).readonly(),
  cache: z.object({ txHits: z.number(), txMisses: z.number(), rxHits: z.number(), rxMisses: z.number(), fetches: z.number(), staleHandles: z.number() }),
  softwareTx: z.number(),
  softwareRx: z.number(),
  preemptions: z.object({ tx: z.number(), rx: z.number() }),
  /** The host's cores: mean share of the run busy, and software crypto suspended. */
  host: z.object({ busy: z.number(), preemptions: z.number() }),
  lost: z.number(),
});

export type SweepResult = z.infer<typeof SweepResultSchema>;

/** What is wrong with a row that is not a sweep result, each field by its path (`classes[0].latency.p99: missing`); null when it is one. */
export function sweepResultProblems(row: unknown): string[] | null {
  const checked = SweepResultSchema.safeParse(row);
  if (checked.success) return null;
  return checked.error.issues.map((issue) => {
    const place = issue.path.length === 0 ? "the row" : formatPath(issue.path as PropertyKey[]);
    if (issue.code !== "invalid_type") return `${place}: ${issue.message}`;
    const given = issue.path.reduce<unknown>((node, key) => (node as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey], row);
    return `${place}: ${given === undefined ? "missing" : `expected ${issue.expected === "array" ? "a list" : issue.expected === "object" ? "a mapping" : `a ${issue.expected}`}`}`;
  });
}

import { z } from "zod";
import { formatPath } from "./source-map.js";
import { redactSecrets, unnumberSecrets } from "./secret-paths.js";
import { kindName } from "./schema-issues.js";
import { DROP_PLACES, type DropPlaceKey } from "./summary.js";

const count = () => z.number().int().nonnegative();
const microseconds = () => z.number().nonnegative();
// Null with no packet to measure, and only then.
const LatencySchema = z
  .strictObject({ count: count(), p50: microseconds().nullable(), p99: microseconds().nullable(), max: microseconds().nullable() })
  .refine((latency) => [latency.p50, latency.p99, latency.max].every((value) => (value === null) === (latency.count === 0)), "p50, p99 and max are null when count is 0, and only then");

/**
 * What a sweep keeps of each run, the figures to compare: one definition for the rows a sweep
 * writes and for the check `sweep-merge` makes of each row it reads back (a row edited by hand).
 */
export const SweepResultSchema = z.strictObject({
  index: count(),
  overrides: z.record(z.string(), z.unknown()),
  // The forms describeEnding gives (run-ending.ts); a stop's own message is the model's text.
  outcome: z.string().regex(/^(every packet arrived(; the drain time ran out with the NIC or the drivers still at work)?|no packet was due: each stream's first packet fell after the traffic's [\d.e+-]+ µs|every packet arrived or was dropped with a counted reason \(\d+ dropped\)(; the drain time ran out with the NIC or the drivers still at work)?|quiet for [\d.]+ µs with packets not arrived and not counted as dropped|the drain time ran out with packets still in flight|stopped: [^\u0000-\u001f\u007f]+)$/, "an outcome as nicsim words one"),
  classes: z
    .array(
      z.strictObject({
        trafficClass: z.number().int().min(0).max(7),
        // Printed as a column's heading: no control characters (a terminal would act on them).
        className: z.string().regex(/^[^\u0000-\u001f\u007f]+$/, "a name without control characters"),
        direction: z.enum(["to-peer", "to-host"]),
        received: count(),
        gigabitsPerSecond: z.number().nonnegative(),
        // Rows of a sweep from before it was kept have none (sweep-merge reads them, and shows a blank).
        gigabitsPerSecondInTraffic: z.number().nonnegative().optional(),
        latency: LatencySchema,
        host: LatencySchema,
      }),
    )
    .readonly(),
  cache: z.strictObject({ txHits: count(), txMisses: count(), rxHits: count(), rxMisses: count(), fetches: count(), staleHandles: count() }),
  softwareTx: count(),
  softwareRx: count(),
  preemptions: z.strictObject({ tx: count(), rx: count() }),
  /** Per direction, the NIC crypto engines' busy time, and of it the work preemptions threw away and the saving and restoring they took. */
  preemptionCost: z.strictObject(Object.fromEntries(["tx", "rx"].map((direction) => [direction, z.strictObject({ busyMicroseconds: microseconds(), lostMicroseconds: microseconds(), switchMicroseconds: microseconds() })])) as Record<"tx" | "rx", z.ZodObject<Record<"busyMicroseconds" | "lostMicroseconds" | "switchMicroseconds", z.ZodNumber>, z.core.$strict>>),
  /** The host's cores: mean share of the run busy, and software crypto suspended. */
  host: z.strictObject({ busy: z.number().min(0).max(1), preemptions: count() }),
  lost: count(),
  /** Copies of its packets the gateway sent on purpose (replays, forged copies), and those under another tunnel's SA not sent: with them, offered + copies = delivered + counted drops. */
  injectedCopies: z.strictObject({ replays: count(), cleartext: count(), crossTunnel: count(), crossTunnelUnsent: count() }),
  /** Counted drops by place and reason (what `lost` is made of, and drops of copies and IKE messages); a place with none is left out. */
  drops: z.strictObject(
    Object.fromEntries(Object.keys(DROP_PLACES).map((place) => [place, z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, "a drop reason as nicsim names one (NO_SA)"), count().positive()).optional()])) as Record<DropPlaceKey, z.ZodOptional<z.ZodRecord<z.ZodString, z.ZodNumber>>>,
  ),
});

export type SweepResult = z.infer<typeof SweepResultSchema>;

/** What is wrong with a row that is not a sweep result, each field by its path (`classes[0].latency.p99: missing`); null when it is one. */
export function sweepResultProblems(row: unknown): string[] | null {
  const checked = SweepResultSchema.safeParse(row);
  // A sweep writes every key as <secret> (on a key's axis, `<secret 2>`: which of its values): one in clear was put there by hand, and is not shown.
  const overrides = checked.success ? Object.fromEntries(Object.entries(checked.data.overrides).map(([path, value]) => [path, unnumberSecrets(value)])) : {};
  const keyInClear = checked.success && JSON.stringify(redactSecrets(overrides)) !== JSON.stringify(overrides);
  if (checked.success && !keyInClear) return null;
  // One place the schema finds wrong twice (a count below its minimum and not positive) is said once.
  const problems = checked.success ? [] : [...new Set(checked.error.issues.map((issue) => describe(issue, row)))];
  return keyInClear ? [...problems, "overrides: a key in clear (not shown), where nicsim sweep writes <secret>"] : problems;
}

function describe(issue: z.core.$ZodIssue, row: unknown): string {
  const place = issue.path.length === 0 ? "the row" : formatPath(issue.path as PropertyKey[]);
  switch (issue.code) {
    case "invalid_type": {
      const given = issue.path.reduce<unknown>((node, key) => (node as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey], row);
      return `${place}: ${given === undefined ? "missing" : `expected ${kindName(issue.expected)}`}`;
    }
    case "too_small":
      return `${place}: expected ${issue.inclusive === false ? "more than" : "at least"} ${issue.minimum}`;
    case "too_big":
      return `${place}: expected at most ${issue.maximum}`;
    case "invalid_value":
      return `${place}: expected one of ${issue.values.join(", ")}`;
    case "unrecognized_keys":
      return `${place}: field${issue.keys.length > 1 ? "s" : ""} nicsim sweep does not write: ${issue.keys.slice(0, 4).join(", ")}${issue.keys.length > 4 ? ", …" : ""}`;
    case "custom":
      return `${place}: ${issue.message}`;
    case "invalid_key":
      return `${place}: expected ${issue.issues[0]?.message ?? "a key of another form"}`;
    default:
      return `${place}: expected ${issue.message}`;
  }
}

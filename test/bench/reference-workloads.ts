import { z } from "zod";
import { NodeCryptoBackend } from "../../sim/crypto/node-backend.js";
import { measureInlineEsp } from "./inline-esp-workload.js";
import { measurePlain, PLAIN_QUEUES } from "./plain-workload.js";
import { measureDefaultScenario } from "./scenario-workload.js";
import type { WorkloadMeasurement } from "./workload-measurement.js";

/**
 * The reference workloads of `npm run bench` (issue 17), each measured in a process of its own:
 * a workload's size is frames (packets for ESP) offered, or a scenario's durationMicroseconds.
 */
export const WORKLOADS = {
  "plain-tx-60": { label: "plain TX, 60-byte frames", unit: "frames", measure: (size: number) => measurePlain("tx", 60, size) },
  "plain-tx-1500": { label: "plain TX, 1500-byte frames", unit: "frames", measure: (size: number) => measurePlain("tx", 1500, size) },
  "plain-rx-60": { label: "plain RX, 60-byte frames", unit: "frames", measure: (size: number) => measurePlain("rx", 60, size) },
  "plain-rx-1500": { label: "plain RX, 1500-byte frames", unit: "frames", measure: (size: number) => measurePlain("rx", 1500, size) },
  "esp-tx-1400": {
    label: "inline ESP TX, 1400-byte packets, 4 SAs, node:crypto",
    unit: "packets",
    measure: (size: number) => measureInlineEsp({ packets: size, packetBytes: 1400, backend: new NodeCryptoBackend(), sas: 4 }),
  },
  "default-scenario": { label: "default scenario, no waveform", unit: "µs of traffic", measure: (size: number) => measureDefaultScenario(size, false) },
  "default-scenario-waveform": { label: "default scenario, waveform", unit: "µs of traffic", measure: (size: number) => measureDefaultScenario(size, true) },
} as const satisfies Record<string, { label: string; unit: "frames" | "packets" | "µs of traffic"; measure: (size: number) => WorkloadMeasurement }>;

export type WorkloadName = keyof typeof WORKLOADS;

export function isWorkloadName(name: string): name is WorkloadName {
  return Object.hasOwn(WORKLOADS, name);
}

/** What is wrong with a size for the workload (`typed`: as typed, undefined when missing; a default made it "NaN", from an outside check), naming its unit, or null: a plain workload's frames are shared evenly among its queues (4,002 passed the benches' checks and failed inside the workload, from an outside check). */
export function workloadSizeProblem(name: WorkloadName, size: number, what: string, typed: string | undefined): string | null {
  const unit = WORKLOADS[name].unit;
  if (typed === undefined) return `${what} missing: a whole number of ${unit}`;
  if (!Number.isSafeInteger(size) || size <= 0) return `${what} ${JSON.stringify(typed)}: expected a whole number of ${unit}, 1 or more`;
  if (name.startsWith("plain-") && size % PLAIN_QUEUES !== 0) return `${what} ${size}: ${name} shares its frames among ${PLAIN_QUEUES} queues, so its size is a multiple of ${PLAIN_QUEUES} (${size - (size % PLAIN_QUEUES)} or ${size - (size % PLAIN_QUEUES) + PLAIN_QUEUES})`;
  return null;
}

/** A size as typed: a whole decimal number (0x10 and 1e3 were taken as 16 and 1000), NaN for anything else, a missing one included. */
export function typedSize(text: string | undefined): number {
  return text !== undefined && /^[0-9]+$/.test(text) ? Number(text) : NaN;
}

/** The workload a bench was given, or what is wrong with it or its size. */
export function checkedWorkload(name: string | undefined, size: number, what: string, typed: string | undefined): { readonly workload: WorkloadName; readonly problem: null } | { readonly workload: null; readonly problem: string } {
  if (name === undefined || !isWorkloadName(name)) return { workload: null, problem: `workload ${name === undefined ? "missing" : JSON.stringify(name)}: expected one of ${Object.keys(WORKLOADS).join(", ")}` };
  const problem = workloadSizeProblem(name, size, what, typed);
  return problem === null ? { workload: name, problem } : { workload: null, problem };
}

/** The workloads, each with what its size counts: for a usage line. */
export function workloadList(): string {
  return Object.entries(WORKLOADS).map(([name, { unit }]) => `${name} (size in ${unit})`).join(", ");
}

/** The short run before the timed one, so that the timed one runs JIT-compiled code. */
export function warmUpSize(name: WorkloadName, size: number): number {
  if (name.startsWith("default-scenario")) return Math.min(size, 100);
  // Plain workloads offer a multiple of 4 frames, one share per queue.
  return Math.max(4, Math.min(4000, Math.floor(size / 40) * 4));
}

/** What a workload's process prints: one JSON line of this shape. */
const ReportSchema = z.object({
  workload: z.enum(Object.keys(WORKLOADS) as [WorkloadName, ...WorkloadName[]]),
  size: z.number().int().positive(),
  offered: z.number().int().nonnegative().nullable(),
  // None on the wire is no rate: a build reporting 0 was timed as infinitely slower (ratio Infinity; from an outside check).
  wireFrames: z.number().int().positive("no frame on the wire, so no rate"),
  delivered: z.number().int().nonnegative(),
  seconds: z.number().positive(),
  simulatedPicoseconds: z.number().nonnegative(),
  nicCycles: z.number().nonnegative(),
  timesteps: z.number().int().nonnegative(),
  evaluationsByBlock: z.record(z.string(), z.number().int().nonnegative()),
  /** The process's peak resident memory (maxRSS), warm-up included. */
  peakResidentKilobytes: z.number().positive(),
  liveMemoryBytes: z.number().positive(),
});

export type WorkloadReport = z.infer<typeof ReportSchema>;

/** Measure one workload in this process; the peak memory is this process's so far. */
export function runWorkload(name: WorkloadName, size: number): WorkloadReport {
  const measured = WORKLOADS[name].measure(size);
  return {
    workload: name,
    size,
    offered: measured.offered,
    wireFrames: measured.wireFrames,
    delivered: measured.delivered,
    seconds: measured.seconds,
    simulatedPicoseconds: measured.simulatedPicoseconds,
    nicCycles: measured.nicCycles,
    timesteps: measured.timesteps,
    evaluationsByBlock: measured.evaluationsByBlock,
    peakResidentKilobytes: process.resourceUsage().maxRSS,
    liveMemoryBytes: measured.liveMemoryBytes,
  };
}

/** The two fields a rate needs: a build from before a field was added to the report (liveMemoryBytes, evaluationsByBlock) still gives them, so another build can be timed against this one. */
const RateSchema = ReportSchema.pick({ wireFrames: true, seconds: true });

export type WorkloadRate = z.infer<typeof RateSchema>;

/** A workload process's output line, checked: a bad line is refused naming the field. */
export function parseWorkloadReport(line: string): WorkloadReport {
  return parseLine(line, ReportSchema);
}

/** Only what a rate needs of a workload process's output line (bench:alternate, bench:instructions, which may read another build's). */
export function parseWorkloadRate(line: string): WorkloadRate {
  return parseLine(line, RateSchema);
}

function parseLine<T>(line: string, schema: z.ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    // Quoted: what a broken build printed (escape sequences among it) is shown, not sent to the terminal.
    throw new Error(`workload report is not JSON (${(error as Error).message}): ${JSON.stringify(line.slice(0, 200))}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`workload report: ${parsed.error.issues.map((issue) => `${issue.path.join(".") || "(line)"}: ${issue.message}`).join("; ")}`);
  return parsed.data;
}

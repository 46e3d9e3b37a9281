import { MAX_SA_TABLE_ENTRIES } from "../hw/spec/register-fields.js";
import { dirname } from "node:path";
import { isTemporaryName, leavingFilesOnFailure, OutputFiles, outputPlaceProblem } from "../sim/output-files.js";
import { problemsMessage } from "../sim/errors.js";
import { type CpuCosts, type PolicyOutcome, replay, traceSpan } from "../driver/caching/evaluate.js";
import { MetricPolicy, type MetricParameters, thresholdFromCosts } from "../driver/caching/metric-policy.js";
import { BeladyMin, type CachePolicy, LeastFrequentlyUsed, LeastRecentlyUsed, RandomReplacement, StaticFirstCome } from "../driver/caching/policies.js";
import { inRecordedOrder, readTrace, type SaAccess, type SaRemoval, type TableEntries, TraceError } from "../driver/caching/trace.js";
import { evaluationSvg } from "./policy-eval-chart.js";
import { burstWorkload, scanWorkload, shiftingWorkload, type WorkloadShape, zipfWorkload } from "../driver/caching/workloads.js";

/**
 * CPU costs of the model's defaults, in cycles: an install through SA_STAGE/SA_COMMAND and its status read (4.1 µs of a 3 GHz core:
 * its eleven register writes and the read; 4000, a third of it, made installing policies look cheap), software ESP per packet and
 * per byte, inline preparation. A test holds them to the model's.
 */
export const MODEL_COSTS: CpuCosts = { installCycles: 12_300, softwareCyclesPerPacket: 1500, softwareCyclesPerByte: 1.5, hardwareCyclesPerPacket: 300 };

export function metricParameters(costs: CpuCosts, bytes: number): MetricParameters {
  const perPacket = 1;
  return {
    initial: 0,
    installBonus: 0,
    perPacket,
    decayFactor: 0.5,
    decayAmount: 0,
    decayPeriod: 2_000_000_000, // 2 ms: about 2000 packets at the workloads' rate
    threshold: thresholdFromCosts({ ...costs, softwareCyclesPerPacket: costs.softwareCyclesPerPacket + costs.softwareCyclesPerByte * bytes }, perPacket),
  };
}

export interface EvaluationRow {
  readonly workload: string;
  readonly sas: number;
  readonly capacity: number;
  readonly outcomes: (PolicyOutcome & { readonly ofMin: number })[];
}

export function workloads(seed = 1): Workload[] {
  const shape: WorkloadShape = { sas: 256, packets: 60_000, meanGap: 1_000_000, bytes: 1400, seed };
  return [
    { name: "zipf 0.8", trace: zipfWorkload(shape, 0.8), sas: shape.sas, bytes: shape.bytes },
    { name: "zipf 1.1", trace: zipfWorkload(shape, 1.1), sas: shape.sas, bytes: shape.bytes },
    { name: "shifting working set", trace: shiftingWorkload(shape, 32, 5000), sas: shape.sas, bytes: shape.bytes },
    { name: "scan", trace: scanWorkload(shape, 32, 2000, 300), sas: shape.sas, bytes: shape.bytes },
    { name: "bursts", trace: burstWorkload(shape, 50, 0.9), sas: shape.sas, bytes: shape.bytes },
  ];
}

/** A recorded trace to evaluate; with its run's table sizes, each direction is replayed against its own table of that size. */
export interface TraceInput {
  readonly name: string;
  readonly trace: SaAccess[];
  /** The SAs the run deleted among the accesses: a replay frees their entries there, as the run did. */
  readonly removals?: readonly SaRemoval[];
  readonly tableEntries?: TableEntries | null;
}

/** One workload to replay: at the given table sizes, or at 1/16, 1/4 and 1/2 of its SAs. */
interface Workload {
  readonly name: string;
  readonly trace: SaAccess[];
  readonly removals?: readonly SaRemoval[];
  readonly sas: number;
  readonly bytes: number;
  readonly capacities?: readonly number[];
  /** The recorded trace's span (ps), first record to last, of which this workload may be one direction's part. */
  readonly span?: number;
}

function traceWorkloads({ name, trace, removals = [], tableEntries }: TraceInput): Workload[] {
  const workload = (label: string, accesses: SaAccess[], removed: readonly SaRemoval[], capacities?: number[]): Workload => ({
    name: label,
    trace: accesses,
    removals: removed,
    sas: new Set(accesses.map((access) => access.sa)).size,
    bytes: Math.round(accesses.reduce((sum, access) => sum + access.bytes, 0) / Math.max(1, accesses.length)),
    capacities,
    span: traceSpan(trace),
  });
  if (!tableEntries) return [workload(name, trace, removals)];
  // The NIC has a table each way: the run's sizes, each replayed with its direction's accesses and deletions.
  return (["tx", "rx"] as const).flatMap((direction) => {
    const accesses: SaAccess[] = [];
    const removed: SaRemoval[] = [];
    for (const record of inRecordedOrder(trace, removals)) {
      if (record.direction !== direction) continue;
      // A deletion's place among its own direction's accesses.
      if ("after" in record) removed.push({ ...record, after: accesses.length });
      else accesses.push(record);
    }
    return accesses.length > 0 ? [workload(`${name} ${direction}`, accesses, removed, [tableEntries[direction]])] : [];
  });
}

/** Every policy on every workload (the generated ones, or the traces given) at 1/16, 1/4 and 1/2 of the SAs, or a trace's run's table sizes. */
export function evaluatePolicies(costs: CpuCosts = MODEL_COSTS, seed = 1, traces?: readonly TraceInput[]): EvaluationRow[] {
  const rows: EvaluationRow[] = [];
  const inputs: Workload[] = traces ? traces.flatMap(traceWorkloads) : workloads(seed);
  for (const { name, trace, removals, sas, bytes, capacities, span } of inputs) {
    for (const capacity of capacities ?? [...new Set([sas / 16, sas / 4, sas / 2].map((size) => Math.max(1, Math.round(size))))]) {
      const policies: CachePolicy[] = [
        new MetricPolicy(capacity, metricParameters(costs, bytes)),
        new StaticFirstCome(capacity),
        new LeastRecentlyUsed(capacity),
        new LeastFrequentlyUsed(capacity),
        new RandomReplacement(capacity, seed),
        new BeladyMin(capacity, trace, removals),
      ];
      const outcomes = policies.map((policy) => replay(trace, policy, costs, span, removals));
      const best = outcomes.at(-1)!.hitRatio;
      rows.push({ workload: name, sas, capacity, outcomes: outcomes.map((outcome) => ({ ...outcome, ofMin: best > 0 ? outcome.hitRatio / best : 1 })) });
    }
  }
  return rows;
}

export function formatEvaluation(rows: readonly EvaluationRow[]): string {
  const names = rows[0]!.outcomes.map((outcome) => outcome.policy);
  const lines = [
    "Hit ratio (fraction of MIN) per policy; then the metric policy's share of bytes in hardware, installs per second and software CPU (Gcycles).",
    "",
    `| workload | cache | ${names.join(" | ")} | metric: hw bytes | metric: installs/s | metric: sw Gcycles | lru: sw Gcycles |`,
    `| --- | --- | ${names.map(() => "---").join(" | ")} | --- | --- | --- | --- |`,
  ];
  for (const row of rows) {
    const metric = row.outcomes[0]!;
    const lru = row.outcomes.find((outcome) => outcome.policy === "lru")!;
    const cells = row.outcomes.map((outcome) => `${outcome.hitRatio.toFixed(3)} (${outcome.ofMin.toFixed(2)})`);
    lines.push(
      `| ${row.workload} | ${row.capacity}/${row.sas} | ${cells.join(" | ")} | ${(metric.hardwareByteShare * 100).toFixed(1)}% | ${Math.round(metric.installsPerSecond)} | ${gigacycles(metric.softwareCycles)} | ${gigacycles(lru.softwareCycles)} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Read each trace file. A trace must span two distinct times: with none there is nothing to
 * evaluate (no cache size, no hit ratio), and with one the installs per second are a rate over no time.
 * Table sizes given (`tableEntries`) replace the ones a trace's run recorded.
 */
/** Each trace, or what is wrong with it: every trace is read, so that each one's mistake is said at once. */
function readTraces(paths: readonly string[], tableEntries?: TableEntries): { traces: TraceInput[]; problems: string[] } {
  const traces: TraceInput[] = [];
  const problems: string[] = [];
  for (const path of paths) {
    try {
      const { accesses: trace, removals, tableEntries: recorded } = readTrace(path);
      if (trace.length === 0) problems.push(`${path}: the trace holds no SA accesses (no line with a record), so there is nothing to evaluate`);
      else if (trace[0]!.time === trace.at(-1)!.time) problems.push(`${path}: every record is at ${trace[0]!.time} ps: a trace must span two distinct times, for installs per second to be a rate over some time`);
      else traces.push({ name: path, trace, removals, tableEntries: tableEntries ?? recorded });
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      problems.push(...(error instanceof TraceError ? error.problems : [error.message]));
    }
  }
  return { traces, problems };
}

/** The traces read, and what keeps the evaluation from running: every trace's problem and where the files go, at once. */
export function policyEvaluationProblems(base: string, tracePaths: readonly string[], givenBy?: string, tableEntries?: TableEntries): { traces: TraceInput[]; problems: string[] } {
  const { traces, problems } = readTraces(tracePaths, tableEntries);
  const place = outputPlaceProblem(dirname(base), givenBy === undefined ? dirname(base) : `${dirname(base)} (${givenBy})`);
  return { traces, problems: place === null ? problems : [...problems, place] };
}

/**
 * Run the evaluation and write `<base>.json`, `<base>.svg` and `<base>.md`, each given its name once all are written. `givenBy` names the option that gave `base`, for messages.
 * Traces are replayed at their runs' table sizes unless `tableEntries` gives others.
 */
export function runPolicyEvaluation(base: string, tracePaths: string[] = [], givenBy?: string, tableEntries?: TableEntries): { text: string; files: string[]; warnings: string[] } {
  // The traces and where the files go are checked first, together, and nothing is made when either is wrong.
  const { traces, problems } = policyEvaluationProblems(base, tracePaths, givenBy, tableEntries);
  const refused = problemsMessage("the evaluation cannot run", problems);
  if (refused !== null) throw new Error(refused);
  const outputs = new OutputFiles({ directory: dirname(base), givenBy });
  const rows = evaluatePolicies(MODEL_COSTS, 1, tracePaths.length > 0 ? traces : undefined);
  const text = formatEvaluation(rows);
  return leavingFilesOnFailure(outputs, () => {}, () => {
    outputs.write(`${base}.json`, `${JSON.stringify(rows, null, 2)}\n`);
    outputs.write(`${base}.svg`, evaluationSvg(rows));
    outputs.write(`${base}.md`, text);
    return { text, files: outputs.commit(), warnings: partialTraceWarnings(tracePaths) };
  });
}

/** A trace under a run's temporary name was cut off where that run stopped (or is still being written): its accesses end early. */
function partialTraceWarnings(paths: readonly string[]): string[] {
  return paths.filter(isTemporaryName).map((path) => `${path}: a temporary name: the run writing this trace did not finish (or is still running), so it holds only the accesses up to where it stopped`);
}

/** `--table-entries 8` (both tables) or `8,16` (TX, RX): the sizes, or what is wrong with the text. */
export function parseTableEntries(text: string): TableEntries | string {
  const match = /^(\d+)(?:,(\d+))?$/.exec(text.trim());
  const tx = Number(match?.[1]);
  const rx = Number(match?.[2] ?? match?.[1]);
  return match && tx >= 1 && rx >= 1 && tx <= MAX_SA_TABLE_ENTRIES && rx <= MAX_SA_TABLE_ENTRIES ? { tx, rx } : `expected entries for both tables (8) or for TX and RX (8,16), each from 1 to ${MAX_SA_TABLE_ENTRIES}`;
}

/** Cycles in billions: three decimals, or two significant digits below a million cycles (a short trace's 168,300 read 0.000; an outside check). */
function gigacycles(cycles: number): string {
  const billions = cycles / 1e9;
  return billions === 0 || billions >= 0.001 ? billions.toFixed(3) : billions.toPrecision(2);
}

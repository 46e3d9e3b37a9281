import { ParameterError } from "../sim/errors.js";
import { flattenParameters, parameterProblem } from "../sim/parameters.js";
import { OutputFiles } from "../sim/output-files.js";
import { dirname } from "node:path";
import type { Percentiles } from "../sim/stats/percentiles.js";
import { BULK_PACKET_BYTES, buildLatencyBenchmark, HIGH_PACKET_BYTES, type LatencyBenchmarkResult, runLatencyBenchmark } from "./latency-benchmark.js";
import { tunnelFrameBytes } from "./ipsec-setup.js";
import { type BuiltThreshold, builtWriteBackThresholdWarning } from "./scenario/write-back-threshold.js";
import type { PreemptionPolicy } from "../sim/crypto/preemption-policy.js";

export const POLICIES: readonly PreemptionPolicy[] = ["run-to-completion", "preempt-resume", "preempt-restart"];

export interface LatencyReportOptions {
  readonly directions?: readonly ("tx" | "rx")[];
  readonly load?: number;
  readonly highPackets?: number;
  readonly highGapNanoseconds?: number;
  /** Inner packet bytes of the bulk and the high-priority stream (IPv4 and UDP headers included). */
  readonly bulkPacketBytes?: number;
  readonly highPacketBytes?: number;
  /**
   * Crypto bytes per cycle of all the engines together, for the crypto-bound runs that show the
   * bulk throughput cost of preemption (6: about half a 25 Gb/s line at 250 MHz), divided among the
   * engines and rounded down, at least 1 each; a bytesPerCycle given in `parameters` is kept instead.
   */
  readonly saturatedBytesPerCycle?: number;
  readonly parameters?: Record<string, unknown>;
  /** What gave `parameters` (`--set`), named in a mistake's message. */
  readonly parametersSource?: string;
  readonly seed?: number;
  /** Called before each run, for progress. */
  readonly onRun?: (label: string) => void;
  /** Hears each warning (accepted, likely not meant) before the first run. */
  readonly warn?: (warning: string) => void;
}

export interface DirectionReport {
  readonly direction: "tx" | "rx";
  readonly unloaded: LatencyBenchmarkResult;
  readonly loaded: readonly LatencyBenchmarkResult[];
  /** Crypto-bound runs (bulk offered at the full line rate through slower engines), per policy. */
  readonly saturated: readonly LatencyBenchmarkResult[];
  readonly goals: {
    /** strictWaitBound: checkInterval + saveCycles, plus the latency with a one-deep pipeline (deeper, the latency less depth − 1 where that is longer). */
    readonly waitBoundCycles: number;
    /** What it is made of, in words. */
    readonly waitBoundTerms: string;
    readonly waitP99Cycles: number;
    readonly waitMet: boolean;
    /** waitBoundCycles plus the largest frame's time on the wire, picoseconds. */
    readonly excessBound: number;
    /** Loaded p99 end to end under preempt-resume minus the unloaded p99, picoseconds. */
    readonly excess: number;
    readonly excessMet: boolean;
    /** The unloaded run and the loaded one under preempt-resume, which the goals compare, measured every high-priority packet they sent (one still on its way at the run's end, or dropped, has no latency: the goals are not met without it). */
    readonly allMeasured: boolean;
  };
}

/** What every run of the report shares. */
const commonOf = (options: LatencyReportOptions) => ({
  highPackets: options.highPackets ?? 200,
  highGapNanoseconds: options.highGapNanoseconds ?? 10_000,
  bulkPacketBytes: options.bulkPacketBytes ?? BULK_PACKET_BYTES,
  highPacketBytes: options.highPacketBytes ?? HIGH_PACKET_BYTES,
  seed: options.seed,
  parameters: options.parameters,
  parametersSource: options.parametersSource,
});

/** The report's parameters checked before its first run, every mistake at once: throws a ParameterError naming each; returns the first design it built (null for no direction). */
export function checkLatencyParameters(options: LatencyReportOptions = {}): BuiltThreshold | null {
  const common = commonOf(options);
  const directions = options.directions ?? ["tx", "rx"];
  // The policy of each direction measured is what the report varies: a value given for it would relabel every row.
  // Given by path or inside an object (nic.crypto_tx = { policy: … }).
  const given = flattenParameters(options.parameters ?? {});
  const varied = directions.map((direction) => `top.nic.crypto_${direction}.policy`).filter((path) => given.has(path));
  const problems = varied.map((path) => parameterProblem(options.parametersSource ?? "parameters", path, given.get(path), "the report runs each crypto policy in turn (its rows are the policies); drop this value"));
  // A parameter mistake is refused before the first run starts, not after it, with the others.
  const others = Object.fromEntries([...given].filter(([path]) => !varied.includes(path)));
  const built: BuiltThreshold[] = [];
  try {
    for (const direction of directions) built.push(buildLatencyBenchmark({ ...common, parameters: others, direction, policy: "preempt-resume" }).top);
  } catch (error) {
    if (!(error instanceof ParameterError)) throw error;
    problems.push(error.message);
  }
  if (problems.length > 0) throw new ParameterError(problems.join("\n"));
  return built[0] ?? null;
}

/** Run the benchmark for each direction: unloaded, then each crypto policy under load, then crypto-bound. */
export function runLatencyReport(options: LatencyReportOptions = {}): DirectionReport[] {
  const checked = checkLatencyParameters(options);
  const common = commonOf(options);
  const load = options.load ?? 0.9;
  const directions = options.directions ?? ["tx", "rx"];
  // Said before the runs: a threshold the rings never reach slows every TX row (to nothing with a long nic.tx.writeBackDelay).
  const threshold = checked && builtWriteBackThresholdWarning(checked, [tunnelFrameBytes(common.bulkPacketBytes), tunnelFrameBytes(common.highPacketBytes)], options.parameters ?? {}, options.parametersSource ?? "parameters");
  if (threshold) options.warn?.(threshold);
  return directions.map((direction) => {
    const run = (label: string, policy: PreemptionPolicy, runLoad: number, parameters: Record<string, unknown> = {}) => {
      options.onRun?.(`${direction} ${label}`);
      return runLatencyBenchmark({ ...common, direction, policy, load: runLoad, parameters: { ...common.parameters, ...parameters } });
    };
    const unloaded = run("unloaded", "preempt-resume", 0);
    const loaded = POLICIES.map((policy) => run(`${policy} at ${load * 100}%`, policy, load));
    const saturated = POLICIES.map((policy) => run(`${policy} crypto-bound`, policy, 1, saturatedParameters(direction, options)));
    const resume = loaded[POLICIES.indexOf("preempt-resume")]!;
    const waitBoundCycles = resume.waitBoundCycles;
    const excessBound = waitBoundCycles * resume.corePeriod + resume.largestFrameOnWire;
    const excess = resume.endToEnd.p99 - unloaded.endToEnd.p99;
    // The goals compare these two: each must have measured every packet it sent.
    const allMeasured = [unloaded, resume].every((result) => result.highDelivered === result.options.highPackets);
    return {
      direction,
      unloaded,
      loaded,
      saturated,
      goals: { waitBoundCycles, waitBoundTerms: resume.waitBoundTerms, waitP99Cycles: resume.cryptoWaitCycles.p99, waitMet: allMeasured && resume.cryptoWaitCycles.p99 <= waitBoundCycles, excessBound, excess, excessMet: allMeasured && excess <= excessBound, allMeasured },
    };
  });
}

/** The crypto-bound runs' engines: the user's data path if given, else saturatedBytesPerCycle split among the engines. */
function saturatedParameters(direction: "tx" | "rx", options: LatencyReportOptions): Record<string, unknown> {
  const given = flattenParameters(options.parameters ?? {});
  const path = `top.nic.crypto_${direction}.bytesPerCycle`;
  if (given.has(path)) return {};
  const engines = given.get(`top.nic.crypto_${direction}.engines`);
  const total = options.saturatedBytesPerCycle ?? 6;
  return { [path]: Math.max(1, Math.floor(total / (typeof engines === "number" && engines > 0 ? engines : 1))) };
}

/** The engines are the bottleneck when they carry less than this share of what the line carries of the bulk frames... */
const CRYPTO_BOUND_SHARE = 0.95;
/** ...bulk jobs waited for them at least this share of the time... */
const BACKLOGGED = 0.9;
/** ...and the bulk got at least this share of what they carry: nothing else limited it. */
const REACHED_ENGINES = 0.95;

/** Whether the crypto-bound runs' figures show what preemption costs the bulk, with the facts that say so. */
function saturatedCondition(base: LatencyBenchmarkResult): string {
  const engines = `${base.cryptoEngines} engine${base.cryptoEngines === 1 ? "" : "s"} of ${base.cryptoBytesPerCycle} byte${base.cryptoBytesPerCycle === 1 ? "" : "s"} per cycle`;
  const carry = `${gigabits(base.cryptoCapacityBitsPerSecond)} Gb/s of the bulk frames back to back, the line ${gigabits(base.lineCapacityBitsPerSecond)}`;
  if (base.cryptoCapacityBitsPerSecond >= CRYPTO_BOUND_SHARE * base.lineCapacityBitsPerSecond) {
    return `with bulk offered at the line rate to ${engines}, which were NOT the bottleneck (they carry ${carry}: 95 % of it or more): these figures show the line or what else limits the bulk, not what preemption costs`;
  }
  const facts = `bulk jobs waited for them ${percent(base.bulkBacklogShare)} of the time, and the bulk got ${gigabits(base.bulkBitsPerSecond)} Gb/s under run-to-completion`;
  if (base.bulkBacklogShare >= BACKLOGGED && base.bulkBitsPerSecond >= REACHED_ENGINES * base.cryptoCapacityBitsPerSecond) {
    return `with the crypto engines the bottleneck (${engines}, which carry ${carry}; ${facts}; bulk offered at the line rate)`;
  }
  return `with bulk offered at the line rate to ${engines}, NOT shown to be the bottleneck alone (they carry ${carry}; ${facts}): something else limited the bulk too (the high class's jobs, the DMA link, the host), so these figures may not show what preemption alone costs`;
}
/** Under load, the bulk kept its throughput when it carried nearly all it was offered. */
const KEPT_THROUGHPUT = 0.99;

const nanoseconds = (picoseconds: number) => (picoseconds / 1000).toFixed(0);
const triple = (p: Percentiles) => `${nanoseconds(p.p50)} / ${nanoseconds(p.p99)} / ${nanoseconds(p.max)}`;
const gigabits = (bitsPerSecond: number) => (bitsPerSecond / 1e9).toFixed(2);
const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

/** The report as Markdown: latency by stage per policy, the goals, and the bulk cost of preemption. */
export function latencyReportMarkdown(reports: readonly DirectionReport[]): string {
  const lines: string[] = ["# High-priority latency under bulk load, by crypto policy", ""];
  for (const report of reports) {
    const { unloaded, loaded, saturated, goals, direction } = report;
    const first = loaded[0]!;
    const span = direction === "tx" ? "doorbell to last bit on the wire" : "last bit off the wire to descriptor done";
    lines.push(`## ${direction.toUpperCase()}: ${span}`, "");
    lines.push(`${first.options.highPackets} high-priority ${first.options.highPacketBytes ?? HIGH_PACKET_BYTES}-byte packets among bulk ${first.options.bulkPacketBytes ?? BULK_PACKET_BYTES}-byte packets offered at ${gigabits(first.offeredBulkBitsPerSecond)} Gb/s (${(first.options.load * 100).toFixed(0)}% of the line's time). Times in ns, p50 / p99 / max; Gb/s count the bulk's ESP frames, Ethernet header to ICV, without preamble, FCS and gap.`, "");
    const stageNames = Object.keys(unloaded.stages);
    lines.push(`| run | end to end | ${stageNames.join(" | ")} | crypto wait, cycles p99 | preemptions | bulk Gb/s | crypto busy |`);
    lines.push(`| --- | --- | ${stageNames.map(() => "---").join(" | ")} | --- | --- | --- | --- |`);
    for (const [label, result] of [["unloaded", unloaded] as const, ...loaded.map((result) => [result.options.policy, result] as const)]) {
      lines.push(`| ${label} | ${triple(result.endToEnd)} | ${stageNames.map((name) => triple(result.stages[name]!)).join(" | ")} | ${result.cryptoWaitCycles.p99} | ${result.preemptions} | ${gigabits(result.bulkBitsPerSecond)} | ${percent(result.cryptoBusy)} |`);
    }
    lines.push("");
    const unmeasured = [["unloaded", unloaded] as const, ...loaded.map((result) => [result.options.policy, result] as const), ...saturated.map((result) => [`${result.options.policy} crypto-bound`, result] as const)].filter(([, result]) => result.highDelivered < result.options.highPackets);
    if (unmeasured.length > 0) lines.push(`- NOT every high-priority packet arrived by the run's end (dropped, policed, or still queued), so these runs' latencies cover those that did${goals.allMeasured ? "" : ", and the goals, which compare the unloaded and preempt-resume runs, are not met"}: ${unmeasured.map(([label, result]) => `${label} ${result.highDelivered} of ${result.options.highPackets}`).join(", ")}.`);
    lines.push(`- Crypto wait under preempt-resume: p99 ${goals.waitP99Cycles} cycles; goal at most ${goals.waitBoundTerms} = ${goals.waitBoundCycles}: **${goals.waitMet ? "met" : "not met"}**. Under run-to-completion it would have been ${loaded[0]!.cryptoWaitCycles.p99} cycles.`);
    lines.push(`- End to end under preempt-resume: p99 exceeds the unloaded p99 by ${nanoseconds(goals.excess)} ns; goal at most ${nanoseconds(goals.excessBound)} ns (${goals.waitBoundCycles} cycles plus the largest frame on the wire): **${goals.excessMet ? "met" : "not met"}**.`);
    const base = saturated[0]!;
    lines.push(`- Bulk throughput cost of preemption, ${saturatedCondition(base)}: ${saturated.map((result) => `${result.options.policy} ${gigabits(result.bulkBitsPerSecond)} Gb/s (${result.preemptions} preemptions, ${result.drops} bulk frames dropped)`).join(", ")}; against run-to-completion: ${saturated.slice(1).map((result) => `${result.options.policy} ${percent(result.bulkBitsPerSecond / base.bulkBitsPerSecond - 1)}`).join(", ")}.`);
    const kept = loaded.every((result) => result.bulkBitsPerSecond >= KEPT_THROUGHPUT * result.offeredBulkBitsPerSecond);
    const busy = loaded.map((result) => `${result.options.policy} ${percent(result.cryptoBusy)}`).join(", ");
    lines.push(
      kept
        ? `- At ${(first.options.load * 100).toFixed(0)}% load the bulk keeps its throughput under every policy; the engines' busy time shows the cost instead: ${busy}.`
        : `- At ${(first.options.load * 100).toFixed(0)}% load the bulk does NOT keep its throughput (offered ${gigabits(first.offeredBulkBitsPerSecond)} Gb/s): ${loaded.map((result) => `${result.options.policy} ${gigabits(result.bulkBitsPerSecond)} Gb/s`).join(", ")}; the engines were busy ${busy}.`,
    );
    lines.push("");
  }
  return lines.join("\n");
}

/** Write the report's JSON (every percentile in picoseconds) and Markdown next to `out`. */
export function writeLatencyReport(reports: readonly DirectionReport[], out: string): string[] {
  // Written under temporary names and named together: a file that cannot be written leaves an earlier report's as it was.
  const outputs = new OutputFiles({ directory: dirname(out), givenBy: "--out" });
  const [json, markdown] = latencyReportFiles(out) as [string, string];
  outputs.write(json, `${JSON.stringify(reports, null, 2)}\n`);
  outputs.write(markdown, latencyReportMarkdown(reports));
  return outputs.commit();
}

/** The report's files, by their base: for checking them before the runs. */
export const latencyReportFiles = (out: string): string[] => [`${out}.json`, `${out}.md`];

import { plural } from "../../sim/plural.js";
import type { Kernel } from "../../sim/kernel.js";
import { percentiles } from "../../sim/stats/percentiles.js";
import { describeCounts, describeTableWrites, systemReport, type SystemReport } from "../report.js";
import { describeHost } from "../host-report.js";
import type { Sample, Sampling } from "./measurements.js";
import { round } from "./measurements.js";
import type { ScenarioSystem } from "./scenario-system.js";
import { deliveryWindow, type Flow, inTrafficBitsPerSecond, windowBitsPerSecond } from "./flow.js";
import { describeEnding, describeFaults, type RunEnding } from "./run-ending.js";
import type { InjectedCopies } from "./gateway-flow-faults.js";
import type { Scenario } from "./schema.js";
import { formatIkeSummary, ikeSummary, type IkeSummary } from "./ike-summary.js";
import { cryptoSummary, type CryptoSummary, describePreemptions, engineCounts } from "./crypto-summary.js";

export interface LatencySummary {
  readonly count: number;
  /** Microseconds; null with no packet to measure (a class that delivered none has no latency, not a latency of 0). */
  readonly p50: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

/** A latency figure as the tables show it: two decimals, or a dash for a class with no packets. */
export function formatLatency(microseconds: number | null): string {
  return microseconds === null ? "–" : microseconds.toFixed(2);
}

export interface FlowSummary {
  readonly stream: string;
  readonly direction: "to-peer" | "to-host";
  readonly trafficClass: number;
  readonly className: string;
  readonly sent: number;
  readonly received: number;
  readonly lost: number;
  readonly outOfOrder: number;
  /** Inner bits delivered per second over its direction's delivery window: from the first packet due to the last delivered, in any class. */
  readonly gigabitsPerSecond: number;
  /** The same, of the packets delivered by the traffic's end, over the direction's first packet due to the traffic's end: what it got while the streams competed. */
  readonly gigabitsPerSecondInTraffic: number;
  /** From when each packet was due to its delivery. */
  readonly latency: LatencySummary;
  /** The host's part of it: to the peer, due to posted on the NIC's ring; to the host, off the ring to delivered. */
  readonly host: LatencySummary;
}

/** Everything a run measured, in simulated quantities only: equal runs give equal summaries. */
export interface ScenarioSummary extends SystemReport {
  readonly scenario: string;
  readonly seed: number;
  /** How the run ended, in words (`ending` says it as a value). */
  readonly outcome: string;
  readonly ending: RunEnding;
  /** The faults the scenario injected, in words (empty: none). */
  readonly faults: readonly string[];
  /** Copies of its packets the gateway sent on purpose, by fault (replays, forged copies), and copies under another tunnel's SA not sent for want of one open: offered + these = delivered + counted drops. */
  readonly injectedCopies: Readonly<InjectedCopies>;
  /** What the scoreboards found wrong (empty: every law held). */
  readonly violations: readonly string[];
  /** What the ring monitor checked (null with checks off): doorbells, descriptor fetches and write-backs. */
  readonly ringChecks: { readonly doorbells: number; readonly fetches: number; readonly writeBacks: number } | null;
  readonly simulatedMicroseconds: number;
  /** When the traffic started (0, or once IKE brought every customer up) and how long it ran. */
  readonly trafficStartMicroseconds: number;
  readonly trafficMicroseconds: number;
  readonly flows: readonly FlowSummary[];
  /** Per class and direction: the flows' latencies together. */
  readonly classes: readonly { trafficClass: number; className: string; direction: FlowSummary["direction"]; received: number; gigabitsPerSecond: number; gigabitsPerSecondInTraffic: number; latency: LatencySummary; host: LatencySummary }[];
  /**
   * The latency distribution per class and direction, for plots: the empirical CDF at up to 200 of
   * its steps (and those of the table's p50 and p99), each [latency µs, fraction of the packets at
   * or under it], so that the plot crosses 0.5 and 0.99 where the table's p50 and p99 are.
   */
  readonly latencyDistribution: Record<string, (readonly [number, number])[]>;
  readonly samples: readonly Sample[];
  readonly sampling: Sampling;
  /** Frames on the wire at the NIC's port (what the capture holds), each way. */
  readonly wireFrames: { readonly toPeer: number; readonly toHost: number };
  readonly crypto: { readonly tx: CryptoSummary; readonly rx: CryptoSummary };
  /** Packets dropped with a counted reason, in the NIC, the drivers and at the gateway. */
  readonly countedDrops: number;
  /** The policy's class-map name of each traffic class the scenario uses (class-default for 0). */
  readonly classNames: Record<number, string>;
  /** The remote gateway's drops by reason (its ESP receiver's, and packets it had no SA to send under). */
  readonly gatewayDrops: Record<string, number>;
  /** IKE's messages and timeline, when customers come up through it. */
  readonly ike: IkeSummary | null;
}

const microseconds = (picoseconds: number) => round(picoseconds / 1e6);

function latency(values: number[]): LatencySummary {
  const summary = percentiles(values);
  if (summary.count === 0) return { count: 0, p50: null, p99: null, max: null };
  return { count: summary.count, p50: microseconds(summary.p50), p99: microseconds(summary.p99), max: microseconds(summary.max) };
}

/**
 * The empirical CDF at `points` ranks spread over the sorted values (all of them if fewer), with the
 * nearest ranks percentiles() takes for p50 and p99: read off a plot at 0.99 it gave another
 * figure than the table's p99 (each point at rank/(n − 1), and thinned past the p99's rank).
 */
function distribution(values: number[], points = 200): (readonly [number, number])[] {
  const sorted = Float64Array.from(values).sort();
  const count = sorted.length;
  const ranks = new Set<number>();
  for (let index = 0; index < Math.min(points, count); index++) ranks.add(1 + Math.round((index * (count - 1)) / Math.max(1, Math.min(points, count) - 1)));
  if (count > 0) for (const percent of [50, 99]) ranks.add(Math.max(1, Math.ceil((percent / 100) * count)));
  // Fractions to a millionth: to four places, one just under 0.99 was shown as 0.99.
  return [...ranks].sort((a, b) => a - b).map((rank) => [microseconds(sorted[rank - 1]!), Math.round((rank / count) * 1e6) / 1e6] as const);
}

/** A direction's engines' counts as the traffic started and ended; a run stopped before its end, to now. Null: the traffic never started. */
function cryptoWindow(top: ScenarioSystem, direction: "tx" | "rx") {
  const { cryptoAtStart, cryptoAtEnd } = top.traffic;
  if (cryptoAtStart === null) return null;
  return { start: cryptoAtStart[direction], end: (cryptoAtEnd ?? engineCounts(top.nic.offload))[direction] };
}

export function scenarioSummary(scenario: Pick<Scenario, "name" | "faults">, kernel: Kernel, top: ScenarioSystem, ending: RunEnding): ScenarioSummary {
  const traffic = top.traffic;
  // One window per direction: the classes' figures add up to what the line carried, at most the line.
  const windows = new Map((["to-peer", "to-host"] as const).map((direction) => [direction, deliveryWindow(traffic.flows.filter((flow) => flow.direction === direction))]));
  // A run stopped before the traffic's end counts to its stop.
  const trafficEnd = Math.min(traffic.trafficEnd, kernel.now);
  const className = (trafficClass: number) => traffic.classNames.get(trafficClass) ?? `class ${trafficClass}`;
  const flowSummary = (flow: Flow): FlowSummary => ({
    stream: flow.stream,
    direction: flow.direction,
    trafficClass: flow.trafficClass,
    className: className(flow.trafficClass),
    sent: flow.sent,
    received: flow.received,
    lost: flow.sent - flow.received,
    outOfOrder: flow.outOfOrder,
    gigabitsPerSecond: round(windowBitsPerSecond([flow], windows.get(flow.direction)!) / 1e9),
    gigabitsPerSecondInTraffic: round(inTrafficBitsPerSecond([flow], windows.get(flow.direction)!, trafficEnd) / 1e9),
    latency: latency(flow.latencies),
    host: latency(flow.hostLatencies),
  });
  const groups = new Map<string, Flow[]>();
  for (const flow of traffic.flows) {
    const key = `${flow.trafficClass} ${flow.direction}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(flow);
  }
  const classes = [...groups.values()]
    .sort(([a], [b]) => inClassOrder(a!, b!))
    .map((flows) => {
      return {
        trafficClass: flows[0]!.trafficClass,
        className: className(flows[0]!.trafficClass),
        direction: flows[0]!.direction,
        received: flows.reduce((sum, flow) => sum + flow.received, 0),
        gigabitsPerSecond: round(windowBitsPerSecond(flows, windows.get(flows[0]!.direction)!) / 1e9),
        gigabitsPerSecondInTraffic: round(inTrafficBitsPerSecond(flows, windows.get(flows[0]!.direction)!, trafficEnd) / 1e9),
        latency: latency(flows.flatMap((flow) => flow.latencies)),
        host: latency(flows.flatMap((flow) => flow.hostLatencies)),
      };
    });
  const latencyDistribution = Object.fromEntries([...groups.entries()].map(([, flows]) => [`${className(flows[0]!.trafficClass)} ${flows[0]!.direction}`, distribution(flows.flatMap((flow) => flow.latencies))]));
  const { txCrypto, rxCrypto } = top.nic.offload;
  return {
    scenario: scenario.name,
    seed: kernel.seed,
    outcome: describeEnding(ending),
    ending,
    injectedCopies: { ...traffic.injected },
    faults: describeFaults(scenario.faults, { ikeDeletes: traffic.gateways?.faultsMade.ikeDeletes, malformedLost: traffic.gateways?.faultsMade.malformedLost, injected: traffic.injected, saChanges: traffic.saChanges ?? undefined }, top.nic.dma.params),
    violations: [...(traffic.scoreboard?.violations ?? [])],
    ringChecks: traffic.scoreboard ? { ...traffic.scoreboard.rings.checked } : null,
    simulatedMicroseconds: microseconds(kernel.now),
    trafficStartMicroseconds: microseconds(traffic.trafficEnd - traffic.trafficDuration),
    trafficMicroseconds: microseconds(traffic.trafficDuration),
    flows: traffic.flows.map(flowSummary),
    classes,
    latencyDistribution,
    samples: traffic.sampler.samples,
    sampling: traffic.sampler.sampling,
    wireFrames: { toPeer: traffic.sampler.frames["to-peer"], toHost: traffic.sampler.frames["to-host"] },
    crypto: { tx: cryptoSummary(txCrypto.counts, cryptoWindow(top, "tx")), rx: cryptoSummary(rxCrypto.counts, cryptoWindow(top, "rx")) },
    countedDrops: traffic.countedDrops,
    gatewayDrops: traffic.gatewayDropsByReason,
    classNames: Object.fromEntries(traffic.classNames),
    ike: ikeSummary(top),
    ...systemReport(kernel, top),
  };
}

/** Packets lost, in words: how many of them are counted drops, and how many were still on their way when the run ended. */
/** The loss, and the packets that came out of order: what the summary's text and the HTML report both say. */
export function describeLossAndOrder(summary: ScenarioSummary): string {
  return `${describeLoss(summary)}, out of order ${summary.flows.reduce((sum, flow) => sum + flow.outOfOrder, 0)}`;
}

export function describeLoss(summary: ScenarioSummary): string {
  const lost = summary.flows.reduce((sum, flow) => sum + flow.lost, 0);
  // Not arrived: dropped with a counted reason, or still on the way when a run cut off by its drain limit ended.
  const counted = Math.min(lost, summary.countedDrops);
  const away = lost - counted;
  // Drops beyond the packets lost (a replayed or forged copy the scenario injected, an IKE message) are no loss; said, so that the two counts do not seem to disagree.
  // Where a copy arrived and its original was dropped (a full RX buffer), the drop is the original's: not "copies" alone (from an architect's check).
  // Frames of no flow (a library user's own, dropped NOT_IPV4 or UNPROTECTED) count there too: they were called copies and IKE messages (from a new user's check).
  const others = summary.countedDrops - counted;
  const otherDrops = others > 0 ? `${lost === 0 ? " (" : ", and "}${others} counted drop${others === 1 ? "" : "s"} beyond the packets lost: copies a fault injected (replays, forgeries; or their originals, where a copy arrived instead), IKE messages, or frames of no flow of the scenario's (the drops by place name them)` : "";
  if (lost === 0) return `lost 0${otherDrops}${others > 0 ? ")" : ""}`;
  return `lost ${lost} (${counted} counted drops${away > 0 ? `, ${away} still on their way when the run ended` : ""}${otherDrops})`;
}

/** The placement line: messages, evictions and how they were carried out, and what the periodic look placed. */
export function describePlacement(summary: ScenarioSummary): string {
  const { periodic } = summary.ipsec;
  // Each replacement is told (EVICT) before it is tried; its victim may be gone from its entry by then, or leaving it (an architect read 22 decided beside 6 done as one count).
  // Done as the driver counts it: under pointer fill the NIC counts a replacement as an invalidation and a fetch, and the line said "3 carried out" of 6 done (from a reviewer's check).
  const decided = summary.ipsec.messages.EVICT ?? 0;
  const done = summary.ipsec.evictionsCarriedOut;
  const evictions = `${plural(decided, "eviction")} decided${decided > done ? ` (${done} carried out; the others were moot when the table came to them: the victim gone from its entry or leaving it, or the newcomer cached already or deleted)` : ""}`;
  // Under pointer fill a TX replacement empties the victim's entry, and the newcomer is in the table only once its next packet's descriptor fills it: 86 "in place of cached ones" beside 9 fills read as 86 cached (from an architect's check).
  const emptied = done - summary.ipsec.evictions.total;
  const pointerFill = emptied > 0 ? `, ${emptied} of them carried out by emptying the victim's TX entry for the newcomer's next packet to fill through its pointer (the SA table counts those fills among its installs by pointer fetches)` : "";
  return `placement: ${summary.ipsec.notInTableMessages} "not in table" messages, ${evictions}${pointerFill}; the periodic look placed ${periodic.installs} SA${periodic.installs === 1 ? "" : "s"} into free entries and ${periodic.evictions} in place of cached ones; the messages took the channel between the drivers ${summary.ipsec.messageChannel.busyMicroseconds} µs, the longest wait for it ${summary.ipsec.messageChannel.longestWaitMicroseconds} µs`;
}

/** The order a run's classes come in: by traffic class, highest first, to the peer before to the host (a sweep's table takes them so too). */
export function inClassOrder(a: { readonly trafficClass: number; readonly direction: string }, b: { readonly trafficClass: number; readonly direction: string }): number {
  return `${b.trafficClass} ${b.direction}`.localeCompare(`${a.trafficClass} ${a.direction}`);
}

/** The short table `nicsim run` prints. */
export function formatScenarioSummary(summary: ScenarioSummary): string {
  const lines = [`${summary.scenario}: ${summary.outcome} (seed ${summary.seed}, ${summary.simulatedMicroseconds} µs simulated)`];
  if (summary.faults.length > 0) lines.push(`  faults injected: ${summary.faults.join(", ")}`);
  lines.push("");
  // The class column as wide as its longest name (class-default (0) is wider than the heading).
  const label = (entry: (typeof summary.classes)[number]) => `${entry.className} (${entry.trafficClass})`;
  const width = Math.max(14, ...summary.classes.map((entry) => label(entry).length));
  lines.push(`  ${"class".padEnd(width)} direction  received     Gb/s  in traffic  latency µs p50     p99     max  of which host p99`);
  for (const entry of summary.classes) {
    lines.push(
      `  ${label(entry).padEnd(width)} ${entry.direction.padEnd(9)} ${String(entry.received).padStart(9)} ${entry.gigabitsPerSecond.toFixed(3).padStart(8)} ${entry.gigabitsPerSecondInTraffic.toFixed(3).padStart(11)}  ` +
        `${formatLatency(entry.latency.p50).padStart(13)} ${formatLatency(entry.latency.p99).padStart(7)} ${formatLatency(entry.latency.max).padStart(7)} ${formatLatency(entry.host.p99).padStart(18)}`,
    );
  }
  lines.push("  (latency from when each packet was due, – where no packet arrived; Gb/s over each direction's delivery window, from its first packet due to its last delivered; in traffic: of what was delivered by the traffic's end, from the first packet due to then, the class's share while the streams competed; host: due to posted on the ring (to-peer), off the ring to delivered (to-host))");
  const preemptions = describePreemptions(summary.crypto);
  lines.push("", `  ${describeLossAndOrder(summary)}; ${preemptions.counts}`);
  for (const line of preemptions.costly) lines.push(`  ${line}`);
  if (summary.countedDrops > 0) lines.push(`  counted drops by place: ${describeDropPlaces(summary)}`);
  if (summary.violations.length > 0) lines.push(`  SCOREBOARD: ${summary.violations.length} violation(s); the first: ${summary.violations[0]}`);
  else if (summary.ringChecks) lines.push(`  scoreboard: every law ${summary.ending.kind === "drain-limit" ? "checked held (not the count of lost packets: the run ended with packets on their way)" : "held"}; rings: ${summary.ringChecks.doorbells} doorbells, ${summary.ringChecks.fetches} descriptor fetches, ${summary.ringChecks.writeBacks} write-backs checked`);
  const cache = summary.ipsec.cache;
  lines.push(`  SA table: TX ${cache.txHits} hits ${cache.txMisses} misses, RX ${cache.rxHits} hits ${cache.rxMisses} misses; ${describeTableWrites(summary.ipsec.installs, "installs")}, ${describeTableWrites(summary.ipsec.evictions, "evictions")}; software ESP ${summary.ipsec.softwareTx} out, ${summary.ipsec.softwareRx} in`);
  lines.push(`  ${describePlacement(summary)}`);
  // A class no traffic of the scenario has is a queue's: its interrupts and polls run at the highest class the queue carries (class 3 of classes 0 to 3, with two queues).
  const hostClassName = (trafficClass: number) => summary.classNames[trafficClass] ?? `class ${trafficClass} (a queue's interrupts and polls)`;
  lines.push(`  ${describeHost(summary.host, hostClassName)}`);
  if (summary.ike) lines.push(...formatIkeSummary(summary.ike));
  return `${lines.join("\n")}\n`;
}

/** Where counted drops happen, as a sweep row keys them and as the text names them. */
export const DROP_PLACES = { nic: "NIC", driver: "base driver", ipsec: "host IPsec", gateway: "gateway" } as const;
export type DropPlaceKey = keyof typeof DROP_PLACES;

/** The counted drops by place and reason, the reasons with none left out, and the places with none. */
export function dropsByPlace(summary: ScenarioSummary): Partial<Record<DropPlaceKey, Record<string, number>>> {
  const places: Record<DropPlaceKey, Readonly<Record<string, number>>> = { nic: summary.nic.drops, driver: summary.driver.drops, ipsec: summary.ipsec.drops, gateway: summary.gatewayDrops };
  const found: Partial<Record<DropPlaceKey, Record<string, number>>> = {};
  for (const [place, drops] of Object.entries(places) as [DropPlaceKey, Readonly<Record<string, number>>][]) {
    const entries = Object.entries(drops).filter(([, count]) => count > 0);
    if (entries.length > 0) found[place] = Object.fromEntries(entries);
  }
  return found;
}

/** Where each counted drop was, and why: the NIC's, the drivers' and the gateway's reasons. */
export function describeDropPlaces(summary: ScenarioSummary): string {
  const parts = Object.entries(dropsByPlace(summary)).map(([place, drops]) => `${DROP_PLACES[place as DropPlaceKey]} ${describeCounts(drops)}`);
  return parts.length === 0 ? "none" : parts.join("; ");
}

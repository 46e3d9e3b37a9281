import type { Kernel } from "../sim/kernel.js";
import { formatTime } from "../sim/time.js";
import { describeDmaFaults } from "./scenario/run-ending.js";
import { diagnosticLines } from "./hardware.js";
import { DIAGNOSTICS_KEPT } from "../hw/error-log.js";
import type { FlowRecord, PlainTraffic } from "./plain-traffic.js";
import type { NicSystem } from "./nic-system.js";
import { describeHost, hostReport, microseconds } from "./host-report.js";

export interface FlowReport {
  trafficClass: number;
  sent: number;
  received: number;
  bytes: number;
  gigabitsPerSecond: number;
  /** Null for a flow that delivered nothing: it has no latency, not a latency of 0. */
  meanLatencyNanoseconds: number | null;
  maximumLatencyNanoseconds: number | null;
  outOfOrder: number;
}

/** What a run measured: only simulated quantities, so equal runs give equal reports. */
export interface TrafficReport extends SystemReport {
  scenario: string;
  seed: number;
  outcome: string;
  /** The DMA engine's fault injection, in words (empty: none). */
  faults: string[];
  simulatedNanoseconds: number;
  hostToPeer: FlowReport[];
  peerToHost: FlowReport[];
}


/** The NIC's, the IPsec layer's, the driver's and the kernel's counts after a run. */
export interface SystemReport {
  nic: {
    interruptsPerVector: number[];
    /** The statistics registers by queue (the device's own counts, unwrapped): TQPC, TQBC, RQPC, RQBC, RQDPC. */
    queues: { TQPC: number[]; TQBC: number[]; RQPC: number[]; RQBC: number[]; RQDPC: number[] };
    drops: Record<string, number>;
    dmaBytesRead: number;
    dmaBytesWritten: number;
    /** The device's errors, timed (the first and last DIAGNOSTICS_KEPT of more than twice as many); and all of them, by code. */
    diagnostics: string[];
    errors: number;
    errorsByCode: Record<string, number>;
  };
  ipsec: {
    hardwareTx: number;
    softwareTx: number;
    hardwareRx: number;
    softwareRx: number;
    notInTableMessages: number;
    /** Installs and evictions the placement policy made on its periodic look (seed 003's claim 42), among all. */
    periodic: { installs: number; evictions: number };
    /**
     * EVICT decisions the driver carried out: the newcomer in its victim's entry, by an install
     * with REPLACE or, under pointer fill, by an invalidation and a fetch into the emptied entry
     * (which the NIC counts as an invalidation and an install, not as an eviction).
     */
    evictionsCarriedOut: number;
    /** Messages between the drivers by kind (TX_NOT_IN_TABLE, RX_NOT_IN_TABLE, INSTALL, EVICT, REMOVE), each one in the waveform. */
    messages: Record<string, number>;
    /** The channel those messages take one at a time: its time spent on them, and the longest a message waited for it (µs). */
    messageChannel: { busyMicroseconds: number; longestWaitMicroseconds: number };
    /** SAs written into the NIC's table, as the NIC counts them: by the driver (SA_COMMAND) and by pointer fetches. */
    installs: TableWrites;
    /** Cached SAs overwritten by another, as the NIC counts them: by the driver's installs (its placement policy replacing one) and by pointer fetches into a full table. */
    evictions: TableWrites;
    /** Lookups in the NIC's table; staleHandles: TX descriptors refused for a handle whose entry was filled or invalidated since (SA_STALE_HANDLES). */
    cache: { txHits: number; txMisses: number; rxHits: number; rxMisses: number; fetches: number; staleHandles: number };
    drops: Record<string, number>;
    /** Preemptions in the TX and RX crypto engines, and jobs restarted. */
    preemptions: { tx: number; rx: number; restarts: number };
  };
  /** The host's CPU: its cores' use over the run, what they did, how long each class waited for one, and software crypto suspended. */
  host: {
    cores: number;
    megahertz: number;
    policy: string;
    /** Share of the run each core was busy. */
    utilisation: number[];
    /** Core time by kind of work, µs. */
    busyMicroseconds: Record<string, number>;
    /** By traffic class: jobs, and their wait for a core before first running, µs. */
    waits: { trafficClass: number; jobs: number; meanMicroseconds: number; maximumMicroseconds: number }[];
    preemptions: number;
    restarts: number;
    /** Jobs still waiting for a core when the run ended (a host that could not keep up). */
    waitingAtEnd: number;
  };
  driver: {
    doorbells: number;
    polls: number;
    budgetExhausted: number;
    ringFullWaits: number;
    deviceErrorsRead: number;
    /** Queues reset after the device disabled them on a fault, and the frames those resets lost, by reason. */
    queueResets: number;
    drops: Record<string, number>;
  };
  kernel: { timesteps: number; edgesEvaluated: number; componentEvaluations: number; emptyEdges: number; idleChecks: number; processResumptions: number };
}

export function trafficReport(name: string, kernel: Kernel, top: PlainTraffic, outcome: string): TrafficReport {
  const elapsed = kernel.now;
  const flow = (record: FlowRecord, index: number): FlowReport => ({
    trafficClass: top.traffic.classOf(index),
    sent: record.sent,
    received: record.received,
    bytes: record.bytes,
    gigabitsPerSecond: round((record.bytes * 8) / (elapsed / 1000), 3),
    meanLatencyNanoseconds: record.received > 0 ? round(record.latencyTotal / record.received / 1000, 1) : null,
    maximumLatencyNanoseconds: record.received > 0 ? round(record.latencyMaximum / 1000, 1) : null,
    outOfOrder: record.order.outOfOrder,
  });
  return {
    scenario: name,
    seed: kernel.seed,
    outcome,
    faults: describeDmaFaults(top.nic.dma.params),
    simulatedNanoseconds: elapsed / 1000,
    hostToPeer: top.traffic.toPeer.map(flow),
    peerToHost: top.traffic.toHost.map(flow),
    ...systemReport(kernel, top),
  };
}

/** Each statistics register of the queues the NIC has. */
function queueCounters(top: NicSystem): SystemReport["nic"]["queues"] {
  const { txPackets, txBytes, rxPackets, rxBytes, rxBufferDrops } = top.nic.statistics;
  const queues = (counts: readonly number[]) => counts.slice(0, top.nic.queues);
  return { TQPC: queues(txPackets), TQBC: queues(txBytes), RQPC: queues(rxPackets), RQBC: queues(rxBytes), RQDPC: queues(rxBufferDrops) };
}

export function systemReport(kernel: Kernel, top: NicSystem): SystemReport {
  const driver = top.driver.base.statistics;
  const intermediate = top.driver.intermediate;
  const cache = top.nic.saCache.counts;
  return {
    nic: {
      interruptsPerVector: [...top.nic.interrupts.fired],
      queues: queueCounters(top),
      drops: Object.fromEntries(top.nic.statistics.drops),
      dmaBytesRead: top.nic.dma.readBytes.value,
      dmaBytesWritten: top.nic.dma.writtenBytes.value,
      diagnostics: diagnosticLines(top.nic),
      errors: top.nic.errorLog.diagnosticCount,
      errorsByCode: Object.fromEntries(top.nic.errorLog.countsByCode),
    },
    ipsec: {
      hardwareTx: intermediate.counts.hardwareTx,
      softwareTx: intermediate.counts.softwareTx,
      hardwareRx: intermediate.counts.hardwareRx,
      softwareRx: intermediate.counts.softwareRx,
      notInTableMessages: intermediate.counts.notInTable,
      periodic: { installs: intermediate.counts.periodicInstalls, evictions: intermediate.counts.periodicEvictions },
      evictionsCarriedOut: intermediate.counts.evictions,
      messages: Object.fromEntries([...intermediate.messages.counts].sort(([a], [b]) => a.localeCompare(b))),
      messageChannel: { busyMicroseconds: microseconds(intermediate.messages.busyPicoseconds), longestWaitMicroseconds: microseconds(intermediate.messages.longestWait) },
      installs: { total: cache.installs, byDriver: cache.installsByDriver, byPointerFetch: cache.installsByFetch },
      evictions: { total: cache.evictions, byDriver: cache.evictionsByDriver, byPointerFetch: cache.evictionsByFetch },
      cache: { txHits: cache.txHits, txMisses: cache.txMisses, rxHits: cache.rxHits, rxMisses: cache.rxMisses, fetches: cache.fetches, staleHandles: cache.staleHandles },
      drops: Object.fromEntries(intermediate.drops),
      preemptions: { tx: top.nic.offload.txCrypto.counts.preemptions, rx: top.nic.offload.rxCrypto.counts.preemptions, restarts: top.nic.offload.txCrypto.counts.restarts + top.nic.offload.rxCrypto.counts.restarts },
    },
    host: hostReport(kernel, top.driver.cpu),
    driver: {
      doorbells: driver.doorbells,
      polls: driver.polls,
      budgetExhausted: driver.budgetExhausted,
      ringFullWaits: driver.ringFullWaits,
      deviceErrorsRead: top.driver.base.deviceErrors.length,
      queueResets: driver.queueResets,
      drops: Object.fromEntries(top.driver.base.drops),
    },
    kernel: { timesteps: kernel.statistics.timesteps, edgesEvaluated: kernel.statistics.edgesEvaluated, componentEvaluations: kernel.statistics.componentEvaluations, emptyEdges: kernel.statistics.emptyEdges, idleChecks: kernel.statistics.idleChecks, processResumptions: kernel.statistics.processResumptions },
  };
}

/** A latency as the table shows it: a dash for a flow that delivered nothing. */
const nanoseconds = (value: number | null) => (value === null ? "–" : value.toFixed(1));

export function formatTrafficReport(report: TrafficReport): string {
  const lines = [`${report.scenario}: ${report.outcome} after ${formatTime(Math.round(report.simulatedNanoseconds * 1000))} simulated (seed ${report.seed})`, ...(report.faults.length > 0 ? [`  faults injected: ${report.faults.join(", ")}`] : []), ""];
  const table = (title: string, flows: FlowReport[]) => {
    lines.push(title, "  class    sent  received      bytes    Gb/s  mean latency ns  max latency ns  out of order");
    for (const flow of flows) {
      lines.push(
        `  ${String(flow.trafficClass).padStart(5)} ${String(flow.sent).padStart(7)} ${String(flow.received).padStart(9)} ${String(flow.bytes).padStart(10)} ` +
          `${flow.gigabitsPerSecond.toFixed(3).padStart(7)} ${nanoseconds(flow.meanLatencyNanoseconds).padStart(16)} ${nanoseconds(flow.maximumLatencyNanoseconds).padStart(15)} ${String(flow.outOfOrder).padStart(13)}`,
      );
    }
    lines.push("");
  };
  table("host -> peer (driver TX queue, NIC, wire)", report.hostToPeer);
  table("peer -> host (wire, NIC, driver RX queue)", report.peerToHost);
  lines.push(...formatSystemReport(report));
  return `${lines.join("\n")}\n`;
}

/** Device errors a text report lists one by one. */
const ERRORS_SHOWN = 10;


/** Counts by reason in words (`RX_DMA_ERROR 3, RX_BUFFER_FULL 1`), or none. */
export function describeCounts(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? "none" : entries.map(([reason, count]) => `${reason} ${count}`).join(", ");
}

/** The NIC, IPsec, driver and kernel lines of a report. */
export function formatSystemReport(report: SystemReport): string[] {
  const lines: string[] = [];
  lines.push(
    `NIC: interrupts per vector ${report.nic.interruptsPerVector.join(" ")}; DMA read ${report.nic.dmaBytesRead} bytes, written ${report.nic.dmaBytesWritten} bytes`,
    `     drops: ${describeCounts(report.nic.drops)}`,
    `     device errors: ${report.nic.errors === 0 ? "none" : `${report.nic.errors} (${describeCounts(report.nic.errorsByCode)})`}`,
    // A fault injected on every read makes thousands: the first few say what they are, the JSON report keeps more.
    ...report.nic.diagnostics.slice(0, ERRORS_SHOWN).map((line) => `       ${line}`),
    ...(report.nic.errors > ERRORS_SHOWN ? [`       … ${report.nic.errors - ERRORS_SHOWN} more (the JSON report's nic.diagnostics lists up to ${2 * DIAGNOSTICS_KEPT})`] : []),
    `IPsec: NIC inline ${report.ipsec.hardwareTx} out, ${report.ipsec.hardwareRx} in; software ${report.ipsec.softwareTx} out, ${report.ipsec.softwareRx} in; ` +
      `${report.ipsec.notInTableMessages} "not in table" messages, ${describeTableWrites(report.ipsec.installs, "installs")}`,
    `       SA table: TX ${report.ipsec.cache.txHits} hits ${report.ipsec.cache.txMisses} misses, RX ${report.ipsec.cache.rxHits} hits ${report.ipsec.cache.rxMisses} misses, ` +
      `${report.ipsec.cache.fetches} fetches, ${describeTableWrites(report.ipsec.evictions, "evictions")}; drops: ${describeCounts(report.ipsec.drops)}`,
    `       crypto engines: ${report.ipsec.preemptions.tx} preemptions encrypting, ${report.ipsec.preemptions.rx} decrypting, ${report.ipsec.preemptions.restarts} restarts`,
    describeHost(report.host),
    // The base driver's drops (frames its queue resets lost) with the NIC's and the IPsec layer's add up to the outcome's count.
    `driver: doorbells ${report.driver.doorbells}, polls ${report.driver.polls} (budget exhausted ${report.driver.budgetExhausted}), ring-full waits ${report.driver.ringFullWaits}, queue resets ${report.driver.queueResets}; drops: ${describeCounts(report.driver.drops)}`,
    `kernel: ${report.kernel.timesteps} timesteps, ${report.kernel.edgesEvaluated} edges (${report.kernel.emptyEdges} on which no block ran), ${report.kernel.componentEvaluations} component evaluations, ${report.kernel.idleChecks} idle checks, ${report.kernel.processResumptions} process resumptions`,
  );
  return lines;
}

/** Writes into the NIC's SA table, one count with its parts: by the driver, by the NIC's pointer fetches. */
export interface TableWrites {
  readonly total: number;
  readonly byDriver: number;
  readonly byPointerFetch: number;
}

/** One count of installs or evictions, its parts named. */
export function describeTableWrites(writes: TableWrites, what: "installs" | "evictions"): string {
  const noun = writes.total === 1 ? what.slice(0, -1) : what;
  return `${writes.total} ${noun} (${writes.byDriver} by the driver${what === "evictions" ? "'s placement policy" : ""}, ${writes.byPointerFetch} by pointer fetches)`;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

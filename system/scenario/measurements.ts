import type { Kernel } from "../../sim/kernel.js";
import { dscpClass } from "../../sim/packet/dscp.js";
import { ETHERNET_HEADER_BYTES, ETHERTYPE_IPV4, etherType, INTER_FRAME_GAP_BYTES, wireBytes } from "../../sim/packet/ethernet.js";
import type { NicSystem } from "../nic-system.js";

/** One sample interval of the run, for the report's plots over time. */
export interface Sample {
  /** End of the interval, µs. */
  readonly time: number;
  /** Wire throughput by traffic class (of the outer DSCP: sim/packet/dscp.ts), Gb/s, each way. */
  readonly toPeerGbps: readonly number[];
  readonly toHostGbps: readonly number[];
  /**
   * Frame bytes the NIC wrote into host memory, by RX queue (its frames' last descriptors done:
   * RQBC), Gb/s. Where the DMA's write link, not the line, is the bottleneck, the classes' shares
   * of it; the wire's figures then show what came in.
   */
  readonly writtenToHostGbps: readonly number[];
  /** SA table hits over lookups in the interval (null: no lookups); on TX the lookups are the driver's, the packets it sent in software misses, as on RX. */
  readonly txHitRatio: number | null;
  readonly rxHitRatio: number | null;
  /** Share of the interval the crypto engines were busy, each direction. */
  readonly txCryptoBusy: number;
  readonly rxCryptoBusy: number;
  readonly txPreemptions: number;
  readonly rxPreemptions: number;
  /** Share of the interval each host core was busy, and software crypto jobs suspended on the host. */
  readonly cpuBusy: readonly number[];
  readonly cpuPreemptions: number;
}

/** How the samples were taken: every interval (the last one ends with the run), on a line of this rate. */
export interface Sampling {
  readonly intervalMicroseconds: number;
  readonly lineGigabitsPerSecond: number;
}

const CLASSES = 8;

/**
 * What a sample interval records when it closes, as counts over the interval (not yet ratios), so
 * that two neighbouring readings add up to one of their joined interval when the grid coarsens.
 */
interface Reading {
  readonly start: number;
  readonly end: number;
  /** The part of the latest frame's line time its bin holds after the interval's end (only a last, partial interval has one). */
  readonly beyondEnd: Record<Direction, Spill | undefined>;
  readonly txHits: number;
  readonly txMisses: number;
  /** TX packets the intermediate driver sent in software: their SAs were not in the NIC's table, and the NIC was never asked. */
  readonly softwareTx: number;
  readonly rxHits: number;
  readonly rxMisses: number;
  /** Busy time of the crypto engines over the interval, ps, summed over the engines. */
  readonly txBusy: number;
  readonly rxBusy: number;
  readonly txPreemptions: number;
  readonly rxPreemptions: number;
  /** Busy time of each host core over the interval, ps. */
  readonly cpuBusy: readonly number[];
  readonly cpuPreemptions: number;
  /** Frame bytes written into host memory over the interval, by RX queue. */
  readonly rxWritten: readonly number[];
}

type Direction = "to-peer" | "to-host";

/** A frame's line time, in bytes at the line rate, and where it lies: [start, end) in ps. */
interface Occupancy {
  readonly trafficClass: number;
  readonly start: number;
  readonly end: number;
  readonly bytes: number;
}

/** Bytes of one class counted in an interval's bin but lying after the interval's end. */
interface Spill {
  readonly trafficClass: number;
  readonly bytes: number;
}

/**
 * Samples the system every interval: what the wire carried per class, SA table hit ratios, crypto
 * engine use, host core use. A frame's time on the line (preamble to gap) is shared among the intervals it spans,
 * so that no interval, the last and partial one included, shows more than the line carries.
 *
 * A run far longer than the time its interval was chosen for (a short traffic behind a long IKE
 * bring-up) would take millions of samples: once it has `maximumReadings`, the grid's interval
 * doubles and each two neighbouring readings become one, so a run keeps between half and all of them.
 */
export class Sampler {
  /** Frames that crossed the NIC's port over the whole run, each way. */
  readonly frames = { "to-peer": 0, "to-host": 0 };
  /** Line time taken by each class, in bytes at the line rate, per interval of the grid. */
  private readonly wireBytes = { "to-peer": [] as number[][], "to-host": [] as number[][] };
  private readonly readings: Reading[] = [];
  /** The latest frame each way: the only one whose line time (its gap) can reach past the time a sample closes. */
  private readonly latest: Record<Direction, Occupancy | undefined> = { "to-peer": undefined, "to-host": undefined };
  private gridInterval: number;
  private last = { time: 0, txHits: 0, txMisses: 0, softwareTx: 0, rxHits: 0, rxMisses: 0, txBusy: 0, rxBusy: 0, txPreemptions: 0, rxPreemptions: 0, cpuBusy: [] as number[], cpuPreemptions: 0, rxWritten: [] as number[] };

  constructor(
    private readonly kernel: Kernel,
    private readonly system: NicSystem,
    /** The sample grid to begin with: intervals end at its multiples, and the last one when the run does. */
    interval: number,
    /** Readings kept before the grid coarsens: even, so that they pair up. */
    private readonly maximumReadings: number,
  ) {
    if (maximumReadings < 2 || maximumReadings % 2 !== 0) throw new RangeError(`sampler: maximumReadings ${maximumReadings} must be an even number of at least 2`);
    this.gridInterval = interval;
    system.wire.tap((time, frame, from) => {
      const bytes = frame.bytes;
      const trafficClass = etherType(bytes) === ETHERTYPE_IPV4 ? dscpClass(bytes[ETHERNET_HEADER_BYTES + 1]! >> 2) : 0;
      const direction = from === "nic" ? "to-peer" : "to-host";
      // The tap sees the frame's last bit (FCS included); its gap follows.
      const onLine = system.wire.duration(wireBytes(bytes.length) - INTER_FRAME_GAP_BYTES);
      const occupancy = { trafficClass, start: time - onLine, end: time - onLine + system.wire.occupancy(bytes.length), bytes: wireBytes(bytes.length) };
      this.spread(direction, occupancy);
      this.latest[direction] = occupancy;
      this.frames[direction]++;
    });
  }

  /** The sample grid's interval now, ps: intervals end at its multiples, and the last one when the run does. */
  get interval(): number {
    return this.gridInterval;
  }

  /** Share a frame's bytes among the grid's intervals in proportion to how much of its line time falls in each. */
  private spread(direction: Direction, { trafficClass, start, end, bytes }: Occupancy): void {
    const bins = this.wireBytes[direction];
    for (let bin = Math.max(0, Math.floor(start / this.interval)); bin * this.interval < end; bin++) {
      const overlap = Math.min(end, (bin + 1) * this.interval) - Math.max(start, bin * this.interval);
      if (overlap <= 0) continue;
      while (bins.length <= bin) bins.push(new Array<number>(CLASSES).fill(0));
      bins[bin]![trafficClass]! += (bytes * overlap) / (end - start);
    }
  }

  /**
   * The part of the latest frame's line time that its interval's bin holds after `time`: counted
   * in a bin, but not in an interval that closes early (the run's last, partial one).
   */
  private spill(direction: Direction, start: number, time: number): Spill | undefined {
    const frame = this.latest[direction];
    const binEnd = (Math.floor(start / this.interval) + 1) * this.interval;
    const overlap = frame ? Math.min(frame.end, binEnd) - Math.max(frame.start, time) : 0;
    return frame && overlap > 0 ? { trafficClass: frame.trafficClass, bytes: (frame.bytes * overlap) / (frame.end - frame.start) } : undefined;
  }

  /** The grid's interval in µs, and the line rate the wire plots cannot exceed, for the report to state. */
  get sampling(): Sampling {
    return { intervalMicroseconds: round(this.interval / 1e6), lineGigabitsPerSecond: this.system.wire.params.gigabitsPerSecond };
  }

  /** Close the interval ending now. */
  sample(): void {
    const now = this.kernel.now;
    const interval = now - this.last.time;
    if (interval <= 0) return;
    const { cache, txCrypto, rxCrypto } = this.system.nic.offload;
    const busy = (crypto: typeof txCrypto) => crypto.engines.reduce((sum, engine) => sum + engine.busyUntil(now), 0);
    const current = {
      time: now,
      txHits: cache.counts.txHits,
      txMisses: cache.counts.txMisses,
      softwareTx: this.system.driver.intermediate.counts.softwareTx,
      rxHits: cache.counts.rxHits,
      rxMisses: cache.counts.rxMisses,
      txBusy: busy(txCrypto),
      rxBusy: busy(rxCrypto),
      txPreemptions: txCrypto.counts.preemptions,
      rxPreemptions: rxCrypto.counts.preemptions,
      cpuBusy: this.system.driver.cpu.busy(),
      cpuPreemptions: this.system.driver.cpu.statistics.preemptions,
      rxWritten: [...this.system.nic.statistics.rxBytes],
    };
    const last = this.last;
    this.readings.push({
      start: last.time,
      end: now,
      beyondEnd: { "to-peer": this.spill("to-peer", last.time, now), "to-host": this.spill("to-host", last.time, now) },
      txHits: current.txHits - last.txHits,
      txMisses: current.txMisses - last.txMisses,
      softwareTx: current.softwareTx - last.softwareTx,
      rxHits: current.rxHits - last.rxHits,
      rxMisses: current.rxMisses - last.rxMisses,
      txBusy: current.txBusy - last.txBusy,
      rxBusy: current.rxBusy - last.rxBusy,
      txPreemptions: current.txPreemptions - last.txPreemptions,
      rxPreemptions: current.rxPreemptions - last.rxPreemptions,
      cpuBusy: current.cpuBusy.map((busy, core) => busy - (last.cpuBusy[core] ?? 0)),
      cpuPreemptions: current.cpuPreemptions - last.cpuPreemptions,
      rxWritten: current.rxWritten.map((bytes, queue) => bytes - (last.rxWritten[queue] ?? 0)),
    });
    this.last = current;
    if (this.readings.length >= this.maximumReadings && now % (2 * this.gridInterval) === 0) this.coarsen();
  }

  /** Double the grid's interval: each two neighbouring readings, and the wire's bins, become one. */
  private coarsen(): void {
    joinPairs(this.readings, joinReadings);
    for (const bins of Object.values(this.wireBytes)) joinPairs(bins, (first, second) => first.map((bytes, trafficClass) => bytes + second[trafficClass]!));
    this.gridInterval *= 2;
  }

  /** The samples so far, each interval's wire throughput counted from the line time its frames took in it. */
  get samples(): Sample[] {
    const rate = (bytes: number, { start, end }: Pick<Reading, "start" | "end">) => round((bytes * 8 * 1000) / (end - start));
    const gbps = (direction: Direction, { start, end, beyondEnd }: Reading) => {
      // Interval k of the grid ends at (k + 1) · interval; the last one may end sooner, where the run did, so what its bin holds after that is left out.
      const bin = this.wireBytes[direction][Math.floor(start / this.interval)];
      const spill = beyondEnd[direction];
      const bytes = (trafficClass: number) => (bin?.[trafficClass] ?? 0) - (spill?.trafficClass === trafficClass ? spill.bytes : 0);
      return Array.from({ length: CLASSES }, (_, trafficClass) => rate(bytes(trafficClass), { start, end }));
    };
    const { txCrypto, rxCrypto } = this.system.nic.offload;
    const ratio = (hits: number, misses: number) => (hits + misses > 0 ? hits / (hits + misses) : null);
    return this.readings.map((reading) => {
      const interval = reading.end - reading.start;
      return {
        time: round(reading.end / 1e6),
        // The driver's lookup: a packet it sent in software found its SA outside the table, as an RX packet the NIC passes on in the clear does (the NIC's
        // own TX misses count only the packets it fetched an SA for: with the driver filling the table, none, and TX drew 1.0 where a fifth went in software; an outside check).
        txHitRatio: ratio(reading.txHits, reading.txMisses + reading.softwareTx),
        rxHitRatio: ratio(reading.rxHits, reading.rxMisses),
        txCryptoBusy: round(reading.txBusy / (interval * txCrypto.engines.length)),
        rxCryptoBusy: round(reading.rxBusy / (interval * rxCrypto.engines.length)),
        txPreemptions: reading.txPreemptions,
        rxPreemptions: reading.rxPreemptions,
        cpuBusy: reading.cpuBusy.map((busy) => round(busy / interval)),
        cpuPreemptions: reading.cpuPreemptions,
        // Last, as the summary has always written them.
        toPeerGbps: gbps("to-peer", reading),
        toHostGbps: gbps("to-host", reading),
        writtenToHostGbps: reading.rxWritten.map((bytes) => rate(bytes, reading)),
      };
    });
  }
}

/** Each two neighbouring items as one, in place (an odd last one stays as it is). */
function joinPairs<T>(items: T[], join: (first: T, second: T) => T): void {
  const pairs = Math.ceil(items.length / 2);
  for (let index = 0; index < pairs; index++) {
    const second = items[2 * index + 1];
    items[index] = second === undefined ? items[2 * index]! : join(items[2 * index]!, second);
  }
  items.length = pairs;
}

/** Two neighbouring readings as one of their joined interval. */
function joinReadings(first: Reading, second: Reading): Reading {
  return {
    start: first.start,
    end: second.end,
    beyondEnd: second.beyondEnd,
    txHits: first.txHits + second.txHits,
    txMisses: first.txMisses + second.txMisses,
    softwareTx: first.softwareTx + second.softwareTx,
    rxHits: first.rxHits + second.rxHits,
    rxMisses: first.rxMisses + second.rxMisses,
    txBusy: first.txBusy + second.txBusy,
    rxBusy: first.rxBusy + second.rxBusy,
    txPreemptions: first.txPreemptions + second.txPreemptions,
    rxPreemptions: first.rxPreemptions + second.rxPreemptions,
    cpuBusy: second.cpuBusy.map((busy, core) => busy + (first.cpuBusy[core] ?? 0)),
    cpuPreemptions: first.cpuPreemptions + second.cpuPreemptions,
    rxWritten: second.rxWritten.map((bytes, queue) => bytes + (first.rxWritten[queue] ?? 0)),
  };
}

/** Four significant decimals: enough for plots, and stable text in the summary. */
export function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

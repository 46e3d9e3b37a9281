import type { Kernel } from "../../sim/kernel.js";
import { ETHERNET_HEADER_BYTES, ETHERTYPE_IPV4, etherType, wireBytes } from "../../sim/packet/ethernet.js";
import type { NicSystem } from "../nic-system.js";

/** One sample interval of the run, for the report's plots over time. */
export interface Sample {
  /** End of the interval, µs. */
  readonly time: number;
  /** Wire throughput by traffic class (the outer DSCP class selector), Gb/s, each way. */
  readonly toPeerGbps: readonly number[];
  readonly toHostGbps: readonly number[];
  /** SA table hits over lookups in the interval (null: no lookups). */
  readonly txHitRatio: number | null;
  readonly rxHitRatio: number | null;
  /** Share of the interval the crypto engines were busy, each direction. */
  readonly txCryptoBusy: number;
  readonly rxCryptoBusy: number;
  readonly txPreemptions: number;
  readonly rxPreemptions: number;
}

const CLASSES = 8;

/** Samples the system every interval: what the wire carried per class, SA table hit ratios, crypto engine use. */
export class Sampler {
  readonly samples: Sample[] = [];
  /** Frames that crossed the NIC's port over the whole run, each way. */
  readonly frames = { "to-peer": 0, "to-host": 0 };
  private readonly bytes = { "to-peer": new Array<number>(CLASSES).fill(0), "to-host": new Array<number>(CLASSES).fill(0) };
  private last = { time: 0, txHits: 0, txMisses: 0, rxHits: 0, rxMisses: 0, txBusy: 0, rxBusy: 0, txPreemptions: 0, rxPreemptions: 0 };

  constructor(
    private readonly kernel: Kernel,
    private readonly system: NicSystem,
  ) {
    system.wire.tap((_, frame, from) => {
      const bytes = frame.bytes;
      const trafficClass = etherType(bytes) === ETHERTYPE_IPV4 ? bytes[ETHERNET_HEADER_BYTES + 1]! >> 5 : 0;
      const direction = from === "nic" ? "to-peer" : "to-host";
      this.bytes[direction][trafficClass]! += wireBytes(bytes.length);
      this.frames[direction]++;
    });
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
      rxHits: cache.counts.rxHits,
      rxMisses: cache.counts.rxMisses,
      txBusy: busy(txCrypto),
      rxBusy: busy(rxCrypto),
      txPreemptions: txCrypto.counts.preemptions,
      rxPreemptions: rxCrypto.counts.preemptions,
    };
    const ratio = (hits: number, misses: number) => (hits + misses > 0 ? hits / (hits + misses) : null);
    const gbps = (bytes: number[]) => bytes.map((count) => round((count * 8 * 1000) / interval));
    this.samples.push({
      time: round(now / 1e6),
      toPeerGbps: gbps(this.bytes["to-peer"]),
      toHostGbps: gbps(this.bytes["to-host"]),
      txHitRatio: ratio(current.txHits - this.last.txHits, current.txMisses - this.last.txMisses),
      rxHitRatio: ratio(current.rxHits - this.last.rxHits, current.rxMisses - this.last.rxMisses),
      txCryptoBusy: round((current.txBusy - this.last.txBusy) / (interval * txCrypto.engines.length)),
      rxCryptoBusy: round((current.rxBusy - this.last.rxBusy) / (interval * rxCrypto.engines.length)),
      txPreemptions: current.txPreemptions - this.last.txPreemptions,
      rxPreemptions: current.rxPreemptions - this.last.rxPreemptions,
    });
    this.bytes["to-peer"].fill(0);
    this.bytes["to-host"].fill(0);
    this.last = current;
  }
}

/** Four significant decimals: enough for plots, and stable text in the summary. */
export function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

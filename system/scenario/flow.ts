import type { Random } from "../../sim/random.js";
import { ArrivalOrder } from "../../sim/stats/arrival-order.js";

/** Latencies kept per flow: exact percentiles up to this many packets, a uniform sample beyond. */
export const LATENCY_SAMPLE = 100_000;

export type Direction = "to-peer" | "to-host";

interface Pending {
  /** When the packet was due: its place in the stream's schedule, whether or not its sender was on time. */
  readonly due: number;
  /** To-peer: when the host had posted it to the NIC's ring. */
  posted: number | null;
  /** To-host: the SPI and ESP sequence number of the gateway's frame (-1: not sent yet). Numbers, not an object: a run with many drops keeps a packet's entry to its end. */
  frameSpi: number;
  frameEspSequence: number;
}

/**
 * One direction of one stream: what was sent, what arrived, and each packet's latency, counted
 * from when it was due, so that a sender held back by backpressure shows its backlog rather than
 * hiding it. The host's part of each latency is kept beside it: to the peer, from due to posted
 * on the NIC's ring; to the host, from the driver taking the frame off the ring to delivery.
 */
export class Flow {
  sent = 0;
  received = 0;
  /** Inner bytes received, and of them those delivered while the streams were offered (by the traffic's end). */
  bytes = 0;
  bytesInTraffic = 0;
  /** Order is kept per tunnel (ESP promises no more across tunnels): a flow spread over several counts reordering within each; a tunnel's SA and the one that rekeys it count as one, so reordering at a rekey counts. */
  private readonly orders: ArrivalOrder[];
  /** Due to delivered, ps: every one up to LATENCY_SAMPLE, then a uniform sample of that size. */
  readonly latencies: number[] = [];
  /** The host's part of the same packets' latencies, ps. */
  readonly hostLatencies: number[] = [];
  /** When the first packet was due and the last one delivered: the window the throughput is counted over. */
  firstDue = Infinity;
  lastDelivery = -Infinity;
  private readonly pending = new Map<number, Pending>();

  constructor(
    readonly stream: string,
    readonly direction: Direction,
    readonly trafficClass: number,
    /** The packet sent with a sequence number, rebuilt to check what arrived. */
    readonly packet: (sequence: number) => Uint8Array,
    private readonly random: Random,
    /** The SAs the flow's packets go round, and which one carries each packet. */
    readonly lanes = 1,
    readonly laneOf: (sequence: number) => number = (sequence) => sequence % lanes,
  ) {
    this.orders = Array.from({ length: lanes }, () => new ArrivalOrder());
  }

  /** Packets that arrived behind one sent after them on the same SA. */
  get outOfOrder(): number {
    return this.orders.reduce((sum, order) => sum + order.outOfOrder, 0);
  }

  /** Packets sent and not yet arrived. */
  get undelivered(): number {
    return this.pending.size;
  }

  isPending(sequence: number): boolean {
    return this.pending.has(sequence);
  }

  /** Sequence numbers of the packets sent and not yet arrived. */
  pendingSequences(): IterableIterator<number> {
    return this.pending.keys();
  }

  /** The gateway sent the packet in the frame of this SPI and ESP sequence number. */
  sentInFrame(sequence: number, spi: number, espSequence: number): void {
    const pending = this.pending.get(sequence);
    if (!pending) return;
    pending.frameSpi = spi;
    pending.frameEspSequence = espSequence;
  }

  /** The gateway's frame of a pending packet, if it was sent to the host. */
  frameOf(sequence: number): { spi: number; espSequence: number } | null {
    const pending = this.pending.get(sequence);
    return pending && pending.frameSpi >= 0 ? { spi: pending.frameSpi, espSequence: pending.frameEspSequence } : null;
  }

  /** The packet with this sequence number is sent; it was due at `due`. */
  send(sequence: number, due: number): void {
    this.pending.set(sequence, { due, posted: null, frameSpi: -1, frameEspSequence: -1 });
    this.firstDue = Math.min(this.firstDue, due);
    this.sent++;
  }

  /** The host has posted the packet on the NIC's ring. */
  posted(sequence: number, time: number): void {
    const pending = this.pending.get(sequence);
    if (pending) pending.posted = time;
  }

  /** The packet arrived at `time`, `inTraffic` (by the traffic's end) or after; to the host, its frame was taken off the ring at `received`. */
  arrived(sequence: number, bytes: number, time: number, received: number | null, inTraffic: boolean): void {
    const pending = this.pending.get(sequence)!;
    this.pending.delete(sequence);
    this.orders[this.laneOf(sequence)]!.arrived(sequence);
    this.received++;
    this.bytes += bytes;
    if (inTraffic) this.bytesInTraffic += bytes;
    this.lastDelivery = Math.max(this.lastDelivery, time);
    const host = this.direction === "to-peer" ? (pending.posted ?? time) - pending.due : time - (received ?? time);
    // Beyond the sample size, reservoir sampling keeps memory flat in long runs (and draws no random number before).
    let slot = this.latencies.length;
    if (slot >= LATENCY_SAMPLE) slot = this.random.integer(0, this.received - 1);
    if (slot >= LATENCY_SAMPLE) return;
    this.latencies[slot] = time - pending.due;
    this.hostLatencies[slot] = host;
  }
}

/** The delivery window of flows: from the first packet due to the last delivered. */
export function deliveryWindow(flows: readonly Flow[]): { start: number; end: number } {
  return { start: Math.min(...flows.map((flow) => flow.firstDue)), end: Math.max(...flows.map((flow) => flow.lastDelivery)) };
}

/** Inner bits per second that flows delivered over a window (one window for every class of a direction, so that their figures add up). */
export function windowBitsPerSecond(flows: readonly Flow[], window: { start: number; end: number }): number {
  const bytes = flows.reduce((sum, flow) => sum + flow.bytes, 0);
  return window.end > window.start ? (bytes * 8 * 1e12) / (window.end - window.start) : 0;
}

/**
 * Inner bits per second that flows delivered from their direction's first packet due to the
 * traffic's end (`trafficEnd`, or the run's end if sooner): what each class got while the streams
 * competed. Under overload the delivery window runs on while backlogs drain, and its figure is
 * what a class was offered over a longer time: gold policed to 10 % of the line showed 8.1 Gb/s
 * beside bulk's 15.4, where it had 2.5 and bulk 22.5 while both were offered.
 */
export function inTrafficBitsPerSecond(flows: readonly Flow[], window: { start: number }, trafficEnd: number): number {
  const bytes = flows.reduce((sum, flow) => sum + flow.bytesInTraffic, 0);
  return trafficEnd > window.start ? (bytes * 8 * 1e12) / (trafficEnd - window.start) : 0;
}

import { Channel } from "../../sim/channel.js";
import { edge } from "../../sim/process.js";
import type { DmaCompletion } from "../../hw/dma/engine.js";
import { buildNic } from "../hardware.js";
import { type Experiment, type Measurement, RATE_TOLERANCE, type Scale } from "./experiment.js";
import { steadyRate } from "./steady-rate.js";

/** A reply channel that notes when each completion was handed over. */
class TimedReplies extends Channel<DmaCompletion<number>> {
  readonly times: number[] = [];
  constructor(private readonly clock: { readonly now: number; readonly phase: number; readonly edgesPending: boolean }) {
    super(clock);
  }
  override push(item: DmaCompletion<number>): void {
    super.push(item);
    this.times.push(this.clock.now);
  }
}

interface Link {
  readonly readLatency: number;
  readonly writeLatency: number;
  readonly bytesPerCycle: number;
  readonly maxOutstandingReads: number;
  readonly maxReadRequest: number;
  readonly maxPayload: number;
}

/**
 * Run `requests` DMA reads (or writes) of `bytes` each, all made at one core edge; returns the
 * completion times and the core clock period.
 */
function transfer(link: Link, write: boolean, bytes: number, requests: number): { made: number; times: number[]; period: number } {
  const parameters = Object.fromEntries(Object.entries(link).map(([key, value]) => [`top.nic.dma.${key}`, value]));
  const { kernel, top } = buildNic({ parameters: { "top.nic.queues": 1, ...parameters } });
  const dma = top.nic.dma;
  const replies = new TimedReplies(kernel);
  const buffer = top.memory.allocate(bytes * requests, "validation buffer");
  const data = new Uint8Array(bytes);
  let made = 0;
  kernel.process("requester", function* () {
    yield edge(top.nic.coreClock);
    made = kernel.now;
    for (let index = 0; index < requests; index++) {
      if (write) dma.write(buffer + index * bytes, data, replies, index);
      else dma.read(buffer + index * bytes, bytes, replies, index);
    }
  });
  kernel.run({ until: 1e12 * 0.01, stopWhen: () => replies.times.length >= requests });
  return { made, times: replies.times, period: top.nic.coreClock.period };
}

const DEFAULT_LINK: Link = { readLatency: 125, writeLatency: 50, bytesPerCycle: 32, maxOutstandingReads: 64, maxReadRequest: 512, maxPayload: 256 };

/** Link variants: the defaults, few tags, a narrow link with small requests, large requests. */
const LINKS: Record<Scale, readonly (Partial<Link> & { label: string })[]> = {
  fast: [{ label: "defaults" }, { label: "4 tags", maxOutstandingReads: 4 }],
  full: [
    { label: "defaults" },
    { label: "4 tags", maxOutstandingReads: 4 },
    { label: "1 tag", maxOutstandingReads: 1 },
    { label: "8 B/cycle, MRRS 128, MPS 128", bytesPerCycle: 8, maxReadRequest: 128, maxPayload: 128 },
    { label: "64 B/cycle, MRRS 4096, MPS 512, latency 250", bytesPerCycle: 64, maxReadRequest: 4096, maxPayload: 512, readLatency: 250 },
    // Widths that divide no MRRS: a piece crosses in whole cycles, so the link carries M / ⌈M/b⌉, not b (an outside check: 21.3 B/cycle where the form said 24).
    { label: "24 B/cycle, MRRS 128, MPS 128", bytesPerCycle: 24, maxReadRequest: 128, maxPayload: 128 },
    { label: "48 B/cycle, MRRS 512", bytesPerCycle: 48 },
  ],
};

/**
 * Cycles from a lone read of `bytes` being taken to its last piece's completion: pieces of at most
 * M are issued one per cycle while a tag is free (a tag frees when its completion has crossed),
 * each arrives L cycles after issue and crosses the link after the one before it.
 */
function readCycles(bytes: number, link: Link): number {
  const { readLatency, bytesPerCycle, maxOutstandingReads, maxReadRequest } = link;
  const done: number[] = [];
  let linkFree = 0;
  for (let offset = 0, piece = 0; offset < bytes; offset += maxReadRequest, piece++) {
    const issue = Math.max(piece, piece >= maxOutstandingReads ? done[piece - maxOutstandingReads]! : 0);
    linkFree = Math.max(issue + readLatency, linkFree) + Math.ceil(Math.min(maxReadRequest, bytes - offset) / bytesPerCycle);
    done.push(linkFree);
  }
  return linkFree;
}

/** Core cycles a request of `bytes` spends crossing the link, split into pieces of at most `piece`. */
function linkCycles(bytes: number, piece: number, bytesPerCycle: number): number {
  let cycles = 0;
  for (let offset = 0; offset < bytes; offset += piece) cycles += Math.ceil(Math.min(piece, bytes - offset) / bytesPerCycle);
  return cycles;
}

export const dmaBandwidth: Experiment = {
  name: "dma",
  title: "DMA read and write bandwidth and latency against the link parameters",
  closedForm:
    "With read latency L, link width b bytes per cycle, T tags, MRRS M, MPS P and write latency W (cycles), a request made at a core edge is taken at the next one. " +
    "A lone read of B bytes is split into pieces of at most M, issued one per cycle while a tag is free; piece k arrives L cycles after its issue and crosses the link after piece k − 1 (⌈piece/b⌉ cycles), " +
    "so it completes at d_k = max(i_k + L, d_(k−1)) + ⌈piece_k/b⌉ with i_k = max(k, d_(k−T)): 1 + L + ⌈B/b⌉ cycles when tags suffice; " +
    "a stream of M-byte reads moves min(M / ⌈M/b⌉, T·M / (L + ⌈M/b⌉)) bytes per cycle (each piece crosses in ⌈M/b⌉ whole cycles; tags cycle every L + ⌈M/b⌉). " +
    "A lone posted write of B bytes lands 1 + Σ⌈piece/b⌉ + W cycles later (pieces of at most P); a stream of writes moves B / Σ⌈piece/b⌉ bytes per cycle.",
  run(scale) {
    const rows: Measurement[] = [];
    for (const variant of LINKS[scale]) {
      const { label, ...overrides } = variant;
      const link = { ...DEFAULT_LINK, ...overrides };
      const { readLatency: L, writeLatency: W, bytesPerCycle: b, maxOutstandingReads: T, maxReadRequest: M, maxPayload: P } = link;
      for (const bytes of [64, 1500, 9000]) {
        const read = transfer(link, false, bytes, 1);
        rows.push({ quantity: `${label}: ${bytes}-byte read, latency`, unit: "cycles", expected: 1 + readCycles(bytes, link), measured: (read.times[0]! - read.made) / read.period, tolerance: RATE_TOLERANCE });
        const write = transfer(link, true, bytes, 1);
        rows.push({ quantity: `${label}: ${bytes}-byte write, latency`, unit: "cycles", expected: 1 + linkCycles(bytes, P, b) + W, measured: (write.times[0]! - write.made) / write.period, tolerance: RATE_TOLERANCE });
      }
      const requests = scale === "fast" ? 200 : 1000;
      const reads = transfer(link, false, M, requests);
      const steady = reads.times.slice(requests / 4);
      const readRate = steadyRate(steady) * M * reads.period;
      rows.push({ quantity: `${label}: read bandwidth (${M}-byte requests)`, unit: "B/cycle", expected: Math.min(M / Math.ceil(M / b), (T * M) / (L + Math.ceil(M / b))), measured: readRate, tolerance: RATE_TOLERANCE });
      const writeBytes = 1500;
      const writes = transfer(link, true, writeBytes, requests);
      const landed = writes.times.slice(requests / 4);
      const writeRate = steadyRate(landed) * writeBytes * writes.period;
      rows.push({ quantity: `${label}: write bandwidth (${writeBytes}-byte writes)`, unit: "B/cycle", expected: writeBytes / linkCycles(writeBytes, P, b), measured: writeRate, tolerance: RATE_TOLERANCE });
    }
    return rows;
  },
};

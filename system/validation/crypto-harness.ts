import { Channel } from "../../sim/channel.js";
import { EspOutbound, spi } from "../../sim/ipsec/esp.js";
import { ethernetFrame, macAddress } from "../../sim/packet/ethernet.js";
import { ipv4Address, ipv4Packet, PROTOCOL_ESP, PROTOCOL_IPV4 } from "../../sim/packet/ipv4.js";
import { edge } from "../../sim/process.js";
import { Random } from "../../sim/random.js";
import { AesGcmBackendToken } from "../../sim/crypto/backend.js";
import { espLayout } from "../../hw/ipsec/esp-frame.js";
import type { CryptoResult } from "../../hw/ipsec/crypto-job.js";
import type { CryptoCounts } from "../../hw/ipsec/crypto-pipeline.js";
import type { SaEntry } from "../../hw/ipsec/sa-cache.js";
import { buildNic } from "../hardware.js";

/** A job for the harness: ESP data bytes, the SA (by index) and the class queue. */
export interface HarnessJob {
  readonly dataBytes: number;
  readonly sa: number;
  readonly queue: number;
  /** Core cycles after the first job's submission that this one is submitted (0: with the first). */
  readonly atCycle?: number;
}

export interface HarnessResult {
  /** Completion time of each job, by its index, ps. */
  readonly done: number[];
  /** When the first job was submitted. */
  readonly submitted: number;
  readonly period: number;
  readonly counts: CryptoCounts;
  /** Every job's stage times by index: queued, started (front), ready (key set up), running (data path), done. */
  readonly stages: Map<number, Map<string, number>>;
}

const HOST = ipv4Address("192.0.2.1");
const PEER = ipv4Address("192.0.2.2");

/** An ESP tunnel frame whose encrypted data (payload, padding, trailer) is `dataBytes` long, laid out for inline encryption. */
function espFrame(outbound: EspOutbound, dataBytes: number): Uint8Array {
  // Data = inner + padding to 4 + 2 trailer bytes: an inner packet of dataBytes − 2 (a multiple of 4 less 2) fills it exactly.
  const inner = new Uint8Array(Math.max(0, dataBytes - 2));
  const esp = outbound.prepare(inner, PROTOCOL_IPV4);
  return ethernetFrame(macAddress("02:00:00:00:00:02"), macAddress("02:00:00:00:00:01"), ipv4Packet({ source: HOST, destination: PEER, protocol: PROTOCOL_ESP }, esp));
}

/**
 * Drive one direction's crypto pipeline of a NIC with no driver: SAs installed in its table,
 * jobs submitted at core edges as the TX engine would, completions timed as they come out.
 * `schedules` sets TX_SCHED per class queue (strict classes preempt); `skipIdle: false` evaluates
 * every edge, to check that idle skipping changes nothing.
 */
export function runCryptoJobs(parameters: Record<string, unknown>, jobs: readonly HarnessJob[], schedules: ReadonlyMap<number, { strict: boolean; percent: number; remaining: number }> = new Map(), options: { skipIdle?: boolean } = {}): HarnessResult {
  const { kernel, top, container } = buildNic({ parameters: { "top.nic.queues": 8, ...parameters }, skipIdle: options.skipIdle });
  const nic = top.nic;
  const crypto = nic.offload.txCrypto;
  for (const [queue, schedule] of schedules) crypto.configure(queue, schedule);
  const backend = container.resolve(AesGcmBackendToken);
  const random = Random.derive(1, "crypto-harness");
  const saCount = Math.max(...jobs.map((job) => job.sa)) + 1;
  const entries: SaEntry[] = [];
  const outbound: EspOutbound[] = [];
  for (let index = 0; index < saCount; index++) {
    const parameters = { spi: spi(0x1000 + index), keyMaterial: random.bytes(20), icvLength: 16 as const, esn: false };
    outbound.push(new EspOutbound(backend, parameters));
    entries.push(nic.saCache.install("tx", index, { uniqueId: index + 1, protocol: PROTOCOL_ESP, direction: 1, spi: parameters.spi, esn: false, qosGroup: null, icvLength: 16, keyMaterial: parameters.keyMaterial, source: Uint8Array.of(192, 0, 2, 1), destination: Uint8Array.of(192, 0, 2, 2) }));
  }
  const done: number[] = new Array(jobs.length).fill(NaN);
  const replies = new (class extends Channel<CryptoResult<{ index: number }>> {
    override push(item: CryptoResult<{ index: number }>): void {
      super.push(item);
      done[item.job.tag.index] = kernel.now;
    }
  })(kernel);
  const stages = new Map<number, Map<string, number>>();
  nic.stages.listener = (event) => {
    const index = (event.frame as { index: number }).index;
    if (!stages.has(index)) stages.set(index, new Map());
    stages.get(index)!.set(event.stage, event.time);
  };
  let submitted = 0;
  const order = jobs.map((job, index) => ({ job, index })).sort((a, b) => (a.job.atCycle ?? 0) - (b.job.atCycle ?? 0));
  kernel.process("submitter", function* () {
    yield edge(nic.coreClock);
    submitted = kernel.now;
    let cycle = 0;
    for (const { job, index } of order) {
      while (cycle < (job.atCycle ?? 0)) {
        yield edge(nic.coreClock);
        cycle++;
      }
      const frame = espFrame(outbound[job.sa]!, job.dataBytes);
      const layout = espLayout(frame, 16)!;
      // The tag names the job: stage events carry it as their frame.
      crypto.submit({ encrypt: true, entry: entries[job.sa]!, queue: job.queue, frame, layout, tag: { index }, reply: replies });
    }
  });
  kernel.run({ until: 1e12 * 0.01, stopWhen: () => done.every((time) => !Number.isNaN(time)) });
  return { done, submitted, period: nic.coreClock.period, counts: crypto.counts, stages };
}

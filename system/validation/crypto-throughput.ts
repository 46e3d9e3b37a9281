import { ETHERNET_HEADER_BYTES, wireBytes } from "../../sim/packet/ethernet.js";
import { sequencedPacket } from "../../sim/packet/test-frames.js";
import { tunnelFrameBytes } from "../ipsec-setup.js";
import { tunnelledSystem } from "../tunnelled-system.js";
import { DEFAULT_CRYPTO, type CryptoTiming, dataCycles, frontCycles, jobRate } from "./crypto-closed-form.js";
import { runCryptoJobs } from "./crypto-harness.js";
import { type Experiment, type Measurement, RATE_TOLERANCE, type Scale } from "./experiment.js";
import { INSTANT_HOST } from "./host.js";
import { steadyRate } from "./steady-rate.js";

interface Variant {
  readonly label: string;
  readonly timing: CryptoTiming;
  /** SAs the jobs take in turn. */
  readonly sas: number;
  readonly keyCacheEntries: number;
}

const variant = (label: string, overrides: Partial<CryptoTiming>, sas: number, keyCacheEntries = 4): Variant => ({ label, timing: { ...DEFAULT_CRYPTO, ...overrides }, sas, keyCacheEntries });

const VARIANTS: Record<Scale, readonly Variant[]> = {
  fast: [variant("1 engine, one SA", {}, 1), variant("1 engine, 6 SAs in turn (key cache of 4: every key set up)", {}, 6), variant("1 engine, pipeline depth 1 (nothing overlapped)", { pipelineDepth: 1 }, 1)],
  full: [
    variant("1 engine, one SA", {}, 1),
    variant("1 engine, 2 SAs in turn (both keys cached)", {}, 2),
    variant("1 engine, 6 SAs in turn (key cache of 4: every key set up)", {}, 6),
    variant("1 engine, 6 SAs in turn, key cache of 8", {}, 6, 8),
    variant("1 engine, pipeline depth 1 (nothing overlapped)", { pipelineDepth: 1 }, 1),
    variant("1 engine, pipeline depth 2", { pipelineDepth: 2 }, 1),
    variant("4 engines, one SA", { engines: 4 }, 1),
    variant("2 engines, 6 SAs in turn, 4 bytes per cycle", { engines: 2, bytesPerCycle: 4 }, 6),
  ],
};

const SIZES: Record<Scale, readonly number[]> = { fast: [64, 1500], full: [16, 64, 128, 256, 512, 1024, 1500, 4096, 9000] };

function greatestCommonDivisor(a: number, b: number): number {
  return b === 0 ? a : greatestCommonDivisor(b, a % b);
}

function parametersOf(variant: Variant): Record<string, unknown> {
  const { timing } = variant;
  return {
    "top.nic.crypto_tx.engines": timing.engines,
    "top.nic.crypto_tx.bytesPerCycle": timing.bytesPerCycle,
    "top.nic.crypto_tx.latency": timing.latency,
    "top.nic.crypto_tx.keySetupCycles": timing.keySetupCycles,
    "top.nic.crypto_tx.pipelineDepth": timing.pipelineDepth,
    "top.nic.crypto_tx.keyCacheEntries": variant.keyCacheEntries,
    "top.nic.sacache.lookupCycles": timing.lookupCycles,
  };
}

/** ESP frames back to back through the NIC (TX, inline): frames per second on the wire. */
export function espWireRate(innerBytes: number, parameters: Record<string, unknown>, frames: number): number {
  const design = tunnelledSystem([{ name: "bulk", trafficClass: 0, qosGroup: 1 }], { ...INSTANT_HOST, "top.driver.intermediate.offloadCyclesPerPacket": 0, ...parameters });
  const { kernel, top, peer } = design;
  peer.onDeliver = () => {};
  top.peer.keepReceived = false;
  const times: number[] = [];
  top.wire.tap((time, _, from) => from === "nic" && times.push(time));
  kernel.process("sender", function* () {
    yield top.driver.base.whenReady();
    for (let sequence = 0; sequence < frames; sequence++) yield* top.driver.intermediate.send(sequencedPacket("to-peer", 0, sequence, innerBytes + ETHERNET_HEADER_BYTES, { destinationPort: 49200 }));
  });
  kernel.run({ until: 1e12 * 0.01, stopWhen: () => times.length >= frames });
  return steadyRate(times.slice(Math.floor(frames / 4))) * 1e12;
}

export const cryptoThroughput: Experiment = {
  name: "crypto",
  title: "Crypto engine throughput at every packet size: one and alternating SAs, one and several engines, pipelined or not",
  closedForm:
    "A job of B data bytes holds the data path D = ⌈B / bytesPerCycle⌉ cycles; its front stage takes F = lookupCycles, plus keySetupCycles when its SA's key is " +
    "not in the engine's key cache (least recently used, keyCacheEntries); its ICV is out `latency` cycles after its last data. Alone, a job submitted at a " +
    "core edge completes 1 + F + D + latency cycles later. Back to back, an engine takes a job every max(D, F, (F + D + latency) / pipelineDepth) cycles " +
    "(the next front overlaps the data path; a job holds one of pipelineDepth places from its front to its ICV), and E engines E times as many, taking " +
    "the jobs in turn (so each engine sees SAs / gcd(SAs, E) of the SAs going round, and sets up no key while they fit its cache). Through the " +
    "NIC, ESP frames leave at min(the line's frame rate, the engines' job rate): min(R / 8 (S + 24), E · f / interval).",
  run(scale) {
    const rows: Measurement[] = [];
    const jobs = scale === "fast" ? 100 : 300;
    for (const variant of VARIANTS[scale]) {
      const parameters = parametersOf(variant);
      for (const bytes of SIZES[scale]) {
        const queue = Array.from({ length: jobs }, (_, index) => ({ dataBytes: bytes, sa: index % variant.sas, queue: 0 }));
        const result = runCryptoJobs(parameters, queue);
        const alone = 1 + frontCycles(false, variant.timing) + dataCycles(bytes, variant.timing) + variant.timing.latency;
        rows.push({ quantity: `${variant.label}, ${bytes}-byte jobs: first job's latency`, unit: "cycles", expected: alone, measured: (result.done[0]! - result.submitted) / result.period, tolerance: RATE_TOLERANCE });
        // Back to back, jobs go to the engines in turn: each sees SAs / gcd(SAs, engines) of the SAs.
        const cached = variant.sas / greatestCommonDivisor(variant.sas, variant.timing.engines) <= variant.keyCacheEntries;
        const expected = jobRate(bytes, cached, variant.timing);
        // Completions come in a pattern that repeats every depth × engines × SAs jobs: count whole repeats.
        const repeat = variant.timing.pipelineDepth * variant.timing.engines * variant.sas;
        const intervals = Math.floor(jobs / 2 / repeat) * repeat;
        const measured = (intervals * 1e12) / (result.done[jobs - 1]! - result.done[jobs - 1 - intervals]!);
        rows.push({ quantity: `${variant.label}, ${bytes}-byte jobs: data throughput`, unit: "Gb/s", expected: (expected * bytes * 8) / 1e9, measured: (measured * bytes * 8) / 1e9, tolerance: RATE_TOLERANCE });
      }
    }
    const lineBitsPerSecond = 25e9;
    const frames = scale === "fast" ? 300 : 800;
    const inner = scale === "fast" ? [64, 1400] : [46, 64, 128, 256, 512, 1400, 8900];
    for (const [label, overrides] of [["default engine", {}], ["one engine of 2 bytes per cycle", { bytesPerCycle: 2 }]] as const) {
      const timing = { ...DEFAULT_CRYPTO, ...overrides };
      for (const bytes of inner) {
        const frame = tunnelFrameBytes(bytes);
        const data = frame - ETHERNET_HEADER_BYTES - 20 - 16 - 16;
        const expected = Math.min(lineBitsPerSecond / (8 * wireBytes(frame)), jobRate(data, true, timing));
        const measured = espWireRate(bytes, { "top.nic.crypto_tx.bytesPerCycle": timing.bytesPerCycle }, frames);
        rows.push({ quantity: `TX ESP through the NIC, ${label}, ${frame}-byte frames: frame rate`, unit: "frames/s", expected, measured, tolerance: RATE_TOLERANCE });
      }
    }
    return rows;
  },
};

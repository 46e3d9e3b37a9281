import { owedProgress } from "../../hw/ipsec/crypto-engine.js";
import { ETHERNET_HEADER_BYTES, wireBytes } from "../../sim/packet/ethernet.js";

/** Bytes of an ESP tunnel frame outside the encrypted data: Ethernet and outer IPv4 headers, SPI, sequence, IV, ICV. */
export const ESP_FRAME_OVERHEAD = ETHERNET_HEADER_BYTES + 20 + 16 + 16;

/** What the closed forms need of a direction's crypto engines (cycles are core cycles). */
export interface CryptoTiming {
  readonly engines: number;
  readonly bytesPerCycle: number;
  readonly latency: number;
  readonly keySetupCycles: number;
  readonly lookupCycles: number;
  readonly pipelineDepth: number;
  readonly coreMegahertz: number;
}

export const DEFAULT_CRYPTO: CryptoTiming = { engines: 1, bytesPerCycle: 16, latency: 20, keySetupCycles: 10, lookupCycles: 2, pipelineDepth: 8, coreMegahertz: 250 };

/** Cycles a job of `dataBytes` holds the data path. */
export function dataCycles(dataBytes: number, timing: CryptoTiming): number {
  return Math.ceil(Math.max(1, dataBytes) / timing.bytesPerCycle);
}

/** Front-stage cycles of a job: the SA lookup, and the key setup when its key is not cached. */
export function frontCycles(keyCached: boolean, timing: CryptoTiming): number {
  return timing.lookupCycles + (keyCached ? 0 : timing.keySetupCycles);
}

/**
 * Cycles between jobs of one engine when they come back to back: the data path, the front stage
 * and the depth each bound it (a job holds one of pipelineDepth places from its front stage to
 * its ICV): max(D, F, (F + D + latency) / depth).
 */
export function jobInterval(dataBytes: number, keyCached: boolean, timing: CryptoTiming): number {
  const data = dataCycles(dataBytes, timing);
  const front = frontCycles(keyCached, timing);
  return Math.max(data, front, (front + data + timing.latency) / timing.pipelineDepth);
}

/** Jobs per second of a direction's engines, back to back. */
export function jobRate(dataBytes: number, keyCached: boolean, timing: CryptoTiming): number {
  return (timing.engines * timing.coreMegahertz * 1e6) / jobInterval(dataBytes, keyCached, timing);
}

/** The engines' capacity as a fraction of a line's time, for frames of `frameBytes` whose ESP data is `dataBytes`. */
export function cryptoShareOfLine(dataBytes: number, frameBytes: number, lineBitsPerSecond: number, timing: CryptoTiming): number {
  return (jobRate(dataBytes, true, timing) * wireBytes(frameBytes) * 8) / lineBitsPerSecond;
}

/** What strictWaitBound needs of the engines. */
export interface WaitBoundEngine {
  readonly checkInterval: number;
  readonly saveCycles: number;
  readonly restoreCycles: number;
  readonly bytesPerCycle: number;
  readonly lookupCycles: number;
  readonly keySetupCycles: number;
  readonly policy: string;
  readonly pipelineDepth: number;
  readonly latency: number;
  readonly owed: boolean;
}

/**
 * Cycles a strict job waits at most for a data path: the running job's check point at which it is
 * suspended, its context save under preempt-resume, and with a pipeline one job deep the latency
 * of a job whose data is all in (it holds the only slot until its result leaves). Deeper, jobs whose
 * data is all in may hold every slot (jobs shorter than the latency): nothing is suspended then, and
 * the strict job waits for the oldest to leave, within the latency less a cycle for each of the
 * others, which took the data path after it for a cycle at least; the bound is the longer of the
 * two (it was the first alone: 53 cycles for 12 at depth 2 and latency 60, from an outside check). The next check
 * point suspends a job that may be cut; under preempt-resume with cutsBeforeProgressOwed set, a job sent
 * back with nothing gained that many times is owed progress (`owed`: strict jobs close enough to cut
 * one so): it keeps an engine's front (its lookup and key setup) and is suspended at the first check
 * point past its restore (one of 0 cycles holds the data path to the next edge) and owedProgress.
 */
export function strictWaitBound(engine: WaitBoundEngine): number {
  const preempting = preemptingCycles(engine);
  return engine.pipelineDepth === 1 ? preempting + engine.latency : Math.max(preempting, slotsHeld(engine));
}

/** The wait for a job in a data path to be suspended: its check point (several behind a job owed progress, and its front), and its save under preempt-resume. */
function preemptingCycles(engine: WaitBoundEngine): number {
  const resume = engine.policy === "preempt-resume";
  const owed = resume && engine.owed;
  const checkPoints = owed ? Math.max(1, Math.ceil((Math.max(1, engine.restoreCycles) + Math.ceil(owedProgress(engine) / engine.bytesPerCycle)) / engine.checkInterval)) : 1;
  const front = owed ? engine.lookupCycles + engine.keySetupCycles : 0;
  return front + checkPoints * engine.checkInterval + (resume ? engine.saveCycles : 0);
}

/** Deeper than one job: the longest a strict job waits for a slot every one of which holds a job whose data is all in. */
const slotsHeld = (engine: Pick<WaitBoundEngine, "latency" | "pipelineDepth">) => engine.latency - (engine.pipelineDepth - 1);

/** What strictWaitBound's figure is made of, in words, for a job no owed progress holds up (the latency benchmark's goal). */
export function strictWaitBoundTerms(engine: Omit<WaitBoundEngine, "owed">): string {
  const preempting = engine.policy === "preempt-resume" ? "checkInterval + saveCycles" : "checkInterval";
  if (engine.pipelineDepth === 1) return `${preempting} + latency (a one-deep pipeline: a job whose data is all in holds its only slot)`;
  const cycles = preemptingCycles({ ...engine, owed: false });
  if (slotsHeld(engine) <= cycles) return preempting;
  return `latency - (pipelineDepth - 1) (every slot may hold a job whose data is all in, which nothing suspends; longer than ${preempting}, ${cycles})`;
}

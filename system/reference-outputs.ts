import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultScenario } from "./scenario/default-scenario.js";
import { runScenario } from "./scenario/run.js";
import { untilLastChange } from "../sim/vcd/waveform-difference.js";

/**
 * Reference runs whose outputs must not change when only the model's speed does: a change that
 * computes a block's timing instead of stepping it must leave every waveform change, captured
 * frame and summary figure where it was. Each varies a dimension the default does not.
 */
export const REFERENCE_RUNS: Record<string, Record<string, unknown>> = {
  default: {},
  "software ESP on two cores": { "driver.intermediate.offload": false, "driver.cpu.cores": 2, durationMicroseconds: 300 },
  "small rings, jumbo frames, slow DMA": {
    "driver.base.txRingDescriptors": 8,
    "driver.base.rxRingDescriptors": 8,
    "nic.tx.descriptorCache": 4,
    "nic.rx.descriptorCache": 4,
    "nic.dma.extraLatencyMaximum": 40,
    "traffic.2.packetBytes": 8000,
    durationMicroseconds: 300,
  },
  // Retransmitted after 300 µs, not 2 ms: the same 8 retransmissions (and a duplicate, a retransmission crossing its reply) in 2.7 ms of bring-up, not 10.9 (every-edge stepped it all, 33 s of the suite).
  "lost IKE messages": { "faults.ikeLossProbability": 0.2, "driver.intermediate.ike.retransmitMicroseconds": 300, durationMicroseconds: 300, seed: 11 },
  // Gold over its policed 10 % while the bulk fills the line: the TX engine waits for the policer's rate; write-backs wait for WTHRESH or their delay.
  "write-back coalescing, gold over its policed rate": {
    "driver.base.txWriteBackThreshold": 4,
    "traffic.0.packetBytes": 1400,
    "traffic.0.gapMicroseconds": 1,
    durationMicroseconds: 200,
  },
};

/** The files compared: those whose bytes the model alone decides (the HTML report also names the output directory). */
const COMPARED = [".vcd", ".pcap", ".summary.json", ".esp_sa", ".sa-trace.jsonl", ".ikev1_decryption_table"];

export type OutputHashes = Record<string, string>;

/** The summary's `kernel` section counts the model's own work, which a faster model changes: the work budgets (nicsim validate) hold that. */
function comparedBytes(suffix: string, bytes: Buffer): Buffer | string {
  if (suffix !== ".summary.json") return bytes;
  const { kernel: _work, ...summary } = JSON.parse(bytes.toString("utf8")) as Record<string, unknown>;
  return JSON.stringify(summary);
}

/** The part of an output that does not depend on where the run ends: every file but the summary, and the waveform up to its last change. */
export const TO_THE_LAST_CHANGE = ".vcd to its last change";

function sha256(bytes: Buffer | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Run one reference and hash its outputs by file suffix; without the waveform, all but the VCD. */
export function referenceHashes(name: string, options: ReferenceRunOptions = { waveform: true }): OutputHashes {
  return referenceRun(name, options).hashes;
}

export interface ReferenceRunOptions {
  readonly waveform: boolean;
  /** False: every block evaluated on every edge (RunOptions.skipIdle). */
  readonly skipIdle?: boolean;
}

/** A reference run's hashes, and the kernel's empty edges (taken with no block running) per frame on the wire, which no output shows. */
export function referenceRun(name: string, options: ReferenceRunOptions = { waveform: true }): { hashes: OutputHashes; emptyEdgesPerFrame: number } {
  return outputHashes(REFERENCE_RUNS[name]!, options);
}

/** The default scenario with these values set, run, and its outputs hashed as a reference run's are. */
export function outputHashes(values: Record<string, unknown>, options: ReferenceRunOptions = { waveform: true }): { hashes: OutputHashes; emptyEdgesPerFrame: number } {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-reference-"));
  try {
    const { summary } = runScenario(defaultScenario({ ...values, ...(options.waveform ? {} : { "outputs.waveform": false }) }), { directory, skipIdle: options.skipIdle });
    const hashes: OutputHashes = {};
    for (const suffix of COMPARED.filter((suffix) => options.waveform || suffix !== ".vcd")) hashes[suffix] = sha256(comparedBytes(suffix, readFileSync(join(directory, `default${suffix}`))));
    if (options.waveform) hashes[TO_THE_LAST_CHANGE] = sha256(untilLastChange(readFileSync(join(directory, "default.vcd"), "latin1")));
    return { hashes, emptyEdgesPerFrame: summary.kernel.emptyEdges / (summary.wireFrames.toPeer + summary.wireFrames.toHost) };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

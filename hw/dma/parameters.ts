import { param } from "../../sim/parameters.js";

/** PCIe sets MRRS and MPS as 128 × 2^n bytes (the model also takes 64). */
function powerOfTwo(bytes: number): string | null {
  return Number.isInteger(bytes) && (bytes & (bytes - 1)) === 0 ? null : "a power of two (PCIe sets MRRS and MPS as 128, 256, … 4096 bytes; the model also takes 64)";
}

/** The DMA engine's parameters (PCIe read and write timing, and its fault injection), declared once for the engine and its per-cycle test oracle. */
export const DMA_PARAMETERS = {
  readLatency: param.cycles(125, "Core cycles from a read request to the first byte of its completion"),
  writeLatency: param.cycles(50, "Core cycles from a posted write crossing the link to host memory holding it"),
  bytesPerCycle: param.integer(32, "Link bandwidth each way, bytes per core cycle", { minimum: 1, maximum: 4096, unit: "bytes" }),
  maxOutstandingReads: param.integer(64, "Read requests in flight at once (tags)", { minimum: 1, maximum: 256 }),
  maxReadRequest: param.integer(512, "Largest read request (PCIe MRRS)", { minimum: 64, maximum: 4096, unit: "bytes", check: powerOfTwo }),
  maxPayload: param.integer(256, "Largest write payload per transaction (PCIe MPS)", { minimum: 64, maximum: 4096, unit: "bytes", check: powerOfTwo }),
  postedWriteDepth: param.integer(2, "Posted writes queued ahead of the link, in write payloads (MPS): the RX engine hands a frame to the DMA only while what it handed will have crossed within this many payloads' crossing (two cycles at least), and orders the rest by the policy map; deeper, a strict class's frame to the host waits behind more", { minimum: 1, maximum: 4096 }),
  readErrorProbability: param.number(0, "Fault injection: chance that a read request completes with an error", { minimum: 0, maximum: 1 }),
  completionTimeoutProbability: param.number(0, "Fault injection: chance that a read request never completes", { minimum: 0, maximum: 1 }),
  completionTimeout: param.cycles(12500, "Core cycles after which a read request without completion fails"),
  extraLatencyMaximum: param.cycles(0, "Fault injection: each read request waits a further random 0..N cycles"),
};

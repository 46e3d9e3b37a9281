import type { IcvLength } from "../../sim/crypto/backend.js";
import { GcmOperation } from "../../sim/crypto/gcm-operation.js";
import type { CryptoJob, CryptoOutcome, Work } from "./crypto-job.js";

/** A new job's work, never stepped. */
export function newWork(job: CryptoJob<unknown>, arrival: number): Work {
  const { frame, layout, entry } = job;
  const nonce = new Uint8Array(12);
  nonce.set(entry.salt);
  nonce.set(frame.subarray(layout.ivOffset, layout.ivOffset + 8), 4);
  // AAD: SPI and sequence number, as the packet carries them.
  const operation = new GcmOperation(entry.engine, nonce, frame.subarray(layout.ivOffset - 8, layout.ivOffset), frame.subarray(layout.dataOffset, layout.dataEnd), job.encrypt);
  return { job, bytes: Math.max(1, layout.dataEnd - layout.dataOffset), operation, arrival, preemptions: 0, cuts: 0, charged: null, chargedCost: 0, started: false, ready: false, running: false };
}

/** The real bytes: AES-GCM over the ESP payload, written into the frame in place (the ICV after the data on encryption). */
export function computeWork(work: Work): CryptoOutcome {
  const { frame, layout, entry } = work.job;
  if (work.job.encrypt) {
    const { ciphertext, icv } = work.operation.seal(entry.icvLength as IcvLength);
    frame.set(ciphertext, layout.dataOffset);
    frame.set(icv, layout.dataEnd);
    return "ok";
  }
  const plaintext = work.operation.open(frame.subarray(layout.dataEnd, layout.icvEnd));
  if (plaintext === null) return "icv-failed";
  frame.set(plaintext, layout.dataOffset);
  return "ok";
}

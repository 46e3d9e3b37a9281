import type { IcvLength } from "../../sim/crypto/backend.js";
import type { CryptoJob, CryptoOutcome, Work } from "./crypto-job.js";

/** A new job's work, never stepped. */
export function newWork(job: CryptoJob<unknown>): Work {
  return { job, bytes: Math.max(1, job.layout.dataEnd - job.layout.dataOffset), context: null, output: null, bytesDone: 0, preemptions: 0, started: false, ready: false, running: false };
}

/** Advance the job's GCM context to `bytes` of its data: the real intermediate state a suspension saves. */
export function stepTo(work: Work, bytes: number): void {
  const { job } = work;
  const data = job.frame.subarray(job.layout.dataOffset, job.layout.dataEnd);
  if (!work.context) {
    work.context = job.entry.engine.start(nonceOf(job), aadOf(job), job.encrypt);
    work.output = new Uint8Array(data.length);
  }
  const blocks = Math.ceil((bytes - work.context.offset) / 16);
  if (blocks > 0) work.context = job.entry.engine.step(work.context, data, work.output!, blocks);
  work.bytesDone = work.context.offset;
}

/** Forget the work done: the job starts over (preempt-restart). */
export function restart(work: Work): void {
  work.context = null;
  work.output = null;
  work.bytesDone = 0;
}

/** The real bytes: AES-GCM over the ESP payload with AAD SPI ‖ sequence and nonce salt ‖ IV. */
export function computeWork(work: Work): CryptoOutcome {
  const { job } = work;
  const { frame, layout, entry } = job;
  const icvLength = entry.icvLength as IcvLength;
  if (!work.context) {
    // Never suspended: the engine's one-shot path, the same bytes (tested).
    if (job.encrypt) {
      frame.set(entry.engine.sealWhole(nonceOf(job), aadOf(job), frame.subarray(layout.dataOffset, layout.dataEnd), icvLength), layout.dataOffset);
      return "ok";
    }
    const plaintext = entry.engine.openWhole(nonceOf(job), aadOf(job), frame.subarray(layout.dataOffset, layout.icvEnd), icvLength);
    if (plaintext === null) return "icv-failed";
    frame.set(plaintext, layout.dataOffset);
    return "ok";
  }
  // Resumed from a saved context: finish stepping it and compute the tag.
  stepTo(work, layout.dataEnd - layout.dataOffset);
  const icv = entry.engine.finish(work.context!, icvLength);
  if (job.encrypt) {
    frame.set(work.output!, layout.dataOffset);
    frame.set(icv, layout.dataEnd);
    return "ok";
  }
  const received = frame.subarray(layout.dataEnd, layout.icvEnd);
  let difference = 0;
  for (let index = 0; index < icv.length; index++) difference |= icv[index]! ^ received[index]!;
  if (difference !== 0) return "icv-failed";
  frame.set(work.output!, layout.dataOffset);
  return "ok";
}

function nonceOf(job: CryptoJob<unknown>): Uint8Array {
  const nonce = new Uint8Array(12);
  nonce.set(job.entry.salt);
  nonce.set(job.frame.subarray(job.layout.ivOffset, job.layout.ivOffset + 8), 4);
  return nonce;
}

function aadOf(job: CryptoJob<unknown>): Uint8Array {
  return job.frame.subarray(job.layout.ivOffset - 8, job.layout.ivOffset);
}

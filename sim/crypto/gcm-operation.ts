import { equalConstantTime, zeroed } from "../bytes.js";
import type { IcvLength } from "./backend.js";
import { BLOCK_BYTES, type GcmContext, type GcmEngine } from "./gcm-engine.js";

/**
 * One AES-GCM seal or open of a data region that may be suspended between blocks and resumed:
 * the work a crypto engine (the NIC's, or a host core doing software ESP) does for one packet.
 * Never suspended, it runs through the backend's one-shot path; once suspended, its real state
 * (counter block, GHASH accumulator, offset) is kept in a GcmContext and finished from there.
 * Either way the bytes are the same (a property test holds it).
 */
export class GcmOperation {
  private context: GcmContext | null = null;
  private output: Uint8Array | null = null;

  constructor(
    private readonly engine: GcmEngine,
    private readonly nonce: Uint8Array,
    private readonly aad: Uint8Array,
    /** Plaintext to seal, or ciphertext to open (the ICV apart). */
    private readonly data: Uint8Array,
    readonly encrypt: boolean,
  ) {}

  /** Bytes of the data processed so far (a multiple of 16 until the last, partial block). */
  get bytesDone(): number {
    return this.context?.offset ?? 0;
  }

  /** Whether there is a saved state to resume from. */
  get saved(): boolean {
    return this.context !== null;
  }

  /** Advance the real state to the first block boundary at or past `bytes` (at most the data's end). */
  stepTo(bytes: number): void {
    if (!this.context) {
      this.context = this.engine.start(this.nonce, this.aad, this.encrypt);
      this.output = zeroed(this.data.length);
    }
    const blocks = Math.ceil((Math.min(bytes, this.data.length) - this.context.offset) / BLOCK_BYTES);
    if (blocks > 0) this.context = this.engine.step(this.context, this.data, this.output!, blocks);
  }

  /** Forget the work done: the next run starts over. */
  restart(): void {
    this.context = null;
    this.output = null;
  }

  /** Seal: the ciphertext and the ICV. */
  seal(icvLength: IcvLength): { ciphertext: Uint8Array; icv: Uint8Array } {
    if (!this.context) {
      const sealed = this.engine.sealWhole(this.nonce, this.aad, this.data, icvLength);
      return { ciphertext: sealed.subarray(0, this.data.length), icv: sealed.subarray(this.data.length) };
    }
    this.stepTo(this.data.length);
    return { ciphertext: this.output!, icv: this.engine.finish(this.context, icvLength) };
  }

  /** Open against the received ICV: the plaintext, or null when the ICV does not verify. */
  open(icv: Uint8Array): Uint8Array | null {
    const icvLength = icv.length as IcvLength;
    if (!this.context) return this.engine.openWhole(this.nonce, this.aad, this.data, icv);
    this.stepTo(this.data.length);
    const expected = this.engine.finish(this.context, icvLength);
    return equalConstantTime(expected, icv) ? this.output! : null;
  }
}

import type { InjectionToken } from "../di.js";

export type IcvLength = 8 | 12 | 16;

/**
 * An AES-GCM implementation: one-shot seal and open for jobs that run whole (software ESP, an
 * engine's job never suspended), and raw AES block encryption for the block-granular engine the
 * crypto pipelines suspend and resume. Keys are 16 or 32 bytes (AES-128, AES-256); nonces 12
 * bytes; an ICV of 8 or 12 bytes is the leftmost bytes of the 16-byte tag (NIST SP 800-38D 5.2.1.2).
 * A backend keeps none of its arguments once a call returns: callers reuse their nonce and AAD arrays.
 */
export interface AesGcmBackend {
  readonly name: string;
  /** A new array: the ciphertext followed by the leftmost `icvLength` bytes of the tag. */
  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, icvLength: IcvLength): Uint8Array;
  /**
   * Encrypt `buffer` from `start` to `end` where it lies and write the ICV right after it, from
   * `end`: an ESP packet laid out whole (the ICV's room included), sealed without another packet.
   */
  sealInPlace(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, buffer: Uint8Array, start: number, end: number, icvLength: IcvLength): void;
  /**
   * The plaintext of `ciphertext` (a new array; the input is left as it is), or null when `icv`
   * (8, 12 or 16 bytes) does not verify. The two are taken where they lie in the packet, unjoined.
   */
  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array, icv: Uint8Array): Uint8Array | null;
  /** AES encryption (ECB) of whole 16-byte blocks. */
  encryptBlocks(key: Uint8Array, blocks: Uint8Array): Uint8Array;
}

/** The crypto backend the model uses: the scenario's `cryptoBackend` (node:crypto unless it says noble), or one a caller registered. */
export const AesGcmBackendToken: InjectionToken<AesGcmBackend> = Symbol("AesGcmBackend");

/** Raw AES encryption takes whole 16-byte blocks only. */
export function checkBlocks(blocks: Uint8Array): void {
  if (blocks.length % 16 !== 0) throw new RangeError(`AES block encryption of ${blocks.length} bytes: not whole 16-byte blocks`);
}

export function checkKey(key: Uint8Array): void {
  if (key.length !== 16 && key.length !== 32) throw new RangeError(`AES-GCM key of ${key.length} bytes: expected 16 (AES-128) or 32 (AES-256)`);
}

/** Whether `length` is an ICV length RFC 4106 allows. */
export function isIcvLength(length: number): length is IcvLength {
  return length === 8 || length === 12 || length === 16;
}

export function checkIcvLength(length: number): asserts length is IcvLength {
  if (!isIcvLength(length)) throw new RangeError(`AES-GCM ICV of ${length} bytes: expected 8, 12 or 16`);
}

/** The region to seal in place, and the ICV after it, lie within the buffer. */
export function checkRegion(buffer: Uint8Array, start: number, end: number, icvLength: IcvLength): void {
  checkIcvLength(icvLength);
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end + icvLength <= buffer.length)) {
    throw new RangeError(`AES-GCM in place from ${start} to ${end} and a ${icvLength}-byte ICV after it: outside the ${buffer.length}-byte buffer`);
  }
}

import type { InjectionToken } from "../di.js";

export type IcvLength = 8 | 12 | 16;

/**
 * An AES-GCM implementation: one-shot seal and open for the software ESP path, and raw AES
 * block encryption for the block-granular engine the NIC's crypto pipeline suspends and resumes.
 * Keys are 16 or 32 bytes (AES-128, AES-256); nonces 12 bytes.
 */
export interface AesGcmBackend {
  readonly name: string;
  /** Ciphertext followed by the leftmost `icvLength` bytes of the tag. */
  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, icvLength: IcvLength): Uint8Array;
  /**
   * The same for a plaintext given in two parts (ESP's payload and its trailer), written into
   * `output` at `offset`: a streaming backend saves joining them and copying the result.
   */
  sealInto(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, head: Uint8Array, tail: Uint8Array, icvLength: IcvLength, output: Uint8Array, offset: number): void;
  /** The plaintext, or null when the ICV does not verify. */
  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array, icvLength: IcvLength): Uint8Array | null;
  /** AES encryption (ECB) of whole 16-byte blocks. */
  encryptBlocks(key: Uint8Array, blocks: Uint8Array): Uint8Array;
}

/** The crypto backend the model uses; @noble/ciphers unless a scenario or test registers another. */
export const AesGcmBackendToken: InjectionToken<AesGcmBackend> = Symbol("AesGcmBackend");

export function checkKey(key: Uint8Array): void {
  if (key.length !== 16 && key.length !== 32) throw new RangeError(`AES-GCM key of ${key.length} bytes: expected 16 (AES-128) or 32 (AES-256)`);
}

/** Compare in time independent of where the first difference is. */
export function equalConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a[index]! ^ b[index]!;
  return difference === 0;
}

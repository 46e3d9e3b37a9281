/**
 * IKEv1 key derivation and authentication hashes for pre-shared keys (RFC 2409 sections 5, 5.4,
 * 5.5, 5.7 and Appendix B). Names follow the RFC: Ni_b and Nr_b are nonce bodies, g^xi and g^xr
 * the public values, SAi_b and IDii_b payload bodies without their generic headers.
 */
import { AES_BLOCK_BYTES, digest, type IkeHashAlgorithm, type IkeWork, prf, uint32Bytes } from "./ike-crypto.js";

/** The keys of one IKE SA. Never logged: toString names no bytes. */
export class Phase1Keys {
  constructor(
    readonly hash: IkeHashAlgorithm,
    readonly skeyid: Uint8Array,
    readonly skeyidD: Uint8Array,
    readonly skeyidA: Uint8Array,
    readonly skeyidE: Uint8Array,
    readonly encryptionKey: Uint8Array,
  ) {}

  toString(): string {
    return `Phase1Keys(${this.hash})`;
  }
}

export interface Phase1KeyInputs {
  readonly hash: IkeHashAlgorithm;
  readonly preSharedKey: Uint8Array;
  readonly initiatorNonce: Uint8Array;
  readonly responderNonce: Uint8Array;
  readonly sharedSecret: Uint8Array;
  readonly initiatorCookie: Uint8Array;
  readonly responderCookie: Uint8Array;
  readonly encryptionKeyBytes: number;
}

export function derivePhase1Keys(work: IkeWork, inputs: Phase1KeyInputs): Phase1Keys {
  const { hash, sharedSecret: gxy, initiatorCookie: ckyI, responderCookie: ckyR } = inputs;
  const skeyid = prf(work, hash, inputs.preSharedKey, inputs.initiatorNonce, inputs.responderNonce);
  const { skeyidD, skeyidA, skeyidE } = skeyidChain(work, hash, skeyid, gxy, ckyI, ckyR);
  return new Phase1Keys(hash, skeyid, skeyidD, skeyidA, skeyidE, encryptionKey(work, hash, skeyidE, inputs.encryptionKeyBytes));
}

/** Section 5: SKEYID_d, SKEYID_a and SKEYID_e from SKEYID, g^xy and the cookies, whatever the authentication method. */
export function skeyidChain(work: IkeWork, hash: IkeHashAlgorithm, skeyid: Uint8Array, gxy: Uint8Array, ckyI: Uint8Array, ckyR: Uint8Array) {
  const skeyidD = prf(work, hash, skeyid, gxy, ckyI, ckyR, Uint8Array.of(0));
  const skeyidA = prf(work, hash, skeyid, skeyidD, gxy, ckyI, ckyR, Uint8Array.of(1));
  const skeyidE = prf(work, hash, skeyid, skeyidA, gxy, ckyI, ckyR, Uint8Array.of(2));
  return { skeyidD, skeyidA, skeyidE };
}

/** Appendix B: SKEYID_e itself when long enough, else K1 | K2 | ... with K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, Kn-1). */
export function encryptionKey(work: IkeWork, hash: IkeHashAlgorithm, skeyidE: Uint8Array, length: number): Uint8Array {
  if (skeyidE.length >= length) return skeyidE.slice(0, length);
  const blocks: Uint8Array[] = [];
  let previous: Uint8Array = Uint8Array.of(0);
  let total = 0;
  while (total < length) {
    previous = prf(work, hash, skeyidE, previous);
    blocks.push(previous);
    total += previous.length;
  }
  return Uint8Array.from(Buffer.concat(blocks).subarray(0, length));
}

/** The first phase-1 IV (section 5): hash(g^xi | g^xr) truncated to the cipher block. */
export function phase1Iv(work: IkeWork, hash: IkeHashAlgorithm, initiatorPublic: Uint8Array, responderPublic: Uint8Array): Uint8Array {
  return digest(work, hash, initiatorPublic, responderPublic).slice(0, AES_BLOCK_BYTES);
}

/** The IV of a phase-2 or informational exchange (Appendix B): hash(last phase-1 CBC block | M-ID). */
export function messageIv(work: IkeWork, hash: IkeHashAlgorithm, lastPhase1Block: Uint8Array, messageId: number): Uint8Array {
  return digest(work, hash, lastPhase1Block, uint32Bytes(messageId)).slice(0, AES_BLOCK_BYTES);
}

export interface AuthenticationInputs {
  readonly initiatorPublic: Uint8Array;
  readonly responderPublic: Uint8Array;
  readonly initiatorCookie: Uint8Array;
  readonly responderCookie: Uint8Array;
  /** The body of the initiator's SA payload. */
  readonly initiatorSaBody: Uint8Array;
}

/** HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b). */
export function hashInitiator(work: IkeWork, keys: Phase1Keys, inputs: AuthenticationInputs, initiatorIdBody: Uint8Array): Uint8Array {
  return prf(work, keys.hash, keys.skeyid, inputs.initiatorPublic, inputs.responderPublic, inputs.initiatorCookie, inputs.responderCookie, inputs.initiatorSaBody, initiatorIdBody);
}

/** HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b). */
export function hashResponder(work: IkeWork, keys: Phase1Keys, inputs: AuthenticationInputs, responderIdBody: Uint8Array): Uint8Array {
  return prf(work, keys.hash, keys.skeyid, inputs.responderPublic, inputs.initiatorPublic, inputs.responderCookie, inputs.initiatorCookie, inputs.initiatorSaBody, responderIdBody);
}

/** Quick Mode HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [| IDci | IDcr]); informational HASH(1) = prf(SKEYID_a, M-ID | N/D). */
export function hashOfMessage(work: IkeWork, keys: Phase1Keys, messageId: number, afterHash: Uint8Array): Uint8Array {
  return prf(work, keys.hash, keys.skeyidA, uint32Bytes(messageId), afterHash);
}

/** Quick Mode HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [| IDci | IDcr]). */
export function quickModeHash2(work: IkeWork, keys: Phase1Keys, messageId: number, initiatorNonce: Uint8Array, afterHash: Uint8Array): Uint8Array {
  return prf(work, keys.hash, keys.skeyidA, uint32Bytes(messageId), initiatorNonce, afterHash);
}

/** Quick Mode HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b). */
export function quickModeHash3(work: IkeWork, keys: Phase1Keys, messageId: number, initiatorNonce: Uint8Array, responderNonce: Uint8Array): Uint8Array {
  return prf(work, keys.hash, keys.skeyidA, Uint8Array.of(0), uint32Bytes(messageId), initiatorNonce, responderNonce);
}

/**
 * KEYMAT without PFS (section 5.5): K1 = prf(SKEYID_d, protocol | SPI | Ni_b | Nr_b),
 * Kn = prf(SKEYID_d, Kn-1 | protocol | SPI | Ni_b | Nr_b), KEYMAT = K1 | K2 | ... cut to `length`.
 */
export function keyMaterial(work: IkeWork, keys: Phase1Keys, protocol: number, spi: number, initiatorNonce: Uint8Array, responderNonce: Uint8Array, length: number): Uint8Array {
  return expandKeyMaterial(work, keys.hash, keys.skeyidD, [Uint8Array.of(protocol), uint32Bytes(spi), initiatorNonce, responderNonce], length);
}

/** KEYMAT's expansion of a seed under SKEYID_d: K1 = prf(SKEYID_d, seed), Kn = prf(SKEYID_d, Kn-1 | seed). */
export function expandKeyMaterial(work: IkeWork, hash: IkeHashAlgorithm, skeyidD: Uint8Array, seed: readonly Uint8Array[], length: number): Uint8Array {
  const blocks: Uint8Array[] = [];
  let total = 0;
  for (let previous: Uint8Array | null = null; total < length; ) {
    previous = prf(work, hash, skeyidD, ...(previous === null ? seed : [previous, ...seed]));
    blocks.push(previous);
    total += previous.length;
  }
  return Uint8Array.from(Buffer.concat(blocks).subarray(0, length));
}

/** Encrypted ISAKMP messages (RFC 2409 5.3, Appendix B): payloads sealed with AES-CBC under the phase-1 key. */
import { aesCbcDecrypt, aesCbcEncrypt, type IkeWork, lastBlock, padForCipher } from "./ike-crypto.js";
import { type DecodedPayload, decodePayloadChain, encodeMessage, encodePayloadChain, type HeaderFields, type IsakmpMessage } from "./isakmp-codec.js";
import type { Malformed } from "./isakmp-fields.js";
import { FLAG, ISAKMP_HEADER_BYTES } from "./isakmp-numbers.js";
import type { Payload } from "./isakmp-payloads.js";

export interface Sealed {
  readonly bytes: Uint8Array;
  /** The last ciphertext block: the next IV of the exchange. */
  readonly lastBlock: Uint8Array;
}

export function sealMessage(work: IkeWork, fields: HeaderFields, key: Uint8Array, iv: Uint8Array, payloads: readonly Payload[]): Sealed {
  const ciphertext = aesCbcEncrypt(work, key, iv, padForCipher(encodePayloadChain(payloads)));
  const bytes = encodeMessage({ ...fields, flags: fields.flags | FLAG.ENCRYPTION }, payloads[0]?.type ?? null, ciphertext);
  return { bytes, lastBlock: lastBlock(ciphertext) };
}

export type Opened =
  | { readonly kind: "ok"; readonly payloads: readonly DecodedPayload[]; readonly lastBlock: Uint8Array }
  | { readonly kind: "undecryptable" }
  | Malformed;

/** Decrypt and decode an encrypted message's payloads; offsets in a Malformed are those of the plaintext in the message. */
export function openMessage(work: IkeWork, message: IsakmpMessage, key: Uint8Array, iv: Uint8Array): Opened {
  if (message.body.kind !== "encrypted") return { kind: "undecryptable" };
  const ciphertext = message.body.ciphertext;
  const plaintext = aesCbcDecrypt(work, key, iv, ciphertext);
  if (plaintext === null) return { kind: "undecryptable" };
  const chain = decodePayloadChain(message.header.nextPayload, plaintext, ISAKMP_HEADER_BYTES, true);
  if (chain.kind === "malformed") return chain;
  return { kind: "ok", payloads: chain.payloads, lastBlock: lastBlock(ciphertext) };
}

/** The payloads after the first (the HASH) as sent, which HASH(1), HASH(2) and the informational HASH(1) cover. */
export function bytesAfterFirst(payloads: readonly DecodedPayload[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(payloads.slice(1).map((entry) => entry.raw)));
}

/**
 * ISAKMP messages on the wire: the encoder and decoder derived from isakmp-payloads.ts. Decoding
 * never throws; a bad message gives the reason, the field and the offset in the message.
 */
import { isMalformed, type Malformed, malformed, Reader, Writer } from "./isakmp-fields.js";
import { FLAG, GENERIC_PAYLOAD_HEADER_BYTES, ISAKMP_HEADER_BYTES, PAYLOAD_NUMBER } from "./isakmp-numbers.js";
import { GENERIC_PAYLOAD_HEADER, type IsakmpHeader, ISAKMP_HEADER, PAYLOAD_BODY, type Payload, payloadName } from "./isakmp-payloads.js";

/** A decoded payload and its bytes as sent (generic header and body), which the IKE hashes cover. */
export interface DecodedPayload {
  readonly payload: Payload;
  readonly raw: Uint8Array;
}

export type IsakmpBody = { readonly kind: "plain"; readonly payloads: readonly DecodedPayload[] } | { readonly kind: "encrypted"; readonly ciphertext: Uint8Array };

export interface IsakmpMessage {
  readonly header: IsakmpHeader;
  readonly body: IsakmpBody;
}

export type DecodeResult = { readonly kind: "ok"; readonly message: IsakmpMessage } | Malformed;
export type ChainResult = { readonly kind: "ok"; readonly payloads: readonly DecodedPayload[] } | Malformed;

/** The header fields a sender chooses; next payload and length follow from the body. */
export type HeaderFields = Omit<IsakmpHeader, "nextPayload" | "length">;

export function decodeMessage(bytes: Uint8Array): DecodeResult {
  if (bytes.length < ISAKMP_HEADER_BYTES) return malformed("TRUNCATED", "header", bytes.length);
  const header = ISAKMP_HEADER.read(new Reader(bytes, 0, ISAKMP_HEADER_BYTES, 0, "header"));
  if (isMalformed(header)) return header;
  if (header.length !== bytes.length) return malformed("LENGTH_MISMATCH", "header.length", 24);
  if (header.flags & FLAG.ENCRYPTION) return { kind: "ok", message: { header, body: { kind: "encrypted", ciphertext: bytes.slice(ISAKMP_HEADER_BYTES) } } };
  const chain = decodePayloadChain(header.nextPayload, bytes.subarray(ISAKMP_HEADER_BYTES), ISAKMP_HEADER_BYTES, false);
  if (isMalformed(chain)) return chain;
  return { kind: "ok", message: { header, body: { kind: "plain", payloads: chain.payloads } } };
}

/**
 * The chain of payloads starting with type `first`. `base` is where `bytes` starts in the message
 * (for offsets in reports); decrypted bodies allow trailing bytes, the padding of RFC 2409 5.3.
 */
export function decodePayloadChain(first: number, bytes: Uint8Array, base: number, allowPadding: boolean): ChainResult {
  const payloads: DecodedPayload[] = [];
  const reader = new Reader(bytes, 0, bytes.length, base, "");
  for (let type = first; type !== 0; ) {
    const field = `payload[${payloads.length}]`;
    const start = reader.offset;
    const name = payloadName(type);
    if (name === undefined) return reader.fail("UNKNOWN_PAYLOAD", field);
    if (reader.remaining() < GENERIC_PAYLOAD_HEADER_BYTES) return reader.fail("TRUNCATED", `${field}(${name})`);
    const header = GENERIC_PAYLOAD_HEADER.read(reader);
    if (isMalformed(header)) return header;
    if (header.payloadLength < GENERIC_PAYLOAD_HEADER_BYTES || header.payloadLength - GENERIC_PAYLOAD_HEADER_BYTES > reader.remaining()) {
      return reader.fail("PAYLOAD_LENGTH", `${field}(${name}).payloadLength`, start + 2);
    }
    const body = reader.take(header.payloadLength - GENERIC_PAYLOAD_HEADER_BYTES, `${field}(${name})`);
    const value = PAYLOAD_BODY[name].read(body);
    if (isMalformed(value)) return value;
    if (body.remaining() !== 0) return body.fail("PAYLOAD_LENGTH", "payloadLength", start + 2);
    payloads.push({ payload: { type: name, ...value } as Payload, raw: bytes.slice(start, reader.offset) });
    type = header.nextPayload;
  }
  if (!allowPadding && reader.remaining() !== 0) return reader.fail("LENGTH_MISMATCH", "payloads");
  return { kind: "ok", payloads };
}

export function encodePayloadChain(payloads: readonly Payload[]): Uint8Array {
  const writer = new Writer();
  payloads.forEach((payload, index) => {
    const start = writer.length;
    const next = payloads[index + 1];
    GENERIC_PAYLOAD_HEADER.write(writer, { nextPayload: next === undefined ? 0 : PAYLOAD_NUMBER[next.type], payloadLength: 0 });
    (PAYLOAD_BODY[payload.type] as { write(writer: Writer, value: Payload): void }).write(writer, payload);
    writer.patch16(start + 2, writer.length - start);
  });
  return writer.result();
}

/** Header and body (a payload chain, or ciphertext when the E flag is set) as one message. */
export function encodeMessage(fields: HeaderFields, firstPayload: Payload["type"] | null, body: Uint8Array): Uint8Array {
  const writer = new Writer();
  const nextPayload = firstPayload === null ? 0 : PAYLOAD_NUMBER[firstPayload];
  ISAKMP_HEADER.write(writer, { ...fields, nextPayload, length: ISAKMP_HEADER_BYTES + body.length });
  writer.bytes(body);
  return writer.result();
}

/** A plain (unencrypted) message. */
export function encodePlainMessage(fields: HeaderFields, payloads: readonly Payload[]): Uint8Array {
  return encodeMessage({ ...fields, flags: fields.flags & ~FLAG.ENCRYPTION }, payloads[0]?.type ?? null, encodePayloadChain(payloads));
}

export function findPayload<Name extends Payload["type"]>(payloads: readonly DecodedPayload[], type: Name): (DecodedPayload & { payload: Extract<Payload, { type: Name }> }) | undefined {
  return payloads.find((entry) => entry.payload.type === type) as (DecodedPayload & { payload: Extract<Payload, { type: Name }> }) | undefined;
}

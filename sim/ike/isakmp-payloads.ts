/**
 * The ISAKMP header and payloads (RFC 2408 3.1-3.16, IPsec DOI RFC 2407 4.6) declared once as data.
 * isakmp-codec.ts derives the message encoder and decoder from these declarations.
 */
import {
  checkedUint,
  constant,
  countOf,
  type Field,
  fixedBytes,
  isMalformed,
  lengthOf,
  type Malformed,
  type Reader,
  repeatedBytes,
  reserved,
  rest,
  sizedBytes,
  struct,
  type Struct,
  uint,
} from "./isakmp-fields.js";
import { COOKIE_BYTES, GENERIC_PAYLOAD_HEADER_BYTES, ISAKMP_VERSION, KNOWN_EXCHANGES, PAYLOAD_NUMBER } from "./isakmp-numbers.js";

/** A data attribute (RFC 2408 3.3): a number is sent basic (TV) when it fits 16 bits; bytes are sent variable (TLV). */
export interface DataAttribute {
  readonly type: number;
  readonly value: number | Uint8Array;
}

const ATTRIBUTE_FORMAT_BASIC = 0x8000;

/** A value for a life duration that may exceed 16 bits: basic when it fits, else a 4-byte variable attribute. */
export function attributeValue(value: number): number | Uint8Array {
  if (value <= 0xffff) return value;
  return Uint8Array.of(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

/** The number an attribute holds, whether basic or variable (at most 6 bytes), else null. */
export function attributeNumber(attribute: DataAttribute | undefined): number | null {
  if (attribute === undefined) return null;
  if (typeof attribute.value === "number") return attribute.value;
  if (attribute.value.length === 0 || attribute.value.length > 6) return null;
  return attribute.value.reduce((sum, byte) => sum * 256 + byte, 0);
}

function attributes<const Name extends string>(name: Name): Field<Name, readonly DataAttribute[]> {
  return {
    name,
    read(reader) {
      const list: DataAttribute[] = [];
      while (reader.remaining() > 0) {
        const field = `${name}[${list.length}]`;
        if (reader.remaining() < 4) return reader.fail("BAD_ATTRIBUTE", field);
        const bytes = reader.bytes;
        const at = reader.offset;
        const word = (bytes[at]! << 8) | bytes[at + 1]!;
        const second = (bytes[at + 2]! << 8) | bytes[at + 3]!;
        reader.offset += 4;
        if (word & ATTRIBUTE_FORMAT_BASIC) {
          list.push({ type: word & 0x7fff, value: second });
          continue;
        }
        if (reader.remaining() < second) return reader.fail("BAD_ATTRIBUTE", field, at);
        list.push({ type: word, value: bytes.slice(reader.offset, reader.offset + second) });
        reader.offset += second;
      }
      return list;
    },
    write(writer, list) {
      for (const attribute of list) {
        if (typeof attribute.value === "number") {
          writer.uint(2, ATTRIBUTE_FORMAT_BASIC | attribute.type);
          writer.uint(2, attribute.value);
        } else {
          writer.uint(2, attribute.type);
          writer.uint(2, attribute.value.length);
          writer.bytes(attribute.value);
        }
      }
    },
  };
}

/** The generic payload header (RFC 2408 3.2). */
export const GENERIC_PAYLOAD_HEADER = struct("payload header", [uint("nextPayload", 1), reserved("reserved", 1), uint("payloadLength", 2)]);

/**
 * Proposals in an SA, transforms in a proposal: a chain of payloads each with a generic header whose
 * next-payload field is `itemNumber` while more follow and 0 on the last. It fills the enclosing body.
 */
function payloadList<const Name extends string, Item>(name: Name, itemNumber: number, item: Struct<Item>, countField?: string): Field<Name, readonly Item[]> {
  return {
    name,
    read(reader: Reader, scope): readonly Item[] | Malformed {
      const items: Item[] = [];
      for (;;) {
        const path = reader.at(`${item.name}[${items.length}]`);
        const start = reader.offset;
        if (reader.remaining() < GENERIC_PAYLOAD_HEADER_BYTES) return reader.fail("TRUNCATED", `${item.name}[${items.length}]`);
        const header = GENERIC_PAYLOAD_HEADER.read(reader);
        if (isMalformed(header)) return header;
        if (header.payloadLength < GENERIC_PAYLOAD_HEADER_BYTES || header.payloadLength - GENERIC_PAYLOAD_HEADER_BYTES > reader.remaining()) {
          return reader.fail("PAYLOAD_LENGTH", `${item.name}[${items.length}].payloadLength`, start + 2);
        }
        const body = reader.take(header.payloadLength - GENERIC_PAYLOAD_HEADER_BYTES, path);
        const value = item.read(body);
        if (isMalformed(value)) return value;
        if (body.remaining() !== 0) return body.fail("PAYLOAD_LENGTH", "payloadLength", start + 2);
        items.push(value);
        if (header.nextPayload === 0) break;
        if (header.nextPayload !== itemNumber) return reader.fail("UNKNOWN_PAYLOAD", `${item.name}[${items.length - 1}].nextPayload`, start);
      }
      if (reader.remaining() !== 0) return reader.fail("PAYLOAD_LENGTH", name);
      if (countField !== undefined && scope.get(countField) !== items.length) return reader.fail("BAD_COUNT", countField, scope.get(`@${countField}`));
      return items;
    },
    write(writer, items) {
      items.forEach((value, index) => {
        const start = writer.length;
        GENERIC_PAYLOAD_HEADER.write(writer, { nextPayload: index < items.length - 1 ? itemNumber : 0, payloadLength: 0 });
        item.write(writer, value);
        writer.patch16(start + 2, writer.length - start);
      });
    },
  };
}

/** The ISAKMP header (RFC 2408 3.1). */
export const ISAKMP_HEADER = struct("header", [
  fixedBytes("initiatorCookie", COOKIE_BYTES),
  fixedBytes("responderCookie", COOKIE_BYTES),
  uint("nextPayload", 1),
  constant("version", 1, ISAKMP_VERSION, "BAD_VERSION"),
  checkedUint("exchangeType", 1, KNOWN_EXCHANGES, "UNKNOWN_EXCHANGE"),
  uint("flags", 1),
  uint("messageId", 4),
  uint("length", 4),
]);

const TRANSFORM = struct("Transform", [uint("transformNumber", 1), uint("transformId", 1), reserved("reserved2", 2), attributes("attributes")]);

const PROPOSAL = struct("Proposal", [
  uint("proposalNumber", 1),
  uint("protocolId", 1),
  lengthOf("spiSize", 1, "spi"),
  countOf("transformCount", 1, "transforms"),
  sizedBytes("spi", "spiSize"),
  payloadList("transforms", PAYLOAD_NUMBER.TRANSFORM, TRANSFORM, "transformCount"),
]);

/** Payload bodies (after the generic header), by payload name. */
export const PAYLOAD_BODY = {
  SA: struct("SA", [uint("doi", 4), uint("situation", 4), payloadList("proposals", PAYLOAD_NUMBER.PROPOSAL, PROPOSAL)]),
  KE: struct("KE", [rest("keyExchangeData")]),
  ID: struct("ID", [uint("idType", 1), uint("protocolId", 1), uint("port", 2), rest("data")]),
  HASH: struct("HASH", [rest("data")]),
  NONCE: struct("NONCE", [rest("data")]),
  NOTIFICATION: struct("NOTIFICATION", [uint("doi", 4), uint("protocolId", 1), lengthOf("spiSize", 1, "spi"), uint("notifyType", 2), sizedBytes("spi", "spiSize"), rest("data")]),
  DELETE: struct("DELETE", [uint("doi", 4), uint("protocolId", 1), uint("spiSize", 1), countOf("spiCount", 2, "spis"), repeatedBytes("spis", "spiSize", "spiCount")]),
  VENDOR_ID: struct("VENDOR_ID", [rest("data")]),
} as const;

export type PayloadName = keyof typeof PAYLOAD_BODY;
type BodyOf<S> = S extends Struct<infer Value> ? Value : never;
export type PayloadOf<Name extends PayloadName> = { readonly type: Name } & BodyOf<(typeof PAYLOAD_BODY)[Name]>;
export type Payload = { [Name in PayloadName]: PayloadOf<Name> }[PayloadName];
export type IsakmpHeader = BodyOf<typeof ISAKMP_HEADER>;
export type SaPayload = PayloadOf<"SA">;
export type Proposal = SaPayload["proposals"][number];
export type Transform = Proposal["transforms"][number];

const NAME_BY_NUMBER = new Map<number, PayloadName>(Object.keys(PAYLOAD_BODY).map((name) => [PAYLOAD_NUMBER[name as PayloadName], name as PayloadName]));

export function payloadName(number: number): PayloadName | undefined {
  return NAME_BY_NUMBER.get(number);
}

/**
 * IKE identities to and from the identification data of an ID payload (RFC 2407 4.6.2.1-4.6.2.4):
 * addresses in network order, a subnet as address and mask, a range as first and last address,
 * names in ASCII, DER and key IDs as they are. Data from the wire that does not fit its type gives
 * an "invalid" result naming what is wrong, never an exception.
 */
import type { IdPayload } from "../../sim/ike/ike-types.js";
import { type AddressFamily, describeIdentity, IDENTITY_TYPE_NUMBER, IdentityError, type IdentityType, identity, type IkeIdentity } from "./identity.js";

export type IdentityDecoding = { readonly kind: "ok"; readonly identity: IkeIdentity } | { readonly kind: "invalid"; readonly reason: string };

const ADDRESS_BYTES: Record<AddressFamily, number> = { 4: 4, 6: 16 };
const TYPE_BY_NUMBER = new Map<number, IdentityType>(Object.entries(IDENTITY_TYPE_NUMBER).map(([name, number]) => [number, name as IdentityType]));

function addressBytes(family: AddressFamily, value: bigint): Uint8Array {
  const bytes = new Uint8Array(ADDRESS_BYTES[family]);
  for (let index = bytes.length - 1, rest = value; index >= 0; index--, rest >>= 8n) bytes[index] = Number(rest & 0xffn);
  return bytes;
}

function bytesValue(bytes: Uint8Array): bigint {
  return bytes.reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
}

/** The identification data of an identity (without the ID payload's type, protocol and port). */
export function identityData(id: IkeIdentity): Uint8Array {
  switch (id.type) {
    case "ID_IPV4_ADDR":
    case "ID_IPV6_ADDR":
      return addressBytes(id.span.family, id.span.first);
    case "ID_IPV4_ADDR_SUBNET":
    case "ID_IPV6_ADDR_SUBNET": {
      const width = BigInt(ADDRESS_BYTES[id.span.family] * 8);
      const mask = ((1n << width) - 1n) ^ (id.span.last - id.span.first);
      return Uint8Array.from([...addressBytes(id.span.family, id.span.first), ...addressBytes(id.span.family, mask)]);
    }
    case "ID_IPV4_ADDR_RANGE":
    case "ID_IPV6_ADDR_RANGE":
      return Uint8Array.from([...addressBytes(id.span.family, id.span.first), ...addressBytes(id.span.family, id.span.last)]);
    case "ID_FQDN":
    case "ID_USER_FQDN":
      return new TextEncoder().encode(id.name);
    case "ID_DER_ASN1_DN":
    case "ID_DER_ASN1_GN":
    case "ID_KEY_ID":
      return id.bytes.slice();
  }
}

/** An ID payload for an identity; phase 1 commonly sends protocol 17 port 500, or 0 and 0. */
export function identityToIdPayload(id: IkeIdentity, protocolId = 0, port = 0): IdPayload {
  return { type: IDENTITY_TYPE_NUMBER[id.type], protocolId, port, data: identityData(id) };
}

export function formatAddress(family: AddressFamily, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".");
  const groups = Array.from({ length: 8 }, (_, index) => Number((value >> BigInt(112 - 16 * index)) & 0xffffn));
  // RFC 5952: the longest run of two or more zero groups becomes "::".
  let best = { start: -1, length: 1 };
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > best.length) best = { start, length };
  }
  const hex = groups.map((group) => group.toString(16));
  if (best.start < 0) return hex.join(":");
  return `${hex.slice(0, best.start).join(":")}::${hex.slice(best.start + best.length).join(":")}`;
}

function prefixLength(family: AddressFamily, mask: bigint): number | null {
  const width = ADDRESS_BYTES[family] * 8;
  for (let prefix = 0; prefix <= width; prefix++) {
    const candidate = ((1n << BigInt(prefix)) - 1n) << BigInt(width - prefix);
    if (candidate === mask) return prefix;
  }
  return null;
}

function addressText(type: IdentityType, family: AddressFamily, data: Uint8Array): string | { reason: string } {
  const size = ADDRESS_BYTES[family];
  const single = type === "ID_IPV4_ADDR" || type === "ID_IPV6_ADDR";
  const expected = single ? size : 2 * size;
  if (data.length !== expected) return { reason: `${type} needs ${expected} bytes of data, not ${data.length}` };
  const first = formatAddress(family, bytesValue(data.subarray(0, size)));
  if (single) return first;
  const second = bytesValue(data.subarray(size));
  if (type.endsWith("_RANGE")) return `${first}-${formatAddress(family, second)}`;
  const prefix = prefixLength(family, second);
  if (prefix === null) return { reason: `${type} mask ${formatAddress(family, second)} is not a contiguous prefix` };
  return `${first}/${prefix}`;
}

function nameText(type: IdentityType, data: Uint8Array): string | { reason: string } {
  if (data.length === 0) return { reason: `${type} is empty` };
  const invalid = data.findIndex((byte) => byte < 0x21 || byte > 0x7e);
  if (invalid >= 0) return { reason: `${type} byte ${invalid} (0x${data[invalid]!.toString(16).padStart(2, "0")}) is not printable ASCII` };
  return new TextDecoder().decode(data);
}

/** The identity an ID payload carries. */
export function identityFromIdPayload(payload: Pick<IdPayload, "type" | "data">): IdentityDecoding {
  const type = TYPE_BY_NUMBER.get(payload.type);
  if (type === undefined) return { kind: "invalid", reason: `ID type ${payload.type} is not one of RFC 2407's (1 to 11)` };
  let value: string | Uint8Array | { reason: string };
  switch (type) {
    case "ID_IPV4_ADDR":
    case "ID_IPV4_ADDR_SUBNET":
    case "ID_IPV4_ADDR_RANGE":
      value = addressText(type, 4, payload.data);
      break;
    case "ID_IPV6_ADDR":
    case "ID_IPV6_ADDR_SUBNET":
    case "ID_IPV6_ADDR_RANGE":
      value = addressText(type, 6, payload.data);
      break;
    case "ID_FQDN":
    case "ID_USER_FQDN":
      value = nameText(type, payload.data);
      break;
    default:
      value = payload.data.slice();
  }
  if (typeof value === "object" && !(value instanceof Uint8Array)) return { kind: "invalid", reason: value.reason };
  try {
    return { kind: "ok", identity: identity(type, value) };
  } catch (error) {
    if (error instanceof IdentityError) return { kind: "invalid", reason: error.message };
    throw error;
  }
}

/** An identity as the gateway sent it: names in their own case (the profiles compare them without case), others as described. */
export function describeAsReceived(payload: IdPayload, identity: IkeIdentity): string {
  return identity.type === "ID_FQDN" || identity.type === "ID_USER_FQDN" ? `${identity.type} ${new TextDecoder().decode(payload.data)}` : describeIdentity(identity);
}

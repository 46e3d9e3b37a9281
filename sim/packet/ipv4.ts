import { zeroed } from "../bytes.js";
import { internetChecksum } from "./checksum.js";

export type Ipv4Address = readonly [number, number, number, number];

export function ipv4Address(text: string): Ipv4Address {
  const parts = text.split(".").map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part) || part < 0 || part > 255)) throw new RangeError(`'${text}' is not an IPv4 address`);
  return parts as unknown as Ipv4Address;
}

export function formatIpv4(address: Ipv4Address): string {
  return address.join(".");
}

/** An IPv4 header's source or destination address (the caller has checked it is one, 20 bytes or more). */
export function headerAddress(ip: Uint8Array, which: "source" | "destination"): Ipv4Address {
  const at = which === "source" ? 12 : 16;
  return [ip[at]!, ip[at + 1]!, ip[at + 2]!, ip[at + 3]!];
}

export const IPV4_HEADER_BYTES = 20;
export const PROTOCOL_IPV4 = 4;
export const PROTOCOL_UDP = 17;
export const PROTOCOL_ESP = 50;
/** "No next header": an ESP dummy packet (traffic flow confidentiality) carries it, and is dropped. */
export const PROTOCOL_NONE = 59;

export interface Ipv4Header {
  source: Ipv4Address;
  destination: Ipv4Address;
  protocol: number;
  /** Differentiated services code point (6 bits). */
  dscp?: number;
  identification?: number;
  ttl?: number;
}

/** Write a 20-byte IPv4 header (don't fragment, valid checksum) for a payload of `payloadLength` bytes at `offset`. */
export function writeIpv4Header(bytes: Uint8Array, offset: number, header: Ipv4Header, payloadLength: number): void {
  const totalLength = IPV4_HEADER_BYTES + payloadLength;
  if (totalLength > 0xffff) throw new RangeError(`IPv4 packet of ${totalLength} bytes exceeds 65535`);
  bytes[offset] = 0x45;
  bytes[offset + 1] = ((header.dscp ?? 0) & 0x3f) << 2;
  bytes[offset + 2] = totalLength >> 8;
  bytes[offset + 3] = totalLength & 0xff;
  bytes[offset + 4] = ((header.identification ?? 0) >> 8) & 0xff;
  bytes[offset + 5] = (header.identification ?? 0) & 0xff;
  bytes[offset + 6] = 0x40;
  bytes[offset + 7] = 0;
  bytes[offset + 8] = header.ttl ?? 64;
  bytes[offset + 9] = header.protocol;
  bytes[offset + 10] = 0;
  bytes[offset + 11] = 0;
  // Byte by byte: TypedArray.set from a plain array takes V8's slow path.
  for (let index = 0; index < 4; index++) {
    bytes[offset + 12 + index] = header.source[index]!;
    bytes[offset + 16 + index] = header.destination[index]!;
  }
  const checksum = internetChecksum(bytes, offset, offset + IPV4_HEADER_BYTES);
  bytes[offset + 10] = checksum >> 8;
  bytes[offset + 11] = checksum & 0xff;
}

/** Whether an IPv4 header (IHL × 4 bytes, options included) is whole and its checksum verifies: summed with it, the header sums to all ones. */
export function ipv4HeaderChecksumValid(packet: Uint8Array): boolean {
  const headerLength = (packet[0]! & 0x0f) * 4;
  return headerLength >= IPV4_HEADER_BYTES && packet.length >= headerLength && internetChecksum(packet, 0, headerLength) === 0;
}

/** What an IPv4 packet carries: from the end of its header (options included) to its total length, a frame's padding left out. */
export function ipv4Payload(packet: Uint8Array): Uint8Array {
  return packet.subarray((packet[0]! & 0x0f) * 4, Math.min(packet.length, (packet[2]! << 8) | packet[3]!));
}

/** An IPv4 packet: header and payload. */
export function ipv4Packet(header: Ipv4Header, payload: Uint8Array): Uint8Array {
  const packet = zeroed(IPV4_HEADER_BYTES + payload.length);
  writeIpv4Header(packet, 0, header, payload.length);
  packet.set(payload, IPV4_HEADER_BYTES);
  return packet;
}

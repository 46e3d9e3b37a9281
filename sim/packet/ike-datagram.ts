import { ETHERNET_HEADER_BYTES, ETHERTYPE_IPV4, etherType, type MacAddress } from "./ethernet.js";
import { headerAddress, type Ipv4Address, IPV4_HEADER_BYTES, PROTOCOL_UDP } from "./ipv4.js";
import { udpFrame, UDP_FRAME_OVERHEAD } from "./udp-frame.js";

/** ISAKMP's UDP port (RFC 2408 section 2.5.2), source and destination alike. */
export const ISAKMP_PORT = 500;

/** An ISAKMP message in a UDP datagram, and where it came from. */
export interface IkeDatagram {
  readonly source: Ipv4Address;
  readonly destination: Ipv4Address;
  readonly message: Uint8Array;
  /** The DSCP it was marked with: what the receiver classifies it by while nothing else tells. */
  readonly dscp: number;
}

/** The Ethernet frame of an ISAKMP message, from port 500 to port 500. */
export function ikeFrame(spec: { destination: MacAddress; source: MacAddress; sourceIp: Ipv4Address; destinationIp: Ipv4Address; dscp: number; message: Uint8Array }): Uint8Array {
  return udpFrame({
    destination: spec.destination,
    source: spec.source,
    sourceIp: spec.sourceIp,
    destinationIp: spec.destinationIp,
    sourcePort: ISAKMP_PORT,
    destinationPort: ISAKMP_PORT,
    dscp: spec.dscp,
    frameLength: UDP_FRAME_OVERHEAD + spec.message.length,
    fill: (payload) => payload.set(spec.message),
  });
}

/** The ISAKMP message a frame carries to UDP port 500, or null for any other frame (or one too short to hold its own headers). */
export function ikeDatagram(frame: Uint8Array): IkeDatagram | null {
  if (frame.length < ETHERNET_HEADER_BYTES + IPV4_HEADER_BYTES || etherType(frame) !== ETHERTYPE_IPV4) return null;
  const ip = frame.subarray(ETHERNET_HEADER_BYTES);
  const headerLength = (ip[0]! & 0x0f) * 4;
  const totalLength = (ip[2]! << 8) | ip[3]!;
  if (ip[0]! >> 4 !== 4 || ip[9] !== PROTOCOL_UDP || headerLength < IPV4_HEADER_BYTES || totalLength > ip.length || totalLength < headerLength + 8) return null;
  const udp = ip.subarray(headerLength, totalLength);
  if (((udp[2]! << 8) | udp[3]!) !== ISAKMP_PORT) return null;
  const udpLength = (udp[4]! << 8) | udp[5]!;
  // A UDP length beyond the IP packet is cut to what arrived: the ISAKMP decoder then reports the truncation.
  const message = udp.subarray(8, Math.min(Math.max(udpLength, 8), udp.length));
  return { source: headerAddress(ip, "source"), destination: headerAddress(ip, "destination"), message, dscp: ip[1]! >> 2 };
}

import { internetChecksum } from "./checksum.js";
import { ETHERNET_HEADER_BYTES, type MacAddress, writeEthernetHeader } from "./ethernet.js";
import { zeroed } from "../bytes.js";
import { type Ipv4Address, IPV4_HEADER_BYTES, PROTOCOL_UDP, writeIpv4Header } from "./ipv4.js";

export { type Ipv4Address, ipv4Address } from "./ipv4.js";

export interface UdpFrameSpec {
  destination: MacAddress;
  source: MacAddress;
  sourceIp: Ipv4Address;
  destinationIp: Ipv4Address;
  sourcePort: number;
  destinationPort: number;
  /** Differentiated services code point (6 bits): its traffic class is sim/packet/dscp.ts's. */
  dscp: number;
  /** Total frame length without FCS: at least 42 (headers), at most 65535 + 14. */
  frameLength: number;
  /** Fills the UDP payload; called with the payload buffer. */
  fill?: (payload: Uint8Array) => void;
  identification?: number;
}

const UDP_HEADER_BYTES = 8;
export const UDP_FRAME_OVERHEAD = ETHERNET_HEADER_BYTES + IPV4_HEADER_BYTES + UDP_HEADER_BYTES;

/** An Ethernet/IPv4/UDP frame of an exact length, with valid IPv4 and UDP checksums. */
export function udpFrame(spec: UdpFrameSpec): Uint8Array {
  if (!Number.isInteger(spec.frameLength) || spec.frameLength < UDP_FRAME_OVERHEAD || spec.frameLength - ETHERNET_HEADER_BYTES > 0xffff) {
    throw new RangeError(`UDP frame length ${spec.frameLength} must be between ${UDP_FRAME_OVERHEAD} and ${0xffff + ETHERNET_HEADER_BYTES}`);
  }
  const frame = zeroed(spec.frameLength);
  writeEthernetHeader(frame, spec.destination, spec.source);
  const ip = ETHERNET_HEADER_BYTES;
  const ipLength = spec.frameLength - ETHERNET_HEADER_BYTES;
  writeIpv4Header(frame, ip, { source: spec.sourceIp, destination: spec.destinationIp, protocol: PROTOCOL_UDP, dscp: spec.dscp, identification: spec.identification }, ipLength - IPV4_HEADER_BYTES);
  const udp = ip + IPV4_HEADER_BYTES;
  const udpLength = ipLength - IPV4_HEADER_BYTES;
  put16(frame, udp, spec.sourcePort);
  put16(frame, udp + 2, spec.destinationPort);
  put16(frame, udp + 4, udpLength);
  spec.fill?.(frame.subarray(udp + UDP_HEADER_BYTES));
  // Checksum over the pseudo-header (addresses, protocol, length) and the datagram.
  let pseudo = PROTOCOL_UDP + udpLength;
  for (let index = 0; index < 8; index += 2) pseudo += (frame[ip + 12 + index]! << 8) | frame[ip + 13 + index]!;
  const checksum = internetChecksum(frame, udp, spec.frameLength, pseudo);
  put16(frame, udp + 6, checksum === 0 ? 0xffff : checksum);
  return frame;
}

function put16(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = (value >> 8) & 0xff;
  bytes[offset + 1] = value & 0xff;
}

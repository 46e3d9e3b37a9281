import { read32 } from "../../sim/bytes.js";
import { ETHERNET_HEADER_BYTES, ETHERTYPE_IPV4, etherType, MINIMUM_FRAME_BYTES } from "../../sim/packet/ethernet.js";
import { PROTOCOL_ESP } from "../../sim/packet/ipv4.js";

/** Where the parts of an ESP packet sit in an Ethernet/IPv4 frame. */
export interface EspLayout {
  readonly spi: number;
  readonly sequence: number;
  /** IPv4 destination address as a 32-bit number. */
  readonly destination: number;
  readonly ivOffset: number;
  /** The encrypted part: payload, padding, pad length, next header. */
  readonly dataOffset: number;
  readonly dataEnd: number;
  /** Where the ICV starts (dataEnd) and ends. */
  readonly icvEnd: number;
}

/** Whether a frame is Ethernet/IPv4/ESP at all. */
export function isEspFrame(frame: Uint8Array): boolean {
  return etherType(frame) === ETHERTYPE_IPV4 && frame.length >= ETHERNET_HEADER_BYTES + 20 && frame[ETHERNET_HEADER_BYTES + 9] === PROTOCOL_ESP;
}

/** MF and the fragment offset: ESP is applied to whole IP packets, and a receiver must discard a fragment offered to it (RFC 4303 3.3.4, 3.4.1). */
const FRAGMENT_BITS = 0x3fff;

/** Why an Ethernet/IPv4 frame's IP packet cannot be ESP processed whole, or null. */
function ipPacketProblem(frame: Uint8Array): string | null {
  const ip = ETHERNET_HEADER_BYTES;
  const version = frame[ip]! >> 4;
  if (version !== 4) return `its IP version is ${version}, not 4`;
  if ((frame[ip]! & 0x0f) * 4 < 20) return `its IP header length is ${(frame[ip]! & 0x0f) * 4} bytes, less than 20`;
  if ((((frame[ip + 6]! << 8) | frame[ip + 7]!) & FRAGMENT_BITS) !== 0) return "an IP fragment (MF set or a fragment offset): ESP is applied to whole IP packets (RFC 4303 3.3.4)";
  const total = (frame[ip + 2]! << 8) | frame[ip + 3]!;
  if (ip + total > frame.length) return `its IP total length, ${total}, runs past the ${frame.length - ip} bytes the frame holds after its Ethernet header`;
  return null;
}

/**
 * The layout of an ESP frame for an ICV length, or null when its IP packet cannot be processed
 * whole (not version 4, a fragment, longer than the frame) or is too short to hold one. Bytes
 * after the IP packet are not part of it (a receiver ignores them, as IP does); a transmitter
 * checks bytesPastIpPacket, as it would send them unencrypted.
 */
export function espLayout(frame: Uint8Array, icvLength: number): EspLayout | null {
  if (ipPacketProblem(frame) !== null) return null;
  const ip = ETHERNET_HEADER_BYTES;
  const end = ip + ((frame[ip + 2]! << 8) | frame[ip + 3]!);
  const esp = ip + (frame[ip]! & 0x0f) * 4;
  if (end - esp < 8 + 8 + 2 + icvLength) return null;
  return { spi: read32(frame, esp), sequence: read32(frame, esp + 4), destination: read32(frame, ip + 16), ivOffset: esp + 8, dataOffset: esp + 16, dataEnd: end - icvLength, icvEnd: end };
}

/**
 * Why a frame the driver marked for inline ESP with an SA of this SPI cannot be encrypted as it
 * stands, named for the descriptor's LENGTH field, or null.
 */
export function espTransmitProblem(frame: Uint8Array, layout: EspLayout | null, spi: number): string | null {
  if (!isEspFrame(frame)) return "ESP packet (not IPv4 ESP: its EtherType is not IPv4 or its IP protocol not 50, a VLAN tag or IPv6 among them; LENGTH)";
  const problem = ipPacketProblem(frame);
  if (problem !== null) return `ESP packet (${problem}; LENGTH)`;
  if (!layout) return "ESP packet (too short for its IP header, ESP header, IV, trailer and ICV; LENGTH)";
  // Bytes after the IP packet would go out unencrypted after the ICV.
  const past = bytesPastIpPacket(frame);
  if (past > 0) return `ESP packet (its IP total length ends ${past} bytes before the frame does: those bytes would leave unencrypted; LENGTH)`;
  // The SPI mismatch said as such: the length alone said nothing of it.
  if (layout.spi !== spi) return `ESP packet (its SPI 0x${layout.spi.toString(16).padStart(8, "0")} is not its SA's, 0x${spi.toString(16).padStart(8, "0")}; LENGTH)`;
  return null;
}

/** Bytes of a frame after its IP packet that no minimum frame's padding explains. */
export function bytesPastIpPacket(frame: Uint8Array): number {
  const end = ETHERNET_HEADER_BYTES + ((frame[ETHERNET_HEADER_BYTES + 2]! << 8) | frame[ETHERNET_HEADER_BYTES + 3]!);
  return end < frame.length && frame.length > MINIMUM_FRAME_BYTES ? frame.length - end : 0;
}

/** The SPI and destination of an ESP frame for the RX table lookup, or null when too short. */
export function espSelectors(frame: Uint8Array): { spi: number; destination: number } | null {
  const layout = espLayout(frame, 0);
  return layout && { spi: layout.spi, destination: layout.destination };
}

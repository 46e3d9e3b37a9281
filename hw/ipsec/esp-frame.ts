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

/**
 * The layout of an ESP frame for an ICV length, or null when the frame is too short to hold one.
 * Bytes after the IP packet are not part of it (a receiver ignores them, as IP does); a
 * transmitter checks bytesPastIpPacket, as it would send them unencrypted.
 */
export function espLayout(frame: Uint8Array, icvLength: number): EspLayout | null {
  const ip = ETHERNET_HEADER_BYTES;
  const headerLength = (frame[ip]! & 0x0f) * 4;
  const end = ip + ((frame[ip + 2]! << 8) | frame[ip + 3]!);
  const esp = ip + headerLength;
  if (headerLength < 20 || end > frame.length || end - esp < 8 + 8 + 2 + icvLength) return null;
  return { spi: read32(frame, esp), sequence: read32(frame, esp + 4), destination: read32(frame, ip + 16), ivOffset: esp + 8, dataOffset: esp + 16, dataEnd: end - icvLength, icvEnd: end };
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

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
 * The layout of an ESP frame for an ICV length, or null when the frame cannot hold one: too short,
 * or longer than its IP total length beyond an Ethernet minimum frame's padding (those bytes lie
 * outside the ESP packet, and would leave the device unencrypted).
 */
export function espLayout(frame: Uint8Array, icvLength: number): EspLayout | null {
  return espFrameProblem(frame, icvLength) === null ? layoutOf(frame, icvLength) : null;
}

/** Why espLayout finds no ESP packet in an Ethernet/IPv4 frame with protocol 50, or null when it finds one. */
export function espFrameProblem(frame: Uint8Array, icvLength: number): string | null {
  const ip = ETHERNET_HEADER_BYTES;
  const headerLength = (frame[ip]! & 0x0f) * 4;
  const end = ip + ((frame[ip + 2]! << 8) | frame[ip + 3]!);
  if (headerLength < 20 || end > frame.length || end - (ip + headerLength) < 8 + 8 + 2 + icvLength) return "too short for its IP header, ESP header, IV, trailer and ICV";
  if (end < frame.length && frame.length > MINIMUM_FRAME_BYTES) return `its IP total length ends ${frame.length - end} bytes before the frame does: those bytes would leave unencrypted`;
  return null;
}

function layoutOf(frame: Uint8Array, icvLength: number): EspLayout {
  const ip = ETHERNET_HEADER_BYTES;
  const end = ip + ((frame[ip + 2]! << 8) | frame[ip + 3]!);
  const esp = ip + (frame[ip]! & 0x0f) * 4;
  return { spi: read32(frame, esp), sequence: read32(frame, esp + 4), destination: read32(frame, ip + 16), ivOffset: esp + 8, dataOffset: esp + 16, dataEnd: end - icvLength, icvEnd: end };
}

/** The SPI and destination of an ESP frame for the RX table lookup, or null when too short. */
export function espSelectors(frame: Uint8Array): { spi: number; destination: number } | null {
  const layout = espLayout(frame, 0);
  return layout && { spi: layout.spi, destination: layout.destination };
}

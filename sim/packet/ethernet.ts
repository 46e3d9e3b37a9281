/** Ethernet II framing (IEEE 802.3) as the MAC and the packet builders use it. */
import { dscpClass } from "./dscp.js";
import { uninitialised } from "../bytes.js";

export const ETHERNET_HEADER_BYTES = 14;
/** Smallest frame without FCS; shorter frames are padded by the sending MAC. */
export const MINIMUM_FRAME_BYTES = 60;
export const FCS_BYTES = 4;
export const PREAMBLE_BYTES = 8;
export const INTER_FRAME_GAP_BYTES = 12;

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_IPV6 = 0x86dd;

export type MacAddress = readonly [number, number, number, number, number, number];

export function macAddress(text: string): MacAddress {
  const parts = text.split(":").map((part) => Number.parseInt(part, 16));
  if (parts.length !== 6 || parts.some((part) => !(part >= 0 && part <= 255))) throw new RangeError(`'${text}' is not a MAC address (six hex bytes joined by ':')`);
  return parts as unknown as MacAddress;
}

/** Bytes a frame (without FCS) occupies on the wire: preamble and SFD, padding, FCS, inter-frame gap. */
export function wireBytes(frameLength: number): number {
  return PREAMBLE_BYTES + Math.max(frameLength, MINIMUM_FRAME_BYTES) + FCS_BYTES + INTER_FRAME_GAP_BYTES;
}

export function etherType(frame: Uint8Array): number {
  return frame.length >= ETHERNET_HEADER_BYTES ? (frame[12]! << 8) | frame[13]! : -1;
}

/**
 * The traffic class a frame asks for: the 802.1Q priority code point when tagged, else the class
 * class of the IPv4 DSCP (sim/packet/dscp.ts) or the IPv6 traffic class's top three bits, else 0.
 */
export function frameTrafficClass(frame: Uint8Array): number {
  const type = etherType(frame);
  if (type === ETHERTYPE_VLAN && frame.length >= 16) return frame[14]! >> 5;
  if (type === ETHERTYPE_IPV4 && frame.length >= 16) return dscpClass(frame[15]! >> 2);
  if (type === ETHERTYPE_IPV6 && frame.length >= 16) return (frame[14]! & 0x0f) >> 1;
  return 0;
}

/** The host's and the remote gateway's MAC addresses on the modelled link. */
export const HOST_MAC = macAddress("02:00:00:00:00:01");
export const PEER_MAC = macAddress("02:00:00:00:00:02");

/** Write the 14-byte Ethernet II header at the start of a frame whose payload is already in place. */
export function writeEthernetHeader(frame: Uint8Array, destination: MacAddress, source: MacAddress, type = ETHERTYPE_IPV4): void {
  // Byte by byte: TypedArray.set from a plain array takes V8's slow path.
  for (let index = 0; index < 6; index++) {
    frame[index] = destination[index]!;
    frame[6 + index] = source[index]!;
  }
  frame[12] = type >> 8;
  frame[13] = type & 0xff;
}

/** An Ethernet II frame around a payload (an IPv4 packet unless told otherwise). */
export function ethernetFrame(destination: MacAddress, source: MacAddress, payload: Uint8Array, type = ETHERTYPE_IPV4): Uint8Array {
  const frame = uninitialised(ETHERNET_HEADER_BYTES + payload.length);
  writeEthernetHeader(frame, destination, source, type);
  frame.set(payload, ETHERNET_HEADER_BYTES);
  return frame;
}

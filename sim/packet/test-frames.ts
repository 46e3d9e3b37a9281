import { ETHERNET_HEADER_BYTES, HOST_MAC, PEER_MAC } from "./ethernet.js";
import { ipv4Address, udpFrame, UDP_FRAME_OVERHEAD } from "./udp-frame.js";
import { valueKind } from "../shown-value.js";
import { write32 } from "../bytes.js";

const HOST_IP = ipv4Address("10.0.0.1");
const PEER_IP = ipv4Address("10.0.0.2");

export type FrameDirection = "to-peer" | "to-host";

/**
 * A UDP frame that says where it belongs: its DSCP class selector is the traffic class, and the
 * first payload bytes carry the class (the tag) and a sequence number, so a receiver can check
 * order per class and, with the seeded filler after them, every byte.
 */
export interface SequencedFrameOptions {
  /** UDP destination port (an SPD selector); 49200 + the class by default. */
  readonly destinationPort?: number;
  /** The DSCP class selector, when it differs from the tag in the payload. */
  readonly dscpClass?: number;
  /** Bytes of the tag: 1 (a traffic class) by default; 4 for a tag that names one of many streams without aliasing. */
  readonly tagBytes?: TagBytes;
}

export type TagBytes = 1 | 4;

/** The inner UDP destination port of tunnel (or class) 0: n's is this + n (an SPD selector). */
export const INNER_PORT_BASE = 49200;

/**
 * A frame's UDP source port: in the dynamic range (49152 to 65535), past the tunnels' inner ports
 * (49200 + up to 256 SA pairs), whatever the tag. From 49152 + the tag, stream 52's packets had
 * source port 49204, tunnel 4's: the host's inbound check, which takes a mirrored source port as
 * RFC 4301 has it, rightly let a copy forged under tunnel 4 through, and the packet was delivered
 * twice (from a fuzzing seed).
 */
function sourcePortOf(tag: number): number {
  const first = INNER_PORT_BASE + 256;
  return first + (tag % (65536 - first));
}

export function sequencedFrame(direction: FrameDirection, trafficClass: number, sequence: number, frameLength: number, options: SequencedFrameOptions = {}): Uint8Array {
  const toPeer = direction === "to-peer";
  const tagBytes = options.tagBytes ?? 1;
  const problem = sequencedFrameProblem(direction, trafficClass, sequence, tagBytes, options.dscpClass ?? trafficClass, options.destinationPort ?? INNER_PORT_BASE + trafficClass, options.destinationPort === undefined);
  if (problem !== null) throw new RangeError(`sequencedFrame: ${problem}`);
  return udpFrame({
    destination: toPeer ? PEER_MAC : HOST_MAC,
    source: toPeer ? HOST_MAC : PEER_MAC,
    sourceIp: toPeer ? HOST_IP : PEER_IP,
    destinationIp: toPeer ? PEER_IP : HOST_IP,
    sourcePort: sourcePortOf(trafficClass),
    destinationPort: options.destinationPort ?? INNER_PORT_BASE + trafficClass,
    dscp: (options.dscpClass ?? trafficClass) << 3,
    frameLength,
    identification: sequence & 0xffff,
    fill: (payload) => {
      const stamp = tagBytes + 4;
      if (payload.length >= stamp) {
        if (tagBytes === 1) payload[0] = trafficClass;
        else write32(payload, 0, trafficClass);
        write32(payload, tagBytes, sequence);
      }
      fillPattern(payload, stamp, (sequence * 7 + trafficClass) & 0xff);
    },
  });
}

/** What a sequenced frame's arguments cannot say (a class 9 went out as DSCP 72, past the field's 6 bits; "sideways" was taken for to-host: from a driver developer's check), or null. */
function sequencedFrameProblem(direction: unknown, tag: number, sequence: number, tagBytes: TagBytes, dscpClass: number, port: number, defaultPort: boolean): string | null {
  if (direction !== "to-peer" && direction !== "to-host") return `direction ${JSON.stringify(direction)}: expected "to-peer" or "to-host"`;
  if (tagBytes !== 1 && tagBytes !== 4) return `tagBytes ${String(tagBytes)}: expected 1 or 4`;
  if (!Number.isInteger(tag) || tag < 0 || tag >= 2 ** (8 * tagBytes)) return `tag (traffic class) ${String(tag)}: expected a whole number from 0 to ${2 ** (8 * tagBytes) - 1} (${tagBytes} byte${tagBytes === 1 ? "" : "s"})`;
  if (!Number.isInteger(dscpClass) || dscpClass < 0 || dscpClass > 7) return `DSCP class ${String(dscpClass)}: expected a class selector from 0 to 7${tagBytes === 4 ? " (a 4-byte tag names a stream: give its class as dscpClass)" : ""}`;
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 0xffffffff) return `sequence ${String(sequence)}: expected a whole number from 0 to 2^32 - 1`;
  // A port past 16 bits wrapped silently, and streams' default ports with it (from a re-check).
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) return defaultPort ? `the default destination port 49200 + tag ${tag} passes 65535: give destinationPort` : `destinationPort ${String(port)}: expected a port from 0 to 65535`;
  return null;
}

/** 31 × 223 = 1 (mod 256): the filler with offset o is the one with offset 0 shifted on by o × 223 bytes. */
const INVERSE_OF_31 = 223;

/** (index × 31) mod 256 for every index a payload and a shift of up to 255 reach: any filler is one run of it (made longer if a longer payload comes). */
let pattern = new Uint8Array(0);

/** payload[index] = (index × 31 + offset) mod 256 from `start` on, in one copy rather than computed per byte. */
function fillPattern(payload: Uint8Array, start: number, offset: number): void {
  if (start >= payload.length) return;
  if (pattern.length < payload.length + 256) {
    pattern = new Uint8Array(Math.max(0x10000, payload.length) + 256);
    for (let index = 0; index < pattern.length; index++) pattern[index] = (index * 31) & 0xff;
  }
  const shift = (offset * INVERSE_OF_31) & 0xff;
  payload.set(pattern.subarray(start + shift, payload.length + shift), start);
}

export function frameSequence(frame: Uint8Array, headerBytes = ETHERNET_HEADER_BYTES, tagBytes: TagBytes = 1): { trafficClass: number; sequence: number } {
  const payload = UDP_FRAME_OVERHEAD - ETHERNET_HEADER_BYTES + headerBytes;
  // A short one failed as "Offset is outside the bounds of the DataView" (from a driver developer's check).
  if (!Number.isInteger(headerBytes) || headerBytes < 0 || (tagBytes !== 1 && tagBytes !== 4)) throw new RangeError(`frameSequence: headerBytes ${String(headerBytes)} and tagBytes ${String(tagBytes)}: expected a whole number of header bytes and a tag of 1 or 4 bytes`);
  if (!(frame instanceof Uint8Array) || frame.length < payload + tagBytes + 4) throw new RangeError(`${headerBytes === 0 ? "packetSequence" : "frameSequence"}: ${frame instanceof Uint8Array ? `${frame.length} bytes are` : `${valueKind(frame)} is`} too short to carry a tag and a sequence number (${payload + tagBytes + 4} bytes at least)`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  return { trafficClass: tagBytes === 1 ? view.getUint8(payload) : view.getUint32(payload), sequence: view.getUint32(payload + tagBytes) };
}

/** The same for an IP packet (a frame without its Ethernet header), as IPsec tunnels carry them. */
export function packetSequence(packet: Uint8Array, tagBytes: TagBytes = 1): { trafficClass: number; sequence: number } {
  return frameSequence(packet, 0, tagBytes);
}

/** The IPv4/UDP packet inside a sequenced frame. */
export function sequencedPacket(direction: FrameDirection, trafficClass: number, sequence: number, frameLength: number, options?: SequencedFrameOptions): Uint8Array {
  return sequencedFrame(direction, trafficClass, sequence, frameLength, options).subarray(ETHERNET_HEADER_BYTES);
}

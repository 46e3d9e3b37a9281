import { ETHERNET_HEADER_BYTES, HOST_MAC, PEER_MAC } from "./ethernet.js";
import { ipv4Address, udpFrame, UDP_FRAME_OVERHEAD } from "./udp-frame.js";

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

export function sequencedFrame(direction: FrameDirection, trafficClass: number, sequence: number, frameLength: number, options: SequencedFrameOptions = {}): Uint8Array {
  const toPeer = direction === "to-peer";
  const tagBytes = options.tagBytes ?? 1;
  return udpFrame({
    destination: toPeer ? PEER_MAC : HOST_MAC,
    source: toPeer ? HOST_MAC : PEER_MAC,
    sourceIp: toPeer ? HOST_IP : PEER_IP,
    destinationIp: toPeer ? PEER_IP : HOST_IP,
    // A wide tag keeps the source port in the dynamic range (49152 to 65535).
    sourcePort: 49152 + (trafficClass % 16384),
    destinationPort: options.destinationPort ?? 49200 + trafficClass,
    dscp: (options.dscpClass ?? trafficClass) << 3,
    frameLength,
    identification: sequence & 0xffff,
    fill: (payload) => {
      const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
      const stamp = tagBytes + 4;
      if (payload.length >= stamp) {
        if (tagBytes === 1) view.setUint8(0, trafficClass);
        else view.setUint32(0, trafficClass);
        view.setUint32(tagBytes, sequence);
      }
      fillPattern(payload, stamp, (sequence * 7 + trafficClass) & 0xff);
    },
  });
}

/** The filler's bytes for each offset (index × 31 + offset) mod 256, 512 long so that any 256 of them run from any start: the pattern repeats every 256. */
const PATTERNS = new Map<number, Uint8Array>();

function pattern(offset: number): Uint8Array {
  let bytes = PATTERNS.get(offset);
  if (bytes === undefined) {
    bytes = new Uint8Array(512);
    for (let index = 0; index < bytes.length; index++) bytes[index] = (index * 31 + offset) & 0xff;
    PATTERNS.set(offset, bytes);
  }
  return bytes;
}

/** payload[index] = (index × 31 + offset) mod 256 from `start` on, copied in runs of 256 rather than computed per byte. */
function fillPattern(payload: Uint8Array, start: number, offset: number): void {
  const bytes = pattern(offset);
  for (let index = start; index < payload.length; index += 256) {
    const from = index & 0xff;
    payload.set(bytes.subarray(from, from + Math.min(256, payload.length - index)), index);
  }
}

export function frameSequence(frame: Uint8Array, headerBytes = ETHERNET_HEADER_BYTES, tagBytes: TagBytes = 1): { trafficClass: number; sequence: number } {
  const payload = UDP_FRAME_OVERHEAD - ETHERNET_HEADER_BYTES + headerBytes;
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

/**
 * Descriptor formats: 32 bytes, little-endian, in rings in host memory. The device writes a
 * descriptor back over itself; the driver owns it again once the DD (descriptor done) bit is set.
 */

import type { RegisterField } from "./registers.js";

export const DESCRIPTOR_BYTES = 32;

export interface DescriptorField {
  readonly name: string;
  readonly offset: number;
  readonly bytes: number;
  readonly description: string;
  /** Bit fields of the field's little-endian value (flags, or parts of a handle). */
  readonly fields?: readonly RegisterField[];
  /** Names of values the field may hold (the value itself, not shifted). */
  readonly values?: Readonly<Record<string, number>>;
}

/** An SA handle's parts (TX SA_HANDLE, RX SA_HANDLE, SA_STATUS after an install). */
export const SA_HANDLE_FIELDS = [
  { name: "ENTRY", bit: 0, width: 16, description: "SA table entry + 1 (0: no handle)" },
  { name: "GENERATION", bit: 16, width: 15, description: "The entry's generation when the handle was issued" },
] as const satisfies readonly RegisterField[];

/** TX descriptor, as the driver writes it. */
export const TX = {
  BUFFER_ADDRESS: 0,
  LENGTH: 8,
  COMMAND: 10,
  CLASS: 11,
  SA_HANDLE: 12,
  SA_POINTER: 16,
  /** Reserved: no flags defined; the device does not read it. */
  OFFLOAD: 24,
  STATUS: 28,
  ERROR: 29,
} as const;

/** TX COMMAND bits. */
export const TX_COMMAND_EOP = 1 << 0;
/** Report status: write the descriptor back with DD once the device has read its buffer. */
export const TX_COMMAND_RS = 1 << 1;
/** IPsec offload requested (used by the SA cache and crypto pipeline). */
export const TX_COMMAND_IPSEC = 1 << 2;

/** RX descriptor: the driver writes BUFFER_ADDRESS; the device writes the rest back. */
export const RX = {
  BUFFER_ADDRESS: 0,
  LENGTH: 8,
  STATUS: 10,
  ERROR: 11,
  CLASS: 12,
  SPI: 16,
  SA_HANDLE: 20,
} as const;

/** STATUS bits of both rings. */
export const STATUS_DD = 1 << 0;
export const STATUS_EOP = 1 << 1;
/** RX: the device decrypted and authenticated the packet. */
export const STATUS_IPSEC = 1 << 2;
/** RX: ESP packet whose SA is not in the device's table ("not in table"), delivered encrypted. */
export const STATUS_SA_MISS = 1 << 3;

/** Bytes of an RX write-back: everything after the buffer address, written in one DMA write. */
export const RX_WRITE_BACK_OFFSET = RX.LENGTH;

export const TX_DESCRIPTOR_FIELDS: readonly DescriptorField[] = [
  { name: "BUFFER_ADDRESS", offset: TX.BUFFER_ADDRESS, bytes: 8, description: "Host address of the buffer" },
  { name: "LENGTH", offset: TX.LENGTH, bytes: 2, description: "Bytes in the buffer (1 or more; a frame's buffers add up to at most the maximum frame)" },
  {
    name: "COMMAND", offset: TX.COMMAND, bytes: 1, description: "bit 0 EOP (last buffer of the frame), bit 1 RS (report status), bit 2 IPSEC (encrypt the frame's ESP packet: its payload and trailer are plaintext, its ICV is filled in)",
    fields: [
      { name: "EOP", bit: 0, width: 1, description: "Last buffer of the frame" },
      { name: "RS", bit: 1, width: 1, description: "Report status: write the descriptor back with DD once the device has read its buffer" },
      { name: "IPSEC", bit: 2, width: 1, description: "Encrypt the frame's ESP packet with the SA of SA_HANDLE (or SA_POINTER)" },
    ],
  },
  { name: "CLASS", offset: TX.CLASS, bytes: 1, description: "Traffic class of the frame (0-7)" },
  { name: "SA_HANDLE", offset: TX.SA_HANDLE, bytes: 4, description: "With IPSEC: the SA's handle, as SA_STATUS gave it at the install: bits 15:0 the TX SA table entry + 1, bits 30:16 the entry's generation (0: none; with SA_CTRL.POINTER_FETCH, look up by SA_POINTER instead)", fields: SA_HANDLE_FIELDS },
  { name: "SA_POINTER", offset: TX.SA_POINTER, bytes: 8, description: "Host address of the SA record (hw/spec SA record layout)" },
  { name: "OFFLOAD", offset: TX.OFFLOAD, bytes: 2, description: "Reserved: no flags are defined, the device does not read these bytes, and the drivers write 0 (offload is asked for by COMMAND bit 2, IPSEC)" },
  { name: "STATUS", offset: TX.STATUS, bytes: 1, description: "Written back: bit 0 DD", fields: [{ name: "DD", bit: 0, width: 1, description: "Descriptor done: the driver owns the descriptor again" }] },
  { name: "ERROR", offset: TX.ERROR, bytes: 1, description: "Written back: error code, 0 if none (see Error codes)" },
];

export const RX_DESCRIPTOR_FIELDS: readonly DescriptorField[] = [
  { name: "BUFFER_ADDRESS", offset: RX.BUFFER_ADDRESS, bytes: 8, description: "Host address of a buffer of SRRCTL bytes (written by the driver)" },
  { name: "LENGTH", offset: RX.LENGTH, bytes: 2, description: "Written back: bytes placed in this buffer" },
  {
    name: "STATUS", offset: RX.STATUS, bytes: 1, description: "Written back: bit 0 DD, bit 1 EOP, bit 2 IPSEC, bit 3 SA_MISS",
    fields: [
      { name: "DD", bit: 0, width: 1, description: "Descriptor done: the driver owns the descriptor again" },
      { name: "EOP", bit: 1, width: 1, description: "Last buffer of the frame" },
      { name: "IPSEC", bit: 2, width: 1, description: "The device decrypted and authenticated the packet" },
      { name: "SA_MISS", bit: 3, width: 1, description: "ESP packet whose SA is not in the device's table, delivered encrypted" },
    ],
  },
  { name: "ERROR", offset: RX.ERROR, bytes: 1, description: "Written back: error code, 0 if none" },
  { name: "CLASS", offset: RX.CLASS, bytes: 1, description: "Written back: traffic class the frame was queued by" },
  { name: "SPI", offset: RX.SPI, bytes: 4, description: "Written back: SPI of an ESP packet" },
  { name: "SA_HANDLE", offset: RX.SA_HANDLE, bytes: 4, description: "Written back: the handle of the RX SA table entry used (bits 15:0 entry + 1, bits 30:16 its generation)", fields: SA_HANDLE_FIELDS },
];

/** Little-endian field access on a descriptor image. */
export function readField(bytes: Uint8Array, offset: number, size: 1 | 2 | 4 | 8): number {
  let value = 0;
  for (let index = size - 1; index >= 0; index--) value = value * 256 + bytes[offset + index]!;
  return value;
}

export function writeField(bytes: Uint8Array, offset: number, size: 1 | 2 | 4 | 8, value: number): void {
  for (let index = 0; index < size; index++) {
    bytes[offset + index] = value % 256;
    value = Math.floor(value / 256);
  }
}

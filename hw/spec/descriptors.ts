/**
 * Descriptor formats: 32 bytes, little-endian, in rings in host memory. The device writes a
 * descriptor back over itself; the driver owns it again once the DD (descriptor done) bit is set.
 * Each format is one table (hw/spec/layout.ts): the driver's and the device's encoders and
 * decoders, the datasheet and the C header all come from it.
 */

import { bitFields } from "./bit-field.js";
import { defineLayout, type LayoutField } from "./layout.js";

export const DESCRIPTOR_BYTES = 32;

/** A field of a descriptor or of the SA record, as the datasheet and the C header show it. */
export type DescriptorField = LayoutField;

/** An SA handle's parts (TX SA_HANDLE, RX SA_HANDLE; SA_STATUS gives them after an install). */
export const SA_HANDLE_FIELDS = bitFields([
  { name: "ENTRY", bit: 0, width: 16, description: "SA table entry + 1 (0: no handle)" },
  { name: "GENERATION", bit: 16, width: 15, description: "The entry's generation when the handle was issued" },
]);

/** TX COMMAND bits. */
export const TX_COMMAND_FIELDS = bitFields([
  { name: "EOP", bit: 0, width: 1, description: "Last buffer of the frame" },
  { name: "RS", bit: 1, width: 1, description: "Report status: write the descriptor back with DD once the device has read its buffer" },
  { name: "IPSEC", bit: 2, width: 1, description: "Encrypt the frame's ESP packet with the SA of SA_HANDLE (or SA_POINTER)" },
]);

const DD = { name: "DD", bit: 0, width: 1, description: "Descriptor done: the driver owns the descriptor again" } as const;
export const TX_STATUS_FIELDS = bitFields([DD]);
export const RX_STATUS_FIELDS = bitFields([
  DD,
  { name: "EOP", bit: 1, width: 1, description: "Last buffer of the frame" },
  { name: "IPSEC", bit: 2, width: 1, description: "The device decrypted and authenticated the packet" },
  { name: "SA_MISS", bit: 3, width: 1, description: "ESP packet whose SA is not in the device's table, or whose entry was invalidated before it was decrypted, delivered encrypted" },
]);

/** TX descriptor, as the driver writes it; the device writes STATUS and ERROR back. */
export const TX_DESCRIPTOR = defineLayout("TX descriptor", DESCRIPTOR_BYTES, {
  bufferAddress: { name: "BUFFER_ADDRESS", offset: 0, bytes: 8, description: "Host address of the buffer" },
  length: { name: "LENGTH", offset: 8, bytes: 2, description: "Bytes in the buffer (1 or more; a frame's buffers add up to at most the maximum frame)" },
  command: {
    name: "COMMAND", offset: 10, bytes: 1, bits: TX_COMMAND_FIELDS,
    description: "bit 0 EOP (last buffer of the frame), bit 1 RS (report status), bit 2 IPSEC (encrypt the frame's ESP packet: its payload and trailer are plaintext, its ICV is filled in). IPSEC, SA_HANDLE and SA_POINTER are the same on every descriptor of a frame (IPSEC_FIELDS_DIFFER otherwise). Bits 7:3 are reserved: the device ignores them (drivers write 0)",
  },
  trafficClass: { name: "CLASS", offset: 11, bytes: 1, description: "Traffic class of the frame (0-7)" },
  saHandle: {
    name: "SA_HANDLE", offset: 12, bytes: 4, bits: SA_HANDLE_FIELDS,
    description: "With IPSEC: the SA's handle, as SA_STATUS gave it at the install: bits 15:0 the TX SA table entry + 1, bits 30:16 the entry's generation (0: none; with SA_CTRL.POINTER_FETCH, look up by SA_POINTER instead)",
  },
  saPointer: { name: "SA_POINTER", offset: 16, bytes: 8, description: "Host address of the SA record (hw/spec SA record layout)" },
  offload: { name: "OFFLOAD", offset: 24, bytes: 2, description: "Reserved: no flags are defined, the device does not read these bytes, and the drivers write 0 (offload is asked for by COMMAND bit 2, IPSEC)" },
  status: { name: "STATUS", offset: 28, bytes: 1, bits: TX_STATUS_FIELDS, description: "Written back: bit 0 DD" },
  error: { name: "ERROR", offset: 29, bytes: 1, description: "Written back: error code, 0 if none (see Error codes)" },
});

/** What the device reads of a TX descriptor: all the driver writes but the reserved OFFLOAD. */
export const TX_READ_FORMAT = TX_DESCRIPTOR.pick("TX descriptor read format", ["bufferAddress", "length", "command", "trafficClass", "saHandle", "saPointer"]);
/** What the device writes back into a TX descriptor, in one write: STATUS, ERROR and the reserved bytes to the end, zero. */
export const TX_WRITE_BACK = TX_DESCRIPTOR.tail("TX write-back", ["status", "error"]);

/** RX descriptor: the driver writes BUFFER_ADDRESS; the device writes the rest back. */
export const RX_DESCRIPTOR = defineLayout("RX descriptor", DESCRIPTOR_BYTES, {
  bufferAddress: { name: "BUFFER_ADDRESS", offset: 0, bytes: 8, description: "Host address of a buffer of SRRCTL bytes (written by the driver)" },
  length: { name: "LENGTH", offset: 8, bytes: 2, description: "Written back: bytes placed in this buffer" },
  status: { name: "STATUS", offset: 10, bytes: 1, bits: RX_STATUS_FIELDS, description: "Written back: bit 0 DD, bit 1 EOP, bit 2 IPSEC, bit 3 SA_MISS" },
  error: { name: "ERROR", offset: 11, bytes: 1, description: "Written back: error code, 0 if none" },
  trafficClass: { name: "CLASS", offset: 12, bytes: 1, description: "Written back: traffic class the frame was queued by" },
  spi: { name: "SPI", offset: 16, bytes: 4, description: "Written back: SPI of an ESP packet whose IP and ESP headers the device could read and trust; 0 for other frames, and for one flagged ESP_MALFORMED before its SPI was looked up (an IP length past the frame, a header cut short)" },
  saHandle: { name: "SA_HANDLE", offset: 20, bytes: 4, bits: SA_HANDLE_FIELDS, description: "Written back: the handle of the RX SA table entry used (bits 15:0 entry + 1, bits 30:16 its generation); 0 with SA_MISS" },
});

/** What the device writes back into an RX descriptor: everything after the buffer address, in one DMA write. */
export const RX_WRITE_BACK = RX_DESCRIPTOR.tail("RX write-back", ["length", "status", "error", "trafficClass", "spi", "saHandle"]);

/** Field offsets by their datasheet names (TX.LENGTH). */
export const TX = TX_DESCRIPTOR.offsets;
export const RX = RX_DESCRIPTOR.offsets;
export const TX_DESCRIPTOR_FIELDS: readonly DescriptorField[] = TX_DESCRIPTOR.list;
export const RX_DESCRIPTOR_FIELDS: readonly DescriptorField[] = RX_DESCRIPTOR.list;

export const TX_COMMAND_EOP = TX_COMMAND_FIELDS.EOP.mask;
export const TX_COMMAND_RS = TX_COMMAND_FIELDS.RS.mask;
/** IPsec offload requested (used by the SA cache and crypto pipeline). */
export const TX_COMMAND_IPSEC = TX_COMMAND_FIELDS.IPSEC.mask;

/** STATUS bits of both rings (TX has DD only). */
export const STATUS_DD = RX_STATUS_FIELDS.DD.mask;
export const STATUS_EOP = RX_STATUS_FIELDS.EOP.mask;
/** RX: the device decrypted and authenticated the packet. */
export const STATUS_IPSEC = RX_STATUS_FIELDS.IPSEC.mask;
/** RX: ESP packet whose SA is not in the device's table ("not in table"), delivered encrypted. */
export const STATUS_SA_MISS = RX_STATUS_FIELDS.SA_MISS.mask;

/** Where the RX write-back starts in its descriptor. */
export const RX_WRITE_BACK_OFFSET = RX_WRITE_BACK.at;

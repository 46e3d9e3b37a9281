/**
 * The SA record: how the intermediate driver lays out an IPsec SA in host memory, so that a
 * pointer to it can travel with a packet to the base driver and on to the NIC (seed 002).
 * 128 bytes, 64-byte aligned, little-endian.
 */
import type { DescriptorField } from "./descriptors.js";

export const SA_RECORD_BYTES = 128;
export const SA_RECORD_ALIGNMENT = 64;

/** "SAR1" as a little-endian word: what a record starts with, so that a stale pointer is caught. */
export const SA_RECORD_MAGIC = 0x31524153;

export const SA_RECORD = {
  MAGIC: 0,
  RECORD_LENGTH: 4,
  PROTOCOL: 6,
  DIRECTION: 7,
  UNIQUE_ID: 8,
  SPI: 12,
  FLAGS: 16,
  QOS_GROUP: 17,
  KEY_LENGTH: 18,
  ICV_LENGTH: 19,
  SALT: 20,
  KEY: 32,
  SOURCE: 64,
  DESTINATION: 80,
} as const;

/** FLAGS bits. */
export const SA_FLAG_ESN = 1 << 0;
/** The QOS_GROUP byte holds an ipsec_qos_group tag (seed 001); without it, classify by the inner DSCP. */
export const SA_FLAG_HAS_TAG = 1 << 1;
export const SA_FLAG_IPV6 = 1 << 2;

export const SA_DIRECTION_OUTBOUND = 0;
export const SA_DIRECTION_INBOUND = 1;

export const SA_RECORD_FIELDS = [
  { name: "MAGIC", offset: SA_RECORD.MAGIC, bytes: 4, description: `0x${SA_RECORD_MAGIC.toString(16)} ("SAR1"); cleared when the record is freed` },
  { name: "RECORD_LENGTH", offset: SA_RECORD.RECORD_LENGTH, bytes: 2, description: `${SA_RECORD_BYTES}` },
  { name: "PROTOCOL", offset: SA_RECORD.PROTOCOL, bytes: 1, description: "IP protocol: 50 (ESP)", values: { ESP: 50 } },
  { name: "DIRECTION", offset: SA_RECORD.DIRECTION, bytes: 1, description: "0 outbound, 1 inbound", values: { OUTBOUND: SA_DIRECTION_OUTBOUND, INBOUND: SA_DIRECTION_INBOUND } },
  { name: "UNIQUE_ID", offset: SA_RECORD.UNIQUE_ID, bytes: 4, description: "The SA's unique id in the SADB" },
  {
    name: "FLAGS", offset: SA_RECORD.FLAGS, bytes: 1, description: "bit 0 ESN, bit 1 HAS_TAG, bit 2 IPv6 addresses",
    fields: [
      { name: "ESN", bit: 0, width: 1, description: "Extended sequence numbers" },
      { name: "HAS_TAG", bit: 1, width: 1, description: "QOS_GROUP holds an ipsec_qos_group tag; without it, classify by the inner DSCP" },
      { name: "IPV6", bit: 2, width: 1, description: "SOURCE and DESTINATION are IPv6 addresses" },
    ],
  },
  { name: "QOS_GROUP", offset: SA_RECORD.QOS_GROUP, bytes: 1, description: "ipsec_qos_group tag inherited from the IKE SA (valid with HAS_TAG)" },
  { name: "SPI", offset: SA_RECORD.SPI, bytes: 4, description: "Security Parameter Index" },
  { name: "KEY_LENGTH", offset: SA_RECORD.KEY_LENGTH, bytes: 1, description: "AES key bytes: 16 or 32" },
  { name: "ICV_LENGTH", offset: SA_RECORD.ICV_LENGTH, bytes: 1, description: "ICV bytes: 8, 12 or 16" },
  { name: "SALT", offset: SA_RECORD.SALT, bytes: 4, description: "GCM salt (RFC 4106)" },
  { name: "KEY", offset: SA_RECORD.KEY, bytes: 32, description: "AES key (first KEY_LENGTH bytes)" },
  { name: "SOURCE", offset: SA_RECORD.SOURCE, bytes: 16, description: "Tunnel source address (IPv4 in the first 4 bytes)" },
  { name: "DESTINATION", offset: SA_RECORD.DESTINATION, bytes: 16, description: "Tunnel destination address" },
] as const satisfies readonly DescriptorField[];

/** An SA as the record carries it. */
export interface SaRecordFields {
  readonly uniqueId: number;
  readonly protocol: number;
  readonly direction: number;
  readonly spi: number;
  readonly esn: boolean;
  readonly qosGroup: number | null;
  readonly icvLength: number;
  /** Key followed by salt, as RFC 4106 key material. */
  readonly keyMaterial: Uint8Array;
  readonly source: Uint8Array;
  readonly destination: Uint8Array;
}

function write(bytes: Uint8Array, offset: number, size: number, value: number): void {
  for (let index = 0; index < size; index++) bytes[offset + index] = Math.floor(value / 256 ** index) % 256;
}

function read(bytes: Uint8Array, offset: number, size: number): number {
  let value = 0;
  for (let index = size - 1; index >= 0; index--) value = value * 256 + bytes[offset + index]!;
  return value;
}

export function encodeSaRecord(fields: SaRecordFields): Uint8Array {
  const bytes = new Uint8Array(SA_RECORD_BYTES);
  const keyLength = fields.keyMaterial.length - 4;
  write(bytes, SA_RECORD.MAGIC, 4, SA_RECORD_MAGIC);
  write(bytes, SA_RECORD.RECORD_LENGTH, 2, SA_RECORD_BYTES);
  bytes[SA_RECORD.PROTOCOL] = fields.protocol;
  bytes[SA_RECORD.DIRECTION] = fields.direction;
  write(bytes, SA_RECORD.UNIQUE_ID, 4, fields.uniqueId);
  write(bytes, SA_RECORD.SPI, 4, fields.spi);
  bytes[SA_RECORD.FLAGS] = (fields.esn ? SA_FLAG_ESN : 0) | (fields.qosGroup !== null ? SA_FLAG_HAS_TAG : 0);
  bytes[SA_RECORD.QOS_GROUP] = fields.qosGroup ?? 0;
  bytes[SA_RECORD.KEY_LENGTH] = keyLength;
  bytes[SA_RECORD.ICV_LENGTH] = fields.icvLength;
  bytes.set(fields.keyMaterial.subarray(keyLength), SA_RECORD.SALT);
  bytes.set(fields.keyMaterial.subarray(0, keyLength), SA_RECORD.KEY);
  bytes.set(fields.source.subarray(0, 16), SA_RECORD.SOURCE);
  bytes.set(fields.destination.subarray(0, 16), SA_RECORD.DESTINATION);
  return bytes;
}

export type SaRecordProblem = "BAD_MAGIC" | "BAD_LENGTH" | "BAD_PROTOCOL" | "BAD_KEY_LENGTH" | "BAD_ICV_LENGTH";

/**
 * Read a record, or say what is wrong with it (as a device must before trusting a pointer): which
 * field, by its byte offset, and never the value found there. A record read from a wrong offset
 * may have key or salt bytes in any field, and an error log is no place for them.
 */
export function decodeSaRecord(bytes: Uint8Array): SaRecordFields | { readonly problem: SaRecordProblem; readonly offset: number } {
  if (read(bytes, SA_RECORD.MAGIC, 4) !== SA_RECORD_MAGIC) return { problem: "BAD_MAGIC", offset: SA_RECORD.MAGIC };
  if (read(bytes, SA_RECORD.RECORD_LENGTH, 2) !== SA_RECORD_BYTES) return { problem: "BAD_LENGTH", offset: SA_RECORD.RECORD_LENGTH };
  if (bytes[SA_RECORD.PROTOCOL] !== 50) return { problem: "BAD_PROTOCOL", offset: SA_RECORD.PROTOCOL };
  const keyLength = bytes[SA_RECORD.KEY_LENGTH]!;
  if (keyLength !== 16 && keyLength !== 32) return { problem: "BAD_KEY_LENGTH", offset: SA_RECORD.KEY_LENGTH };
  const icvLength = bytes[SA_RECORD.ICV_LENGTH]!;
  if (icvLength !== 8 && icvLength !== 12 && icvLength !== 16) return { problem: "BAD_ICV_LENGTH", offset: SA_RECORD.ICV_LENGTH };
  const keyMaterial = new Uint8Array(keyLength + 4);
  keyMaterial.set(bytes.subarray(SA_RECORD.KEY, SA_RECORD.KEY + keyLength));
  keyMaterial.set(bytes.subarray(SA_RECORD.SALT, SA_RECORD.SALT + 4), keyLength);
  const flags = bytes[SA_RECORD.FLAGS]!;
  return {
    uniqueId: read(bytes, SA_RECORD.UNIQUE_ID, 4),
    protocol: 50,
    direction: bytes[SA_RECORD.DIRECTION]!,
    spi: read(bytes, SA_RECORD.SPI, 4),
    esn: (flags & SA_FLAG_ESN) !== 0,
    qosGroup: flags & SA_FLAG_HAS_TAG ? bytes[SA_RECORD.QOS_GROUP]! : null,
    icvLength,
    keyMaterial,
    source: bytes.slice(SA_RECORD.SOURCE, SA_RECORD.SOURCE + 16),
    destination: bytes.slice(SA_RECORD.DESTINATION, SA_RECORD.DESTINATION + 16),
  };
}

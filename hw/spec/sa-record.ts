/**
 * The SA record: how the intermediate driver lays out an IPsec SA in host memory, so that a
 * pointer to it can travel with a packet to the base driver and on to the NIC (seed 002).
 * 128 bytes, 64-byte aligned, little-endian. One table (hw/spec/layout.ts) gives its encoder,
 * decoder, the datasheet's table and the C header's offsets.
 */
import { isIcvLength } from "../../sim/crypto/backend.js";
import { didYouMean } from "../../sim/suggest.js";
import { bitFields } from "./bit-field.js";
import type { DescriptorField } from "./descriptors.js";
import { defineLayout } from "./layout.js";

export const SA_RECORD_BYTES = 128;
export const SA_RECORD_ALIGNMENT = 64;

/** "SAR1" as a little-endian word: what a record starts with, so that a stale pointer is caught. */
export const SA_RECORD_MAGIC = 0x31524153;

export const SA_DIRECTION_OUTBOUND = 0;
export const SA_DIRECTION_INBOUND = 1;
const ESP_PROTOCOL = 50;

export const SA_FLAGS_FIELDS = bitFields([
  { name: "ESN", bit: 0, width: 1, description: "Extended sequence numbers: the device refuses such a record (SA_RECORD_INVALID); the drivers keep ESN SAs in software" },
  { name: "HAS_TAG", bit: 1, width: 1, description: "QOS_GROUP holds an ipsec_qos_group tag; without it, classify by the inner DSCP" },
  { name: "IPV6", bit: 2, width: 1, description: "SOURCE and DESTINATION are IPv6 addresses: the device refuses such a record (SA_RECORD_INVALID), as it processes IPv4 ESP only" },
]);

export const SA_RECORD_LAYOUT = defineLayout("SA record", SA_RECORD_BYTES, {
  magic: { name: "MAGIC", offset: 0, bytes: 4, description: `0x${SA_RECORD_MAGIC.toString(16)} ("SAR1"); cleared when the record is freed` },
  recordLength: { name: "RECORD_LENGTH", offset: 4, bytes: 2, description: `${SA_RECORD_BYTES}` },
  protocol: { name: "PROTOCOL", offset: 6, bytes: 1, description: "IP protocol: 50 (ESP)", values: { ESP: ESP_PROTOCOL } },
  direction: { name: "DIRECTION", offset: 7, bytes: 1, description: "0 outbound, 1 inbound", values: { OUTBOUND: SA_DIRECTION_OUTBOUND, INBOUND: SA_DIRECTION_INBOUND } },
  uniqueId: { name: "UNIQUE_ID", offset: 8, bytes: 4, description: "The SA's unique id in the SADB" },
  flags: { name: "FLAGS", offset: 16, bytes: 1, bits: SA_FLAGS_FIELDS, description: "bit 0 ESN, bit 1 HAS_TAG, bit 2 IPv6 addresses; bits 3 to 7 reserved, 0" },
  qosGroup: { name: "QOS_GROUP", offset: 17, bytes: 1, description: "ipsec_qos_group tag inherited from the IKE SA (valid with HAS_TAG)" },
  spi: { name: "SPI", offset: 12, bytes: 4, description: "Security Parameter Index; 0 to 255 are reserved (RFC 4303 2.1) and refused" },
  keyLength: { name: "KEY_LENGTH", offset: 18, bytes: 1, description: "AES key bytes: 16 or 32" },
  icvLength: { name: "ICV_LENGTH", offset: 19, bytes: 1, description: "ICV bytes: 8, 12 or 16" },
  salt: { name: "SALT", offset: 20, bytes: 4, kind: "bytes", description: "GCM salt (RFC 4106)" },
  key: { name: "KEY", offset: 32, bytes: 32, kind: "bytes", description: "AES key (first KEY_LENGTH bytes)" },
  source: { name: "SOURCE", offset: 64, bytes: 16, kind: "bytes", description: "Tunnel source address (IPv4 in the first 4 bytes)" },
  destination: { name: "DESTINATION", offset: 80, bytes: 16, kind: "bytes", description: "Tunnel destination address" },
});

/** Field offsets by their datasheet names (SA_RECORD.SPI). */
export const SA_RECORD = SA_RECORD_LAYOUT.offsets;
export const SA_RECORD_FIELDS: readonly DescriptorField[] = SA_RECORD_LAYOUT.list;

/** FLAGS bits. */
export const SA_FLAG_ESN = SA_FLAGS_FIELDS.ESN.mask;
/** The QOS_GROUP byte holds an ipsec_qos_group tag (seed 001); without it, classify by the inner DSCP. */
export const SA_FLAG_HAS_TAG = SA_FLAGS_FIELDS.HAS_TAG.mask;
export const SA_FLAG_IPV6 = SA_FLAGS_FIELDS.IPV6.mask;

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

/** The fields of SaRecordFields, for refusing one that is not (spii). */
const RECORD_FIELDS: ReadonlySet<string> = new Set(["uniqueId", "protocol", "direction", "spi", "esn", "qosGroup", "icvLength", "keyMaterial", "source", "destination"] satisfies (keyof SaRecordFields)[]);

const SALT_BYTES = SA_RECORD_LAYOUT.fields.salt.bytes;
const ADDRESS_BYTES = SA_RECORD_LAYOUT.fields.source.bytes;

export function encodeSaRecord(fields: SaRecordFields): Uint8Array {
  if (typeof fields !== "object" || fields === null) throw new RangeError("SA record: expected an object of its fields");
  // A misspelt or missing field would be written as 0 without a word (a record with SPI 0, or a tag of group 0).
  for (const key of Object.keys(fields)) if (!RECORD_FIELDS.has(key)) throw new RangeError(`SA record: no field '${key}'${didYouMean(key, RECORD_FIELDS)} (fields: ${[...RECORD_FIELDS].join(", ")})`);
  // A number field is said by its kind, not its value: the key material given in its place would show.
  const whole = (name: string, value: unknown) => {
    if (value === undefined) throw new RangeError(`SA record: ${name} is missing${name === "qosGroup" ? " (null for an SA without a tag)" : ""}`);
    if (!Number.isInteger(value)) throw new RangeError(`SA record: ${name} must be a whole number, not ${value === null ? "null" : value instanceof Uint8Array ? "bytes" : typeof value}`);
  };
  for (const name of ["uniqueId", "protocol", "direction", "spi", "icvLength"] as const) whole(name, fields[name]);
  if (fields.qosGroup !== null) whole("qosGroup", fields.qosGroup);
  if (typeof fields.esn !== "boolean") throw new RangeError(`SA record: esn ${fields.esn === undefined ? "is missing" : "must be true or false"}`);
  if (fields.direction !== SA_DIRECTION_OUTBOUND && fields.direction !== SA_DIRECTION_INBOUND) throw new RangeError(`SA record: direction ${String(fields.direction)}; expected ${SA_DIRECTION_OUTBOUND} (outbound) or ${SA_DIRECTION_INBOUND} (inbound)`);
  // What the device refuses (SA_RECORD_INVALID) is refused here too: a record written wrong on purpose is written through the layout.
  if (fields.protocol !== ESP_PROTOCOL) throw new RangeError(`SA record: protocol ${fields.protocol}; expected ${ESP_PROTOCOL} (ESP)`);
  if (!isIcvLength(fields.icvLength)) throw new RangeError(`SA record: icvLength ${fields.icvLength}; expected 8, 12 or 16 (RFC 4106)`);
  // Said by name, never with a value (the key material is one).
  for (const name of ["keyMaterial", "source", "destination"] as const) {
    if (!(fields[name] instanceof Uint8Array)) throw new RangeError(`SA record: ${name} ${fields[name] === undefined ? "is missing" : "must be a Uint8Array"}`);
  }
  for (const name of ["source", "destination"] as const) {
    if (fields[name].length !== 4 && fields[name].length !== ADDRESS_BYTES) throw new RangeError(`SA record: ${name} holds ${fields[name].length} bytes; expected an IPv4 address (4) or ${ADDRESS_BYTES}`);
  }
  const keyLength = fields.keyMaterial.length - SALT_BYTES;
  if (keyLength !== 16 && keyLength !== 32) throw new RangeError(`SA record: keyMaterial holds ${fields.keyMaterial.length} bytes; expected a 16- or 32-byte key and its ${SALT_BYTES}-byte salt (${16 + SALT_BYTES} or ${32 + SALT_BYTES})`);
  return SA_RECORD_LAYOUT.encode({
    magic: SA_RECORD_MAGIC,
    recordLength: SA_RECORD_BYTES,
    protocol: fields.protocol,
    direction: fields.direction,
    uniqueId: fields.uniqueId,
    spi: fields.spi,
    flags: SA_FLAGS_FIELDS.pack({ ESN: fields.esn ? 1 : 0, HAS_TAG: fields.qosGroup !== null ? 1 : 0 }),
    qosGroup: fields.qosGroup ?? 0,
    keyLength,
    icvLength: fields.icvLength,
    salt: fields.keyMaterial.subarray(keyLength),
    key: fields.keyMaterial.subarray(0, keyLength),
    // Addresses longer than the field keep their first bytes, as they always have.
    source: fields.source.subarray(0, ADDRESS_BYTES),
    destination: fields.destination.subarray(0, ADDRESS_BYTES),
  });
}

export type SaRecordProblem = "BAD_MAGIC" | "BAD_LENGTH" | "BAD_PROTOCOL" | "BAD_KEY_LENGTH" | "BAD_ICV_LENGTH";

/**
 * Read a record, or say what is wrong with it (as a device must before trusting a pointer): which
 * field, by its byte offset, and never the value found there. A record read from a wrong offset
 * may have key or salt bytes in any field, and an error log is no place for them.
 */
export function decodeSaRecord(bytes: Uint8Array): (SaRecordFields & { readonly flags: number }) | { readonly problem: SaRecordProblem; readonly offset: number } {
  const record = SA_RECORD_LAYOUT.decode(bytes);
  const at = SA_RECORD_LAYOUT.fields;
  if (record.magic !== SA_RECORD_MAGIC) return { problem: "BAD_MAGIC", offset: at.magic.offset };
  if (record.recordLength !== SA_RECORD_BYTES) return { problem: "BAD_LENGTH", offset: at.recordLength.offset };
  if (record.protocol !== ESP_PROTOCOL) return { problem: "BAD_PROTOCOL", offset: at.protocol.offset };
  if (record.keyLength !== 16 && record.keyLength !== 32) return { problem: "BAD_KEY_LENGTH", offset: at.keyLength.offset };
  if (!isIcvLength(record.icvLength)) return { problem: "BAD_ICV_LENGTH", offset: at.icvLength.offset };
  const keyMaterial = new Uint8Array(record.keyLength + SALT_BYTES);
  keyMaterial.set(record.key.subarray(0, record.keyLength));
  keyMaterial.set(record.salt, record.keyLength);
  return {
    uniqueId: record.uniqueId,
    protocol: ESP_PROTOCOL,
    direction: record.direction,
    spi: record.spi,
    esn: SA_FLAGS_FIELDS.ESN.get(record.flags) === 1,
    flags: record.flags,
    qosGroup: SA_FLAGS_FIELDS.HAS_TAG.get(record.flags) === 1 ? record.qosGroup : null,
    icvLength: record.icvLength,
    keyMaterial,
    source: record.source,
    destination: record.destination,
  };
}

import { decodeSaRecord, SA_FLAGS_FIELDS, SA_RECORD, SA_DIRECTION_INBOUND, SA_DIRECTION_OUTBOUND, SA_RECORD_ALIGNMENT, type SaRecordFields } from "../spec/sa-record.js";
import type { SaDirection } from "./sa-cache.js";

/**
 * Why the device will not read an SA record through a pointer before it tries (the record layout
 * puts records on 64-byte boundaries), or null.
 */
export function recordPointerProblem(pointer: number): string | null {
  return pointer % SA_RECORD_ALIGNMENT === 0 ? null : `not on a ${SA_RECORD_ALIGNMENT}-byte boundary`;
}

/** A record (staged, or read through a pointer), checked before it is trusted, for the table of `direction`: its fields, or why not and where (for the error log). */
export function checkRecord(bytes: Uint8Array, direction: SaDirection): SaRecordFields | { readonly problem: string; readonly offset: number } {
  const fields = decodeSaRecord(bytes);
  if ("problem" in fields) return fields;
  const wanted = direction === "rx" ? SA_DIRECTION_INBOUND : SA_DIRECTION_OUTBOUND;
  if (fields.direction !== wanted) return { problem: `not an ${direction === "rx" ? "inbound" : "outbound"} SA`, offset: SA_RECORD.DIRECTION };
  // Refused at the install rather than taken and every packet under it dropped: the drivers keep ESN SAs in software.
  if (fields.esn) return { problem: "FLAGS.ESN: this device does not process extended sequence numbers", offset: SA_RECORD.FLAGS };
  // Taken, an IPv6 record's SOURCE and DESTINATION were read as IPv4 addresses (their first bytes), and its esp_sa line named them so (from an outside check).
  if (SA_FLAGS_FIELDS.IPV6.get(fields.flags) === 1) return { problem: "FLAGS.IPV6: this device processes IPv4 ESP only", offset: SA_RECORD.FLAGS };
  // The FLAGS bits the table defines; the others are reserved.
  if ((fields.flags & ~SA_FLAGS_FIELDS.mask) !== 0) return { problem: "FLAGS: reserved bits 3 to 7 are not 0", offset: SA_RECORD.FLAGS };
  // As the peer's SAs are (PEER_SA): no ESP packet carries an SPI of 0 to 255.
  if (fields.spi < 256) return { problem: "SPI: 0 to 255 are reserved (RFC 4303 2.1)", offset: SA_RECORD.SPI };
  return fields;
}

/**
 * TX records being read through their pointers: a packet that misses on a pointer whose record
 * is already on its way waits for that read, rather than starting another (which would cache the
 * SA twice and push out an SA the driver counts as cached).
 */
export class RecordFetches<Packet> {
  private readonly waiting = new Map<number, Packet[]>();

  /** Whether this packet's miss starts the read (the first on its pointer). */
  add(pointer: number, packet: Packet): boolean {
    const list = this.waiting.get(pointer);
    if (list) {
      list.push(packet);
      return false;
    }
    this.waiting.set(pointer, [packet]);
    return true;
  }

  /** The packets waiting for this pointer's record, in the order they missed. */
  take(pointer: number): Packet[] {
    const list = this.waiting.get(pointer) ?? [];
    this.waiting.delete(pointer);
    return list;
  }
}

/**
 * The NIC's register map: 32-bit registers in BAR0, little-endian. 64-bit quantities are split
 * into low and high halves. Offsets here are the only way the driver names a register.
 */

import type { RegisterField } from "./bit-field.js";
import * as F from "./register-fields.js";
import { MAX_QUEUES } from "./register-fields.js";
import { DROP_REASON_COUNT } from "./drop-reasons.js";
import { NO_INDEX, NO_QUEUE } from "./errors.js";
import { valueKind } from "../../sim/shown-value.js";

export * from "./register-fields.js";
export type { RegisterField } from "./bit-field.js";

export type RegisterAccess = "RW" | "RO" | "WO" | "R/W1C";

export interface RegisterSpec {
  readonly name: string;
  /** Offset of instance 0; per-queue or per-vector registers add `stride` per instance. */
  readonly offset: number;
  readonly stride?: number;
  /** What an instance index counts: a queue, an interrupt vector, a word of a register array or a drop reason. */
  readonly instance?: "queue" | "vector" | "word" | "reason";
  readonly access: RegisterAccess;
  readonly reset: number;
  readonly description: string;
  readonly fields?: readonly RegisterField[];
}

export const CTRL = 0x0000;
export const STATUS = 0x0004;
export const ERROR_COUNT = 0x0008;
/** The longest frame (without FCS) the device sends and accepts, bytes. */
export const MAXFRS = 0x0010;
/** Which queues the device disabled after a descriptor fetch failed (fields: F.QUEUE_FAULTS_FIELDS.list). */
export const QUEUE_FAULTS = 0x0014;
/** The most descriptors a TX frame may take: the descriptors the device caches per TX queue. */
export const TXDMAX = 0x0018;
export const ICR = 0x0100;
export const ICS = 0x0104;
export const IMS = 0x0108;
export const IMC = 0x010c;
export const ERRLOG_COUNT = 0x0400;
export const ERRLOG_CODE = 0x0404;
export const ERRLOG_LOCATION = 0x0408;
export const ERRLOG_INDEX = 0x040c;
export const ERRLOG_VALUE_LO = 0x0410;
export const ERRLOG_VALUE_HI = 0x0414;
export const ERRLOG_POP = 0x0418;

const VECTOR_STRIDE = 4;
const QUEUE_STRIDE = 0x40;
const STATISTICS_STRIDE = 0x20;
/** Interrupt vectors: one per queue and the error vector. */
const MAX_VECTORS = MAX_QUEUES + 1;

/**
 * Instance `index` of a register at `base` every `stride` bytes, of `count` instances. An index it
 * does not have is refused: `SA_STAGE(32)` would be SA_COMMAND, `TDBAL(64)` RDBAL(0).
 */
function instances(name: string, base: number, stride: number, count: number): (index: number) => number {
  return (index) => {
    if (!Number.isInteger(index) || index < 0 || index >= count) throw new RangeError(`${name} has instances 0 to ${count - 1}; not ${String(index)}`);
    return base + stride * index;
  };
}

export const EITR = instances("EITR", 0x0200, VECTOR_STRIDE, MAX_VECTORS);
export const EITR_PACKETS = instances("EITR_PACKETS", 0x0280, VECTOR_STRIDE, MAX_VECTORS);

export const TDBAL = instances("TDBAL", 0x1000, QUEUE_STRIDE, MAX_QUEUES);
export const TDBAH = instances("TDBAH", 0x1004, QUEUE_STRIDE, MAX_QUEUES);
export const TDLEN = instances("TDLEN", 0x1008, QUEUE_STRIDE, MAX_QUEUES);
export const TDH = instances("TDH", 0x1010, QUEUE_STRIDE, MAX_QUEUES);
export const TDT = instances("TDT", 0x1018, QUEUE_STRIDE, MAX_QUEUES);
export const TXDCTL = instances("TXDCTL", 0x1028, QUEUE_STRIDE, MAX_QUEUES);
/** The fault that disabled TX queue q (fields: F.QUEUE_FAULT_FIELDS.list). */
export const TDFAULT = instances("TDFAULT", 0x1030, QUEUE_STRIDE, MAX_QUEUES);

export const RDBAL = instances("RDBAL", 0x2000, QUEUE_STRIDE, MAX_QUEUES);
export const RDBAH = instances("RDBAH", 0x2004, QUEUE_STRIDE, MAX_QUEUES);
export const RDLEN = instances("RDLEN", 0x2008, QUEUE_STRIDE, MAX_QUEUES);
export const SRRCTL = instances("SRRCTL", 0x200c, QUEUE_STRIDE, MAX_QUEUES);
export const RDH = instances("RDH", 0x2010, QUEUE_STRIDE, MAX_QUEUES);
export const RDT = instances("RDT", 0x2018, QUEUE_STRIDE, MAX_QUEUES);
export const RXDCTL = instances("RXDCTL", 0x2028, QUEUE_STRIDE, MAX_QUEUES);
export const RDFAULT = instances("RDFAULT", 0x2030, QUEUE_STRIDE, MAX_QUEUES);

const REGISTER_SPAN = 0x1_0000_0000;

/**
 * A 64-bit quantity (a ring base, an error's value) as its two registers hold it, low half first.
 * Anything but a whole number from 0 to 2^64 − 1 is refused: -1 gave both halves -1, which the bus
 * wrote as 0xFFFFFFFF with no word (from a driver developer's check).
 */
export function registerHalves(value: number | bigint): { low: number; high: number } {
  if (typeof value === "bigint") {
    if (value < 0n || value >= 1n << 64n) throw new RangeError(`a 64-bit register pair cannot hold ${value}: expected 0 to 2^64 - 1`);
    return { low: Number(value & 0xffff_ffffn), high: Number(value >> 32n) };
  }
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    const what = typeof value !== "number" ? valueKind(value) : Number.isInteger(value) && value > 0 ? `${value}, beyond 2^53 - 1 where a number is no longer exact (give a bigint)` : String(value);
    throw new RangeError(`a 64-bit register pair cannot hold ${what}: expected a whole number from 0 to 2^64 - 1`);
  }
  // + 0: -0 gave halves of -0.
  return { low: (value % REGISTER_SPAN) + 0, high: Math.floor(value / REGISTER_SPAN) + 0 };
}

/** The 64-bit quantity two registers hold, exact: a bigint beyond 2^53, where a number would round it. */
export function exactFromRegisterHalves(low: number, high: number): number | bigint {
  return high < 2 ** 21 ? fromRegisterHalves(low, high) : (BigInt(high) << 32n) | BigInt(low);
}

/** The 64-bit quantity two registers hold. */
export function fromRegisterHalves(low: number, high: number): number {
  return high * REGISTER_SPAN + low;
}

/** SRRCTL's place in a queue block, counted as in the TX block (which has no register there). */
export const BLOCK_SRRCTL = SRRCTL(0) - RDBAL(0) + TDBAL(0);

/**
 * Where an offset falls in the per-queue blocks of a device with `queues` queues: the direction,
 * the queue, and the register named as in queue 0's TX block (RDT(3) gives TDT(0)), so that one
 * switch serves both directions. Undefined outside the blocks, unaligned, or at the TX block's
 * empty SRRCTL place.
 */
export function queueRegisterAt(offset: number, queues: number): { direction: "tx" | "rx"; queue: number; register: number } | undefined {
  const direction = offset >= RDBAL(0) ? "rx" : "tx";
  const delta = offset - (direction === "rx" ? RDBAL(0) : TDBAL(0));
  if (offset % 4 !== 0 || delta < 0 || delta >= QUEUE_STRIDE * queues) return undefined;
  const register = TDBAL(0) + (delta % QUEUE_STRIDE);
  if (direction === "tx" && register === BLOCK_SRRCTL) return undefined;
  return { direction, queue: Math.floor(delta / QUEUE_STRIDE), register };
}

export const TQPC = instances("TQPC", 0x3000, STATISTICS_STRIDE, MAX_QUEUES);
export const TQBC = instances("TQBC", 0x3004, STATISTICS_STRIDE, MAX_QUEUES);
export const RQPC = instances("RQPC", 0x3008, STATISTICS_STRIDE, MAX_QUEUES);
export const RQBC = instances("RQBC", 0x300c, STATISTICS_STRIDE, MAX_QUEUES);
export const RQDPC = instances("RQDPC", 0x3010, STATISTICS_STRIDE, MAX_QUEUES);
/** Frames the device dropped, by reason code (hw/spec/drop-reasons.ts). */
export const DROP_COUNT = instances("DROP_COUNT", 0x3200, 4, DROP_REASON_COUNT);

/** SA table (the cryptography information table): a staged record image and a command register. */
export const SA_STAGE_WORDS = 32;
export const SA_STAGE = instances("SA_STAGE", 0x5000, 4, SA_STAGE_WORDS);
export const SA_COMMAND = 0x5080;
export const SA_STATUS = 0x5084;
export const SA_TABLE_SIZE = 0x5088;
export const SA_CTRL = 0x508c;
export const SA_TX_HITS = 0x5090;
export const SA_TX_MISSES = 0x5094;
export const SA_RX_HITS = 0x5098;
export const SA_RX_MISSES = 0x509c;
export const SA_FETCHES = 0x50a0;
export const SA_STALE_HANDLES = 0x50a4;
/** Scheduling of traffic class (queue) q: the policy map, in hardware (fields: F.TX_SCHED_FIELDS.list). */
export const TX_SCHED = instances("TX_SCHED", 0x5200, 4, MAX_QUEUES);

/** Queue q's part of the TX packet buffer, in KB (per-class partitioning; fields: F.TXPBSIZE_FIELDS.list). */
export const TXPBSIZE = instances("TXPBSIZE", 0x5240, 4, MAX_QUEUES);

/** Traffic class by ipsec_qos_group tag for RX classification: 8 tags per register, 4 bits each (bit 3 valid, bits 2:0 class). */
export const SA_QOS_MAP_WORDS = 32;
export const SA_QOS_MAP = instances("SA_QOS_MAP", 0x5100, 4, SA_QOS_MAP_WORDS);

/** Ring bases must be aligned to this many bytes, and ring lengths a multiple of it. */
export const RING_ALIGNMENT = 128;
/** Longest ring, in descriptors. */
export const MAX_RING_DESCRIPTORS = 32768;
/** Largest receive buffer SRRCTL can give (bytes). */
export const MAX_RECEIVE_BUFFER = 16384;

const queueNote = "(one per queue)";

export const REGISTERS: readonly RegisterSpec[] = [
  {
    name: "CTRL", offset: CTRL, access: "RW", reset: 0, description: "Device control",
    fields: F.CTRL_FIELDS.list,
  },
  {
    name: "STATUS", offset: STATUS, access: "RO", reset: F.STATUS_FIELDS.pack({ LINK_UP: 1, QUEUES: MAX_QUEUES }), description: "Device status",
    fields: F.STATUS_FIELDS.list,
  },
  { name: "ERROR_COUNT", offset: ERROR_COUNT, access: "RO", reset: 0, description: "Errors logged since power-on (saturates at 2^32-1)" },
  { name: "TXDMAX", offset: TXDMAX, access: "RO", reset: 64, description: "The most descriptors a TX frame may take: those the device caches per TX queue (the NIC's tx.descriptorCache); in a ring, also at most its descriptors less one. A frame of more is refused (OVER_LENGTH_BUFFER)" },
  { name: "MAXFRS", offset: MAXFRS, access: "RO", reset: 9216, description: "The longest frame the device sends and accepts, bytes without FCS (the NIC's maxFrameBytes)" },
  { name: "QUEUE_FAULTS", offset: QUEUE_FAULTS, access: "RO", reset: 0, description: "Queues the device disabled after a failed descriptor fetch (their FAULT bits); the fault is also logged, raising the ERROR cause", fields: F.QUEUE_FAULTS_FIELDS.list },
  {
    name: "ICR", offset: ICR, access: "R/W1C", reset: 0, description: "Interrupt cause; write 1 to clear a bit",
    fields: F.ICR_FIELDS.list,
  },
  { name: "ICS", offset: ICS, access: "WO", reset: 0, description: "Interrupt cause set: write 1s to raise causes from software (fields as ICR; bits of queues the device does not have, and bits no cause holds, are ignored)" },
  { name: "IMS", offset: IMS, access: "RW", reset: 0, description: "Interrupt mask: read the enabled causes; write 1s to enable (bits of queues the device does not have, and bits no cause holds, stay 0). A vector that fires clears its causes here (auto-mask) until the driver sets them again" },
  { name: "IMC", offset: IMC, access: "WO", reset: 0, description: "Interrupt mask clear: write 1s to disable causes" },
  { name: "EITR", offset: EITR(0), stride: VECTOR_STRIDE, instance: "vector", access: "RW", reset: 0, description: "Moderation interval of vector v, ns: below the packet threshold, the vector fires no sooner than this after its previous interrupt (0: at once)" },
  { name: "EITR_PACKETS", offset: EITR_PACKETS(0), stride: VECTOR_STRIDE, instance: "vector", access: "RW", reset: 0, description: "Packet threshold of vector v: once this many frames were written back (each counted with the last of its descriptors written back) since its previous interrupt, it fires regardless of EITR (0: no threshold)" },
  {
    name: "ERRLOG_COUNT", offset: ERRLOG_COUNT, access: "RO", reset: 0, description: "Entries waiting in the error log (oldest first; the log keeps the 64 most recent)",
  },
  { name: "ERRLOG_CODE", offset: ERRLOG_CODE, access: "RO", reset: 0, description: "Error code of the oldest entry (see Error codes)" },
  {
    name: "ERRLOG_LOCATION", offset: ERRLOG_LOCATION, access: "RO", reset: NO_QUEUE, description: "Where the oldest entry happened (QUEUE 0xFF alone while the log is empty)",
    fields: F.ERRLOG_LOCATION_FIELDS.list,
  },
  // 0 is a descriptor's index: an empty log reads NO_INDEX, as its location reads NO_QUEUE.
  { name: "ERRLOG_INDEX", offset: ERRLOG_INDEX, access: "RO", reset: NO_INDEX, description: "Descriptor index of the oldest entry: the descriptor whose field is at fault (a frame longer than MAXFRS: its last descriptor, where its length is known), or 0xFFFFFFFF where no descriptor is involved (SA commands, register accesses) and while the log is empty" },
  { name: "ERRLOG_VALUE_LO", offset: ERRLOG_VALUE_LO, access: "RO", reset: 0, description: "Offending value of the oldest entry, bits 31:0" },
  { name: "ERRLOG_VALUE_HI", offset: ERRLOG_VALUE_HI, access: "RO", reset: 0, description: "Offending value of the oldest entry, bits 63:32" },
  { name: "ERRLOG_POP", offset: ERRLOG_POP, access: "WO", reset: 0, description: "Write any value to drop the oldest entry" },
  { name: "SA_STAGE", offset: SA_STAGE(0), stride: 4, instance: "word", access: "WO", reset: 0, description: "SA record image (128 bytes, hw/spec SA record layout) for the next SA_COMMAND install; write-only, as it holds key and salt bytes (a read returns 0 and logs WRITE_ONLY_REGISTER)" },
  {
    name: "SA_COMMAND", offset: SA_COMMAND, access: "WO", reset: 0, description: "Act on an SA table entry; the result is in SA_STATUS",
    fields: F.SA_COMMAND_FIELDS.list,
  },
  {
    name: "SA_STATUS", offset: SA_STATUS, access: "RO", reset: 0, description: "Result of the last SA_COMMAND: 0, or an error code",
    fields: F.SA_STATUS_FIELDS.list,
  },
  {
    name: "SA_TABLE_SIZE", offset: SA_TABLE_SIZE, access: "RO", reset: F.SA_TABLE_SIZE_FIELDS.pack({ TX: F.DEFAULT_SA_TABLE_ENTRIES, RX: F.DEFAULT_SA_TABLE_ENTRIES }), description: "Entries in each SA table",
    fields: F.SA_TABLE_SIZE_FIELDS.list,
  },
  {
    name: "SA_CTRL", offset: SA_CTRL, access: "RW", reset: 0, description: "SA table control",
    fields: F.SA_CTRL_FIELDS.list,
  },
  { name: "SA_QOS_MAP", offset: SA_QOS_MAP(0), stride: 4, instance: "word", access: "RW", reset: 0, description: "RX classification of ESP packets by their SA's ipsec_qos_group tag (seed 001): 32 words (w 0 to 31, tags 0 to 255), nibble t of word w is tag 8w + t, bit 3 valid, bits 2:0 traffic class; untagged SAs, SAs whose tag's nibble is not valid, and misses use the outer DSCP. A nibble without its valid bit is kept as 0: it reads back 0 whatever class bits were written" },
  {
    name: "TX_SCHED", offset: TX_SCHED(0), stride: 4, instance: "queue", access: "RW", reset: 0,
    description: "How queue q (the traffic classes it carries) is served at frame start, at the wire and in both directions' crypto engines (LLQ and CBWFQ): strict classes first, highest q first; then each bandwidth class up to its guaranteed minimum; then the excess by REMAINING weights. Frames to the host are written from the RX packet buffer by the same policy",
    fields: F.TX_SCHED_FIELDS.list,
  },
  {
    name: "TXPBSIZE", offset: TXPBSIZE(0), stride: 4, instance: "queue", access: "RW", reset: 20,
    description: "Queue q's part of the TX packet buffer in KB, when the buffer is partitioned per class (the 82599's TXPBSIZE): frames of a queue wait for room in their own part, so no class's frames can take another's room. Reset: the buffer split equally over the queues (20 KB each of 160 KB over 8 queues; 40 KB over 4), at most the field's 1023 KB (a shared buffer, whose parts no frame waits on, may be larger than eight of them). A part below one longest frame, or parts adding up to more than the buffer, are refused with VALUE_OUT_OF_RANGE and the nearest valid size is used",
    fields: F.TXPBSIZE_FIELDS.list,
  },
  { name: "SA_TX_HITS", offset: SA_TX_HITS, access: "RO", reset: 0, description: "TX packets whose SA was in the table" },
  { name: "SA_TX_MISSES", offset: SA_TX_MISSES, access: "RO", reset: 0, description: "TX packets whose SA was not in the table: an SA_HANDLE stale (its SA invalidated or replaced), 0 or naming an entry never filled (the packet dropped), or with pointer fetch an SA_POINTER not in the table (its record fetched; packets of one SA may wait for one fetch, so misses may exceed SA_FETCHES)" },
  { name: "SA_RX_HITS", offset: SA_RX_HITS, access: "RO", reset: 0, description: "RX table lookups that found the ESP packet's SA, made as each packet arrives: packets then dropped (RX_QUEUE_DISABLED, RX_BUFFER_FULL, …) are counted, and a packet whose entry is invalidated before it is decrypted is counted here and delivered with SA_MISS" },
  { name: "SA_RX_MISSES", offset: SA_RX_MISSES, access: "RO", reset: 0, description: "RX table lookups that did not find the ESP packet's SA, made as each packet arrives (packets then dropped are counted)" },
  { name: "SA_FETCHES", offset: SA_FETCHES, access: "RO", reset: 0, description: "SA records read by DMA through a pointer" },
  { name: "SA_STALE_HANDLES", offset: SA_STALE_HANDLES, access: "RO", reset: 0, description: "TX descriptors refused with STALE_SA_HANDLE: their handle's generation was no longer their entry's" },
  { name: "TDBAL", offset: TDBAL(0), stride: QUEUE_STRIDE, instance: "queue", access: "RW", reset: 0, description: `TX ring base, bits 31:0; ${RING_ALIGNMENT}-byte aligned ${queueNote}` },
  { name: "TDBAH", offset: TDBAH(0), stride: QUEUE_STRIDE, instance: "queue", access: "RW", reset: 0, description: "TX ring base, bits 63:32" },
  { name: "TDLEN", offset: TDLEN(0), stride: QUEUE_STRIDE, instance: "queue", access: "RW", reset: 0, description: `TX ring length in bytes: a multiple of ${RING_ALIGNMENT}, at most ${MAX_RING_DESCRIPTORS} descriptors` },
  { name: "TDH", offset: TDH(0), stride: QUEUE_STRIDE, instance: "queue", access: "RO", reset: 0, description: "TX head: the first descriptor of the oldest frame the device has not yet finished with, that is read into its TX packet buffer (and encrypted, for inline IPsec) or dropped; as on the 82599, a frame is finished with before it is on the wire (with TXDCTL.WTHRESH, the write-backs of those before it may still wait)" },
  { name: "TDT", offset: TDT(0), stride: QUEUE_STRIDE, instance: "queue", access: "RW", reset: 0, description: "TX tail (the doorbell): one past the last descriptor the driver has posted" },
  { name: "TXDCTL", offset: TXDCTL(0), stride: QUEUE_STRIDE, instance: "queue", access: "RW", reset: 0, description: "TX queue control and state, and descriptor write-back coalescing (WTHRESH)", fields: F.TX_QUEUE_CONTROL_FIELDS.list },
  { name: "TDFAULT", offset: TDFAULT(0), stride: QUEUE_STRIDE, instance: "queue", access: "RO", reset: 0, description: "The failed descriptor fetch that disabled TX queue q (TXDCTL.FAULT); 0 when none. To recover: clear TXDCTL.ENABLE, wait for TXDCTL.BUSY to clear, reap the descriptors written back (the others will never be sent), clear the ring, write TDBAL/TDBAH/TDLEN and set TXDCTL.ENABLE", fields: F.QUEUE_FAULT_FIELDS.list },
  { name: "RDBAL", offset: RDBAL(0), stride: QUEUE_STRIDE, instance: "queue", access: "RW", reset: 0, description: `RX ring base, bits 31:0; ${RING_ALIGNMENT}-byte aligned` },
  { name: "RDBAH", offset: RDBAH(0), stride: QUEUE_STRIDE, instance: "queue", access: "RW", reset: 0, description: "RX ring base, bits 63:32" },
  { name: "RDLEN", offset: RDLEN(0), stride: QUEUE_STRIDE, instance: "queue", access: "RW", reset: 0, description: `RX ring length in bytes: a multiple of ${RING_ALIGNMENT}, at most ${MAX_RING_DESCRIPTORS} descriptors` },
  { name: "SRRCTL", offset: SRRCTL(0), stride: QUEUE_STRIDE, instance: "queue", access: "RW", reset: 2048, description: `RX buffer size in bytes (1 to ${MAX_RECEIVE_BUFFER}); longer frames span several descriptors. A frame needing more buffers than the ring has descriptors less one is dropped (RX_RING_TOO_SHORT), as it could never be handed over` },
  { name: "RDH", offset: RDH(0), stride: QUEUE_STRIDE, instance: "queue", access: "RO", reset: 0, description: "RX head: the next descriptor the device will fill. It moves as the device takes a frame's buffers, before its data and write-back are in host memory: reap by DD, not by RDH" },
  { name: "RDT", offset: RDT(0), stride: QUEUE_STRIDE, instance: "queue", access: "RW", reset: 0, description: "RX tail (the doorbell): one past the last buffer the driver has posted" },
  { name: "RXDCTL", offset: RXDCTL(0), stride: QUEUE_STRIDE, instance: "queue", access: "RW", reset: 0, description: "RX queue control and state (ENABLE, FAULT and BUSY as TXDCTL). No prefetch thresholds to program: the queue fetches once half of its descriptor cache or of RDLEN's ring less one, whichever is smaller (all of it with one DMA read tag; at most a batch), is free and RDT gives that many to fetch (a fixed host threshold, where the 82599 has RXDCTL.HTHRESH); with 16 read tags or more also an eighth of the cache while 8 tags are spare and RDT gives that many; and at once for a frame waiting for more. So on a small ring up to that many posted buffers stay in host memory while the queue is idle", fields: F.QUEUE_CONTROL_FIELDS.list },
  { name: "RDFAULT", offset: RDFAULT(0), stride: QUEUE_STRIDE, instance: "queue", access: "RO", reset: 0, description: "The failed descriptor fetch that disabled RX queue q (RXDCTL.FAULT); 0 when none. Frames for the queue that the device already holds wait for it in the RX packet buffer; frames arriving while it is disabled are dropped (RX_QUEUE_DISABLED). To recover: clear RXDCTL.ENABLE, wait for RXDCTL.BUSY to clear, take the descriptors written back, clear the ring, write RDBAL/RDBAH/RDLEN, set RXDCTL.ENABLE and give the buffers (RDT)", fields: F.QUEUE_FAULT_FIELDS.list },
  { name: "TQPC", offset: TQPC(0), stride: STATISTICS_STRIDE, instance: "queue", access: "RO", reset: 0, description: "Frames transmitted from queue q (wraps at 2^32)" },
  { name: "TQBC", offset: TQBC(0), stride: STATISTICS_STRIDE, instance: "queue", access: "RO", reset: 0, description: "Bytes transmitted from queue q as the line carried them, a short frame padded to 60, without FCS (wraps)" },
  { name: "RQPC", offset: RQPC(0), stride: STATISTICS_STRIDE, instance: "queue", access: "RO", reset: 0, description: "Frames delivered to queue q (wraps); not one whose buffers could not all be written or one of whose descriptor write-backs failed (a drop: RX_DMA_ERROR). A buffer freed while its posted write was on its way is not known to the device: its frame is counted, and only the DMA errors show it" },
  { name: "RQBC", offset: RQBC(0), stride: STATISTICS_STRIDE, instance: "queue", access: "RO", reset: 0, description: "Bytes of the frames RQPC counts, without FCS (wraps)" },
  { name: "RQDPC", offset: RQDPC(0), stride: STATISTICS_STRIDE, instance: "queue", access: "RO", reset: 0, description: "Frames for queue q dropped because the RX buffer was full (wraps)" },
  { name: "DROP_COUNT", offset: DROP_COUNT(0), stride: 4, instance: "reason", access: "RO", reset: 0, description: `Frames the device dropped for drop reason r, 0 to ${DROP_REASON_COUNT - 1} (see Drop reasons), every queue and both directions (wraps)` },
];

/** The register at an offset, and which of its instances (null: a single register); undefined when nothing is there. */
export function registerAt(offset: number, queues = MAX_QUEUES): { register: RegisterSpec; index: number | null } | undefined {
  for (const register of REGISTERS) {
    if (register.stride === undefined) {
      if (register.offset === offset) return { register, index: null };
      continue;
    }
    const delta = offset - register.offset;
    if (delta >= 0 && delta % register.stride === 0 && delta / register.stride < instanceCount(register, queues)) return { register, index: delta / register.stride };
  }
  return undefined;
}

/** Name of the register at an offset ("TDT[3]"), for diagnostics; undefined when nothing is there. */
export function registerName(offset: number, queues = MAX_QUEUES): string | undefined {
  const at = registerAt(offset, queues);
  return at === undefined ? undefined : at.index === null ? at.register.name : `${at.register.name}[${at.index}]`;
}

/** A register's page: the register map ends at the page after its last register (of the largest device). */
const MAP_PAGE_BYTES = 4096;

/**
 * Where the register map ends: an offset at or past it is no slip of a stride or an index but a
 * wild number, which an error logs as withheld (a key word written as an offset by swapped
 * arguments was logged, and shown in every diagnostic; from a driver developer's check).
 */
export const REGISTER_MAP_END = Math.ceil(Math.max(...REGISTERS.map((register) => register.offset + (instanceCount(register, MAX_QUEUES) - 1) * (register.stride ?? 0) + 4)) / MAP_PAGE_BYTES) * MAP_PAGE_BYTES;

/** How many instances a register array has on a device of `queues` queues (1 for a single register). */
export function instanceCount(register: RegisterSpec, queues: number): number {
  if (register.stride === undefined) return 1;
  switch (register.instance) {
    case "vector": return queues + 1;
    case "word": return register.name === "SA_QOS_MAP" ? SA_QOS_MAP_WORDS : SA_STAGE_WORDS;
    case "reason": return DROP_REASON_COUNT;
    default: return queues;
  }
}

/** The letter a register array's instance index goes by in the datasheet and the C header. */
export function instanceLetter(register: RegisterSpec): "q" | "v" | "w" | "r" {
  switch (register.instance) {
    case "vector": return "v";
    case "word": return "w";
    case "reason": return "r";
    default: return "q";
  }
}

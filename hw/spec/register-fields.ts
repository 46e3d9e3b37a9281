/**
 * The registers' bit fields, each table defined once (hw/spec/bit-field.ts): the masks and
 * values below, the device's decoding, the driver's encoding, the datasheet and the C header all
 * derive from it.
 */
import { bitFields } from "./bit-field.js";

/** Queues per direction the register map has room for: one per 802.1p traffic class. */
export const MAX_QUEUES = 8;

/** The queue a traffic class lands on where the NIC (or the driver) runs `queues` of them: class c on queue ⌊c · queues / 8⌋. */
export function queueOfClass(trafficClass: number, queues: number): number {
  return Math.floor((trafficClass * queues) / MAX_QUEUES);
}

export const CTRL_FIELDS = bitFields([
  { name: "TX_ENABLE", bit: 0, width: 1, description: "MAC transmit enabled; frames wait in the TX buffer while clear" },
  { name: "RX_ENABLE", bit: 1, width: 1, description: "MAC receive enabled; frames arriving while clear are dropped (RX_DISABLED)" },
]);

export const STATUS_FIELDS = bitFields([
  { name: "LINK_UP", bit: 0, width: 1, description: "Link to the peer is up" },
  { name: "ERROR", bit: 1, width: 1, description: "The error log holds at least one entry" },
  { name: "QUEUES", bit: 8, width: 8, description: "Queue pairs this device was built with" },
]);

/** ICR, ICS, IMS and IMC: the interrupt causes. */
export const ICR_FIELDS = bitFields([
  { name: "TX_DONE", bit: 0, width: MAX_QUEUES, description: "Bit q: queue q wrote back a TX descriptor" },
  { name: "RX_DONE", bit: MAX_QUEUES, width: MAX_QUEUES, description: "Bit q: queue q wrote back an RX descriptor" },
  { name: "ERROR", bit: 31, width: 1, description: "An error was logged (see ERRLOG_*)" },
]);

export const ERRLOG_LOCATION_FIELDS = bitFields([
  { name: "QUEUE", bit: 0, width: 8, description: "Queue, or 0xFF when no queue is involved" },
  { name: "DIRECTION", bit: 8, width: 1, description: "0: transmit, 1: receive (the queue's; for an SA_COMMAND error, the table the command named)" },
  { name: "FIELD", bit: 16, width: 8, description: "Field or register at fault (see Field codes)" },
  { name: "WITHHELD", bit: 24, width: 1, description: "1: the value is not logged (ERRLOG_VALUE reads 0): a driver-written value that may be key words an SA record misdirected (a descriptor's CLASS or SA_HANDLE, an address far from host memory, a refused SA_COMMAND's value but SA_DUPLICATE's, which logs the entry holding the SA, and SA_RECORD_INVALID's for a record staged in SA_STAGE, which logs the byte offset of the field found wrong; one read through a pointer logs the pointer)" },
]);

export const SA_COMMAND_FIELDS = bitFields([
  { name: "INDEX", bit: 0, width: 16, description: "Entry index; a TX descriptor names the SA in entry i by SA_HANDLE GENERATION << 16 | (i + 1), GENERATION from SA_STATUS after its install" },
  { name: "DIRECTION", bit: 16, width: 1, description: "0: TX table, 1: RX table" },
  { name: "OPERATION", bit: 24, width: 3, values: { INSTALL: 1, INVALIDATE: 2, INVALIDATE_POINTER: 3, INSTALL_POINTER: 4 }, description: "1: install the staged record, 2: invalidate the entry, 3: invalidate the TX entry fetched through the pointer staged in SA_STAGE[0..1] (the pointer names the entry: INDEX and DIRECTION are not read), 4: install the record the device reads through the pointer staged in SA_STAGE[0..1]" },
  { name: "REPLACE", bit: 28, width: 1, description: "With 1 or 4: the entry may hold an SA, which the new one replaces (work in progress keeps the old one). Without it an occupied entry refuses the install with SA_ENTRY_OCCUPIED. Either way an SA already in another entry is refused with SA_DUPLICATE" },
]);

export const SA_STATUS_FIELDS = bitFields([
  { name: "CODE", bit: 0, width: 16, description: "0, or the error code of the last command (SA_COMMAND_BUSY for one refused while an INSTALL_POINTER read its record: ERRLOG has the install's own code if it failed)" },
  { name: "GENERATION", bit: 16, width: 15, description: "After an install (an INSTALL_POINTER's too when a command refused meanwhile holds CODE; 0 when it failed): the entry's new generation (1 to 32767, counting every fill of the entry, and wrapping from 32767 to 1: a handle held across 32767 fills of its entry would name it again). A handle names its SA until the entry is filled again or invalidated. The SA's handle, for TX descriptors' SA_HANDLE, is GENERATION << 16 | (entry + 1); a descriptor whose handle's generation is no longer the entry's is refused with STALE_SA_HANDLE" },
  { name: "BUSY", bit: 31, width: 1, description: "An INSTALL_POINTER is reading its record; a command written meanwhile is refused, and CODE says SA_COMMAND_BUSY at once (GENERATION reads 0 until the install is done)" },
]);

/** Entries in each SA table of a device built with the default configuration (nic.sacache.txEntries and rxEntries). */
export const DEFAULT_SA_TABLE_ENTRIES = 1024;

export const SA_TABLE_SIZE_FIELDS = bitFields([
  { name: "TX", bit: 0, width: 16, description: "TX entries" },
  { name: "RX", bit: 16, width: 16, description: "RX entries" },
]);

/** The most entries an SA table may have: what SA_TABLE_SIZE can say. */
export const MAX_SA_TABLE_ENTRIES = SA_TABLE_SIZE_FIELDS.TX.max;

export const SA_CTRL_FIELDS = bitFields([{ name: "POINTER_FETCH", bit: 0, width: 1, description: "TX misses are filled by reading the SA record through the descriptor's SA_POINTER (DMA)" }]);

/** One tag's nibble of an SA_QOS_MAP word. */
export const SA_QOS_MAP_ENTRY_FIELDS = bitFields([
  { name: "CLASS", bit: 0, width: 3, description: "Traffic class of the tag's packets" },
  { name: "VALID", bit: 3, width: 1, description: "The tag has a class" },
]);
/** Tags per SA_QOS_MAP word, one nibble each. */
export const SA_QOS_MAP_TAGS_PER_WORD = 8;
const NIBBLE_BITS = 4;

const QUEUE_CONTROL = [
  { name: "ENABLE", bit: 0, width: 1, description: "Queue enabled; setting it on a disabled queue checks the ring's base and length (RX: and SRRCTL), logging every problem found (in that order) and refusing the enable if there is any, resets head and tail to 0 and clears FAULT (on a queue enabled already, a write with it set resets nothing: its frames go on, and only WTHRESH is taken). Clearing it stops the queue: the device fetches no more descriptors and lets go of those it holds, unsent and not written back (the driver's to reclaim; no drop is counted, as no frame was taken); frames it already started finish and are written back (BUSY)" },
  { name: "FAULT", bit: 1, width: 1, description: "Read only: the device disabled the queue itself because a descriptor fetch failed (DMA_READ_ERROR, DMA_COMPLETION_TIMEOUT, DMA_UNMAPPED), logged as an error; TDFAULT/RDFAULT say which fetch. Cleared by setting ENABLE" },
  { name: "BUSY", bit: 2, width: 1, description: "Read only: frames of the queue are still in the device: TX, frames taken off the ring whose write-backs are not yet in host memory; RX, write-backs not yet in host memory. After the queue is disabled, the driver waits for BUSY to clear before it cleans and resets the ring" },
] as const;
export const QUEUE_CONTROL_FIELDS = bitFields([...QUEUE_CONTROL]);
/** TXDCTL: the queue control fields, and the write-back threshold. */
export const TX_QUEUE_CONTROL_FIELDS = bitFields([
  ...QUEUE_CONTROL,
  {
    name: "WTHRESH", bit: 16, width: 7,
    description: "Write-back threshold (as the 82599's): 0 writes each RS descriptor's STATUS and ERROR back as its frame leaves; n > 0 keeps done descriptors, RS or not, until n wait (or the oldest has waited nic.tx.writeBackDelay, or the queue is disabled), then writes them back whole in one burst. A write that sets ENABLE on a disabled queue whose ring the device refuses (a bad base or length) is ignored whole, WTHRESH with it: write WTHRESH again once the ring is right",
  },
]);

export const QUEUE_FAULT_FIELDS = bitFields([
  { name: "CODE", bit: 0, width: 8, description: "The fetch's error code (DMA_READ_ERROR, DMA_COMPLETION_TIMEOUT or DMA_UNMAPPED)" },
  { name: "INDEX", bit: 16, width: 16, description: "The first descriptor the failed fetch read: the frame it belongs to is the one the fault took. On TX the frames whose descriptors came before it are sent first (the fault takes its turn in ring order, after the fetches before it); on RX the buffers fetched before it are given up" },
]);

export const QUEUE_FAULTS_FIELDS = bitFields([
  { name: "TX", bit: 0, width: MAX_QUEUES, description: "Bit q: TXDCTL[q].FAULT" },
  { name: "RX", bit: MAX_QUEUES, width: MAX_QUEUES, description: "Bit q: RXDCTL[q].FAULT" },
]);

/** Scheduling of traffic class (queue) q: the policy map, in hardware. */
export const TX_SCHED_FIELDS = bitFields([
  { name: "PERCENT", bit: 0, width: 7, description: "priority percent (STRICT) or bandwidth percent: the policed rate, or the guaranteed minimum, in percent of the line (0 to 100)" },
  { name: "STRICT", bit: 8, width: 1, description: "A priority class: served before the others, policed to PERCENT under congestion (0: unpoliced), and its crypto jobs preempt other classes'" },
  { name: "REMAINING", bit: 16, width: 7, description: "bandwidth remaining percent: the weight in sharing the excess, what priority classes and minimums leave (a weight below 1 counts as 1); the driver gives classes without one an equal split of what the others leave of 100" },
]);

/** Queue q's part of the TX packet buffer, in KB (per-class partitioning). */
export const TXPBSIZE_FIELDS = bitFields([{ name: "SIZE", bit: 0, width: 10, description: "KB of the TX packet buffer for queue q's frames: at least one longest frame (MAXFRS), all parts together at most the buffer" }]);

export const CTRL_TX_ENABLE = CTRL_FIELDS.TX_ENABLE.mask;
export const CTRL_RX_ENABLE = CTRL_FIELDS.RX_ENABLE.mask;
export const STATUS_LINK_UP = STATUS_FIELDS.LINK_UP.mask;
export const STATUS_ERROR = STATUS_FIELDS.ERROR.mask;
export const QUEUE_ENABLE = QUEUE_CONTROL_FIELDS.ENABLE.mask;
/** TXDCTL/RXDCTL, read only: the device disabled the queue itself, a descriptor fetch having failed. */
export const QUEUE_FAULT = QUEUE_CONTROL_FIELDS.FAULT.mask;
/** TXDCTL/RXDCTL, read only: frames of the queue are still in the device. */
export const QUEUE_BUSY = QUEUE_CONTROL_FIELDS.BUSY.mask;

const operation = SA_COMMAND_FIELDS.OPERATION;
export const SA_COMMAND_RX = SA_COMMAND_FIELDS.DIRECTION.place(1);
export const SA_COMMAND_INSTALL = operation.place(operation.values.INSTALL);
export const SA_COMMAND_INVALIDATE = operation.place(operation.values.INVALIDATE);
/** Invalidate the TX entry filled through the SA pointer staged in SA_STAGE words 0 and 1. */
export const SA_COMMAND_INVALIDATE_POINTER = operation.place(operation.values.INVALIDATE_POINTER);
/** Install in the entry the SA record the device reads (DMA) through the pointer staged in SA_STAGE words 0 and 1. */
export const SA_COMMAND_INSTALL_POINTER = operation.place(operation.values.INSTALL_POINTER);
export const SA_COMMAND_OPERATION_MASK = operation.mask;
/** The install may overwrite the SA the entry holds (a replacement); without it an occupied entry refuses the install. */
export const SA_COMMAND_REPLACE = SA_COMMAND_FIELDS.REPLACE.mask;
/** SA_STATUS.GENERATION: the generation the last install gave its entry. */
export const SA_STATUS_GENERATION_SHIFT = SA_STATUS_FIELDS.GENERATION.bit;
export const SA_STATUS_GENERATION_MASK = SA_STATUS_FIELDS.GENERATION.max;
/** SA_STATUS.CODE: 0, or the error code of the last SA_COMMAND. */
export const SA_STATUS_CODE_MASK = SA_STATUS_FIELDS.CODE.mask;
/** SA_STATUS while an INSTALL_POINTER fetch is on its way. */
export const SA_STATUS_BUSY = SA_STATUS_FIELDS.BUSY.mask;
export const SA_CTRL_POINTER_FETCH = SA_CTRL_FIELDS.POINTER_FETCH.mask;

/** SA_STATUS after a successful install: no error code, and the entry's new generation. */
export const saInstalledStatus = (generation: number): number => SA_STATUS_FIELDS.GENERATION.place(generation);

/** Interrupt cause bits: TX_DONE of queue q, RX_DONE of queue q, and ERROR. */
export const causeTxDone = (queue: number): number => ICR_FIELDS.TX_DONE.place(1 << queue);
export const causeRxDone = (queue: number): number => ICR_FIELDS.RX_DONE.place(1 << queue);
export const CAUSE_ERROR = ICR_FIELDS.ERROR.mask;
/** The causes vector v signals: the TX and RX done bits of queue v; the vector after the queues signals ERROR. */
export function vectorCauses(vector: number, queues: number): number {
  return vector === queues ? CAUSE_ERROR : (causeTxDone(vector) | causeRxDone(vector)) >>> 0;
}

/** One queue's schedule as TX_SCHED holds it. */
export interface TxSchedule {
  readonly strict: boolean;
  /** Policed rate (strict) or guaranteed minimum, percent of the line. */
  readonly percent: number;
  /** Weight in sharing the excess (`bandwidth remaining percent`); 0 when not set. */
  readonly remaining: number;
}

export function encodeTxSched(schedule: TxSchedule): number {
  return TX_SCHED_FIELDS.pack({ PERCENT: schedule.percent, STRICT: schedule.strict ? 1 : 0, REMAINING: schedule.remaining });
}

/** TX_SCHED's fields as written (percentages may be out of range: the device checks them). */
export function decodeTxSched(value: number): { strict: boolean; percent: number; remaining: number } {
  const fields = TX_SCHED_FIELDS.unpack(value);
  return { strict: fields.STRICT === 1, percent: fields.PERCENT, remaining: fields.REMAINING };
}

/** The fault a TDFAULT/RDFAULT value names. */
export function decodeQueueFault(value: number): { code: number; index: number } {
  const fields = QUEUE_FAULT_FIELDS.unpack(value);
  return { code: fields.CODE, index: fields.INDEX };
}

/** One SA_QOS_MAP word from a tag → class map: nibble t is tag 8·word + t. */
export function encodeQosMapWord(classes: ReadonlyMap<number, number>, word: number): number {
  let value = 0;
  for (let nibble = 0; nibble < SA_QOS_MAP_TAGS_PER_WORD; nibble++) {
    const trafficClass = classes.get(word * SA_QOS_MAP_TAGS_PER_WORD + nibble);
    if (trafficClass !== undefined) value |= SA_QOS_MAP_ENTRY_FIELDS.pack({ VALID: 1, CLASS: trafficClass }) << (NIBBLE_BITS * nibble);
  }
  return value >>> 0;
}

/** The tags an SA_QOS_MAP word sets (tag → class) and clears (class undefined). */
export function decodeQosMapWord(value: number, word: number): { tag: number; trafficClass: number | undefined }[] {
  return Array.from({ length: SA_QOS_MAP_TAGS_PER_WORD }, (_, nibble) => {
    const entry = SA_QOS_MAP_ENTRY_FIELDS.unpack(value >>> (NIBBLE_BITS * nibble));
    return { tag: word * SA_QOS_MAP_TAGS_PER_WORD + nibble, trafficClass: entry.VALID ? entry.CLASS : undefined };
  });
}

import { type ErrorCodeName, type FieldCodeName } from "../spec/errors.js";
import { DESCRIPTOR_BYTES, TX_DESCRIPTOR, TX_READ_FORMAT } from "../spec/descriptors.js";
import { readExact } from "../spec/layout.js";
import type { TxHandleLookup } from "../ipsec/sa-cache.js";

/**
 * A TX descriptor as the engine fetched it (read format), and its place in the ring. One whose
 * 64-bit address field is beyond 2^53 (a number cannot hold it exactly) keeps its bytes as
 * fetched, so that its errors name the address the driver wrote and its write-back gives it back.
 */
export type TxDescriptor = Readonly<ReturnType<typeof TX_READ_FORMAT.decode>> & { readonly index: number; readonly raw?: Uint8Array };

/** A 64-bit field as the driver wrote it: the number, or beyond 2^53 the exact value. */
export function exactField(descriptor: TxDescriptor, field: "bufferAddress" | "saPointer"): number | bigint {
  return descriptor.raw === undefined ? descriptor[field] : readExact(TX_DESCRIPTOR.fields[field], descriptor.raw);
}

/**
 * Why a descriptor field's value is not logged (logged as 0): an SA record written over a ring
 * puts its key words in the next descriptor's fields; the error names the descriptor, which holds it.
 */
export const DESCRIPTOR_VALUE_NOT_LOGGED = "its value is not logged, as key words an SA record misdirected over a descriptor would show: the descriptor named holds it";

/** Why an SA_HANDLE names no SA, in words. */
const HANDLE_MISSES: Record<Exclude<TxHandleLookup, { kind: "entry" }>["why"], string> = {
  none: "0: no handle, and with SA_CTRL.POINTER_FETCH off no SA_POINTER is read",
  "entry-zero": "ENTRY 0, which no handle has",
  "reserved-bit": "bit 31 set, which no handle has",
  "beyond-table": "its ENTRY past the table",
  "no-generation": "GENERATION 0, which no handle issued has: give the handle SA_STATUS gave, not the entry + 1",
  "never-filled": "its entry has held no SA",
  invalidated: "its SA was invalidated: the entry is empty since",
  // Not "a later SA": a forged handle may name a generation the entry has not reached (from a driver developer's check).
  replaced: "its GENERATION is not its entry's: the entry holds another SA",
};

/** A TX descriptor's SA_HANDLE that finds no SA: stale (its SA invalidated or replaced), or one no SA has. Its value is not logged, but for 0. */
export function handleFault(found: Exclude<TxHandleLookup, { kind: "entry" }>, first: TxDescriptor): Fault {
  const code = found.kind === "stale" ? "STALE_SA_HANDLE" : "INVALID_SA_HANDLE";
  if (found.why === "none") return { code, field: "SA_HANDLE", fieldName: `SA_HANDLE (${HANDLE_MISSES.none})`, index: first.index, value: 0 };
  return { code, field: "SA_HANDLE", fieldName: `SA_HANDLE (${HANDLE_MISSES[found.why]}; ${DESCRIPTOR_VALUE_NOT_LOGGED})`, index: first.index, value: 0, withheld: true };
}

/** Why a frame is refused, for the error log and its write-back. */
export interface Fault {
  code: ErrorCodeName;
  field: FieldCodeName;
  fieldName: string;
  index: number;
  value: number | bigint;
  /** The value is not logged (0 stands in): it may be key words an SA record misdirected over the descriptor. */
  withheld?: boolean;
  /** A piece of the rest of a frame refused before its EOP came: the last (its EOP came) or not. Not counted as another dropped frame. */
  rest?: "continues" | "ends";
}

/** What the transmit engine knows of a frame: its descriptors as fetched, its buffers as read, and why it is dropped, if it is. */
export interface TxPacket {
  readonly queue: number;
  readonly descriptors: TxDescriptor[];
  readonly length: number;
  readonly parts: (Uint8Array | null)[];
  /** TX buffer bytes held for the frame until the MAC has sent it. */
  reserved: number;
  partsLeft: number;
  fault: Fault | null;
  /** Read, and (for IPsec) encrypted or refused: ready to leave in order. */
  settled: boolean;
  frame: Uint8Array | null;
  /** Dropped without a driver fault (its SA was invalidated meanwhile): the write-back's error code. */
  dropCode: "SA_INVALIDATED" | null;
  /** Its first descriptor asks for IPsec: bound for the crypto engines once read. */
  readonly forEngines: boolean;
  /** Refused without its EOP: the descriptors up to it are its rest, to come. */
  readonly open: boolean;
}

export function parseTxDescriptor(data: Uint8Array, offset: number, index: number): TxDescriptor {
  // The index goes on the decoded object itself: a copy, or Object.assign, costs as much again as the decode.
  const descriptor = TX_READ_FORMAT.decode(data, offset) as ReturnType<typeof TX_READ_FORMAT.decode> & { index: number; raw?: Uint8Array };
  descriptor.index = index;
  if (descriptor.bufferAddress > Number.MAX_SAFE_INTEGER || descriptor.saPointer > Number.MAX_SAFE_INTEGER) descriptor.raw = data.slice(offset, offset + DESCRIPTOR_BYTES);
  return descriptor;
}

/** Stage events before a frame's bytes are read carry none. */
export const EMPTY_FRAME = new Uint8Array(0);

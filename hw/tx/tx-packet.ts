import { type ErrorCodeName, type FieldCodeName } from "../spec/errors.js";
import { readField, TX } from "../spec/descriptors.js";

/** A TX descriptor as the engine fetched it (read format). */
export interface TxDescriptor {
  readonly index: number;
  readonly address: number;
  readonly length: number;
  readonly command: number;
  readonly trafficClass: number;
  readonly saHandle: number;
  readonly saPointer: number;
}

/** Why a frame is refused, for the error log and its write-back. */
export interface Fault {
  code: ErrorCodeName;
  field: FieldCodeName;
  fieldName: string;
  index: number;
  value: number;
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
  dropCode: ErrorCodeName | null;
}

export function parseTxDescriptor(data: Uint8Array, offset: number, index: number): TxDescriptor {
  return {
    index,
    address: readField(data, offset + TX.BUFFER_ADDRESS, 8),
    length: readField(data, offset + TX.LENGTH, 2),
    command: data[offset + TX.COMMAND]!,
    trafficClass: data[offset + TX.CLASS]!,
    saHandle: readField(data, offset + TX.SA_HANDLE, 4),
    saPointer: readField(data, offset + TX.SA_POINTER, 8),
  };
}

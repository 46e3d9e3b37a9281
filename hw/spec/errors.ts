/** Error codes the device logs (ERRLOG_CODE) and writes back in descriptors (ERROR byte). */
export const ErrorCode = {
  NONE: 0,
  TAIL_BEYOND_RING: 1,
  ZERO_LENGTH_BUFFER: 2,
  OVER_LENGTH_BUFFER: 3,
  UNALIGNED_RING_BASE: 4,
  INVALID_RING_LENGTH: 5,
  DMA_UNMAPPED: 6,
  DMA_READ_ERROR: 7,
  DMA_COMPLETION_TIMEOUT: 8,
  DOORBELL_ON_DISABLED_QUEUE: 9,
  UNKNOWN_REGISTER: 10,
  READ_ONLY_REGISTER: 11,
  INVALID_CLASS: 12,
  INVALID_SA_HANDLE: 13,
  SA_RECORD_INVALID: 14,
  ESP_MALFORMED: 15,
  ESP_ICV_FAILED: 16,
  SA_INVALIDATED: 17,
  TAIL_OVERRUN: 18,
  WRITE_ONLY_REGISTER: 19,
  QUEUE_REGISTER_WHILE_ENABLED: 20,
  VALUE_OUT_OF_RANGE: 21,
  SA_COMMAND_BUSY: 22,
  STALE_SA_HANDLE: 23,
  SA_ENTRY_OCCUPIED: 24,
  SA_DUPLICATE: 25,
  IPSEC_FIELDS_DIFFER: 26,
  ENABLE_WHILE_BUSY: 27,
} as const;
export type ErrorCodeName = keyof typeof ErrorCode;

/** The errors an injected DMA fault gives a read: the link's, not the driver's. */
export type DmaFaultCode = "DMA_READ_ERROR" | "DMA_COMPLETION_TIMEOUT";

export function isDmaFault(code: ErrorCodeName): code is DmaFaultCode {
  return code === "DMA_READ_ERROR" || code === "DMA_COMPLETION_TIMEOUT";
}

/** Why a refused register write's value is left out of its error, said one way in each description that leaves it out. */
const notLogged = (what: string) => `${what} is not logged, since a misdirected write, an SA record staged at the wrong offset, can carry key bytes`;

/** OVER_LENGTH_BUFFER on transmit, as the datasheet's text and a TX queue's diagnostic both say it. */
const TX_OVER_LENGTH = "A TX frame longer than the maximum frame (MAXFRS), or descriptors without EOP that can never become one (already longer, or filling the device's cache, TXDMAX descriptors a queue, or the ring but one slot)";
const TX_REFUSED_IN_PIECES =
  "A frame refused without its EOP leaves in pieces as its descriptors are fetched, each piece's last descriptor written back with this error: logged are its first piece (value: its bytes so far), the first piece of its rest, and its rest whole as its EOP comes (value: the rest's bytes)";

export const ERROR_DESCRIPTIONS: Record<ErrorCodeName, string> = {
  NONE: "No error",
  TAIL_BEYOND_RING: `A tail write (doorbell) named a descriptor index at or past the ring length; the write is ignored (value: the ring's length in descriptors; ${notLogged("the tail written")})`,
  ZERO_LENGTH_BUFFER: "A TX descriptor with LENGTH 0, or an RX queue enabled with SRRCTL 0; the frame is dropped / the queue stays disabled",
  OVER_LENGTH_BUFFER: `${TX_OVER_LENGTH}, or (RX) SRRCTL above the maximum; the frame is dropped, one drop / the queue stays disabled. ${TX_REFUSED_IN_PIECES} (value: for SRRCTL, the most it may be; ${notLogged("what was written")})`,
  UNALIGNED_RING_BASE: `A queue enabled with a ring base that is not 128-byte aligned; the queue stays disabled (value: TDBAL's or RDBAL's offset; ${notLogged("the base")})`,
  INVALID_RING_LENGTH: `A queue enabled with a ring length of 0, not a multiple of 128 bytes, or too long (which of them is said); the queue stays disabled (value: TDLEN's or RDLEN's offset; ${notLogged("the length")})`,
  DMA_UNMAPPED: "A DMA address outside mapped host memory; the access is not made (value: the address; 0 where it is far from every allocation, and where it lies is said instead)",
  DMA_READ_ERROR: "A DMA read completed with an error (completer abort). A descriptor fetch's disables the queue (TXDCTL/RXDCTL.FAULT, TDFAULT/RDFAULT) until the driver resets it; a TX buffer's or SA record's drops the frame, written back with this code",
  DMA_COMPLETION_TIMEOUT: "A DMA read got no completion in time; what it does is as for DMA_READ_ERROR",
  DOORBELL_ON_DISABLED_QUEUE: `A tail write to a queue that is not enabled; the write is ignored (value: the tail as it stands; ${notLogged("the tail written")}); not logged for a queue the device disabled for a failed descriptor fetch until the driver next writes its TXDCTL or RXDCTL, as those doorbells race the error interrupt`,
  UNKNOWN_REGISTER: "An MMIO access to an offset with no register: a read returns 0xFFFFFFFF, a write is ignored (value: the offset; an offset at or past the register map's end is not logged, WITHHELD, as one that far off may be a key word written as an offset)",
  READ_ONLY_REGISTER: `A write to a read-only register; it is ignored (value: the register's offset; ${notLogged("what was written")})`,
  INVALID_CLASS: "A TX descriptor CLASS above 7 (value: 0; the class is not logged, as an SA record written over a ring puts key bytes there)",
  INVALID_SA_HANDLE: "An IPsec TX descriptor names an SA table entry that is out of range or empty (the frame is dropped), or an SA_COMMAND sets reserved bits, names an index out of range or an operation that is not defined (the command is ignored); value: 0, as a key word staged one word past SA_STAGE lands in SA_COMMAND and an SA record written over a ring in a descriptor's SA_HANDLE",
  SA_RECORD_INVALID: "An SA record (staged, or read through SA_POINTER) has a bad magic, length, protocol, key or ICV length, an SPI of 0 to 255, is of the other direction, asks for ESN (FLAGS.ESN: the device does not process extended sequence numbers) or IPv6 (FLAGS.IPV6: it processes IPv4 ESP only), or sets a reserved FLAGS bit; it is not used",
  ESP_MALFORMED: "An ESP packet too short for its SA's header, IV and ICV, whose SPI is not its SA's, whose IP header is not version 4 or is a fragment's (ESP is applied to whole IP packets: RFC 4303 3.3.4, 3.4.1), whose IP total length runs past its frame, or (TX) followed in its frame by bytes outside its IP total length (beyond a minimum frame's padding: they would leave unencrypted; RX ignores such bytes, as IP does); TX drops it, RX flags it",
  ESP_ICV_FAILED: "RX: the ICV did not verify; the packet is delivered flagged, undecrypted",
  SA_INVALIDATED: "TX: the SA table entry was invalidated while the packet was in the NIC (its SA already looked up); the packet is dropped. A descriptor looked up after the invalidation is refused as STALE_SA_HANDLE. RX has no such error: a packet whose entry is invalidated before the crypto engine has decrypted it is delivered as a miss (SA_MISS, SA_HANDLE 0, untouched); one already decrypted is delivered decrypted, with the handle it was decrypted under (it was authenticated before the invalidation). Not logged in ERRLOG nor counted in ERROR_COUNT: the driver's own invalidation caused it, no misuse; DROP_COUNT counts it",
  TAIL_OVERRUN: `A tail write that moves the tail back over descriptors the device still owns, or around the ring past the head (an overrun); the write is ignored (value: the tail as it stands; ${notLogged("the tail written")})`,
  WRITE_ONLY_REGISTER: "A read of a write-only register (ICS, IMC, ERRLOG_POP, SA_COMMAND, SA_STAGE); it returns 0",
  QUEUE_REGISTER_WHILE_ENABLED: `A write to a queue's ring base, ring length or receive buffer size while the queue is enabled; the write is ignored (disable the queue first; value: the register's offset; ${notLogged("what was written")})`,
  VALUE_OUT_OF_RANGE: `A register field written beyond its range (a TX_SCHED percentage above 100, a TXPBSIZE part too small or too large); the nearest valid value is used (value: that value; for bits set outside every field, none, WITHHELD set, as the fields read are bits as written; ${notLogged("what was written")})`,
  SA_COMMAND_BUSY: "An SA_COMMAND written while an INSTALL_POINTER is still reading its record (SA_STATUS.BUSY); the command is ignored",
  STALE_SA_HANDLE: "An IPsec TX descriptor's SA_HANDLE names an entry that has been filled or emptied since the handle was issued (its GENERATION is not the entry's): the SA it was issued for is gone; the frame is dropped and counted (SA_STALE_HANDLES); value: 0, the handle not logged (an SA record written over a ring puts key words there)",
  SA_ENTRY_OCCUPIED: "SA_COMMAND installs into an entry that holds an SA without REPLACE; the command is ignored and the entry keeps its SA",
  SA_DUPLICATE: "SA_COMMAND installs an SA (SPI and destination) that another entry of the same table already holds; the command is ignored (value: the other entry's index)",
  IPSEC_FIELDS_DIFFER: "A TX frame whose descriptors disagree on COMMAND.IPSEC, SA_HANDLE or SA_POINTER: each of a frame's descriptors carries its first's (the SA is the first's), so the frame is dropped rather than sent in the clear or under one of two SAs (value: COMMAND.IPSEC's bit, or the SA_POINTER as an address is logged; 0 for SA_HANDLE, not logged as an SA record written over a ring puts key words there)",
  ENABLE_WHILE_BUSY: "TXDCTL/RXDCTL.ENABLE written while the queue is still BUSY with what the device took before it was disabled: the write is ignored (the queue stays disabled), since that work would complete into the new ring and move its head; wait for BUSY to clear (value: the frames or write-backs still in the device)",
};

/** Which field or register an error log entry points at (ERRLOG_LOCATION.FIELD). */
export const FieldCode = {
  NONE: 0,
  RING_BASE: 1,
  RING_LENGTH: 2,
  TAIL: 3,
  BUFFER_SIZE: 4,
  BUFFER_ADDRESS: 5,
  LENGTH: 6,
  DESCRIPTOR: 7,
  REGISTER: 8,
  CLASS: 9,
  SA_HANDLE: 10,
  SA_POINTER: 11,
  SA_COMMAND: 12,
} as const;
export type FieldCodeName = keyof typeof FieldCode;

export const NO_QUEUE = 0xff;
export const NO_INDEX = 0xffffffff;

export function errorCodeName(code: number): ErrorCodeName | undefined {
  return (Object.keys(ErrorCode) as ErrorCodeName[]).find((name) => ErrorCode[name] === code);
}

export function fieldCodeName(code: number): FieldCodeName | undefined {
  return (Object.keys(FieldCode) as FieldCodeName[]).find((name) => FieldCode[name] === code);
}

/** Fields whose values are addresses or offsets, shown in hex (a ring's base and length: its registers' offsets, as the values written are not logged). */
const HEX_FIELDS: ReadonlySet<FieldCodeName> = new Set(["RING_BASE", "RING_LENGTH", "BUFFER_ADDRESS", "DESCRIPTOR", "REGISTER", "SA_HANDLE", "SA_POINTER"]);
/** Codes whose value is a count whatever its field: in decimal (ENABLE_WHILE_BUSY's frames still in the device read 0x16; from a driver developer's check). */
const COUNT_CODES: ReadonlySet<ErrorCodeName> = new Set(["ENABLE_WHILE_BUSY"]);

export interface ErrorDescription {
  readonly code: ErrorCodeName;
  readonly queue?: number;
  readonly direction?: "tx" | "rx";
  readonly index?: number;
  readonly field: FieldCodeName;
  /** How to name the field: the register or descriptor field ("TDT", "LENGTH"), or the field code. */
  readonly label: string;
  readonly value: number | bigint;
  /** The value is not logged (0 stands in), as it may be key words a driver misdirected: the label says so, and no "= 0" follows it. */
  readonly withheld?: boolean;
  /** A host address in a field whose values are not (HEX_FIELDS has those that are): shown in hex. */
  readonly address?: boolean;
}

/** One line naming the error, the queue, descriptor index and field, and what the code means. */
export function describeError(error: ErrorDescription): string {
  const place: string[] = [];
  if (error.queue !== undefined) place.push(`${error.direction === "rx" ? "RX" : "TX"} queue ${error.queue}`);
  if (error.index !== undefined) place.push(`descriptor ${error.index}`);
  const value = (HEX_FIELDS.has(error.field) && !COUNT_CODES.has(error.code)) || error.address ? `0x${error.value.toString(16)}` : String(error.value);
  place.push(error.withheld ? error.label : `${error.label} = ${value}`);
  const description = (error.direction === "rx" ? RX_DESCRIPTIONS[error.code] : error.direction === "tx" ? TX_DESCRIPTIONS[error.code] : undefined) ?? ERROR_DESCRIPTIONS[error.code];
  return `${error.code}: ${place.join(", ")}: ${description}`;
}

/** The TX side alone of a code both directions report, for a TX queue's diagnostic (it ended on SRRCTL's value; from a driver developer's check). */
const TX_DESCRIPTIONS: Partial<Record<ErrorCodeName, string>> = {
  ZERO_LENGTH_BUFFER: "A TX descriptor with LENGTH 0; the frame is dropped",
  OVER_LENGTH_BUFFER: `${TX_OVER_LENGTH}; the frame is dropped. ${TX_REFUSED_IN_PIECES}`,
};

/** The RX side alone of a code both directions report, for an RX queue's diagnostic (it read "A TX frame longer than the maximum frame" for SRRCTL; from a driver developer's check). */
const RX_DESCRIPTIONS: Partial<Record<ErrorCodeName, string>> = {
  ZERO_LENGTH_BUFFER: "An RX queue enabled with SRRCTL 0: the queue stays disabled",
  OVER_LENGTH_BUFFER: `An RX queue enabled with SRRCTL above the maximum: the queue stays disabled (value: the most SRRCTL may be; ${notLogged("what was written")})`,
};

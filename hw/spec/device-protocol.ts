/**
 * The device protocol of `nicsim serve`: how a driver in another process reaches the model's NIC.
 * This table is the one definition; the encoder and decoder (system/serve/protocol-codec.ts),
 * docs/device-protocol.md, clients/c/nicsim_protocol.h and clients/python/nicsim_protocol.py are
 * all derived from it. Every number is little-endian, as the device's registers are.
 */

export const PROTOCOL_MAGIC = 0x4d49534e; // "NSIM" as a little-endian word
export const PROTOCOL_VERSION = { major: 1, minor: 0 } as const;

/** Every message starts with this header: its whole length (header included) and its type. */
export const HEADER_BYTES = 8;
export const HEADER_FIELDS = [
  { name: "length", type: "u32", description: "Bytes of the whole message, header included" },
  { name: "type", type: "u32", description: "The message type (the tables below)" },
] as const satisfies readonly FieldSpec[];

/** The largest data a MEMORY_WRITE, MEMORY_READ or MEMORY_UPDATE carries; longer spans go in several messages. */
export const MAX_DATA_BYTES = 65536;
/** The longest text (client name, region label, error or diagnostic text), bytes of UTF-8. */
export const MAX_TEXT_BYTES = 4096;
/**
 * Simulated time is kept in picoseconds as exact integers, up to 2^53 - 1 (about 104 days): a wait
 * of 2^53 ps or more, such as WAIT_FOREVER, has no limit.
 */
export const WAIT_FOREVER_FROM = 2 ** 53;
/** The duration clients send to wait without a limit: the largest u64 (UINT64_MAX). */
export const WAIT_FOREVER = 2n ** 64n - 1n;

export type FieldType = "u8" | "u16" | "u32" | "u64" | "bytes" | "text";

export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  readonly description: string;
  /** Allowed values of a number field, inclusive; the decoder refuses others (BAD_VALUE). */
  readonly range?: readonly [number, number];
  /** The only values a number field may hold, when they are not a range. */
  readonly choices?: readonly number[];
  /** Allowed lengths of a bytes or text field (the tail of its message). */
  readonly lengths?: readonly [number, number];
  /** The only lengths a bytes field may have, when they are not a range. */
  readonly lengthChoices?: readonly number[];
  /**
   * A u64 duration that may be longer than any simulated time: a value from WAIT_FOREVER_FROM up,
   * or one that would end past the last representable time, means no limit (decoded as Infinity).
   */
  readonly unbounded?: true;
}

/**
 * request: the client waits for its reply; posted: no reply (an error, if any, comes before the
 * next reply); reply: the server's answer to a request; notification: pushed by the server before
 * a reply; error: the server's last message.
 */
export type MessageKind = "request" | "posted" | "reply" | "notification" | "error";

export interface MessageSpec {
  readonly name: string;
  readonly code: number;
  readonly kind: MessageKind;
  /** For a request: the name of its reply. */
  readonly reply?: string;
  readonly description: string;
  /** In order; only the last may be bytes or text (the rest of the message). */
  readonly fields: readonly FieldSpec[];
}

const time = <Name extends string>(name: Name, description: string) => ({ name, type: "u64", description }) as const;
const FOREVER_WORDS = "from 2^53 (WAIT_FOREVER = 2^64 - 1), or past the last time the model can represent: no limit";
const duration = <Name extends string>(name: Name, description: string) => ({ name, type: "u64", description: `${description}; ${FOREVER_WORDS}`, unbounded: true }) as const;
const data = (description: string) => ({ name: "data", type: "bytes", description, lengths: [1, MAX_DATA_BYTES] }) as const;
const text = <Name extends string>(name: Name, description: string, minimum = 0) => ({ name, type: "text", description: `${description} (UTF-8, no control characters)`, lengths: [minimum, MAX_TEXT_BYTES] as const }) as const;

export const MESSAGES = [
  {
    name: "HELLO", code: 0x01, kind: "request", reply: "HELLO_REPLY",
    description: "The first message of a connection: the client's protocol version. A major version other than the server's is refused (VERSION).",
    fields: [
      { name: "magic", type: "u32", description: `0x${PROTOCOL_MAGIC.toString(16)} ("NSIM")`, range: [PROTOCOL_MAGIC, PROTOCOL_MAGIC] },
      { name: "major", type: "u16", description: "Protocol major version the client speaks" },
      { name: "minor", type: "u16", description: "Protocol minor version the client speaks" },
      text("client_name", "The client's name, for the summary"),
    ],
  },
  {
    name: "HELLO_REPLY", code: 0x81, kind: "reply",
    description: "The server's version and the device: its queues, its MSI-X vectors, the CPU cost of a call and the time now.",
    fields: [
      { name: "magic", type: "u32", description: "As in HELLO" },
      { name: "major", type: "u16", description: "Protocol major version of the server" },
      { name: "minor", type: "u16", description: "Protocol minor version of the server" },
      { name: "queues", type: "u16", description: "Queue pairs of the device (STATUS.QUEUES)" },
      { name: "vectors", type: "u16", description: "MSI-X vectors: one per queue, then the error vector" },
      { name: "max_data", type: "u32", description: `Most data bytes in one memory message (${MAX_DATA_BYTES})` },
      time("call_ps", "Simulated CPU time every request costs the client, ps"),
      time("time_ps", "Simulated time now, ps"),
    ],
  },
  {
    name: "GOODBYE", code: 0x02, kind: "request", reply: "GOODBYE_REPLY",
    description: "The client is done: the run ends here, its files are written, and the server closes the connection after the reply.",
    fields: [],
  },
  {
    name: "GOODBYE_REPLY", code: 0x82, kind: "reply",
    description: "The run is over at this time.",
    fields: [time("time_ps", "Simulated time at the end of the run, ps")],
  },
  {
    name: "MMIO_READ", code: 0x03, kind: "request", reply: "MMIO_READ_REPLY",
    description: "Read a 32-bit device register. The client waits for the read's round trip (the NIC's mmioReadNanoseconds); a read does not pass posted writes.",
    fields: [{ name: "offset", type: "u32", description: "Register offset in BAR0 (clients/c/nicsim_device.h)" }],
  },
  {
    name: "MMIO_READ_REPLY", code: 0x83, kind: "reply",
    description: "The register's value, and the time the read completed (the client's time from then on).",
    fields: [
      { name: "offset", type: "u32", description: "As in the request" },
      { name: "value", type: "u32", description: "The register's value" },
      time("time_ps", "Simulated time the read completed, ps"),
    ],
  },
  {
    name: "MMIO_WRITE", code: 0x04, kind: "posted",
    description: "Write a 32-bit device register: posted, it reaches the device mmioWriteNanoseconds later, in order with the other writes.",
    fields: [
      { name: "offset", type: "u32", description: "Register offset in BAR0" },
      { name: "value", type: "u32", description: "The value written" },
    ],
  },
  {
    name: "ALLOCATE", code: 0x05, kind: "request", reply: "ALLOCATE_REPLY",
    description: "Allocate a region of host memory the device may reach by DMA (rings, buffers, SA records). Each region is followed by an unmapped red zone.",
    fields: [
      { name: "bytes", type: "u32", description: "Size of the region", range: [1, 0x4000_0000] },
      { name: "alignment", type: "u32", description: "Alignment of its address: a power of two", range: [1, 0x1000_0000] },
      text("label", "What the region is, as memory errors name it", 1),
    ],
  },
  {
    name: "ALLOCATE_REPLY", code: 0x85, kind: "reply",
    description: "Where the region is: its host address, the one the device sees.",
    fields: [
      { name: "address", type: "u64", description: "Host address of the region" },
      { name: "bytes", type: "u32", description: "Its size, as asked" },
    ],
  },
  {
    name: "MEMORY_WRITE", code: 0x06, kind: "posted",
    description: "The client's write of host memory (descriptors, buffers, SA records), applied at the client's time: what the device reads from then on.",
    fields: [{ name: "address", type: "u64", description: "Host address of the first byte" }, data("The bytes written")],
  },
  {
    name: "MEMORY_READ", code: 0x07, kind: "request", reply: "MEMORY_READ_REPLY",
    description: "Read the server's copy of host memory (a client that keeps no copy of its own).",
    fields: [
      { name: "address", type: "u64", description: "Host address of the first byte" },
      { name: "bytes", type: "u32", description: "Bytes to read", range: [1, MAX_DATA_BYTES] },
    ],
  },
  {
    name: "MEMORY_READ_REPLY", code: 0x87, kind: "reply",
    description: "The bytes read.",
    fields: [{ name: "address", type: "u64", description: "As in the request" }, data("The bytes")],
  },
  {
    name: "WAIT", code: 0x08, kind: "request", reply: "WAIT_REPLY",
    description: "Let simulated time pass: the client's time moves on by the duration. Without a limit (WAIT_FOREVER), the model runs until nothing is left to happen in it (no event pending), and the reply says when that was.",
    fields: [duration("duration_ps", "How long, ps")],
  },
  {
    name: "WAIT_INTERRUPT", code: 0x09, kind: "request", reply: "WAIT_REPLY",
    description: "Wait for an interrupt message of a vector in the mask, at most the timeout: returns at once if one is already latched, else at the first one or when the timeout has passed. Without a limit (WAIT_FOREVER), it returns at the first one, or with vectors 0 once nothing is left to happen in the model (no event pending: no interrupt can come any more).",
    fields: [
      duration("timeout_ps", "The longest wait, ps (0: only look)"),
      { name: "mask", type: "u32", description: "Bit v: vector v (bits beyond the device's vectors are refused)", range: [1, 0xffff_ffff] },
    ],
  },
  {
    name: "WAIT_REPLY", code: 0x88, kind: "reply",
    description: "The wait is over: the time, the vectors delivered (cleared from the latch) and those still latched.",
    fields: [
      time("time_ps", "Simulated time now, ps"),
      { name: "vectors", type: "u32", description: "WAIT_INTERRUPT: the latched vectors in its mask, delivered now (0: the timeout passed); WAIT: 0" },
      { name: "pending", type: "u32", description: "Vectors still latched, not delivered" },
    ],
  },
  {
    name: "PEER_SA", code: 0x0a, kind: "posted",
    description: "Give the remote peer one end of an ESP SA (AES-GCM, tunnel mode): direction 0, the peer decrypts what the host sends under it; 1, the peer encrypts what it sends to the host. The SA goes into the run's esp_sa file, the one place keys are written.",
    fields: [
      { name: "spi", type: "u32", description: "The SA's SPI", range: [256, 0xffff_ffff] },
      { name: "source", type: "u32", description: "Tunnel source IPv4 address (a.b.c.d as a << 24 | b << 16 | c << 8 | d)" },
      { name: "destination", type: "u32", description: "Tunnel destination IPv4 address" },
      { name: "direction", type: "u8", description: "0: host to peer (the peer decrypts), 1: peer to host (the peer encrypts)", range: [0, 1] },
      { name: "icv_bytes", type: "u8", description: "ICV length: 8, 12 or 16", choices: [8, 12, 16] },
      { name: "key_material", type: "bytes", description: "AES key (16 or 32 bytes) followed by the 4-byte salt: 20 or 36 bytes", lengths: [20, 36], lengthChoices: [20, 36] },
    ],
  },
  {
    name: "PEER_ECHO", code: 0x0b, kind: "posted",
    description: "Whether the peer sends back what it receives: an ESP frame it decrypts goes back under its peer-to-host SA (or plain without one), a plain frame with its MAC addresses swapped.",
    fields: [{ name: "enable", type: "u8", description: "1: echo, 0: only count", range: [0, 1] }],
  },
  {
    name: "PEER_SEND", code: 0x0c, kind: "posted",
    description: "The peer sends sequenced UDP frames to the host (the test frames of plain-traffic), from now, one every gap: plain, or through its peer-to-host SA.",
    fields: [
      time("gap_ps", "Time between two frames' starts, ps (the line may make it longer)"),
      { name: "count", type: "u32", description: "Frames to send", range: [1, 1_000_000] },
      { name: "bytes", type: "u16", description: "Frame length without FCS (plain) or inner packet length (ESP)", range: [60, 9000] },
      { name: "traffic_class", type: "u8", description: "The frames' DSCP class and tag", range: [0, 7] },
      { name: "esp", type: "u8", description: "1: encrypt under the peer-to-host SA", range: [0, 1] },
    ],
  },
  {
    name: "PEER_STATUS", code: 0x0d, kind: "request", reply: "PEER_STATUS_REPLY",
    description: "What the peer has seen and sent so far.",
    fields: [],
  },
  {
    name: "PEER_STATUS_REPLY", code: 0x8d, kind: "reply",
    description: "The peer's counts.",
    fields: [
      time("time_ps", "Simulated time now, ps"),
      { name: "received", type: "u32", description: "Frames that reached the peer" },
      { name: "decrypted", type: "u32", description: "ESP frames it decrypted and authenticated" },
      { name: "refused", type: "u32", description: "ESP frames it refused (unknown SPI, ICV, replay, padding)" },
      { name: "sent", type: "u32", description: "Frames it queued for the host (echoes and PEER_SEND)" },
    ],
  },
  {
    name: "MEMORY_UPDATE", code: 0xc1, kind: "notification",
    description: "Host memory the device wrote (DMA) since the last reply: sent before that reply, with the bytes as they are when it is sent, so that the client's copy equals the server's whenever a reply arrives.",
    fields: [{ name: "address", type: "u64", description: "Host address of the first byte" }, data("The bytes now in host memory")],
  },
  {
    name: "DIAGNOSTIC", code: 0xc2, kind: "notification",
    description: "The device reported a driver mistake or a fault (the same text as in-process: top.nic.diagnostics); sent before the next reply. The device also logs it in ERRLOG and raises its ERROR cause, as in-process.",
    fields: [
      time("time_ps", "When the device reported it, ps"),
      { name: "code", type: "u32", description: "The error code (ERRLOG_CODE)" },
      text("message", "The diagnostic, in words"),
    ],
  },
  {
    name: "ERROR", code: 0xff, kind: "error",
    description: "The server refused a message: the run ends, its files are written, and the connection is closed.",
    fields: [
      { name: "code", type: "u32", description: "Protocol error code (below)" },
      { name: "message_type", type: "u32", description: "Type of the message refused (0 when its header could not be read)" },
      text("message", "What was wrong, naming the message and the field"),
    ],
  },
] as const satisfies readonly MessageSpec[];

export type MessageName = (typeof MESSAGES)[number]["name"];

/** Why the server refused a message (ERROR.code). */
export const PROTOCOL_ERRORS = [
  { name: "MALFORMED", code: 1, description: "The header cannot be a message's: a length below the header or above the largest message" },
  { name: "UNKNOWN_TYPE", code: 2, description: "No message has this type, or it is one only the server sends" },
  { name: "WRONG_LENGTH", code: 3, description: "The length is not the message's (fixed fields, and a tail within its bounds)" },
  { name: "BAD_VALUE", code: 4, description: "A field holds a value the message does not allow (named: message.field)" },
  { name: "VERSION", code: 5, description: "HELLO's major version is not the server's" },
  { name: "ORDER", code: 6, description: "A message out of order: anything before HELLO, a second HELLO, or a second client while one is served" },
  { name: "MEMORY", code: 7, description: "A host memory access outside every region allocated (the same words as the in-process memory guard)" },
  { name: "SIMULATION", code: 8, description: "The model failed while serving the message" },
] as const;

export type ProtocolErrorName = (typeof PROTOCOL_ERRORS)[number]["name"];

/** Bytes of a field of fixed size. */
export function fieldBytes(type: Exclude<FieldType, "bytes" | "text">): number {
  return { u8: 1, u16: 2, u32: 4, u64: 8 }[type];
}

/** The largest whole message: a data message's header, address and most data. */
export const MAX_MESSAGE_BYTES = HEADER_BYTES + 8 + MAX_DATA_BYTES;

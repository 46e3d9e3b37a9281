import { FileSink } from "../vcd/sink.js";

/** Link type 1: Ethernet frames without FCS. */
const LINKTYPE_ETHERNET = 1;
/** The magic number of a pcap file whose timestamps are in nanoseconds. */
const NANOSECOND_MAGIC = 0xa1b23c4d;
const SNAPSHOT_LENGTH = 262144;
const FILE_HEADER_BYTES = 24;

/** Each record's header, as libpcap lays it out (little-endian here): the one definition the writer and the reader use. */
const RECORD_HEADER = { seconds: 0, nanoseconds: 4, capturedBytes: 8, originalBytes: 12 } as const;
const RECORD_HEADER_BYTES = 16;
type RecordHeader = Record<keyof typeof RECORD_HEADER, number>;

// Field by field, not by a loop over the layout: the writer encodes one per frame of every run.
function encodeRecordHeader(header: RecordHeader): Buffer {
  const bytes = Buffer.alloc(RECORD_HEADER_BYTES);
  bytes.writeUInt32LE(header.seconds, RECORD_HEADER.seconds);
  bytes.writeUInt32LE(header.nanoseconds, RECORD_HEADER.nanoseconds);
  bytes.writeUInt32LE(header.capturedBytes, RECORD_HEADER.capturedBytes);
  bytes.writeUInt32LE(header.originalBytes, RECORD_HEADER.originalBytes);
  return bytes;
}

function decodeRecordHeader(bytes: Buffer): RecordHeader {
  return {
    seconds: bytes.readUInt32LE(RECORD_HEADER.seconds),
    nanoseconds: bytes.readUInt32LE(RECORD_HEADER.nanoseconds),
    capturedBytes: bytes.readUInt32LE(RECORD_HEADER.capturedBytes),
    originalBytes: bytes.readUInt32LE(RECORD_HEADER.originalBytes),
  };
}

/** A captured frame as read back: its number as Wireshark counts (from 1), its time and its bytes. */
export interface PcapFrame {
  readonly number: number;
  readonly nanoseconds: number;
  readonly bytes: Buffer;
}

/** A file that is not a capture as PcapWriter writes one, with the byte offset where it goes wrong. */
export class MalformedPcapError extends Error {}

/** The frames of a capture PcapWriter wrote (nanosecond timestamps, Ethernet); throws MalformedPcapError naming the offset of what is wrong. */
export function readPcap(file: Buffer): PcapFrame[] {
  return [...pcapFrames((offset, length) => file.subarray(offset, offset + length), file.length)];
}

/**
 * The frames of a capture of `size` bytes, read through `read` (up to `length` bytes at `offset`)
 * one at a time: a long run's capture is larger than a Buffer may be.
 */
export function* pcapFrames(read: (offset: number, length: number) => Buffer, size: number): Generator<PcapFrame> {
  const header = read(0, FILE_HEADER_BYTES);
  if (header.length < FILE_HEADER_BYTES) throw new MalformedPcapError(`${size} bytes: shorter than a pcap file header (${FILE_HEADER_BYTES})`);
  if (header.readUInt32LE(0) !== NANOSECOND_MAGIC) throw new MalformedPcapError(`offset 0: magic number 0x${header.readUInt32LE(0).toString(16)}, expected 0x${NANOSECOND_MAGIC.toString(16)} (little-endian, nanosecond timestamps)`);
  if (header.readUInt32LE(20) !== LINKTYPE_ETHERNET) throw new MalformedPcapError(`offset 20: link type ${header.readUInt32LE(20)}, expected ${LINKTYPE_ETHERNET} (Ethernet)`);
  for (let at = FILE_HEADER_BYTES, number = 1; at < size; number++) {
    if (at + RECORD_HEADER_BYTES > size) throw new MalformedPcapError(`offset ${at}: frame ${number}'s record header is cut off after ${size - at} bytes`);
    const record = decodeRecordHeader(read(at, RECORD_HEADER_BYTES));
    const start = at + RECORD_HEADER_BYTES;
    if (start + record.capturedBytes > size) throw new MalformedPcapError(`offset ${start}: frame ${number} is cut off: ${size - start} of its ${record.capturedBytes} bytes`);
    yield { number, nanoseconds: record.seconds * 1e9 + record.nanoseconds, bytes: read(start, record.capturedBytes) };
    at = start + record.capturedBytes;
  }
}

/**
 * Writes a classic pcap file with nanosecond timestamps (libpcap's "nsec" format), which tshark and
 * Wireshark read. Times are simulated picoseconds, truncated to nanoseconds.
 */
export class PcapWriter {
  private readonly file: FileSink;
  private buffer = Buffer.alloc(1 << 16);
  private used = 0;
  frames = 0;

  constructor(readonly path: string) {
    this.file = new FileSink(path);
    const header = Buffer.alloc(FILE_HEADER_BYTES);
    header.writeUInt32LE(NANOSECOND_MAGIC, 0);
    header.writeUInt16LE(2, 4);
    header.writeUInt16LE(4, 6);
    header.writeUInt32LE(SNAPSHOT_LENGTH, 16);
    header.writeUInt32LE(LINKTYPE_ETHERNET, 20);
    this.append(header);
  }

  record(timePicoseconds: number, frame: Uint8Array): void {
    const nanoseconds = Math.floor(timePicoseconds / 1000);
    this.append(encodeRecordHeader({ seconds: Math.floor(nanoseconds / 1e9), nanoseconds: nanoseconds % 1e9, capturedBytes: frame.length, originalBytes: frame.length }));
    this.append(frame);
    this.frames++;
  }

  close(): void {
    this.flush();
    this.file.close();
  }

  private append(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.buffer.length) this.flush();
    if (bytes.length > this.buffer.length) {
      this.file.write(bytes);
      return;
    }
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }

  private flush(): void {
    if (this.used > 0) this.file.write(this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

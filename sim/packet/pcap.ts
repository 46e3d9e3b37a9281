import { FileSink } from "../vcd/sink.js";

/** Link type 1: Ethernet frames without FCS. */
const LINKTYPE_ETHERNET = 1;
/** The magic number of a pcap file whose timestamps are in nanoseconds. */
const NANOSECOND_MAGIC = 0xa1b23c4d;
const SNAPSHOT_LENGTH = 262144;

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
    const header = Buffer.alloc(24);
    header.writeUInt32LE(NANOSECOND_MAGIC, 0);
    header.writeUInt16LE(2, 4);
    header.writeUInt16LE(4, 6);
    header.writeUInt32LE(SNAPSHOT_LENGTH, 16);
    header.writeUInt32LE(LINKTYPE_ETHERNET, 20);
    this.append(header);
  }

  record(timePicoseconds: number, frame: Uint8Array): void {
    const nanoseconds = Math.floor(timePicoseconds / 1000);
    const record = Buffer.alloc(16);
    record.writeUInt32LE(Math.floor(nanoseconds / 1e9), 0);
    record.writeUInt32LE(nanoseconds % 1e9, 4);
    record.writeUInt32LE(frame.length, 8);
    record.writeUInt32LE(frame.length, 12);
    this.append(record);
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

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { MalformedPcapError, PcapWriter, readPcap } from "../../sim/packet/pcap.js";

const directory = mkdtempSync(join(tmpdir(), "nicsim-pcap-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Frames of several sizes, one larger than the writer's buffer, at times past a second (the seconds field). */
function written(): { path: string; frames: Array<{ picoseconds: number; bytes: Uint8Array }> } {
  const path = join(directory, "frames.pcap");
  const frames = [60, 1514, 9018, 70_000, 64].map((length, index) => ({ picoseconds: index * 700_123_456_789 + 5_999, bytes: Uint8Array.from({ length }, (_, at) => (at * 7 + index) & 0xff) }));
  const writer = new PcapWriter(path);
  for (const frame of frames) writer.record(frame.picoseconds, frame.bytes);
  writer.close();
  return { path, frames };
}

describe("a capture read back", () => {
  test("gives the frames written, numbered from 1 as Wireshark numbers them, at their times truncated to nanoseconds", () => {
    const { path, frames } = written();
    const read = readPcap(readFileSync(path));
    expect(read.map((frame) => frame.number)).toEqual([1, 2, 3, 4, 5]);
    expect(read.map((frame) => frame.nanoseconds)).toEqual(frames.map((frame) => Math.floor(frame.picoseconds / 1000)));
    read.forEach((frame, index) => expect(Buffer.compare(frame.bytes, frames[index]!.bytes)).toBe(0));
  });

  test("a file that is not a whole capture is refused at the offset that is wrong", () => {
    const bytes = readFileSync(written().path);
    expect(() => readPcap(bytes.subarray(0, 10))).toThrow(/10 bytes: shorter than a pcap file header/);
    const wrongMagic = Buffer.from(bytes);
    wrongMagic.writeUInt32LE(0xa1b2c3d4, 0);
    expect(() => readPcap(wrongMagic)).toThrow(/offset 0: magic number 0xa1b2c3d4/);
    // Cut inside the second frame's bytes, and inside the third's record header.
    expect(() => readPcap(bytes.subarray(0, 24 + 16 + 60 + 16 + 100))).toThrow(new MalformedPcapError("offset 116: frame 2 is cut off: 100 of its 1514 bytes"));
    expect(() => readPcap(bytes.subarray(0, 24 + 16 + 60 + 16 + 1514 + 5))).toThrow(/offset 1630: frame 3's record header is cut off after 5 bytes/);
    writeFileSync(join(directory, "empty.pcap"), bytes.subarray(0, 24));
    expect(readPcap(readFileSync(join(directory, "empty.pcap")))).toEqual([]);
  });
});

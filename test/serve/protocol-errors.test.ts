import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { PROTOCOL_ERRORS, type ProtocolErrorName } from "../../hw/spec/device-protocol.js";
import * as R from "../../hw/spec/registers.js";
import { HostMemory } from "../../sim/host/memory.js";
import { checkVcd } from "../../sim/vcd/check-vcd.js";
import { encodeMessage, type Message } from "../../system/serve/protocol-codec.js";
import { formatServeSummary } from "../../system/serve/serve-summary.js";
import { LoopbackClient } from "./loopback-client.js";

/** A message of `length` bytes and type `type`: a header and zeros. */
function raw(type: number, length: number): Uint8Array {
  const bytes = new Uint8Array(Math.max(length, 8));
  new DataView(bytes.buffer).setUint32(0, length, true);
  new DataView(bytes.buffer).setUint32(4, type, true);
  return bytes;
}

/** The ERROR the server ended with: its code's name, the type it names, its text; and the run's ending. */
function refusal(client: LoopbackClient): { error: ProtocolErrorName; type: number; text: string } {
  const last = client.received[client.received.length - 1] as Extract<Message, { name: "ERROR" }>;
  expect(last.name).toBe("ERROR");
  expect(client.closed).toBe(true);
  const error = PROTOCOL_ERRORS.find((entry) => entry.code === last.values.code)!.name;
  expect(client.result?.summary.ending).toMatchObject({ kind: "protocol-error", error, message: last.values.message });
  return { error, type: last.values.message_type, text: last.values.message };
}

describe("a message the server cannot take gets ERROR naming the message and the field, and ends the run", () => {
  test("MALFORMED: a header whose length is below the header's or above the largest message", () => {
    for (const length of [3, 70_000]) {
      const client = new LoopbackClient();
      client.hello();
      client.sendBytes(raw(0x04, length).subarray(0, 8));
      expect(refusal(client)).toEqual({ error: "MALFORMED", type: 0x04, text: `header.length: ${length}; a message is 8 to 65552 bytes` });
    }
  });

  test("UNKNOWN_TYPE: a type no message has, and one only the server sends", () => {
    const client = new LoopbackClient();
    client.hello();
    client.sendBytes(raw(0x77, 8));
    expect(refusal(client)).toEqual({ error: "UNKNOWN_TYPE", type: 0x77, text: "type 0x77: no message of that type" });
    const other = new LoopbackClient();
    other.hello();
    other.sendBytes(encodeMessage("WAIT_REPLY", { time_ps: 0, vectors: 0, pending: 0 }));
    expect(refusal(other)).toEqual({ error: "UNKNOWN_TYPE", type: 0x88, text: "type 0x88: no message of that type is sent by the client (WAIT_REPLY is the server's)" });
  });

  test("WRONG_LENGTH: a fixed message of another length, a tail out of its bounds", () => {
    const client = new LoopbackClient();
    client.hello();
    client.sendBytes(raw(0x04, 12));
    expect(refusal(client)).toEqual({ error: "WRONG_LENGTH", type: 0x04, text: "MMIO_WRITE.length: 12 bytes; MMIO_WRITE is 16" });
    const longer = new LoopbackClient();
    longer.hello();
    longer.sendBytes(raw(0x03, 16));
    expect(refusal(longer)).toEqual({ error: "WRONG_LENGTH", type: 0x03, text: "MMIO_READ.length: 16 bytes; MMIO_READ is 12" });
    const tail = new LoopbackClient();
    tail.hello();
    tail.sendBytes(encodeMessage("PEER_SA", { spi: 0x1001, source: 1, destination: 2, direction: 0, icv_bytes: 16, key_material: new Uint8Array(20) }).subarray(0, 8 + 14 + 19).map((byte, index) => (index === 0 ? 8 + 14 + 19 : byte)));
    expect(refusal(tail)).toEqual({ error: "WRONG_LENGTH", type: 0x0a, text: "PEER_SA.key_material: 19 bytes; expected 20 or 36" });
  });

  test("BAD_VALUE: a field the message does not allow, named; key bytes are never shown", () => {
    const cases: Array<[Uint8Array, string]> = [
      [encodeMessage("WAIT_INTERRUPT", { timeout_ps: 1000, mask: 0b100 }), "WAIT_INTERRUPT.mask: 0x4 names vectors beyond the device's 0 to 1"],
      [encodeMessage("ALLOCATE", { bytes: 64, alignment: 3, label: "ring" }), "ALLOCATE.alignment: 3 is not a power of two"],
      [encodeMessage("ALLOCATE", { bytes: 0, alignment: 64, label: "ring" }), "ALLOCATE.bytes: 0; expected 1 to 1073741824"],
      // A label or name with a control character is refused: printed, it would act on the server's terminal (from a driver developer's check).
      [encodeMessage("ALLOCATE", { bytes: 64, alignment: 64, label: "ring\u001b[31mRED" }), "ALLOCATE.label: a control character (U+001B) at character 4"],
      [encodeMessage("ALLOCATE", { bytes: 64, alignment: 64, label: "ring\nDMA_UNMAPPED: forged" }), "ALLOCATE.label: a control character (U+000A) at character 4"],
      [encodeMessage("ALLOCATE", { bytes: 64, alignment: 64, label: "ring\u202egnir" }), "ALLOCATE.label: a control character (U+202E) at character 4"],
      [encodeMessage("PEER_SA", { spi: 0x1001, source: 1, destination: 2, direction: 0, icv_bytes: 10, key_material: new Uint8Array(20).fill(0xab) }), "PEER_SA.icv_bytes: 10; expected one of 8, 12, 16"],
      [encodeMessage("PEER_SEND", { gap_ps: 1000, count: 5, bytes: 200, traffic_class: 0, esp: 1 }), "PEER_SEND.esp: 1, but the peer has no peer-to-host SA (PEER_SA with direction 1)"],
    ];
    for (const [bytes, text] of cases) {
      const client = new LoopbackClient({ parameters: { "top.nic.queues": 1 } });
      client.hello();
      client.sendBytes(bytes);
      const refused = refusal(client);
      expect(refused).toEqual({ error: "BAD_VALUE", type: bytes[4], text });
      // The key material is 0xab bytes: neither in hex nor as a number (a label's letters may hold "ab").
      expect(refused.text).not.toMatch(/abab|0xab|171/i);
    }
  });

  // From an auditor's check: two keys under one SPI and destination were both taken, the peer decrypting with the second while the key file's first line (Wireshark's) held the first.
  test("BAD_VALUE: a PEER_SA whose SPI and destination an earlier one gave (either direction), whatever its key", () => {
    const client = new LoopbackClient({ parameters: { "top.nic.queues": 1 } });
    client.hello();
    client.send("PEER_SA", { spi: 0x1001, source: 0xc0000201, destination: 0xc0000202, direction: 0, icv_bytes: 16, key_material: new Uint8Array(20).fill(0xab) });
    // Another destination, or another SPI, is another SA.
    client.send("PEER_SA", { spi: 0x1001, source: 0xc0000202, destination: 0xc0000201, direction: 1, icv_bytes: 16, key_material: new Uint8Array(20).fill(0xab) });
    client.send("PEER_SA", { spi: 0x1002, source: 0xc0000201, destination: 0xc0000202, direction: 0, icv_bytes: 16, key_material: new Uint8Array(20).fill(0xab) });
    client.sendBytes(encodeMessage("PEER_SA", { spi: 0x1001, source: 0xc0000201, destination: 0xc0000202, direction: 1, icv_bytes: 16, key_material: new Uint8Array(20).fill(0xcd) }));
    const refused = refusal(client);
    expect(refused).toEqual({ error: "BAD_VALUE", type: 0x0a, text: "PEER_SA.spi: 0x1001 to 192.0.2.2 is given already (an earlier PEER_SA): an SPI and destination name one SA" });
    expect(refused.text).not.toMatch(/abab|cdcd|0xab|0xcd/i);
    // The peer decrypts by SPI alone: a second host-to-peer SA under an SPI it has, to another destination, would replace the first's key (a re-check's).
    const again = new LoopbackClient({ parameters: { "top.nic.queues": 1 } });
    again.hello();
    again.send("PEER_SA", { spi: 0x1001, source: 0xc0000201, destination: 0xc000020a, direction: 0, icv_bytes: 16, key_material: new Uint8Array(20).fill(0xab) });
    again.sendBytes(encodeMessage("PEER_SA", { spi: 0x1001, source: 0xc0000201, destination: 0xc0000263, direction: 0, icv_bytes: 16, key_material: new Uint8Array(20).fill(0xcd) }));
    expect(refusal(again)).toEqual({ error: "BAD_VALUE", type: 0x0a, text: "PEER_SA.spi: 0x1001 (host to peer) is given already (an earlier PEER_SA): the peer tells the SAs it decrypts under apart by SPI" });
  });

  test("SIMULATION at the end of the model's time (2^53 ps): a message that would happen later is refused in words, and the files are written (a register read's reply there failed as 'time_ps ... is not a u64', its files left partial; from a driver developer's check)", () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-end-of-time-"));
    const client = new LoopbackClient({ parameters: { "top.nic.queues": 1 }, directory });
    client.hello();
    // Up to a little before the end: a wait is served, the next message's call would pass it.
    // HELLO and WAIT each take a call of 20 ns: the wait ends 10 ns before the end, and the next call would pass it.
    expect(client.request("WAIT", { duration_ps: Number.MAX_SAFE_INTEGER - 50_000 })).toMatchObject({ name: "WAIT_REPLY", values: { time_ps: Number.MAX_SAFE_INTEGER - 10_000 } });
    client.send("MMIO_READ", { offset: R.STATUS });
    expect(refusal(client)).toEqual({ error: "SIMULATION", type: 0x03, text: "MMIO_READ: the model's time has run out: it ends at 9007199254740991 ps (2^53 - 1 ps), and the message would happen after that" });
    expect(client.result?.summary.files.length).toBeGreaterThan(0);
    // A read made in time whose reply would come after the end: said as such, and ended as any message past the end (it ended as the model's failure; from a driver developer's check).
    const late = new LoopbackClient({ parameters: { "top.nic.queues": 1 } });
    late.hello();
    late.request("WAIT", { duration_ps: Number.MAX_SAFE_INTEGER - 65_000 });
    const error = late.request("MMIO_READ", { offset: R.STATUS }) as Extract<Message, { name: "ERROR" }>;
    const lateText = "MMIO_READ: the model's time has run out: it ends at 9007199254740991 ps (2^53 - 1 ps), and its reply would come after that";
    expect(error.values).toMatchObject({ code: 8, message: lateText });
    expect(late.result?.summary.ending).toEqual({ kind: "protocol-error", error: "SIMULATION", message: lateText, text: `protocol error SIMULATION: ${lateText}` });
    expect(client.result?.summary.ending.kind).toBe("protocol-error");
    // At the end itself, GOODBYE still ends the run as a client's goodbye (it was refused as any other message).
    const last = new LoopbackClient({ parameters: { "top.nic.queues": 1 } });
    last.hello();
    last.request("WAIT", { duration_ps: Number.MAX_SAFE_INTEGER - 40_000 });
    expect(last.request("GOODBYE", {})).toMatchObject({ name: "GOODBYE_REPLY", values: { time_ps: Number.MAX_SAFE_INTEGER } });
    expect(last.result?.summary.ending.kind).toBe("goodbye");
    // The summary says the time exactly: nanoseconds as a number there lose the picoseconds, which the printed line showed.
    expect(last.result?.summary.simulatedPicoseconds).toBe(Number.MAX_SAFE_INTEGER);
    expect(formatServeSummary(last.result!.summary).split("\n")[0]).toContain("(seed 1, 9007199254740991 ps simulated");
    // A register write posted just before the end would land after it: it never does, and the goodbye stays one (the run failed, 'until … must be an integer time'; from a protocol fuzzer's check).
    for (const leaving of ["goodbye", "disconnect"] as const) {
      const posted = new LoopbackClient({ parameters: { "top.nic.queues": 1 } });
      posted.hello();
      posted.request("WAIT", { duration_ps: Number.MAX_SAFE_INTEGER - 140_000 });
      posted.send("MMIO_WRITE", { offset: R.TDT(0), value: 1 });
      if (leaving === "goodbye") expect(posted.request("GOODBYE", {})).toMatchObject({ name: "GOODBYE_REPLY" });
      else posted.disconnect();
      expect(posted.result?.summary.ending.kind).toBe(leaving === "goodbye" ? "goodbye" : "disconnected");
    }
  });

  test("VERSION: a HELLO of another major version; ORDER: anything before HELLO, or a second HELLO", () => {
    const client = new LoopbackClient();
    expect(client.request("HELLO", { magic: 0x4d49534e, major: 2, minor: 0, client_name: "future" }).name).toBe("ERROR");
    expect(refusal(client)).toEqual({ error: "VERSION", type: 0x01, text: "HELLO.major: the client speaks version 2.0, the server 1.0" });
    const early = new LoopbackClient();
    early.send("MMIO_WRITE", { offset: R.CTRL, value: 3 });
    expect(refusal(early)).toEqual({ error: "ORDER", type: 0x04, text: "MMIO_WRITE: the first message must be HELLO" });
    const twice = new LoopbackClient();
    twice.hello();
    twice.hello();
    expect(refusal(twice)).toEqual({ error: "ORDER", type: 0x01, text: "HELLO: a second HELLO on one connection (HELLO is its first message only)" });
    const magic = new LoopbackClient();
    magic.request("HELLO", { magic: 0x12345678, major: 1, minor: 0, client_name: "" });
    expect(refusal(magic)).toEqual({ error: "BAD_VALUE", type: 0x01, text: "HELLO.magic: 0x12345678; expected 0x4d49534e" });
  });

  test("MEMORY: a write past a region is refused in the in-process memory guard's words, naming the region", () => {
    const client = new LoopbackClient();
    client.hello();
    const reply = client.request("ALLOCATE", { bytes: 256, alignment: 128, label: "my tx ring" }) as Extract<Message, { name: "ALLOCATE_REPLY" }>;
    client.send("MEMORY_WRITE", { address: reply.values.address + 256, data: new Uint8Array(32) });
    const inProcess = new HostMemory({ guard: true });
    const address = inProcess.allocate(256, "my tx ring", 128);
    expect(address).toBe(reply.values.address);
    let guard = "";
    try {
      inProcess.write(address + 256, new Uint8Array(32));
    } catch (error) {
      guard = (error as Error).message;
    }
    expect(guard).toContain("red zone 0 bytes after the end of 'my tx ring'");
    expect(refusal(client)).toEqual({ error: "MEMORY", type: 0x06, text: `MEMORY_WRITE.address: ${guard}` });
  });

  test("the same bytes in any chunks give the same answers (one byte at a time here)", () => {
    const whole = new LoopbackClient();
    const bytes = [encodeMessage("HELLO", { magic: 0x4d49534e, major: 1, minor: 0, client_name: "chunks" }), encodeMessage("MMIO_READ", { offset: R.STATUS }), encodeMessage("WAIT", { duration_ps: 5000 }), raw(0x04, 12)];
    for (const message of bytes) whole.sendBytes(message);
    const bytewise = new LoopbackClient();
    for (const message of bytes) for (const byte of message) bytewise.sendBytes(Uint8Array.of(byte));
    expect(bytewise.received).toEqual(whole.received);
    expect(whole.received.map((message) => message.name)).toEqual(["HELLO_REPLY", "MMIO_READ_REPLY", "WAIT_REPLY", "ERROR"]);
  });
});

describe("a client that goes away ends the run cleanly", () => {
  test("a disconnect in the middle of a message: the waveform and capture are closed, every file written, the summary says what happened", () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-serve-disconnect-"));
    const client = new LoopbackClient({ name: "gone", directory, waveform: true, pcap: true });
    client.hello();
    client.send("MMIO_WRITE", { offset: R.CTRL, value: 3 });
    client.request("WAIT", { duration_ps: 3_000_000 });
    client.sendBytes(encodeMessage("MMIO_WRITE", { offset: R.IMS, value: 1 }).subarray(0, 11));
    client.disconnect();
    const summary = JSON.parse(readFileSync(join(directory, "gone.summary.json"), "utf8"));
    expect(summary.ending).toEqual({ kind: "disconnected", cutOff: "11 of the 16 bytes of a message of type 0x4", text: "the client disconnected without GOODBYE, in the middle of a message (11 of the 16 bytes of a message of type 0x4)" });
    // Three calls of 20 ns (HELLO, MMIO_WRITE, WAIT) and the 3 µs wait: the half-sent message took no time.
    expect(summary.simulatedNanoseconds).toBe(3060);
    expect(summary.simulatedPicoseconds).toBe(3_060_000);
    expect(checkVcd(readFileSync(join(directory, "gone.vcd"), "utf8")).endMarker).toBe(true);
    expect(readFileSync(join(directory, "gone.pcap")).readUInt32LE(0)).toBe(0xa1b23c4d);
    expect(readFileSync(join(directory, "gone.gtkw"), "utf8")).toContain("gone.vcd");
  });
});

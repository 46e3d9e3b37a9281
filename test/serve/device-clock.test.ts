import { expect, test } from "vitest";
import { TX_COMMAND_FIELDS, TX_DESCRIPTOR } from "../../hw/spec/descriptors.js";
import * as R from "../../hw/spec/registers.js";
import { sequencedFrame } from "../../sim/packet/test-frames.js";
import type { Message } from "../../system/serve/protocol-codec.js";
import { LoopbackClient } from "./loopback-client.js";

type Reply<N extends Message["name"]> = Extract<Message, { name: N }>["values"];

test("time by one rule: each call costs its CPU time, a read its round trip, a wait its duration; an interrupt ends a wait at its own time and stays latched until a wait for its vector", () => {
  const client = new LoopbackClient({ parameters: { "top.nic.queues": 1 }, callPicoseconds: 50_000 });
  expect((client.hello().values as Reply<"HELLO_REPLY">).time_ps).toBe(50_000);
  // A read: 50 ns of call, then the 800 ns round trip.
  expect((client.request("MMIO_READ", { offset: R.STATUS }).values as Reply<"MMIO_READ_REPLY">).time_ps).toBe(900_000);
  const ring = (client.request("ALLOCATE", { bytes: 8 * 32, alignment: 128, label: "ring" }).values as Reply<"ALLOCATE_REPLY">).address;
  const buffer = (client.request("ALLOCATE", { bytes: 256, alignment: 64, label: "buffer" }).values as Reply<"ALLOCATE_REPLY">).address;
  const frame = sequencedFrame("to-peer", 0, 0, 200);
  client.send("MEMORY_WRITE", { address: buffer, data: frame });
  client.send("MEMORY_WRITE", { address: ring, data: TX_DESCRIPTOR.encode({ bufferAddress: buffer, length: frame.length, command: TX_COMMAND_FIELDS.pack({ EOP: 1, RS: 1 }) }) });
  for (const [offset, value] of [[R.TDBAL(0), ring % 2 ** 32], [R.TDBAH(0), Math.floor(ring / 2 ** 32)], [R.TDLEN(0), 256], [R.TXDCTL(0), R.QUEUE_ENABLE], [R.IMS, R.causeTxDone(0)], [R.CTRL, R.CTRL_TX_ENABLE]] as const) client.send("MMIO_WRITE", { offset, value });
  // Eleven calls since the read (two allocations, two memory writes, seven register writes with the doorbell); the wait starts after its own.
  const before = 900_000 + 11 * 50_000;
  client.send("MMIO_WRITE", { offset: R.TDT(0), value: 1 });
  const first = client.request("WAIT_INTERRUPT", { timeout_ps: 1_000_000_000, mask: 0b1 }).values as Reply<"WAIT_REPLY">;
  expect(first.vectors).toBe(0b1);
  expect(first.time_ps).toBeGreaterThan(before + 50_000);
  expect(first.time_ps).toBeLessThan(before + 10_000_000);
  expect(client.run.design.top.nic.interrupts.fired[0]).toBe(1);
  // The descriptor's write-back reached the client before the reply (DD in its copy of the ring).
  const update = client.received.find((message): message is Extract<Message, { name: "MEMORY_UPDATE" }> => message.name === "MEMORY_UPDATE" && message.values.address <= ring + 28 && ring + 28 < message.values.address + message.values.data.length)!;
  expect(update.values.data[ring + 28 - update.values.address]! & 1).toBe(1);
  // Nothing more comes: a wait times out at its deadline, delivering nothing.
  const second = client.request("WAIT_INTERRUPT", { timeout_ps: 5_000_000, mask: 0b1 }).values as Reply<"WAIT_REPLY">;
  expect(second).toEqual({ time_ps: first.time_ps + 50_000 + 5_000_000, vectors: 0, pending: 0 });
  // An interrupt that fires while the client does something else stays latched: the next wait for it returns at once.
  client.send("MMIO_WRITE", { offset: R.IMS, value: R.causeTxDone(0) });
  client.send("MMIO_WRITE", { offset: R.ICS, value: R.causeTxDone(0) });
  const waited = client.request("WAIT", { duration_ps: 10_000_000 }).values as Reply<"WAIT_REPLY">;
  expect(waited.pending).toBe(0b1);
  const latched = client.request("WAIT_INTERRUPT", { timeout_ps: 1_000_000_000, mask: 0b1 }).values as Reply<"WAIT_REPLY">;
  expect(latched).toEqual({ time_ps: waited.time_ps + 50_000, vectors: 0b1, pending: 0 });
});

// From an outside check: GOODBYE was answered before the writes posted before it reached the device, so the driver never heard of its last
// doorbell's error (it came only in the summary), and the reply's time was 380 ns before the run's end.
test("GOODBYE's reply comes once the writes posted before it have reached the device: what they caused comes with it, and its time is the run's end", () => {
  const client = new LoopbackClient({ parameters: { "top.nic.queues": 1 }, callPicoseconds: 20_000 });
  client.hello();
  // TDT of a queue never enabled: the device logs DOORBELL_ON_DISABLED_QUEUE as the write lands.
  client.send("MMIO_WRITE", { offset: R.TDT(0), value: 5 });
  const sent = client.received.length;
  const goodbye = client.request("GOODBYE", {}).values as Reply<"GOODBYE_REPLY">;
  const before = client.received.slice(sent, -1);
  expect(before.filter((message) => message.name === "DIAGNOSTIC").map((message) => (message.values as Reply<"DIAGNOSTIC">).message)).toEqual([expect.stringContaining("DOORBELL_ON_DISABLED_QUEUE")]);
  expect(client.result!.summary.simulatedPicoseconds).toBe(goodbye.time_ps);
});

// From an outside check: a value the codec's range check refused (ALLOCATE of 0 bytes) was not charged its call, one a handler refused
// (an alignment not a power of two) was: the runs' ends differed by a call.
test("a request refused for a value is charged its call whichever check refused it: the codec's range or the handler's", () => {
  const ends = [
    { bytes: 0, alignment: 64 },
    { bytes: 64, alignment: 3 },
  ].map((values) => {
    const client = new LoopbackClient({ parameters: { "top.nic.queues": 1 }, callPicoseconds: 20_000 });
    client.hello();
    expect(client.request("ALLOCATE", { ...values, label: "x" }).name).toBe("ERROR");
    return client.result!.summary.simulatedPicoseconds;
  });
  expect(ends).toEqual([40_000, 40_000]);
});

// From a re-check: a second HELLO with a bad magic was refused BAD_VALUE (and charged its call), one with good values ORDER; a message before
// HELLO with a value out of range BAD_VALUE, not ORDER.
test("a message out of turn is refused as ORDER whatever its values: a second HELLO, or a request before HELLO, with a value out of its range", () => {
  const second = new LoopbackClient({ callPicoseconds: 20_000 });
  second.hello();
  expect(second.request("HELLO", { magic: 1, major: 1, minor: 0, client_name: "again" })).toMatchObject({ name: "ERROR", values: { code: 6 } });
  expect(second.result!.summary.simulatedPicoseconds).toBe(20_000);
  const early = new LoopbackClient({ callPicoseconds: 20_000 });
  const refused = early.request("ALLOCATE", { bytes: 0, alignment: 64, label: "x" });
  expect(refused).toMatchObject({ name: "ERROR", values: { message: "ALLOCATE: the first message must be HELLO" } });
  expect(early.result!.summary.simulatedPicoseconds).toBe(0);
});

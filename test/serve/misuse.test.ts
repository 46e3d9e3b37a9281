import { expect, test } from "vitest";
import { DESCRIPTOR_BYTES, TX, TX_COMMAND_FIELDS, TX_DESCRIPTOR } from "../../hw/spec/descriptors.js";
import { ErrorCode, NO_INDEX, NO_QUEUE } from "../../hw/spec/errors.js";
import * as R from "../../hw/spec/registers.js";
import { delay } from "../../sim/process.js";
import { us } from "../../sim/time.js";
import { buildNic } from "../../system/hardware.js";
import type { Message } from "../../system/serve/protocol-codec.js";
import { LoopbackClient } from "./loopback-client.js";

/** What a misbehaving driver does, step by step: register reads and waits are yielded (they take time), the rest is done through `io`. */
type Step = { readonly read: number } | { readonly wait: number };
interface DriverIo {
  write(offset: number, value: number): void;
  allocate(bytes: number, alignment: number, label: string): number;
  memoryWrite(address: number, bytes: Uint8Array): void;
}

/** Two mistakes: a doorbell past the ring, then a zero-length TX buffer; the error log is read back after each. */
function* misbehave(io: DriverIo, seen: number[]): Generator<Step, number, number> {
  const ring = io.allocate(8 * DESCRIPTOR_BYTES, R.RING_ALIGNMENT, "bad ring");
  io.write(R.TDBAL(0), ring % 2 ** 32);
  io.write(R.TDBAH(0), Math.floor(ring / 2 ** 32));
  io.write(R.TDLEN(0), 8 * DESCRIPTOR_BYTES);
  io.write(R.TXDCTL(0), R.QUEUE_ENABLE);
  io.write(R.CTRL, R.CTRL_TX_ENABLE);
  io.write(R.TDT(0), 9);
  yield { wait: us(2) };
  const buffer = io.allocate(64, 64, "bad buffer");
  io.memoryWrite(ring, TX_DESCRIPTOR.encode({ bufferAddress: buffer, length: 0, command: TX_COMMAND_FIELDS.pack({ EOP: 1, RS: 1 }) }));
  io.write(R.TDT(0), 1);
  yield { wait: us(5) };
  for (const register of [R.ERROR_COUNT, R.ERRLOG_COUNT, R.ERRLOG_CODE, R.ERRLOG_LOCATION, R.ERRLOG_INDEX, R.ERRLOG_VALUE_LO]) seen.push(yield { read: register });
  io.write(R.ERRLOG_POP, 1);
  for (const register of [R.ERRLOG_COUNT, R.ERRLOG_CODE, R.ERRLOG_LOCATION, R.ERRLOG_INDEX, R.ERRLOG_VALUE_LO]) seen.push(yield { read: register });
  return ring;
}

test("driver misuse over the socket is diagnosed exactly as in-process: the same diagnostics, error log registers and descriptor write-back", () => {
  // In-process: the driver is a process on the model's kernel, through the DeviceBus.
  const { kernel, top } = buildNic({ parameters: { "top.nic.queues": 1 } });
  const inProcess: number[] = [];
  let inProcessRing = 0;
  kernel.process("misbehaving", function* () {
    const io: DriverIo = { write: (offset, value) => top.nic.mmioWrite(offset, value), allocate: (bytes, alignment, label) => top.memory.allocate(bytes, label, alignment), memoryWrite: (address, bytes) => top.memory.write(address, bytes) };
    const steps = misbehave(io, inProcess);
    for (let step = steps.next(0); ; ) {
      if (step.done) {
        inProcessRing = step.value;
        return;
      }
      step = "read" in step.value ? steps.next((yield top.nic.mmioRead(step.value.read)) as number) : (yield delay(step.value.wait), steps.next(0));
    }
  });
  kernel.run({ until: us(50) });

  // Over the protocol: the same steps as messages.
  const client = new LoopbackClient({ parameters: { "top.nic.queues": 1 } });
  client.hello();
  const overSocket: number[] = [];
  const io: DriverIo = {
    write: (offset, value) => client.send("MMIO_WRITE", { offset, value }),
    allocate: (bytes, alignment, label) => (client.request("ALLOCATE", { bytes, alignment, label }) as Extract<Message, { name: "ALLOCATE_REPLY" }>).values.address,
    memoryWrite: (address, data) => client.send("MEMORY_WRITE", { address, data }),
  };
  const steps = misbehave(io, overSocket);
  let ring = 0;
  for (let step = steps.next(0); ; ) {
    if (step.done) {
      ring = step.value;
      break;
    }
    if ("read" in step.value) step = steps.next((client.request("MMIO_READ", { offset: step.value.read }) as Extract<Message, { name: "MMIO_READ_REPLY" }>).values.value);
    else {
      client.request("WAIT", { duration_ps: step.value.wait });
      step = steps.next(0);
    }
  }

  const served = client.run.design.top.nic.diagnostics;
  expect(served.map((diagnostic) => diagnostic.message)).toEqual([
    "TAIL_BEYOND_RING: TX queue 0, descriptors in the ring (TDLEN / 32) = 8: A tail write (doorbell) named a descriptor index at or past the ring length; the write is ignored (value: the ring's length in descriptors; the tail written is not logged, since a misdirected write, an SA record staged at the wrong offset, can carry key bytes)",
    expect.stringMatching(/^ZERO_LENGTH_BUFFER: TX queue 0, descriptor 0, LENGTH = 0: /),
  ]);
  expect(served.map(({ code, message, queue, index, field, value }) => ({ code, message, queue, index, field, value }))).toEqual(top.nic.diagnostics.map(({ code, message, queue, index, field, value }) => ({ code, message, queue, index, field, value })));
  // The driver's reads of ERROR_COUNT and the ERRLOG registers, before and after a pop, are the same.
  expect(overSocket).toEqual(inProcess);
  expect(overSocket.slice(0, 3)).toEqual([2, 2, 1]);
  // The descriptor written back with the code, in the client's copy (MEMORY_UPDATE) as in-process memory.
  const updates = client.received.filter((message): message is Extract<Message, { name: "MEMORY_UPDATE" }> => message.name === "MEMORY_UPDATE");
  const writeBack = updates.find((update) => update.values.address <= ring + TX.STATUS && ring + TX.STATUS < update.values.address + update.values.data.length)!;
  const offset = ring + TX.STATUS - writeBack.values.address;
  expect([...writeBack.values.data.subarray(offset, offset + 2)]).toEqual([...top.memory.read(inProcessRing + TX.STATUS, 2)]);
  expect([...top.memory.read(inProcessRing + TX.STATUS, 2)]).toEqual([1, 2]);
  // And the client was told in words, before the replies that followed.
  expect(client.received.filter((message) => message.name === "DIAGNOSTIC").map((message) => (message.values as { message: string }).message)).toEqual(served.map((diagnostic) => diagnostic.message));
});

test("a ring running past its region: DMA_UNMAPPED names the first descriptor outside mapped memory and the fetch it was in; TDFAULT the fetch's first", () => {
  const client = new LoopbackClient({ parameters: { "top.nic.queues": 1 } });
  client.hello();
  const reply = <N extends Message["name"]>(message: Message) => message.values as Extract<Message, { name: N }>["values"];
  // A region of 10 descriptors, a ring of 16: descriptors 10 to 15 lie in the red zone after it.
  const ring = reply<"ALLOCATE_REPLY">(client.request("ALLOCATE", { bytes: 10 * DESCRIPTOR_BYTES, alignment: R.RING_ALIGNMENT, label: "short ring" })).address;
  const buffer = reply<"ALLOCATE_REPLY">(client.request("ALLOCATE", { bytes: 128, alignment: 64, label: "buffer" })).address;
  for (let index = 0; index < 10; index++) client.send("MEMORY_WRITE", { address: ring + index * DESCRIPTOR_BYTES, data: TX_DESCRIPTOR.encode({ bufferAddress: buffer, length: 64, command: TX_COMMAND_FIELDS.pack({ EOP: 1 }) }) });
  for (const [offset, value] of [[R.TDBAL(0), ring % 2 ** 32], [R.TDBAH(0), Math.floor(ring / 2 ** 32)], [R.TDLEN(0), 16 * DESCRIPTOR_BYTES], [R.TXDCTL(0), R.QUEUE_ENABLE], [R.CTRL, R.CTRL_TX_ENABLE], [R.TDT(0), 15]] as const) client.send("MMIO_WRITE", { offset, value });
  client.request("WAIT", { duration_ps: us(5) });
  const unmapped = client.run.design.top.nic.diagnostics.filter((diagnostic) => diagnostic.code === "DMA_UNMAPPED");
  expect(unmapped.map((diagnostic) => diagnostic.message)).toEqual([
    `DMA_UNMAPPED: TX queue 0, descriptor 10, address of the descriptor (ring at TDBAL + 32 × index; the first outside mapped memory of the fetch of descriptors 8 to 14) = 0x${(ring + 10 * DESCRIPTOR_BYTES).toString(16)}: A DMA address outside mapped host memory; the access is not made (value: the address; 0 where it is far from every allocation, and where it lies is said instead)`,
  ]);
  const read = (offset: number) => reply<"MMIO_READ_REPLY">(client.request("MMIO_READ", { offset })).value;
  expect(R.decodeQueueFault(read(R.TDFAULT(0)))).toEqual({ code: ErrorCode.DMA_UNMAPPED, index: 8 });
  expect(read(R.ERRLOG_INDEX)).toBe(10);
  // The frames of the fetch before the failed one are sent: the fault takes the failed fetch's, from TDFAULT's index on. Refused a cycle
  // after it was asked for, ahead of the fetch before it, it took frames 0 to 7 with it, unsent and counted nowhere (a driver developer's check).
  expect(read(R.TDH(0))).toBe(8);
  expect(client.run.design.top.peer.receivedFrames).toBe(8);
  // Emptied, the log names no descriptor: 0 would be descriptor 0's index.
  while (read(R.ERRLOG_COUNT) > 0) client.send("MMIO_WRITE", { offset: R.ERRLOG_POP, value: 1 });
  expect([read(R.ERRLOG_INDEX), read(R.ERRLOG_LOCATION)]).toEqual([NO_INDEX, NO_QUEUE]);
});

test("TX frames a client gives up by enabling their ring again are counted (posted, never sent, and counted nowhere: sent 6 + dropped 0 of 30; from a driver developer's check)", () => {
  const client = new LoopbackClient({ parameters: { "top.nic.queues": 1 } });
  client.hello();
  const reply = <N extends Message["name"]>(message: Message) => message.values as Extract<Message, { name: N }>["values"];
  const ring = reply<"ALLOCATE_REPLY">(client.request("ALLOCATE", { bytes: 32 * DESCRIPTOR_BYTES, alignment: R.RING_ALIGNMENT, label: "ring" })).address;
  const buffer = reply<"ALLOCATE_REPLY">(client.request("ALLOCATE", { bytes: 1500, alignment: 64, label: "buffer" })).address;
  const posted = 30;
  for (let index = 0; index < posted; index++) client.send("MEMORY_WRITE", { address: ring + index * DESCRIPTOR_BYTES, data: TX_DESCRIPTOR.encode({ bufferAddress: buffer, length: 1500, command: TX_COMMAND_FIELDS.pack({ EOP: 1, RS: 1 }) }) });
  for (const [offset, value] of [[R.TDBAL(0), ring % 2 ** 32], [R.TDBAH(0), Math.floor(ring / 2 ** 32)], [R.TDLEN(0), 32 * DESCRIPTOR_BYTES], [R.TXDCTL(0), R.QUEUE_ENABLE], [R.CTRL, R.CTRL_TX_ENABLE], [R.TDT(0), posted]] as const) client.send("MMIO_WRITE", { offset, value });
  client.request("WAIT", { duration_ps: us(1) });
  // Disabled with frames posted: the device drops the descriptors it holds and finishes the frames it started.
  client.send("MMIO_WRITE", { offset: R.TXDCTL(0), value: 0 });
  client.request("WAIT", { duration_ps: us(20) });
  const ringState = client.run.design.top.nic.tx.queues[0]!.ring;
  const pendingWhenDisabled = ringState.pending;
  expect(pendingWhenDisabled).toBeGreaterThan(0);
  expect(ringState.abandoned).toBe(0);
  client.send("MMIO_WRITE", { offset: R.TXDCTL(0), value: R.QUEUE_ENABLE });
  client.request("WAIT", { duration_ps: us(1) });
  const sent = client.run.design.top.nic.statistics.txPackets[0]!;
  expect(ringState.pending).toBe(0);
  expect(ringState.abandoned).toBe(pendingWhenDisabled);
  expect(sent + ringState.abandoned).toBe(posted);
});

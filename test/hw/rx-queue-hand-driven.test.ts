import { describe, expect, test } from "vitest";
import { buildNic, delay, diagnostics, ns, registers as R, sequencedFrame, us } from "../../index.js";
import { DESCRIPTOR_BYTES, RX_DESCRIPTOR, RX_STATUS_FIELDS, RX_WRITE_BACK } from "../../hw/spec/descriptors.js";
import { DROP_REASON_CODE, DROP_REASON_COUNT } from "../../hw/spec/drop-reasons.js";
import { encodeSaRecord } from "../../hw/spec/sa-record.js";
import { NobleBackend } from "../../sim/crypto/noble-backend.js";
import { EspOutbound, spi } from "../../sim/ipsec/esp.js";
import { ethernetFrame, HOST_MAC, PEER_MAC } from "../../sim/packet/ethernet.js";
import { ipv4Address, ipv4Packet, PROTOCOL_ESP } from "../../sim/packet/ipv4.js";
import { sequencedPacket } from "../../sim/packet/test-frames.js";
import type { NicHardware } from "../../system/nic-system.js";

/**
 * RX queue 0 driven by hand, as a driver developer's own driver would (from their check): the ring
 * reconfigured under a frame the device holds, the ring freed under its write-backs, an RX SA
 * invalidated while its packets are in the NIC.
 */
function rxRing(top: NicHardware, descriptors: number, bufferBytes: number) {
  const ring = top.memory.allocate(descriptors * DESCRIPTOR_BYTES, "rx ring", R.RING_ALIGNMENT);
  for (let index = 0; index < descriptors; index++) {
    top.memory.write(ring + index * DESCRIPTOR_BYTES, RX_DESCRIPTOR.encode({ bufferAddress: top.memory.allocate(bufferBytes, `rx buffer ${index}`) }));
  }
  const { low, high } = R.registerHalves(ring);
  top.nic.mmioWrite(R.RDBAL(0), low);
  top.nic.mmioWrite(R.RDBAH(0), high);
  top.nic.mmioWrite(R.RDLEN(0), descriptors * DESCRIPTOR_BYTES);
  top.nic.mmioWrite(R.SRRCTL(0), bufferBytes);
  top.nic.mmioWrite(R.RXDCTL(0), R.QUEUE_ENABLE);
  top.nic.mmioWrite(R.CTRL, R.CTRL_RX_ENABLE);
  const writeBack = (index: number) => RX_WRITE_BACK.decode(top.memory.read(ring + index * DESCRIPTOR_BYTES + RX_WRITE_BACK.at, RX_WRITE_BACK.bytes));
  return { ring, writeBack };
}

describe("RX queue driven by hand", () => {
  test("a frame held while the ring had no buffers, which the ring enabled again with smaller buffers can never take, is dropped as RX_RING_TOO_SHORT: the frames behind it are delivered (it wedged the queue for ever)", () => {
    const { kernel, top } = buildNic({ parameters: { "top.nic.queues": 1 } });
    const counted: number[] = [];
    kernel.process("driver", function* () {
      rxRing(top, 16, 2048);
      yield delay(us(1));
      // 5 buffers of 2048 bytes: it fits the ring, and waits for buffers (none posted).
      top.peer.send(sequencedFrame("to-host", 0, 0, 9000));
      yield delay(us(10));
      top.nic.mmioWrite(R.RXDCTL(0), 0);
      // 512-byte buffers: 18 of them, more than a ring of 16 can ever hand over.
      top.nic.mmioWrite(R.SRRCTL(0), 512);
      top.nic.mmioWrite(R.RXDCTL(0), R.QUEUE_ENABLE);
      top.nic.mmioWrite(R.RDT(0), 15);
      yield delay(us(1));
      for (let sequence = 1; sequence <= 10; sequence++) top.peer.send(sequencedFrame("to-host", 0, sequence, 500));
      yield delay(us(40));
      // What the driver reads of it: DROP_COUNT by reason.
      for (let code = 0; code < DROP_REASON_COUNT; code++) counted.push((yield top.nic.mmioRead(R.DROP_COUNT(code))) as number);
    });
    kernel.run({ until: us(60) });
    expect(top.nic.statistics.rxPackets[0]).toBe(10);
    expect(diagnostics(top.nic).drops).toEqual({ RX_RING_TOO_SHORT: 1 });
    expect(counted).toEqual(counted.map((_, code) => (code === DROP_REASON_CODE.RX_RING_TOO_SHORT ? 1 : 0)));
    expect(top.nic.rx.queues[0]!.frames).toHaveLength(0);
    expect(top.nic.rx.bufferUsed.value).toBe(0);
  });

  test("a ring freed under its descriptors' write-backs: each failure names its descriptor, and the frames are counted as RX_DMA_ERROR, not received", () => {
    const { kernel, top } = buildNic({ parameters: { "top.nic.queues": 1 } });
    kernel.process("driver", function* () {
      const { ring } = rxRing(top, 8, 2048);
      top.nic.mmioWrite(R.RDT(0), 7);
      yield delay(us(1));
      top.peer.send(sequencedFrame("to-host", 0, 0, 1000));
      top.peer.send(sequencedFrame("to-host", 0, 1, 1000));
      // Once the device has taken both frames' buffers (RDH moved), their write-backs are on their way.
      while (top.nic.rx.ring(0).head < 2) yield delay(ns(1));
      top.memory.free(ring);
    });
    kernel.run({ until: us(40) });
    expect(top.nic.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.field, diagnostic.index])).toEqual([
      ["DMA_UNMAPPED", "DESCRIPTOR", 0],
      ["DMA_UNMAPPED", "DESCRIPTOR", 1],
    ]);
    expect(diagnostics(top.nic).errors[0]).toContain("RX queue 0, descriptor 0, descriptor write-back");
    expect(diagnostics(top.nic).drops).toEqual({ RX_DMA_ERROR: 2 });
    expect(top.nic.statistics.rxPackets[0]).toBe(0);
  });

  test("an RX SA invalidated while its packets wait for the crypto engine: those not yet decrypted come as misses naming no SA (SA_HANDLE 0), those decrypted before it with their handle", () => {
    const { kernel, top } = buildNic({ parameters: { "top.nic.queues": 1 } });
    const source = ipv4Address("192.0.2.2");
    const destination = ipv4Address("192.0.2.1");
    const sa = { spi: spi(0x2001), keyMaterial: Uint8Array.from({ length: 20 }, (_, index) => index + 1), icvLength: 16 as const, esn: false };
    const outbound = new EspOutbound(new NobleBackend(), sa);
    const frames = Array.from({ length: 40 }, (_, sequence) => ethernetFrame(HOST_MAC, PEER_MAC, ipv4Packet({ source, destination, protocol: PROTOCOL_ESP }, outbound.encapsulate(sequencedPacket("to-host", 0, sequence, 1400), 4))));
    let ring!: ReturnType<typeof rxRing>;
    kernel.process("driver", function* () {
      ring = rxRing(top, 64, 2048);
      const record = encodeSaRecord({ uniqueId: 1, protocol: 50, direction: 1, spi: sa.spi, esn: false, qosGroup: null, icvLength: 16, keyMaterial: sa.keyMaterial, source: Uint8Array.from(source), destination: Uint8Array.from(destination) });
      for (let word = 0; word < R.SA_STAGE_WORDS; word++) top.nic.mmioWrite(R.SA_STAGE(word), (record[4 * word]! | (record[4 * word + 1]! << 8) | (record[4 * word + 2]! << 16) | (record[4 * word + 3]! << 24)) >>> 0);
      top.nic.mmioWrite(R.SA_COMMAND, R.SA_COMMAND_INSTALL | R.SA_COMMAND_FIELDS.DIRECTION.place(1) | 0);
      expect(((yield top.nic.mmioRead(R.SA_STATUS)) as number) & R.SA_STATUS_CODE_MASK).toBe(0);
      yield delay(us(1));
      for (const frame of frames) top.peer.send(frame);
      yield delay(us(3));
      top.nic.mmioWrite(R.SA_COMMAND, R.SA_COMMAND_INVALIDATE | R.SA_COMMAND_FIELDS.DIRECTION.place(1) | 0);
      yield delay(us(1));
      top.nic.mmioWrite(R.RDT(0), 63);
    });
    kernel.run({ until: us(100) });
    const written = frames.map((_, index) => ring.writeBack(index));
    const decrypted = written.filter((each) => each.status & RX_STATUS_FIELDS.IPSEC.mask);
    const missed = written.filter((each) => each.status & RX_STATUS_FIELDS.SA_MISS.mask);
    expect(decrypted.length).toBeGreaterThan(0);
    expect(missed.length).toBeGreaterThan(0);
    expect(decrypted.length + missed.length).toBe(frames.length);
    expect(new Set(decrypted.map((each) => each.saHandle))).toEqual(new Set([(1 << 16) | 1]));
    expect(new Set(missed.map((each) => each.saHandle))).toEqual(new Set([0]));
    expect(new Set(written.map((each) => each.spi))).toEqual(new Set([sa.spi]));
  });
});

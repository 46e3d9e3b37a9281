import { describe, expect, test } from "vitest";
import type { SaAccess } from "../../driver/caching/trace.js";
import { ErrorCode } from "../../hw/spec/errors.js";
import { STATUS_DD } from "../../hw/spec/descriptors.js";
import { SA_RECORD_BYTES, SA_RECORD_MAGIC } from "../../hw/spec/sa-record.js";
import * as R from "../../hw/spec/registers.js";
import { read32 } from "../../sim/bytes.js";
import { ETHERNET_HEADER_BYTES, ethernetFrame, macAddress } from "../../sim/packet/ethernet.js";
import { ipv4Packet, PROTOCOL_ESP } from "../../sim/packet/ipv4.js";
import { packetSequence, sequencedFrame, sequencedPacket } from "../../sim/packet/test-frames.js";
import { NobleBackend } from "../../sim/crypto/noble-backend.js";
import { delay } from "../../sim/process.js";
import { us } from "../../sim/time.js";
import type { NicSystem } from "../../system/nic-system.js";
import { HOST_GATEWAY, PEER_GATEWAY } from "../../system/ipsec-setup.js";
import { postIpsec, preparedFrame, raw } from "../support/raw-ipsec.js";
import type { RawQueue } from "../support/raw-queue.js";
import { tunnelledSystem, withRxSaInstalled } from "../support/tunnels.js";

const SIZES = [60, 300, 1514];

/** Both ways, `perCustomer` packets per customer, interleaved; returns the system after the run. */
function exchange(customers: number, perCustomer: number, parameters: Record<string, unknown>) {
  const run = tunnelledSystem(customers, parameters);
  const { kernel, top, peer } = run;
  const sent = { toPeer: [] as Uint8Array[], toHost: [] as Uint8Array[] };
  kernel.process("host", function* () {
    yield top.driver.base.whenReady();
    for (let sequence = 0; sequence < perCustomer; sequence++) {
      for (let customer = 0; customer < customers; customer++) {
        const packet = sequencedPacket("to-peer", customer % 8, sequence * customers + customer, SIZES[(sequence + customer) % 3]!);
        sent.toPeer.push(packet);
        yield* top.driver.intermediate.send(packet);
      }
    }
  });
  kernel.process("peer", function* () {
    yield top.driver.base.whenReady();
    for (let sequence = 0; sequence < perCustomer; sequence++) {
      for (let customer = 0; customer < customers; customer++) {
        const packet = sequencedPacket("to-host", customer % 8, sequence * customers + customer, SIZES[(sequence + 2 * customer) % 3]!);
        sent.toHost.push(packet);
        const end = peer.send(customer, packet);
        // Paced so that the host's four cores keep up (an install runs beside the traffic, at its SA's class).
        yield delay(Math.max(0, end - kernel.now) + 3_000_000);
      }
    }
  });
  kernel.run({ until: us(3000) });
  return { ...run, sent };
}

/** Every packet arrived once, byte-exact, in order per class. */
function expectDelivered(sent: Uint8Array[], delivered: Uint8Array[]) {
  const key = (packet: Uint8Array) => Buffer.from(packet).toString("hex");
  expect(delivered).toHaveLength(sent.length);
  expect(new Set(delivered.map(key))).toEqual(new Set(sent.map(key)));
}

describe("inline IPsec with more SAs than table entries", () => {
  test("driver-programmed fill: installs while entries are free, software after; every packet arrives byte-exact", () => {
    const { top, sent, atPeer, atHost, peer } = exchange(8, 12, { "top.nic.sacache.txEntries": 3, "top.nic.sacache.rxEntries": 3 });
    expectDelivered(sent.toPeer, atPeer);
    expectDelivered(sent.toHost, atHost);
    const counts = top.driver.intermediate.counts;
    expect(counts.hardwareTx + counts.softwareTx).toBe(96);
    expect(counts.hardwareRx + counts.softwareRx).toBe(96);
    expectThreeSasInline(top.driver.intermediate.trace.accesses);
    expect(counts.installs).toBe(6);
    const cache = top.nic.saCache.counts;
    expect(cache.txHits).toBe(counts.hardwareTx);
    expect(cache.rxHits).toBe(counts.hardwareRx);
    expect(cache.rxHits + cache.rxMisses).toBe(96);
    expect(peer.drops.size).toBe(0);
    expect(top.nic.diagnostics).toEqual([]);
  });

  test("pointer fill: the driver still decides which SAs are cached, and hands the NIC only pointers: TX records fetched through descriptors, RX ones through INSTALL_POINTER", () => {
    const { top, sent, atPeer, atHost, peer } = exchange(8, 12, { "top.nic.sacache.txEntries": 3, "top.nic.sacache.rxEntries": 3, "top.driver.base.saFill": "pointer" });
    expectDelivered(sent.toPeer, atPeer);
    expectDelivered(sent.toHost, atHost);
    const counts = top.driver.intermediate.counts;
    expectThreeSasInline(top.driver.intermediate.trace.accesses);
    // Every SA missed first, and the base driver said so ("not in table") for each packet that went to software.
    expect(counts.notInTable).toBe(counts.softwareTx + counts.softwareRx);
    expect(counts.installs).toBe(6);
    const cache = top.nic.saCache.counts;
    // The NIC read each admitted TX record once, through the first descriptor carrying its pointer, into a free entry (its own
    // replacement never ran), and each RX record once, through INSTALL_POINTER.
    expect(cache.fetches).toBe(6);
    expect(cache.installsByFetch).toBe(3);
    expect(cache.installsByDriver).toBe(3);
    expect(cache.evictions).toBe(0);
    expect(cache.txHits).toBe(counts.hardwareTx - 3);
    expect(cache.rxHits).toBe(counts.hardwareRx);
    expect(peer.drops.size).toBe(0);
    expect(top.nic.diagnostics).toEqual([]);
  });
});

/**
 * Three SAs each way find a free entry and go inline from the packet after their install (the
 * packet that missed, and any sent while the install ran, go through software), for good.
 */
function expectThreeSasInline(trace: readonly SaAccess[]) {
  for (const direction of ["tx", "rx"] as const) {
    const paths = new Map<number, string>();
    for (const access of trace.filter((entry) => entry.direction === direction)) paths.set(access.sa, (paths.get(access.sa) ?? "") + (access.path === "hardware" ? "h" : "s"));
    const inline = [...paths.values()].filter((path) => path.includes("h"));
    expect(inline, direction).toHaveLength(3);
    for (const path of inline) expect(path, direction).toMatch(/^s+h+$/);
    for (const path of [...paths.values()].filter((path) => !path.includes("h"))) expect(path, direction).toMatch(/^s{12}$/);
  }
}

describe("bad IPsec input is dropped or flagged with a precise status, and counted", () => {
  test("a handle out of range, and a handle naming an empty entry", () => {
    for (const handle of [999, 5]) {
      let queue!: RawQueue;
      const { top } = raw(function* (top, q) {
        queue = q;
        postIpsec(top, q, preparedFrame(top, 0x1000), { saHandle: handle });
      });
      // The handle is not logged (an SA record written over a ring puts key words there): the message says why it names no SA.
      expect(top.nic.diagnostics.map((d) => [d.code, d.field, d.value])).toEqual([["INVALID_SA_HANDLE", "SA_HANDLE", 0]]);
      // 999 and 5: entries never filled, GENERATION 0 (the entry + 1 given as a handle).
      expect(top.nic.diagnostics[0]!.message).toContain("SA_HANDLE (GENERATION 0, which no handle issued has");
      expect(queue.writeBack(0)).toEqual({ status: STATUS_DD, error: ErrorCode.INVALID_SA_HANDLE });
      expect(top.peer.receivedFrames).toBe(0);
    }
  });

  test("pointer fetch through a pointer to unmapped memory, and to a record with a bad magic", () => {
    const unmapped = raw(
      function* (top, queue) {
        postIpsec(top, queue, preparedFrame(top, 0x1000), { saPointer: 0x40 });
      },
      { "top.driver.base.saFill": "pointer" },
    );
    // 0x40 lies far below the allocations: logged as 0, where it lies said instead (a wild value may be misdirected key words).
    expect(unmapped.top.nic.diagnostics.map((d) => [d.code, d.field, d.value])).toEqual([["DMA_UNMAPPED", "SA_POINTER", 0]]);
    expect(unmapped.top.nic.diagnostics[0]!.message).toContain("more than a page below every allocation");
    let bogus = 0;
    const badMagic = raw(
      function* (top, queue) {
        bogus = top.memory.allocate(SA_RECORD_BYTES, "not an SA record", 64);
        top.memory.write(bogus, new Uint8Array(SA_RECORD_BYTES).fill(0x5a));
        postIpsec(top, queue, preparedFrame(top, 0x1000), { saPointer: bogus });
      },
      { "top.driver.base.saFill": "pointer" },
    );
    const diagnostic = badMagic.top.nic.diagnostics[0]!;
    expect([diagnostic.code, diagnostic.field, diagnostic.value]).toEqual(["SA_RECORD_INVALID", "SA_POINTER", bogus]);
    expect(diagnostic.message).toContain("BAD_MAGIC");
  });

  test("TX: an IPSEC descriptor whose frame is not its SA's ESP (another SA's SPI), too short for ESP, longer or shorter than its IP total length, not IP version 4, or a fragment, is dropped as ESP_MALFORMED", () => {
    const said = [
      "ESP packet (its SPI 0x00001000 is not its SA's, 0x00001001; LENGTH)",
      "ESP packet (too short for its IP header, ESP header, IV, trailer and ICV; LENGTH)",
      // A plain UDP frame with IPSEC set: its UDP ports were read as an SPI.
      "ESP packet (not IPv4 ESP: its EtherType is not IPv4 or its IP protocol not 50",
      // The bytes past the IP total length were sent in the clear after the ICV (from a driver developer's check).
      "ESP packet (its IP total length ends 40 bytes before the frame does: those bytes would leave unencrypted; LENGTH)",
      // Encrypted and sent, and decrypted by the peer, before a driver developer's check.
      "ESP packet (its IP version is 6, not 4; LENGTH)",
      "ESP packet (an IP fragment (MF set or a fragment offset): ESP is applied to whole IP packets (RFC 4303 3.3.4); LENGTH)",
      "ESP packet (an IP fragment (MF set or a fragment offset)",
      "ESP packet (its IP total length, 65535, runs past the",
    ];
    const changed = (edit: (ip: Uint8Array) => void) => (top: NicSystem) => {
      const frame = preparedFrame(top, 0x1000);
      edit(frame.subarray(ETHERNET_HEADER_BYTES));
      return frame;
    };
    const tooShort = (top: NicSystem) => {
      const frame = preparedFrame(top, 0x1000).subarray(0, 60);
      frame[ETHERNET_HEADER_BYTES + 2] = 0;
      frame[ETHERNET_HEADER_BYTES + 3] = 60 - ETHERNET_HEADER_BYTES;
      return frame;
    };
    const udp = (_: NicSystem) => sequencedFrame("to-peer", 0, 1, 200);
    const ipLengthShort = (top: NicSystem) => {
      const frame = preparedFrame(top, 0x1000);
      const ipLength = frame.length - ETHERNET_HEADER_BYTES - 40;
      frame[ETHERNET_HEADER_BYTES + 2] = ipLength >> 8;
      frame[ETHERNET_HEADER_BYTES + 3] = ipLength & 0xff;
      return frame;
    };
    const cases = [
      (top: NicSystem) => preparedFrame(top, 0x1000),
      tooShort,
      udp,
      ipLengthShort,
      changed((ip) => (ip[0] = 0x65)),
      changed((ip) => (ip[6]! |= 0x20)),
      changed((ip) => (ip[7] = 0x01)),
      changed((ip) => ip.set([0xff, 0xff], 2)),
    ];
    for (const [index, make] of cases.entries()) {
      let queue!: RawQueue;
      const { top } = raw(
        function* (top, q) {
          queue = q;
          const other = top.driver.intermediate.sadb.find("outbound", 0x1001)!;
          postIpsec(top, q, make(top), { saPointer: other.record });
        },
        { "top.driver.base.saFill": "pointer" },
      );
      expect(top.nic.diagnostics.map((d) => [d.code, d.field, d.index])).toEqual([["ESP_MALFORMED", "LENGTH", 0]]);
      // What is wrong is said: the length alone named neither (from a driver developer's check).
      expect(top.nic.diagnostics[0]!.message).toContain(said[index]!);
      expect(queue.writeBack(0)).toEqual({ status: STATUS_DD, error: ErrorCode.ESP_MALFORMED });
      expect(top.peer.receivedFrames).toBe(0);
    }
  });

  test("a staged record with a bad length is refused by SA_COMMAND with SA_STATUS; the error log gives the byte found wrong, not WITHHELD", () => {
    let status = -1;
    let location = -1;
    let value = -1;
    const { top } = raw(function* (top) {
      const bus = top.driver.base.bus;
      for (let word = 0; word < R.SA_STAGE_WORDS; word++) bus.mmioWrite(R.SA_STAGE(word), 0);
      bus.mmioWrite(R.SA_STAGE(0), SA_RECORD_MAGIC);
      bus.mmioWrite(R.SA_STAGE(1), 64); // RECORD_LENGTH 64 instead of 128
      bus.mmioWrite(R.SA_COMMAND, R.SA_COMMAND_INSTALL | 3);
      status = (yield bus.mmioRead(R.SA_STATUS)) as number;
      location = (yield bus.mmioRead(R.ERRLOG_LOCATION)) as number;
      value = (yield bus.mmioRead(R.ERRLOG_VALUE_LO)) as number;
    });
    expect(status).toBe(ErrorCode.SA_RECORD_INVALID);
    expect(top.nic.diagnostics[0]!.message).toContain("BAD_LENGTH at byte 4");
    // The offset was logged with WITHHELD set, which says the value reads 0: a driver trusting it threw the offset away (from a driver developer's check).
    expect(R.ERRLOG_LOCATION_FIELDS.WITHHELD.get(location)).toBe(0);
    expect(value).toBe(4);
  });

  test("INSTALL_POINTER: the device reads the record through the staged pointer, SA_STATUS reads BUSY until it is installed, and a command meanwhile is refused", () => {
    const seen: number[] = [];
    let redZone = 0;
    const { top } = raw(function* (top) {
      const bus = top.driver.base.bus;
      // An inbound SA the driver knows but has not installed: only its record's pointer goes down.
      const sa = top.driver.intermediate.sadb.all().find((entry) => entry.direction === "inbound")!;
      bus.mmioWrite(R.SA_STAGE(0), sa.record % 0x1_0000_0000);
      bus.mmioWrite(R.SA_STAGE(1), Math.floor(sa.record / 0x1_0000_0000));
      bus.mmioWrite(R.SA_COMMAND, (R.SA_COMMAND_INSTALL_POINTER | R.SA_COMMAND_RX | 5) >>> 0);
      // Written while the record is on its way: refused.
      bus.mmioWrite(R.SA_COMMAND, (R.SA_COMMAND_INVALIDATE | R.SA_COMMAND_RX | 5) >>> 0);
      for (let status = R.SA_STATUS_BUSY; status & R.SA_STATUS_BUSY; ) {
        status = (yield bus.mmioRead(R.SA_STATUS)) as number;
        seen.push(status);
      }
      // A pointer to memory that is not mapped, one off a record's 64-byte boundary, one whose record runs past its region, and one in a region's red zone: refused at once, nothing read.
      redZone = top.memory.allocate(4096, "one page") + 4096;
      for (const pointer of [0x1000, sa.record + 8, top.memory.allocate(64, "short"), redZone]) {
        bus.mmioWrite(R.SA_STAGE(0), pointer % 0x1_0000_0000);
        bus.mmioWrite(R.SA_STAGE(1), Math.floor(pointer / 0x1_0000_0000));
        bus.mmioWrite(R.SA_COMMAND, (R.SA_COMMAND_INSTALL_POINTER | R.SA_COMMAND_RX | 6) >>> 0);
        seen.push((yield bus.mmioRead(R.SA_STATUS)) as number);
      }
    }, { "top.nic.sacache.rxEntries": 8 });
    // BUSY, and CODE says at once that the command written meanwhile was refused.
    expect(seen[0]).toBe((R.SA_STATUS_BUSY | ErrorCode.SA_COMMAND_BUSY) >>> 0);
    // The last command before the record arrived was the refused one: SA_STATUS's CODE says so once BUSY clears, and its GENERATION what the install gave entry 5.
    expect(seen.at(-5)! & R.SA_STATUS_CODE_MASK).toBe(ErrorCode.SA_COMMAND_BUSY);
    expect(seen.at(-5)! >>> R.SA_STATUS_GENERATION_SHIFT).toBe(1);
    expect(seen.slice(-4)).toEqual([ErrorCode.DMA_UNMAPPED, ErrorCode.SA_RECORD_INVALID, ErrorCode.DMA_UNMAPPED, ErrorCode.DMA_UNMAPPED]);
    expect(top.nic.diagnostics.map((diagnostic) => diagnostic.code)).toEqual(["SA_COMMAND_BUSY", "DMA_UNMAPPED", "SA_RECORD_INVALID", "DMA_UNMAPPED", "DMA_UNMAPPED"]);
    expect(top.nic.diagnostics[2]!.message).toContain("not on a 64-byte boundary");
    // Addresses in hex, as a descriptor's SA_POINTER is shown, and the record running past its region said so (from a driver developer's check: decimal, and unexplained).
    const inbound = top.driver.intermediate.sadb.all().find((entry) => entry.direction === "inbound")!;
    expect(top.nic.diagnostics[2]!.message).toContain(`= 0x${(inbound.record + 8).toString(16)}`);
    expect(top.nic.diagnostics[3]!.message).toMatch(/SA_STAGE \(record pointer; its 128 bytes run past the mapped memory it starts in\) = 0x[0-9a-f]+:/);
    // A pointer in mapped memory is named; one far from every allocation is logged as 0 with WITHHELD, as any address in an error is: it may be a record's
    // key bytes staged at the wrong offset (from a driver developer's check; it was logged as 0 without WITHHELD, so a driver could not tell it from NULL).
    expect(top.nic.diagnostics.slice(1, 3).map((diagnostic) => diagnostic.value)).toEqual([0, inbound.record + 8]);
    expect(top.nic.diagnostics[1]!.withheld).toBe(true);
    expect(top.nic.diagnostics[1]!.message).toContain("; not in mapped memory), more than a page below every allocation");
    expect(top.nic.diagnostics[1]!.message).not.toContain(String(0x1000));
    // The commands named the RX table: so does the log (it said TX).
    expect(top.nic.diagnostics.slice(1).map((diagnostic) => diagnostic.direction)).toEqual(["rx", "rx", "rx", "rx"]);
    // In a red zone, near an allocation: shown, as a descriptor's address there is (it was logged as 0).
    expect(top.nic.diagnostics[4]!.withheld).toBeUndefined();
    expect(top.nic.diagnostics[4]!.message).toContain(`(record pointer; not in mapped memory) = 0x${redZone.toString(16)}`);
    expect(top.nic.saCache.counts.fetches).toBe(1);
    expect(top.nic.saCache.rxLookup(inbound.parameters.spi, read32(Uint8Array.from(inbound.destination), 0))?.index).toBe(5);
  });

  // From a driver developer's check: a descriptor's SA_POINTER into freed memory named the region, a staged record pointer said only "not in mapped memory".
  test("INSTALL_POINTER: a record the host freed, before the command or while the device reads it, is named as freed", () => {
    const statuses: number[] = [];
    const { top } = raw(function* (top) {
      const bus = top.driver.base.bus;
      const sa = top.driver.intermediate.sadb.all().find((entry) => entry.direction === "inbound")!;
      for (const freeAfterCommand of [false, true]) {
        const record = top.memory.allocate(SA_RECORD_BYTES, freeAfterCommand ? "record freed in flight" : "record freed first");
        top.memory.write(record, top.memory.read(sa.record, SA_RECORD_BYTES));
        if (!freeAfterCommand) top.memory.free(record);
        bus.mmioWrite(R.SA_STAGE(0), record % 0x1_0000_0000);
        bus.mmioWrite(R.SA_STAGE(1), Math.floor(record / 0x1_0000_0000));
        bus.mmioWrite(R.SA_COMMAND, (R.SA_COMMAND_INSTALL_POINTER | R.SA_COMMAND_RX | 6) >>> 0);
        if (freeAfterCommand) top.memory.free(record);
        let status = R.SA_STATUS_BUSY;
        while (status & R.SA_STATUS_BUSY) status = (yield bus.mmioRead(R.SA_STATUS)) as number;
        statuses.push(status & R.SA_STATUS_CODE_MASK);
      }
    });
    expect(statuses).toEqual([ErrorCode.DMA_UNMAPPED, ErrorCode.DMA_UNMAPPED]);
    expect(top.nic.diagnostics.map((diagnostic) => diagnostic.message)).toEqual([
      expect.stringMatching(/SA_STAGE \(record pointer; in 'record freed first', which the host freed: 0x[0-9a-f]+, 128 bytes\) = 0x[0-9a-f]+:/),
      expect.stringMatching(/SA_STAGE \(record pointer; in 'record freed in flight', which the host freed: 0x[0-9a-f]+, 128 bytes\) = 0x[0-9a-f]+:/),
    ]);
  });

  test("RX: a packet the NIC decrypted whose padding is wrong is dropped by the driver as BAD_PADDING", () => {
    const { kernel, top, tunnels, atHost } = tunnelledSystem(1, { "top.nic.sacache.rxEntries": 1 });
    kernel.process("peer", function* () {
      yield top.driver.base.whenReady();
      // Build the ESP packet by hand with padding 1, 3 (not 1, 2) under the peer's outbound SA.
      const sa = tunnels.peer[0]!.outbound;
      for (let sequence = 1; sequence <= 2; sequence++) {
        const payload = sequencedPacket("to-host", 0, sequence, 301);
        const plaintext = new Uint8Array(payload.length + 4);
        plaintext.set(payload);
        plaintext.set(sequence === 1 ? [1, 2, 2, 4] : [1, 3, 2, 4], payload.length);
        const header = new Uint8Array(16);
        new DataView(header.buffer).setUint32(0, sa.spi);
        new DataView(header.buffer).setUint32(4, sequence);
        new DataView(header.buffer).setUint32(12, sequence);
        const nonce = new Uint8Array([...sa.keyMaterial.subarray(16), ...header.subarray(8)]);
        const sealed = new NobleBackend().seal(sa.keyMaterial.subarray(0, 16), nonce, header.subarray(0, 8), plaintext, 16);
        const esp = new Uint8Array([...header, ...sealed]);
        top.peer.send(ethernetFrame(macAddress("02:00:00:00:00:01"), macAddress("02:00:00:00:00:02"), ipv4Packet({ source: PEER_GATEWAY, destination: HOST_GATEWAY, protocol: PROTOCOL_ESP }, esp)));
        yield delay(us(10));
      }
    });
    kernel.run({ until: us(60) });
    expect(atHost).toHaveLength(1);
    expect(top.driver.intermediate.counts.hardwareRx).toBe(0);
    expect(top.driver.intermediate.dropCount("BAD_PADDING")).toBe(1);
    expect(top.nic.saCache.counts.rxHits).toBe(1);
  });

  test("RX: a truncated ESP packet and one whose ICV fails are flagged and counted, not delivered as good", () => {
    const { top, atHost } = withRxSaInstalled(function* (top, hit) {
      const corrupted = hit.slice();
      corrupted[corrupted.length - 1] = corrupted[corrupted.length - 1]! ^ 1;
      top.peer.send(corrupted);
      const truncated = hit.slice(0, 14 + 20 + 12);
      truncated[14 + 3] = 12 + 20; // IPv4 total length of the cut packet
      top.peer.send(truncated);
      yield delay(us(10));
    });
    expect(atHost).toHaveLength(2);
    expect(top.nic.saCache.counts.rxHits).toBeGreaterThanOrEqual(2);
    expect(Object.fromEntries(top.nic.statistics.drops)).toEqual({ ESP_ICV_FAILED: 1, ESP_MALFORMED: 1 });
    expect(top.driver.base.statistics.rxErrors).toBe(2);
  });
});

describe("delete and rekey while packets are in flight", () => {
  test("a rekey mid-burst: every packet arrives under the old SA or the new one, none under a deleted one", () => {
    const { kernel, top, peer, atPeer } = tunnelledSystem(1, { "top.nic.crypto_tx.bytesPerCycle": 1 });
    const spis: number[] = [];
    top.wire.tap((_, frame, from) => from === "nic" && spis.push(read32(frame.bytes, 14 + 20)));
    const intermediate = top.driver.intermediate;
    const newKeys = new Uint8Array(20).fill(9);
    peer.addInbound({ ...top.driver.intermediate.sadb.find("outbound", 0x1000)!.parameters, spi: 0x1100 as never, keyMaterial: newKeys }, new NobleBackend());
    kernel.process("burst", function* () {
      yield top.driver.base.whenReady();
      for (let sequence = 0; sequence < 30; sequence++) {
        yield* intermediate.send(sequencedPacket("to-peer", 0, sequence, 1400));
        yield delay(us(1));
      }
    });
    kernel.process("rekey", function* () {
      yield top.driver.base.whenReady();
      yield delay(us(20));
      yield* intermediate.rekeySa(intermediate.sadb.find("outbound", 0x1000)!, 0x1100 as never, newKeys);
    });
    kernel.run({ until: us(400) });
    expect(peer.drops.size).toBe(0);
    expect(top.nic.statistics.drops.size).toBe(0);
    expect(atPeer).toHaveLength(30);
    expect(intermediate.sadb.find("outbound", 0x1000)).toBeUndefined();
    // Packets posted under the old SA before the rekey went out under it (the delete waits for
    // them before taking it out of the NIC); those after went out under the new SA, installed in turn.
    const lastOld = spis.lastIndexOf(0x1000);
    expect(lastOld).toBeGreaterThan(0);
    expect(spis.slice(lastOld + 1).every((value) => value === 0x1100)).toBe(true);
    expect(spis.slice(0, lastOld + 1).every((value) => value === 0x1000)).toBe(true);
    expect(intermediate.counts.installs).toBe(2);
    expect(packetSequence(atPeer.at(-1)!).sequence).toBe(29);
  });

  test("an SA deleted mid-burst: no packet is processed with it after, its record is freed only when the NIC is done, and reused memory is never followed", () => {
    for (const fill of ["driver", "pointer"] as const) {
      const { kernel, top, peer, atPeer } = tunnelledSystem(2, { "top.nic.sacache.txEntries": 4, "top.driver.base.saFill": fill, "top.nic.crypto_tx.bytesPerCycle": 1 });
      const intermediate = top.driver.intermediate;
      let deletedAt = 0;
      let reused = 0;
      kernel.process("burst", function* () {
        yield top.driver.base.whenReady();
        for (let sequence = 0; sequence < 40; sequence++) {
          yield* intermediate.send(sequencedPacket("to-peer", 0, sequence, 1400));
          yield delay(us(1));
        }
      });
      kernel.process("delete", function* () {
        yield top.driver.base.whenReady();
        // Mid-burst: a few packets are through, many are posted or in the crypto engine.
        yield delay(us(30));
        const sa = intermediate.sadb.find("outbound", 0x1000)!;
        const record = sa.record;
        yield* intermediate.deleteSa(sa);
        deletedAt = kernel.now;
        // A new SA takes the freed record's memory: a stale pointer would now lead to other keys.
        const fresh = intermediate.sadb.add({ direction: "outbound", parameters: { ...sa.parameters, spi: 0x3000 as typeof sa.parameters.spi, keyMaterial: new Uint8Array(20).fill(7) }, source: sa.source, destination: sa.destination });
        reused = fresh.record === record ? 1 : 0;
      });
      kernel.run({ until: us(400) });
      expect(reused, fill).toBe(1);
      expect(deletedAt, fill).toBeGreaterThan(0);
      // Everything the peer got decrypted with the right SA; the rest was dropped (no policy after delete) or invalidated.
      expect(peer.drops.size, fill).toBe(0);
      const delivered = atPeer.length;
      const invalidated = top.nic.statistics.drops.get("SA_INVALIDATED") ?? 0;
      const noPolicy = intermediate.dropCount("NO_POLICY");
      expect(delivered + invalidated + noPolicy, fill).toBe(40);
      expect(delivered, fill).toBeGreaterThan(0);
      expect(noPolicy, fill).toBeGreaterThan(0);
    }
  });
});

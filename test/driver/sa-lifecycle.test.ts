import { describe, expect, test } from "vitest";
import type { IpsecSa } from "../../driver/intermediate/sadb.js";
import { read32 } from "../../sim/bytes.js";
import { NobleBackend } from "../../sim/crypto/noble-backend.js";
import { ETHERNET_HEADER_BYTES } from "../../sim/packet/ethernet.js";
import { PROTOCOL_ESP } from "../../sim/packet/ipv4.js";
import { sequencedPacket } from "../../sim/packet/test-frames.js";
import { delay } from "../../sim/process.js";
import { us } from "../../sim/time.js";
import { tunnelledSystem } from "../support/tunnels.js";
import { checkScenario } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";

/** Customer i's tunnel: outbound SA 0x1000 + i, inbound 0x2000 + i. */
function sa(run: ReturnType<typeof tunnelledSystem>, spi: number): IpsecSa {
  return run.top.driver.intermediate.sadb.all().find((entry) => entry.parameters.spi === spi)!;
}

/** ESP sequence numbers of every frame on the wire, by SPI, in wire order. */
function wireSequences(run: ReturnType<typeof tunnelledSystem>): Map<number, number[]> {
  const bySpi = new Map<number, number[]>();
  run.top.wire.tap((_, frame) => {
    const bytes = frame.bytes;
    const ip = ETHERNET_HEADER_BYTES;
    if (bytes[ip + 9] !== PROTOCOL_ESP) return;
    const esp = ip + (bytes[ip]! & 0x0f) * 4;
    const spi = read32(bytes, esp);
    bySpi.set(spi, [...(bySpi.get(spi) ?? []), read32(bytes, esp + 4)]);
  });
  return bySpi;
}

const keys = (packets: Uint8Array[]) => packets.map((packet) => Buffer.from(packet).toString("hex"));

describe("the SA lifecycle: nothing uses an SA after a wait without its lease, and a deleted SA's state never comes back", () => {
  test.each([true, false])("offload %s: replays waiting for a core while their inbound SA is deleted are dropped, not accepted by a fresh replay window", (offload) => {
    // One slow core: received packets queue behind each other's decryption.
    const run = tunnelledSystem(1, { "top.driver.intermediate.offload": offload, "top.driver.cpu.cores": 1, "top.driver.intermediate.cyclesPerByte": 60, "top.driver.intermediate.offloadCyclesPerPacket": 20_000 });
    const intermediate = run.top.driver.intermediate;
    const frames = Array.from({ length: 4 }, (_, index) => run.peer.frame(0, sequencedPacket("to-host", 0, index, 600)));
    let deletedAt = -1;
    const deliveredAt: number[] = [];
    const onDeliver = intermediate.onDeliver;
    intermediate.onDeliver = (packet) => {
      deliveredAt.push(run.kernel.now);
      onDeliver(packet);
    };
    run.kernel.process("gateway", function* () {
      yield run.top.driver.base.whenReady();
      for (const frame of frames.slice(0, 3)) {
        run.top.peer.send(frame);
        yield delay(us(40));
      }
      // The fourth packet, and right behind it replays of the first three: all in the host's hands at once.
      for (const frame of [frames[3]!, ...frames.slice(0, 3)]) run.top.peer.send(frame.slice());
      yield delay(us(4));
      yield* intermediate.deleteSa(sa(run, 0x2000));
      deletedAt = run.kernel.now;
    });
    run.kernel.run({ until: us(400) });
    expect(deletedAt).toBeGreaterThan(0);
    // Each packet at most once: the replays never made it, before or after the delete.
    expect(new Set(keys(run.atHost)).size).toBe(run.atHost.length);
    expect(run.atHost.length).toBeGreaterThanOrEqual(3);
    expect(deliveredAt.every((time) => time <= deletedAt)).toBe(true);
    const dropped = (intermediate.drops.get("UNKNOWN_SPI") ?? 0) + (intermediate.drops.get("REPLAYED") ?? 0);
    expect(run.atHost.length + dropped).toBe(7);
    expect(intermediate.lifecycle.state(sa(run, 0x2000) ?? ({} as IpsecSa))).toBe("dead");
  });

  test("a rekey, a second rekey of the same SA and a delete at once: one new SA, the old one dead once its packets are out, no packet lost uncounted", () => {
    const run = tunnelledSystem(1, { "top.driver.cpu.cores": 2, "top.nic.sacache.txEntries": 1 });
    const intermediate = run.top.driver.intermediate;
    const sent: Uint8Array[] = [];
    const results: (IpsecSa | null)[] = [];
    run.kernel.process("host", function* () {
      yield run.top.driver.base.whenReady();
      for (let index = 0; index < 60; index++) {
        const packet = sequencedPacket("to-peer", 0, index, 200 + (index % 5) * 300);
        sent.push(packet);
        run.kernel.process(`send${index}`, () => intermediate.send(packet));
        yield delay(us(0.5));
      }
    });
    run.kernel.process("ike", function* () {
      yield run.top.driver.base.whenReady();
      yield delay(us(10));
      const old = sa(run, 0x1000);
      for (const [index, spi] of [0x3000, 0x3001].entries()) {
        run.kernel.process(`rekey${index}`, function* () {
          const keyMaterial = new Uint8Array(20).fill(index + 1);
          run.peer.addInbound({ ...old.parameters, spi: spi as never, keyMaterial }, new NobleBackend());
          results.push(yield* intermediate.rekeySa(old, spi as never, keyMaterial));
        });
      }
      run.kernel.process("delete", () => intermediate.deleteSa(old));
    });
    run.kernel.run({ until: us(400) });
    // The first rekey took over; the second found the SA dying and did nothing.
    expect(results.filter((result) => result !== null)).toHaveLength(1);
    expect(intermediate.lifecycle.state(sa(run, 0x3000))).toBe("mature");
    expect(sa(run, 0x1000)).toBeUndefined();
    expect(sa(run, 0x3001)).toBeUndefined();
    const drops = [...intermediate.drops.values()].reduce((sum, count) => sum + count, 0) + [...run.top.nic.statistics.drops.values()].reduce((sum, count) => sum + count, 0);
    expect(new Set(keys(run.atPeer)).size).toBe(run.atPeer.length);
    expect(run.atPeer.length + drops).toBe(sent.length);
    expect(run.peer.drops.size).toBe(0);
  });

  test.each([8, 16])("sequence numbers only increase on the wire with %i-descriptor rings, jumbo and small frames of one SA sent from several cores at once", (descriptors) => {
    const run = tunnelledSystem(1, { "top.driver.base.txRingDescriptors": descriptors, "top.driver.cpu.cores": 4 });
    const sequences = wireSequences(run);
    const sizes = [8000, 64, 3000, 100, 8900, 64, 1500];
    let sent = 0;
    for (let sender = 0; sender < 4; sender++) {
      run.kernel.process(`sender${sender}`, function* () {
        yield run.top.driver.base.whenReady();
        for (let index = 0; index < 12; index++) {
          yield* run.top.driver.intermediate.send(sequencedPacket("to-peer", 0, sender * 100 + index, sizes[(sender + index) % sizes.length]!));
          sent++;
        }
      });
    }
    run.kernel.run({ until: us(1500) });
    expect(sent).toBe(48);
    expect(run.atPeer.length).toBe(48);
    for (const [spi, list] of sequences) expect(list.every((sequence, index) => index === 0 || sequence > list[index - 1]!), `SPI ${spi.toString(16)}: ${list.join(",")}`).toBe(true);
  });
});

describe("SA changes beside a policed strict class", () => {
  test("rekeys and a delete while gold, over its priority percent, is policed: the deletes complete and every packet arrives or is counted (the TX stall of the issue, seed 11)", () => {
    const classes = ["gold", "bronze"].flatMap((name, index) => [`crypto isakmp profile ${name}`, ` match identity host domain ${name}.example`, ` set ipsec-qos-group ${index + 1}`, `class-map match-any ${name}`, ` match qos-group ${index + 1}`]);
    const { summary } = runScenario(
      checkScenario({
        name: "rekey-beside-policed-strict",
        seed: 11,
        durationMicroseconds: 300,
        nic: { sacache: { txEntries: 2, rxEntries: 2 } },
        qos: [...classes, "policy-map edge", " class gold", "  priority percent 5", " class bronze", "  bandwidth percent 30"].join("\n"),
        customers: ["gold", "bronze"].map((name) => ({ name, identity: { type: "ID_FQDN" as const, value: `gw.${name}.example` }, sas: 2 })),
        traffic: [
          { name: "voice", customer: "gold", direction: "to-peer", packetBytes: 1400, load: 0.5 },
          { name: "bulk", customer: "bronze", direction: "to-peer", packetBytes: 1400, load: 0.6 },
        ],
        faults: { rekeys: 3, deletes: 1 },
        outputs: { waveform: false, pcap: false, html: false },
      }),
      { directory: null },
    );
    expect(summary.violations).toEqual([]);
    expect(summary.outcome).toBe("every packet arrived");
  });
});

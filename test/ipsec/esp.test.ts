import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { viewOf } from "../../sim/bytes.js";
import type { AesGcmBackend, IcvLength } from "../../sim/crypto/backend.js";
import { NobleBackend } from "../../sim/crypto/noble-backend.js";
import { NodeCryptoBackend } from "../../sim/crypto/node-backend.js";
import { EspInbound, EspOutbound, EspSaError, espPacketBytes, paddingLength, RekeyRequiredError, spi, type EspSaParameters } from "../../sim/ipsec/esp.js";
import { writeEspSaFile } from "../../sim/ipsec/wireshark-esp-sa.js";
import { ETHERNET_HEADER_BYTES, ethernetFrame, macAddress } from "../../sim/packet/ethernet.js";
import { ipv4Address, PROTOCOL_ESP, PROTOCOL_IPV4, PROTOCOL_NONE } from "../../sim/packet/ipv4.js";
import { PcapWriter } from "../../sim/packet/pcap.js";
import { sequencedFrame, sequencedPacket } from "../../sim/packet/test-frames.js";
import { transportDecapsulate, transportEncapsulate, tunnelEncapsulate } from "../../sim/ipsec/modes.js";
import { internetChecksum } from "../../sim/packet/checksum.js";
import { requireTool } from "../support/tools.js";

const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ""), "hex"));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const backends: AesGcmBackend[] = [new NobleBackend(), new NodeCryptoBackend()];

/**
 * ESP packets of "Test Cases for the use of GCM and GMAC in IPsec ESP", D. McGrew,
 * draft-mcgrew-gcm-test-01, section 4: the first (AES-128, extended sequence numbers) and the
 * AES-256 one. The plaintext there is the ESP payload with its trailer.
 */
const draftCases = [
  {
    name: "AES-128, ESN 0x8765432100000000",
    keyMaterial: "4c80cdefbb5d10da906ac73c3613a634" + "2e443b68",
    spi: 0x00004321,
    esn: true,
    high: 0x87654321,
    low: 0x00000000,
    iv: "4956ed7e3b244cfe",
    plaintext:
      "45000048699a000080114db7c0a80102c0a801010a9bf15638d301000001000000000000045f736970045f756470037369700963796265726369747902646b00" +
      "0021000101020201",
    sealed:
      "fecf537e729d5b07dc30df528dd22b768d1b98736696a6fd348509fa13ceac34cfa2436f14a3f3cf65925bf1f4a13c5d15b21e1884f5ff6247aeabb786b93bce" +
      "61bc17d768fd9732459018148f6cbe722fd04796562dfdb4",
  },
  {
    name: "AES-256, sequence 2",
    keyMaterial: "abbccddef00112233445566778899aababbccddef00112233445566778899aab" + "11223344",
    spi: 0x4a2cbfe3,
    esn: false,
    high: 0,
    low: 2,
    iv: "0102030405060708",
    plaintext: "4500003069a6400080062690c0a801029389155e0a9e008b2dc57ee0000000007002400020bf0000020405b40101040201020201",
    sealed: "ff425c9b724599df7a3bcd510194e00d6a78107f1b0b1cbf06efae9d65a5d763748a637985771d347f0545659f14e99def842d8eb335f4eecfdbf831824b4c4915956c96",
  },
];

describe.each(backends)("ESP with AES-GCM through $name", (backend) => {
  test.each(draftCases)("draft-mcgrew-gcm-test-01: $name, encapsulated and decapsulated byte-exact", (vector) => {
    const sa: EspSaParameters = { spi: spi(vector.spi), keyMaterial: hex(vector.keyMaterial), icvLength: 16, esn: vector.esn };
    const plaintext = hex(vector.plaintext);
    // The trailer: pad length and next header are the last two bytes of the plaintext.
    const nextHeader = plaintext[plaintext.length - 1]!;
    const payload = plaintext.subarray(0, plaintext.length - 2 - plaintext[plaintext.length - 2]!);
    const packet = new EspOutbound(backend, sa, { nextSequence: { high: vector.high, low: vector.low } }).encapsulate(payload, nextHeader, hex(vector.iv));
    const header = `${vector.spi.toString(16).padStart(8, "0")}${vector.low.toString(16).padStart(8, "0")}${vector.iv}`;
    expect(toHex(packet)).toBe(header + vector.sealed);
    const inbound = new EspInbound(backend, sa);
    // An ESN receiver infers the high half from its window: bring the window just below the packet.
    if (vector.esn) inbound.window.accept(vector.high - 1, 0xfffffff0);
    const result = inbound.decapsulate(packet);
    expect(result).toMatchObject({ kind: "payload", nextHeader, high: vector.high, low: vector.low });
    expect(result.kind === "payload" && toHex(result.payload)).toBe(toHex(payload));
  });
});

const backend = backends[0]!;
const keyMaterial = Uint8Array.from({ length: 20 }, (_, index) => index * 7 + 1);
const plainSa: EspSaParameters = { spi: spi(0x1000), keyMaterial, icvLength: 16, esn: false };

describe("ESP sender", () => {
  test("pads with 1, 2, 3, … to a 4-byte boundary", () => {
    for (let length = 0; length < 16; length++) {
      expect((length + paddingLength(length) + 2) % 4).toBe(0);
      expect(paddingLength(length)).toBeLessThan(4);
    }
    const packet = new EspOutbound(backend, plainSa).encapsulate(new Uint8Array(5), 17);
    const result = new EspInbound(backend, plainSa).decapsulate(packet);
    expect(result).toMatchObject({ kind: "payload", nextHeader: 17 });
  });

  test("sequence numbers start at 1; the attempt to send past the last one is refused as rekey required", () => {
    const fresh = new EspOutbound(backend, plainSa);
    expect(viewOf(fresh.encapsulate(new Uint8Array(4), 4)).getUint32(4)).toBe(1);
    const ending = new EspOutbound(backend, plainSa, { nextSequence: { high: 0, low: 0xfffffffe } });
    ending.encapsulate(new Uint8Array(4), 4);
    ending.encapsulate(new Uint8Array(4), 4);
    expect(() => ending.encapsulate(new Uint8Array(4), 4)).toThrow(RekeyRequiredError);
    expect(() => ending.encapsulate(new Uint8Array(4), 4)).toThrow(/SA 0x00001000: every sequence number is used; rekey required/);
  });

  test("with ESN the sender keeps 64 bits and sends the low 32; the receiver infers the high half across the wrap", () => {
    const sa = { ...plainSa, esn: true };
    const outbound = new EspOutbound(backend, sa, { nextSequence: { high: 0, low: 0xfffffff0 } });
    const inbound = new EspInbound(backend, sa);
    inbound.window.accept(0, 0xffffffe0);
    const packets = Array.from({ length: 40 }, (_, index) => outbound.encapsulate(Uint8Array.of(index), 59 - 1));
    expect(outbound.nextSequence).toEqual({ high: 1, low: 24 });
    // Deliver slightly out of order: swap neighbours.
    const order = packets.map((_, index) => (index % 2 === 0 ? index + 1 : index - 1));
    const results = order.map((index) => inbound.decapsulate(packets[index]!));
    expect(results.every((result) => result.kind === "payload")).toBe(true);
    expect(results.map((result) => (result.kind === "payload" ? result.high : -1)).slice(-4)).toEqual([1, 1, 1, 1]);
    expect(inbound.window.highest).toEqual({ high: 1, low: 23 });
  });

  test("SA mistakes are refused with the SA named: bad key lengths, reserved SPIs, bad ICV lengths, an explicit IV not of 8 bytes", () => {
    expect(() => new EspOutbound(backend, { ...plainSa, keyMaterial: new Uint8Array(16) })).toThrow(/SA 0x00001000: key material of 16 bytes; AES-GCM wants 20 .* or 36/);
    expect(() => spi(255)).toThrow(EspSaError);
    expect(() => new EspInbound(backend, { ...plainSa, icvLength: 10 as IcvLength })).toThrow(/ICV of 10 bytes/);
    const outbound = new EspOutbound(backend, plainSa);
    expect(() => outbound.encapsulate(new Uint8Array(4), 4, new Uint8Array(7))).toThrow(/SA 0x00001000: an explicit IV of 7 bytes; ESP with AES-GCM carries 8/);
    // The refused packet used up no sequence number.
    expect(outbound.nextSequence).toEqual({ high: 0, low: 1 });
  });
});

describe("tunnel and transport mode", () => {
  test("transport mode moves the upper protocol into the next header and gives the original packet back", () => {
    const packet = sequencedPacket("to-peer", 3, 9, 300);
    const esp = transportEncapsulate(new EspOutbound(backend, plainSa), packet);
    expect(esp[9]).toBe(PROTOCOL_ESP);
    expect((esp[2]! << 8) | esp[3]!).toBe(esp.length);
    expect(internetChecksum(esp, 0, 20)).toBe(0);
    const back = transportDecapsulate(new EspInbound(backend, plainSa), esp);
    expect("packet" in back && toHex(back.packet)).toBe(toHex(packet));
  });

  test("tunnel mode carries the whole inner packet (next header 4) under a new header", () => {
    const inner = sequencedPacket("to-peer", 3, 9, 300);
    const outer = tunnelEncapsulate(new EspOutbound(backend, plainSa), inner, { source: ipv4Address("192.0.2.1"), destination: ipv4Address("192.0.2.2") });
    const result = new EspInbound(backend, plainSa).decapsulate(outer.subarray(20));
    expect(result).toMatchObject({ kind: "payload", nextHeader: PROTOCOL_IPV4 });
    expect(result.kind === "payload" && toHex(result.payload)).toBe(toHex(inner));
  });
});

describe("ESP receiver", () => {
  test("replays and packets older than the window are dropped before decryption; out of order within it is accepted", () => {
    const outbound = new EspOutbound(backend, plainSa);
    const packets = Array.from({ length: 200 }, () => outbound.encapsulate(new Uint8Array(10), 17));
    const inbound = new EspInbound(backend, plainSa, { replayWindow: 64 });
    expect(inbound.decapsulate(packets[100]!).kind).toBe("payload");
    expect(inbound.decapsulate(packets[100]!)).toEqual({ kind: "dropped", reason: "REPLAYED" });
    expect(inbound.decapsulate(packets[40]!).kind).toBe("payload"); // sequence 41: 60 behind 101, inside 64
    expect(inbound.decapsulate(packets[30]!)).toEqual({ kind: "dropped", reason: "REPLAYED" }); // 70 behind
    expect(inbound.decapsulate(packets[199]!).kind).toBe("payload");
    expect(inbound.decapsulate(packets[150]!).kind).toBe("payload");
    expect(inbound.decapsulate(packets[120]!)).toEqual({ kind: "dropped", reason: "REPLAYED" }); // 80 behind 200
    const wide = new EspInbound(backend, plainSa, { replayWindow: 128 });
    wide.decapsulate(packets[199]!);
    expect(wide.decapsulate(packets[120]!).kind).toBe("payload");
  });

  test("a received packet counts against the SA's lifetime once per sequence number the window has not seen: not a replayed copy, nor a copy of one that failed its ICV", () => {
    const outbound = new EspOutbound(backend, plainSa);
    const packets = Array.from({ length: 3 }, () => outbound.encapsulate(new Uint8Array(10), 17));
    const inbound = new EspInbound(backend, plainSa, { replayWindow: 64 });
    expect(inbound.countsToLifetime(packets[0]!)).toBe(true);
    // A copy while the first waits to be processed, and once it is accepted.
    expect(inbound.countsToLifetime(packets[0]!)).toBe(false);
    expect(inbound.decapsulate(packets[0]!).kind).toBe("payload");
    expect(inbound.countsToLifetime(packets[0]!)).toBe(false);
    // Corrupted on the way: counted, refused, and its copy (as corrupted) counts nothing, though the window still admits it.
    const corrupted = packets[1]!.slice();
    corrupted[corrupted.length - 1]! ^= 1;
    expect(inbound.countsToLifetime(corrupted)).toBe(true);
    expect(inbound.decapsulate(corrupted)).toEqual({ kind: "dropped", reason: "AUTHENTICATION_FAILED" });
    expect(inbound.countsToLifetime(corrupted)).toBe(false);
    expect(inbound.countsToLifetime(packets[2]!)).toBe(true);
  });

  // From a security check: forged packets under fresh sequence numbers, which never verify, grew the record of those counted without end.
  test("what is remembered of packets counted and never accepted stays within two windows' worth, however many come", () => {
    const packet = new EspOutbound(backend, plainSa).encapsulate(new Uint8Array(10), 17);
    const inbound = new EspInbound(backend, plainSa, { replayWindow: 64 });
    const remembered = () => (inbound as unknown as { countedNotAccepted: Set<number> }).countedNotAccepted.size;
    let most = 0;
    for (let sequence = 2; sequence < 10_002; sequence++) {
      const forged = packet.slice();
      new DataView(forged.buffer).setUint32(4, sequence);
      expect(inbound.countsToLifetime(forged)).toBe(true);
      most = Math.max(most, remembered());
    }
    expect(most).toBeLessThanOrEqual(2 * 64);
    // The window never moved: a genuine packet still verifies.
    expect(inbound.decapsulate(packet).kind).toBe("payload");
  });

  test("a dummy packet (next header 59) is dropped silently, by reason", () => {
    const packet = new EspOutbound(backend, plainSa).encapsulate(new Uint8Array(30), PROTOCOL_NONE);
    expect(new EspInbound(backend, plainSa).decapsulate(packet)).toEqual({ kind: "dropped", reason: "DUMMY_PACKET" });
  });

  test("random packets, keys and ICV lengths round-trip; a flipped bit anywhere fails and leaves the window unchanged", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.uint8Array({ minLength: 20, maxLength: 20 }).chain((short) => fc.oneof(fc.constant(short), fc.uint8Array({ minLength: 36, maxLength: 36 }))),
        fc.constantFrom<IcvLength>(8, 12, 16),
        fc.boolean(),
        fc.nat(),
        (payload, material, icvLength, esn, bitChoice) => {
          const sa: EspSaParameters = { spi: spi(0x2000), keyMaterial: material, icvLength, esn };
          const outbound = new EspOutbound(backend, sa);
          const inbound = new EspInbound(backend, sa);
          const first = outbound.encapsulate(payload, 4);
          const second = outbound.encapsulate(payload, 4);
          expect(inbound.decapsulate(first)).toMatchObject({ kind: "payload", nextHeader: 4 });
          const before = inbound.window.highest;
          const corrupted = second.slice();
          const bit = bitChoice % (corrupted.length * 8);
          corrupted[bit >> 3]! ^= 1 << (bit & 7);
          const result = inbound.decapsulate(corrupted);
          // A flip in the SPI makes it another SA's packet; in the sequence number it may name one
          // already received (dropped before decryption); anywhere else the ICV does not verify.
          const expected = bit < 32 ? ["WRONG_SPI"] : bit < 64 ? ["REPLAYED", "AUTHENTICATION_FAILED"] : ["AUTHENTICATION_FAILED"];
          expect(result.kind).toBe("dropped");
          expect(expected).toContain(result.kind === "dropped" ? result.reason : "");
          expect(inbound.window.highest).toEqual(before);
          const intact = inbound.decapsulate(second);
          expect(intact.kind === "payload" && toHex(intact.payload)).toBe(toHex(payload));
        },
      ),
      { numRuns: 300, seed: 3 },
    );
  });
});

describe("node:crypto and @noble/ciphers give the same ESP bytes", () => {
  const [noble, node] = backends as [AesGcmBackend, AesGcmBackend];
  const sequence = (esn: boolean) => fc.record({ high: esn ? fc.integer({ min: 0, max: 0xfffffffe }) : fc.constant(0), low: fc.integer({ min: 1, max: 0xfffffffe }) });

  test("encapsulated by either, a packet is the same bytes; each decapsulates the other's, and refuses it tampered", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2000 }).chain((length) => fc.uint8Array({ minLength: length, maxLength: length })),
        fc.constantFrom(20, 36).chain((length) => fc.uint8Array({ minLength: length, maxLength: length })),
        fc.constantFrom<IcvLength>(8, 12, 16),
        fc.boolean().chain((esn) => fc.tuple(fc.constant(esn), sequence(esn))),
        fc.integer({ min: 0, max: 255 }).filter((value) => value !== PROTOCOL_NONE),
        fc.nat(),
        (payload, material, icvLength, [esn, next], nextHeader, bitChoice) => {
          const sa: EspSaParameters = { spi: spi(0x3000), keyMaterial: material, icvLength, esn };
          const byNoble = new EspOutbound(noble, sa, { nextSequence: next }).encapsulate(payload, nextHeader);
          const byNode = new EspOutbound(node, sa, { nextSequence: next }).encapsulate(payload, nextHeader);
          expect(toHex(byNode)).toBe(toHex(byNoble));
          expect(byNode.length).toBe(espPacketBytes(payload.length, icvLength));
          const tampered = byNode.slice();
          // A bit past the header (SPI, sequence): in the IV, the ciphertext or the ICV.
          const bit = 64 + (bitChoice % ((tampered.length - 8) * 8));
          tampered[bit >> 3]! ^= 1 << (bit & 7);
          for (const [receiver, packet] of [[noble, byNode], [node, byNoble]] as const) {
            const inbound = () => {
              const fresh = new EspInbound(receiver, sa);
              // An ESN receiver infers the high half from its window: bring the window to just below the packet.
              if (esn) fresh.window.accept(next.high, next.low - 1);
              return fresh;
            };
            const result = inbound().decapsulate(packet);
            expect(result).toMatchObject({ kind: "payload", nextHeader, high: next.high, low: next.low });
            expect(result.kind === "payload" && toHex(result.payload)).toBe(toHex(payload));
            expect(inbound().decapsulate(tampered)).toEqual({ kind: "dropped", reason: "AUTHENTICATION_FAILED" });
          }
        },
      ),
      { numRuns: 200, seed: 17 },
    );
  });
});

describe("ESP work that a crypto engine suspends (software ESP on a host core)", () => {
  test.each(backends)("sealed and opened with suspensions at random blocks, the bytes are those of the one-shot path ($name)", (backend) => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 700 }),
        fc.constantFrom<IcvLength>(8, 12, 16),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.boolean(),
        (payload, icvLength, esn, stops, restart) => {
          const sa: EspSaParameters = { spi: spi(0x2100), keyMaterial: Uint8Array.from({ length: 20 }, (_, index) => index * 7), icvLength, esn };
          const oneShot = new EspOutbound(backend, sa).encapsulate(payload, 4);
          const seal = new EspOutbound(backend, sa).seal(payload, 4);
          for (const stop of stops) seal.operation.stepTo(stop % (seal.bytes + 1));
          if (restart) seal.operation.restart();
          const sealed = seal.finish();
          expect(toHex(sealed)).toBe(toHex(oneShot));
          const opened = new EspInbound(backend, sa).open(sealed);
          if ("reason" in opened) throw new Error(opened.reason);
          for (const stop of stops) opened.operation.stepTo(stop % (opened.bytes + 1));
          const result = opened.finish();
          expect(result.kind === "payload" && toHex(result.payload)).toBe(toHex(payload));
        },
      ),
      { numRuns: 200, seed: 41 },
    );
  });

  test("two copies of a packet opened at once: the second to finish is a replay, and a tampered one leaves the window alone", () => {
    const packet = new EspOutbound(backend, plainSa).encapsulate(new Uint8Array(100), 4);
    const inbound = new EspInbound(backend, plainSa);
    const first = inbound.open(packet);
    const second = inbound.open(packet.slice());
    if ("reason" in first || "reason" in second) throw new Error("both copies pass the check before decryption");
    second.operation.stepTo(32);
    expect(first.finish().kind).toBe("payload");
    expect(second.finish()).toEqual({ kind: "dropped", reason: "REPLAYED" });
    const forged = new EspOutbound(backend, plainSa, { nextSequence: { high: 0, low: 9 } }).encapsulate(new Uint8Array(100), 4);
    forged[30]! ^= 1;
    const opened = inbound.open(forged);
    if ("reason" in opened) throw new Error(opened.reason);
    expect(opened.finish()).toEqual({ kind: "dropped", reason: "AUTHENTICATION_FAILED" });
    expect(inbound.window.highest).toEqual({ high: 0, low: 1 });
  });
});

test("an SPI and address pair with two keys (an SA replaced in place with another key) has its later key's line after a comment saying Wireshark reads the first", () => {
  const folder = mkdtempSync(join(tmpdir(), "nicsim-esp-"));
  const [host, peer] = [ipv4Address("192.0.2.1"), ipv4Address("192.0.2.2")];
  const sa = (fill: number) => ({ sa: { spi: spi(0x1001), keyMaterial: new Uint8Array(20).fill(fill), icvLength: 16 as IcvLength, esn: false }, source: host, destination: peer });
  writeEspSaFile(join(folder, "esp_sa"), [sa(1), { ...sa(2), destination: host, source: peer }, sa(3)]);
  const lines = readFileSync(join(folder, "esp_sa"), "utf8").trimEnd().split("\n");
  expect(lines.map((line) => (line.startsWith("#") ? line : line.split(",")[3]))).toEqual([
    "# Wireshark ESP SAs written by nicsim: these lines hold keys.",
    '"0x00001001"',
    '"0x00001001"',
    "# SPI 0x00001001 from 192.0.2.1 to 192.0.2.2 has another key above (the SA was given a second key: replaced in place, or a key of its own at each end): Wireshark decrypts with the first line that matches; move this one first to read the frames sent under it",
    '"0x00001001"',
  ]);
  expect(lines[4]).toContain("0x0303030303");
});

describe.runIf(requireTool("tshark", "tshark"))("tshark decrypts what the model encrypted", () => {
  test("with the esp_sa table the model writes, every ESP packet decrypts and every ICV is good", () => {
    const folder = mkdtempSync(join(tmpdir(), "nicsim-esp-"));
    const hostIp = ipv4Address("192.0.2.1");
    const peerIp = ipv4Address("192.0.2.2");
    const sas = [
      { sa: { spi: spi(0x1001), keyMaterial: Uint8Array.from({ length: 20 }, (_, i) => i + 1), icvLength: 16 as IcvLength, esn: false }, source: hostIp, destination: peerIp },
      { sa: { spi: spi(0x2002), keyMaterial: Uint8Array.from({ length: 36 }, (_, i) => 255 - i), icvLength: 16 as IcvLength, esn: false }, source: peerIp, destination: hostIp },
    ];
    const pcap = new PcapWriter(join(folder, "esp.pcap"));
    sas.forEach(({ sa, source, destination }, direction) => {
      const outbound = new EspOutbound(backend, sa);
      for (let sequence = 0; sequence < 20; sequence++) {
        // Tunnel mode: the inner packet is a whole IPv4/UDP packet (the test frame without Ethernet).
        const inner = sequencedFrame(direction === 0 ? "to-peer" : "to-host", sequence % 8, sequence, 60 + sequence * 37).subarray(ETHERNET_HEADER_BYTES);
        const ip = tunnelEncapsulate(outbound, inner, { source, destination });
        pcap.record((direction * 20 + sequence) * 1000, ethernetFrame(macAddress("02:00:00:00:00:02"), macAddress("02:00:00:00:00:01"), ip));
      }
    });
    pcap.close();
    const saFile = join(folder, "esp_sa");
    writeEspSaFile(saFile, sas);
    const records = readFileSync(saFile, "utf8").split("\n").filter((line) => line.startsWith('"'));
    const result = spawnSync(
      "tshark",
      [
        "-r", join(folder, "esp.pcap"),
        "-o", "esp.enable_encryption_decode:TRUE",
        "-o", "esp.enable_authentication_check:TRUE",
        ...records.flatMap((record) => ["-o", `uat:esp_sa:${record}`]),
        "-T", "fields", "-e", "esp.spi", "-e", "esp.icv_good", "-e", "udp.srcport", "-e", "_ws.malformed",
      ],
      { encoding: "utf8" },
    );
    expect(result.status, result.stderr).toBe(0);
    const rows = result.stdout.trim().split("\n").map((line) => line.split("\t"));
    expect(rows).toHaveLength(40);
    for (const [spiField, icvGood, sourcePort, malformed] of rows) {
      expect(["0x00001001", "0x00002002"]).toContain(spiField);
      expect(icvGood).toBe("1");
      expect(Number(sourcePort)).toBeGreaterThanOrEqual(49152);
      expect(malformed ?? "").toBe("");
    }
  });
});

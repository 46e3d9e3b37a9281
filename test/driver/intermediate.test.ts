import { describe, expect, test } from "vitest";
import { identity, IdentityError, type IdentityType } from "../../driver/intermediate/identity.js";
import { IsakmpProfiles, matchAddress, matchDer, matchGroup, matchHost, matchHostDomain, matchUser, matchUserDomain } from "../../driver/intermediate/isakmp-profile.js";
import { Isadb } from "../../driver/intermediate/isadb.js";
import { Sadb } from "../../driver/intermediate/sadb.js";
import { decodeSaRecord, SA_FLAG_HAS_TAG, SA_RECORD, SA_RECORD_BYTES, SA_RECORD_LAYOUT, SA_RECORD_MAGIC } from "../../hw/spec/sa-record.js";
import { HostMemory, HostMemoryError } from "../../sim/host/memory.js";
import { spi, type EspSaParameters } from "../../sim/ipsec/esp.js";
import { ipv4Address } from "../../sim/packet/ipv4.js";
import { packetSequence, sequencedPacket } from "../../sim/packet/test-frames.js";
import { AesGcmBackendToken } from "../../sim/crypto/backend.js";
import { delay } from "../../sim/process.js";
import { us } from "../../sim/time.js";
import { EspPeer } from "../../system/esp-peer.js";
import { configureTunnels } from "../../system/ipsec-setup.js";
import { Random } from "../../sim/random.js";
import { system } from "../support/nic.js";

describe("ISAKMP profiles match IKE phase-1 identities", () => {
  const cases: Array<[IdentityType, string, ReturnType<typeof matchAddress>, boolean]> = [
    ["ID_IPV4_ADDR", "10.1.2.3", matchAddress("10.1.0.0/16"), true],
    ["ID_IPV4_ADDR", "10.2.0.1", matchAddress("10.1.0.0/16"), false],
    ["ID_IPV4_ADDR_SUBNET", "10.1.8.0/24", matchAddress("10.1.0.0/16"), true],
    ["ID_IPV4_ADDR_SUBNET", "10.0.0.0/8", matchAddress("10.1.0.0/16"), false],
    ["ID_IPV4_ADDR_RANGE", "10.1.0.5-10.1.0.9", matchAddress("10.1.0.1-10.1.0.20"), true],
    ["ID_IPV4_ADDR_RANGE", "10.1.0.5-10.1.0.30", matchAddress("10.1.0.1-10.1.0.20"), false],
    ["ID_IPV6_ADDR", "2001:db8::7", matchAddress("2001:db8::/32"), true],
    ["ID_IPV6_ADDR", "2001:db9::7", matchAddress("2001:db8::/32"), false],
    ["ID_IPV6_ADDR_SUBNET", "2001:db8:1::/48", matchAddress("2001:db8::/32"), true],
    ["ID_IPV6_ADDR_RANGE", "2001:db8::1-2001:db8::ff", matchAddress("2001:db8::/64"), true],
    ["ID_IPV4_ADDR", "10.1.2.3", matchAddress("2001:db8::/32"), false],
    ["ID_FQDN", "GW.Customer-A.example", matchHost("gw.customer-a.example"), true],
    ["ID_FQDN", "gw.customer-a.example", matchHostDomain("customer-a.example"), true],
    ["ID_FQDN", "gw.customer-b.example", matchHostDomain("customer-a.example"), false],
    ["ID_FQDN", "evilcustomer-a.example", matchHostDomain("customer-a.example"), false],
    ["ID_USER_FQDN", "alice@A.example", matchUser("alice@a.example"), true],
    ["ID_USER_FQDN", "bob@a.example", matchUserDomain("a.example"), true],
    ["ID_USER_FQDN", "Alice@a.example", matchUser("alice@a.example"), false],
    ["ID_KEY_ID", "customerA", matchGroup("customerA"), true],
    ["ID_KEY_ID", "customerB", matchGroup("customerA"), false],
    ["ID_FQDN", "customerA", matchGroup("customerA"), false],
  ];
  test.each(cases)("%s %s against %o: %s", (type, value, match, expected) => {
    const profiles = new IsakmpProfiles();
    profiles.add({ name: "p", matches: [match] });
    expect(profiles.match(identity(type, value)) !== null).toBe(expected);
  });

  test("DER distinguished names and general names match byte for byte", () => {
    const dn = Uint8Array.from([0x30, 0x0f, 0x31, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x04, 0x41, 0x6c, 0x69, 0x63]);
    const profiles = new IsakmpProfiles();
    profiles.add({ name: "certificates", matches: [matchDer("ID_DER_ASN1_DN", dn)], ipsecQosGroup: 9 });
    expect(profiles.match(identity("ID_DER_ASN1_DN", dn))?.ipsecQosGroup).toBe(9);
    expect(profiles.match(identity("ID_DER_ASN1_GN", dn))).toBeNull();
    expect(profiles.match(identity("ID_DER_ASN1_DN", dn.subarray(0, 16)))).toBeNull();
  });

  test("the first matching profile wins; bad identities and profiles are refused with a reason", () => {
    const profiles = new IsakmpProfiles();
    profiles.add({ name: "narrow", matches: [matchAddress("10.1.1.0/24")], ipsecQosGroup: 1 });
    profiles.add({ name: "wide", matches: [matchAddress("10.0.0.0/8")], ipsecQosGroup: 2 });
    expect(profiles.match(identity("ID_IPV4_ADDR", "10.1.1.9"))?.name).toBe("narrow");
    expect(profiles.match(identity("ID_IPV4_ADDR", "10.9.1.9"))?.name).toBe("wide");
    expect(() => identity("ID_IPV4_ADDR", "10.1.300.1")).toThrow(IdentityError);
    expect(() => identity("ID_USER_FQDN", "no-at-sign.example")).toThrow(/not user@domain/);
    expect(() => profiles.add({ name: "wide", matches: [matchGroup("x")] })).toThrow(/already exists/);
    expect(() => profiles.add({ name: "bad", matches: [matchGroup("x")], ipsecQosGroup: 300 })).toThrow(/0 to 255/);
  });
});

const keyMaterial = (seed: number) => Uint8Array.from({ length: 20 }, (_, index) => (index * 13 + seed) & 0xff);
const sa = (value: number, seed = value): EspSaParameters => ({ spi: spi(value), keyMaterial: keyMaterial(seed), icvLength: 16, esn: false });
const hostGateway = ipv4Address("192.0.2.1");
const peerGateway = ipv4Address("192.0.2.2");

describe("ISADB and SADB", () => {
  test("two customers with the same inner addresses get different tags through their identities; their SAs inherit them", () => {
    const profiles = new IsakmpProfiles();
    profiles.add({ name: "customerA", matches: [matchGroup("customerA")], ipsecQosGroup: 1 });
    profiles.add({ name: "customerB", matches: [matchGroup("customerB")], ipsecQosGroup: 2 });
    profiles.add({ name: "untagged", matches: [matchHostDomain("other.example")] });
    const isadb = new Isadb(profiles);
    const memory = new HostMemory({ guard: true });
    const sadb = new Sadb(memory);
    // Both customers reach us from behind the same NAT address, with the same inner 10.0.0.0/24.
    const a = isadb.establish("198.51.100.7", identity("ID_KEY_ID", "customerA"));
    const b = isadb.establish("198.51.100.7", identity("ID_KEY_ID", "customerB"));
    const other = isadb.establish("198.51.100.9", identity("ID_FQDN", "vpn.other.example"));
    expect([a.qosGroup, b.qosGroup, other.qosGroup]).toEqual([1, 2, null]);
    expect(isadb.describe(a)).toBe("IKE SA 1 with 198.51.100.7 (ID_KEY_ID customerA): profile customerA, ipsec_qos_group 1");
    const saA = sadb.negotiate(a, { direction: "outbound", parameters: sa(0x1000), source: hostGateway, destination: peerGateway });
    const saB = sadb.negotiate(b, { direction: "outbound", parameters: sa(0x1001), source: hostGateway, destination: peerGateway });
    const saOther = sadb.negotiate(other, { direction: "outbound", parameters: sa(0x1002), source: hostGateway, destination: peerGateway });
    expect([saA.qosGroup, saB.qosGroup, saOther.qosGroup]).toEqual([1, 2, null]);
    const record = (address: number) => memory.read(address, SA_RECORD_BYTES);
    expect(record(saA.record)[SA_RECORD.FLAGS]! & SA_FLAG_HAS_TAG).toBe(SA_FLAG_HAS_TAG);
    expect(record(saB.record)[SA_RECORD.QOS_GROUP]).toBe(2);
    expect(record(saOther.record)[SA_RECORD.FLAGS]! & SA_FLAG_HAS_TAG).toBe(0);
  });

  test("the SA record in host memory follows hw/spec: id, protocol, SPI, key, salt, endpoints", () => {
    const memory = new HostMemory({ guard: true });
    const sadb = new Sadb(memory);
    const parameters = sa(0x4242, 7);
    const added = sadb.add({ direction: "inbound", parameters, source: peerGateway, destination: hostGateway });
    const bytes = memory.read(added.record, SA_RECORD_BYTES);
    expect(added.record % 64).toBe(0);
    const fields = SA_RECORD_LAYOUT.decode(bytes);
    expect(fields.magic).toBe(SA_RECORD_MAGIC);
    expect(fields.recordLength).toBe(SA_RECORD_BYTES);
    expect(decodeSaRecord(bytes)).toMatchObject({ uniqueId: added.uniqueId, spi: 0x4242, esn: false, qosGroup: null, icvLength: 16, keyMaterial: parameters.keyMaterial });
    expect(fields.uniqueId).toBe(added.uniqueId);
    expect(bytes[SA_RECORD.PROTOCOL]).toBe(50);
    expect(bytes[SA_RECORD.DIRECTION]).toBe(1);
    expect(fields.spi).toBe(0x4242);
    // The SPI is little-endian at byte 12, as the datasheet says.
    expect([...bytes.subarray(12, 16)]).toEqual([0x42, 0x42, 0, 0]);
    expect(bytes[SA_RECORD.KEY_LENGTH]).toBe(16);
    expect(bytes.subarray(SA_RECORD.KEY, SA_RECORD.KEY + 16)).toEqual(parameters.keyMaterial.subarray(0, 16));
    expect(bytes.subarray(SA_RECORD.SALT, SA_RECORD.SALT + 4)).toEqual(parameters.keyMaterial.subarray(16));
    expect([...bytes.subarray(SA_RECORD.SOURCE, SA_RECORD.SOURCE + 4)]).toEqual([...peerGateway]);
    expect([...bytes.subarray(SA_RECORD.DESTINATION, SA_RECORD.DESTINATION + 4)]).toEqual([...hostGateway]);
  });

  test("lifecycle: duplicates, unknown SPIs and bad keys are refused by name; rekey replaces the SA and wipes the old record", () => {
    const memory = new HostMemory({ guard: true });
    const sadb = new Sadb(memory);
    const first = sadb.add({ direction: "outbound", parameters: sa(0x1000), source: hostGateway, destination: peerGateway });
    expect(() => sadb.add({ direction: "outbound", parameters: sa(0x1000, 9), source: hostGateway, destination: peerGateway })).toThrow(
      "cannot add outbound SA 0x00001000 to 192.0.2.2: an SA with that SPI, destination and protocol exists",
    );
    expect(() => sadb.delete("outbound", 0x9999, peerGateway)).toThrow("cannot delete outbound SA 0x00009999 to 192.0.2.2: no such SA");
    expect(() => sadb.add({ direction: "outbound", parameters: { ...sa(0x1001), keyMaterial: new Uint8Array(24) }, source: hostGateway, destination: peerGateway })).toThrow(
      /cannot add outbound SA: SA 0x00001001: key material of 24 bytes/,
    );
    const rekeyed = sadb.rekey(first, spi(0x1100), keyMaterial(99));
    expect(sadb.find("outbound", 0x1000)).toBeUndefined();
    expect(sadb.find("outbound", 0x1100)).toBe(rekeyed);
    expect(rekeyed.qosGroup).toBe(first.qosGroup);
    expect(() => memory.read(first.record, 4)).toThrow(HostMemoryError);
    expect(() => sadb.rekey(first, spi(0x1200), keyMaterial(5))).toThrow(/it is not in the SADB/);
  });
});

describe("the intermediate driver in a running system", () => {
  function tunnelledSystem(parameters: Record<string, unknown> = {}) {
    const design = system({ "top.nic.queues": 8, ...parameters });
    const { top } = design;
    const customers = [
      { name: "customer-a", trafficClass: 2, qosGroup: 1 },
      { name: "customer-b", trafficClass: 6, qosGroup: 2 },
    ];
    const tunnels = configureTunnels(top.driver.intermediate, customers, Random.derive(1, "keys"));
    const peer = new EspPeer(top.peer, design.container.resolve(AesGcmBackendToken), tunnels.peer);
    const delivered: Uint8Array[] = [];
    peer.onDeliver = (packet) => delivered.push(packet);
    return { ...design, peer, delivered, customers };
  }

  test("software ESP charges its CPU cost and queues by the tag's class", () => {
    const { kernel, top, delivered } = tunnelledSystem({ "top.driver.intermediate.offload": false, "top.driver.intermediate.cyclesPerPacket": 3000, "top.driver.intermediate.cyclesPerByte": 2, "top.driver.base.postNanoseconds": 0, "top.driver.base.mmioWriteNanoseconds": 0, "top.driver.base.copyBytesPerNanosecond": 1_000_000_000 });
    const intermediate = top.driver.intermediate;
    let elapsed = -1;
    kernel.process("app", function* () {
      yield top.driver.base.whenReady();
      // Customer B's traffic (class 6): inner DSCP 0, so only the tag can put it in class 6.
      const packet = sequencedPacket("to-peer", 6, 1, 500);
      packet[1] = 0;
      const started = kernel.now;
      yield* intermediate.send(packet);
      elapsed = kernel.now - started;
    });
    kernel.run({ until: us(50) });
    // 3000 cycles + 2 per byte of the data encrypted (the 486-byte inner packet and its 2-byte ESP trailer), at 3 GHz.
    expect(elapsed).toBe(Math.round(((3000 + 2 * 488) * 1e6) / 3000));
    expect(top.nic.statistics.txPackets[6]).toBe(1);
    expect(intermediate.counts).toMatchObject({ softwareTx: 1, hardwareTx: 0 });
    expect(delivered.map((packet) => packetSequence(packet))).toEqual([{ trafficClass: 6, sequence: 1 }]);
  });

  test("inbound: a replayed ESP packet and one with an unknown SPI are dropped and counted by reason", () => {
    const { kernel, top, peer } = tunnelledSystem();
    const received: number[] = [];
    top.driver.intermediate.onDeliver = (delivered) => received.push(packetSequence(delivered.packet).sequence);
    kernel.process("peer-traffic", function* () {
      yield top.driver.base.whenReady();
      peer.send(0, sequencedPacket("to-host", 2, 1, 200));
      yield delay(us(5));
    });
    const frames: Uint8Array[] = [];
    top.wire.tap((_, frame, from) => from === "peer" && frames.push(frame.bytes));
    kernel.schedule(us(30), "replay", () => {
      // The same ESP frame again, byte for byte, and a copy under an SPI nobody has.
      top.peer.send(frames[0]!);
      const unknown = frames[0]!.slice();
      unknown[14 + 20 + 3] = unknown[14 + 20 + 3]! ^ 0x40; // another SPI
      top.peer.send(unknown);
    });
    kernel.run({ until: us(60) });
    expect(received).toEqual([1]);
    expect(top.driver.intermediate.dropCount("REPLAYED")).toBe(1);
    expect(top.driver.intermediate.dropCount("UNKNOWN_SPI")).toBe(1);
  });
});

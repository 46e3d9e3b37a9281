import { expect, test } from "vitest";
import { us } from "../../sim/time.js";
import { ETHERNET_HEADER_BYTES, ethernetFrame, HOST_MAC, PEER_MAC } from "../../sim/packet/ethernet.js";
import { sequencedFrame, sequencedPacket } from "../../sim/packet/test-frames.js";
import { frameSequence } from "../../sim/packet/test-frames.js";
import { subnetSpan } from "../../driver/intermediate/identity.js";
import { PROTOCOL_UDP } from "../../sim/packet/ipv4.js";
import { tunnelledSystem } from "../support/tunnels.js";

/**
 * RFC 4301 5.2 on the host's inbound path, from an outside check that found each of these
 * delivered without a count: a packet of a protected flow sent in the clear, one tunnel's SA
 * carrying another's traffic, an ARP or IPv6 frame (let go uncounted), and an outer header whose
 * checksum does not verify.
 */
const offloads = [true, false] as const;

function received(run: ReturnType<typeof tunnelledSystem>) {
  return run.atHost.map((packet) => frameSequence(ethernetFrame(PEER_MAC, HOST_MAC, packet)).sequence);
}

test.each(offloads)("a packet of a protected flow that comes in the clear is dropped as UNPROTECTED; one no entry selects, as NO_POLICY; a bypass entry's is delivered (offload %s)", (offload) => {
  const run = tunnelledSystem(1, { "top.driver.intermediate.offload": offload });
  const intermediate = run.top.driver.intermediate;
  // A flow the SPD lets pass in the clear: UDP to port 5000 within the inner subnet.
  intermediate.spd.add({ name: "clear", source: subnetSpan(4, "10.0.0.0/24"), destination: subnetSpan(4, "10.0.0.0/24"), protocol: PROTOCOL_UDP, destinationPorts: [5000, 5000], action: { kind: "bypass" } });
  run.kernel.process("peer", function* () {
    yield run.top.driver.base.whenReady();
    run.peer.send(0, sequencedPacket("to-host", 0, 1, 300));
    run.top.peer.send(sequencedFrame("to-host", 0, 999, 300));
    run.top.peer.send(sequencedFrame("to-host", 0, 998, 300, { destinationPort: 6000 }));
    run.top.peer.send(sequencedFrame("to-host", 0, 997, 300, { destinationPort: 5000 }));
    run.peer.send(0, sequencedPacket("to-host", 0, 2, 300));
  });
  run.kernel.run({ until: us(200) });
  // The clear one needs no decryption, and may come first.
  expect(received(run).sort((a, b) => a - b)).toEqual([1, 2, 997]);
  expect(intermediate.dropCount("UNPROTECTED")).toBe(1);
  expect(intermediate.dropCount("NO_POLICY")).toBe(1);
});

test.each(offloads)("a decrypted packet outside its SA's selectors (another customer's flow in customer 0's SA) is dropped as SELECTOR_MISMATCH (offload %s)", (offload) => {
  const run = tunnelledSystem(2, { "top.driver.intermediate.offload": offload });
  run.kernel.process("peer", function* () {
    yield run.top.driver.base.whenReady();
    run.peer.send(0, sequencedPacket("to-host", 0, 1, 300));
    run.peer.send(0, sequencedPacket("to-host", 1, 2, 300));
    run.peer.send(1, sequencedPacket("to-host", 1, 3, 300));
  });
  run.kernel.run({ until: us(200) });
  expect(received(run)).toEqual([1, 3]);
  expect(run.top.driver.intermediate.dropCount("SELECTOR_MISMATCH")).toBe(1);
});

test("an ARP and an IPv6 frame are dropped as NOT_IPV4, counted (they were let go without a count)", () => {
  const run = tunnelledSystem(1, {});
  const withType = (type: number) => {
    const frame = sequencedFrame("to-host", 0, 0, 100);
    frame[12] = type >> 8;
    frame[13] = type & 0xff;
    return frame;
  };
  run.kernel.process("peer", function* () {
    yield run.top.driver.base.whenReady();
    run.top.peer.send(withType(0x0806));
    run.top.peer.send(withType(0x86dd));
    run.peer.send(0, sequencedPacket("to-host", 0, 1, 300));
  });
  run.kernel.run({ until: us(200) });
  expect(received(run)).toEqual([1]);
  expect(run.top.driver.intermediate.dropCount("NOT_IPV4")).toBe(2);
});

test.each(offloads)("an ESP frame whose outer header checksum does not verify is dropped as IP_HEADER_CHECKSUM, whether the NIC decrypted it or not (offload %s)", (offload) => {
  const run = tunnelledSystem(1, { "top.driver.intermediate.offload": offload });
  const send = run.top.peer.send.bind(run.top.peer);
  let corrupt = false;
  run.top.peer.send = (bytes, options) => {
    // The header checksum's low byte, as a bit flipped on the way would leave it.
    if (corrupt) bytes[ETHERNET_HEADER_BYTES + 11]! ^= 0x01;
    return send(bytes, options);
  };
  run.kernel.process("peer", function* () {
    yield run.top.driver.base.whenReady();
    run.peer.send(0, sequencedPacket("to-host", 0, 1, 300));
    corrupt = true;
    run.peer.send(0, sequencedPacket("to-host", 0, 2, 300));
    corrupt = false;
    run.peer.send(0, sequencedPacket("to-host", 0, 3, 300));
  });
  run.kernel.run({ until: us(200) });
  expect(received(run)).toEqual([1, 3]);
  expect(run.top.driver.intermediate.dropCount("IP_HEADER_CHECKSUM")).toBe(1);
});

test("a bypass entry for a destination port passes the replies that come from that port (the SPD mirrored, ports too: a re-check found DNS replies dropped as NO_POLICY)", () => {
  const run = tunnelledSystem(1, {});
  const intermediate = run.top.driver.intermediate;
  intermediate.spd.add({ name: "dns", source: subnetSpan(4, "10.0.0.0/24"), destination: subnetSpan(4, "10.0.0.0/24"), protocol: PROTOCOL_UDP, destinationPorts: [53, 53], action: { kind: "bypass" } });
  const reply = sequencedFrame("to-host", 0, 7, 200, { destinationPort: 40000 });
  // The reply's source port: 53.
  reply[ETHERNET_HEADER_BYTES + 20] = 0;
  reply[ETHERNET_HEADER_BYTES + 21] = 53;
  run.kernel.process("peer", function* () {
    yield run.top.driver.base.whenReady();
    run.top.peer.send(reply);
  });
  run.kernel.run({ until: us(100) });
  expect(received(run)).toEqual([7]);
  expect(intermediate.dropCount("NO_POLICY")).toBe(0);
});

test("a fragment after the first has no ports to select by (RFC 4301's OPAQUE): under a tunnel that selects a port it is SELECTOR_MISMATCH, whatever its bytes where ports would be", () => {
  const run = tunnelledSystem(1, {});
  // Customer 0's own packet, its bytes where the ports would be still those of the tunnel's port, made a fragment at offset 8 bytes.
  const fragment = sequencedPacket("to-host", 0, 2, 300);
  fragment[7] = 1;
  run.kernel.process("peer", function* () {
    yield run.top.driver.base.whenReady();
    run.peer.send(0, sequencedPacket("to-host", 0, 1, 300));
    run.peer.send(0, fragment);
  });
  run.kernel.run({ until: us(100) });
  expect(received(run)).toEqual([1]);
  expect(run.top.driver.intermediate.dropCount("SELECTOR_MISMATCH")).toBe(1);
});

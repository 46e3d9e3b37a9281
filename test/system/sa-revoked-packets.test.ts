import { expect, test } from "vitest";
import { ETHERNET_HEADER_BYTES } from "../../sim/packet/ethernet.js";
import { ipv4Payload, PROTOCOL_ESP } from "../../sim/packet/ipv4.js";
import { read32 } from "../../sim/bytes.js";
import { us } from "../../sim/time.js";
import { checkScenario } from "../../system/scenario/load.js";
import { buildScenario } from "../../system/scenario/run.js";
import type { ScenarioInput } from "../../system/scenario/schema.js";

const BULK_STREAMS = 16;

/**
 * One host core, software ESP, gold's voice at priority beside one bronze SA of 16 streams with a
 * 40 KB lifetime: bronze's packets wait long for the core, so the SA reaches its hard lifetime
 * with many of them holding it.
 */
const scenario: ScenarioInput = {
  name: "revoked-sa",
  seed: 4,
  durationMicroseconds: 1000,
  driver: { intermediate: { offload: false }, cpu: { cores: 1 } },
  qos: "crypto isakmp profile pg\n match identity host domain g.example\n set ipsec-qos-group 1\ncrypto isakmp profile pb\n match identity host domain b.example\n set ipsec-qos-group 2\nclass-map match-any gold\n match qos-group 1\nclass-map match-any bronze\n match qos-group 2\npolicy-map edge\n class gold\n  priority percent 20\n class bronze\n  bandwidth percent 30\n class class-default\n  bandwidth remaining percent 100\n",
  customers: [
    { name: "g", identity: { type: "ID_FQDN", value: "gw.g.example" }, sas: 4, ike: { mode: "main", preSharedKey: "key-g-123456" } },
    { name: "b", identity: { type: "ID_FQDN", value: "gw.b.example" }, sas: 1, ike: { mode: "main", preSharedKey: "key-b-123456", lifetimeKilobytes: 40 } },
  ],
  traffic: [
    { name: "voice", customer: "g", direction: "to-peer", packetBytes: 200, gapMicroseconds: 0.9 },
    ...Array.from({ length: BULK_STREAMS }, (_, index) => ({ name: `b${index}`, customer: "b", direction: "to-peer" as const, packetBytes: 1400, gapMicroseconds: 40 })),
  ],
  outputs: { waveform: false, pcap: false, html: false, saTrace: false },
};

// From an outside check: a packet that took the SA at its SPD lookup was encrypted and sent whenever it got the core, 29 of them 380 to 413 µs after the SA's hard lifetime.
test("an outbound SA that reached its hard lifetime carries no packet whose encryption had not begun: those waiting for the core are dropped (SA_DEAD)", () => {
  const { kernel, top } = buildScenario(checkScenario(scenario));
  const sent: { time: number; spi: number }[] = [];
  top.wire.tap((time, frame, from) => {
    const outer = frame.bytes.subarray(ETHERNET_HEADER_BYTES);
    if (from === "nic" && outer[9] === PROTOCOL_ESP) sent.push({ time, spi: read32(ipv4Payload(outer), 0) });
  });
  kernel.run({ until: us(scenario.durationMicroseconds + 3000) });
  const expired = top.driver.intermediate.ike.timeline.filter((entry) => entry.event.kind === "expired");
  expect(expired.length).toBeGreaterThan(0);
  for (const entry of expired) {
    const event = entry.event as { outboundSpi: number };
    // Those on the ring as it expired leave within microseconds; 20 µs later, at most the one packet whose encryption was under way on the one core (suspended for gold) as the SA expired.
    const late = sent.filter((frame) => frame.spi === event.outboundSpi && frame.time > entry.time + us(20));
    expect(late.length, `SPI 0x${event.outboundSpi.toString(16)}`).toBeLessThanOrEqual(1);
  }
  expect(top.driver.intermediate.dropCount("SA_DEAD")).toBeGreaterThan(BULK_STREAMS / 2);
});

/** One core, software ESP both ways, one SA pair: received packets wait for the core holding the inbound SA. */
function inboundScenario(seed: number, ike: Record<string, unknown>, faults: Record<string, unknown> = {}, directions: readonly ("to-peer" | "to-host")[] = ["to-peer", "to-host"], load = 0.3): ScenarioInput {
  return {
    name: "revoked-inbound",
    seed,
    durationMicroseconds: 600,
    driver: { intermediate: { offload: false }, cpu: { cores: 1 } },
    customers: [{ name: "c", identity: { type: "ID_FQDN", value: "gw.c.example" }, sas: 1, ike: { mode: "main", preSharedKey: "k", ...ike } }],
    faults,
    traffic: directions.map((direction) => ({ name: direction, customer: "c", direction, packetBytes: 1400, load })),
    outputs: { waveform: false, pcap: false, html: false, saTrace: false },
  };
}

/** Deliveries under each inbound SPI, and the IKE timeline, of a run to its end. */
function deliveriesAndTimeline(input: ScenarioInput) {
  const { kernel, top } = buildScenario(checkScenario(input));
  const intermediate = top.driver.intermediate;
  const delivered: { time: number; spi: number }[] = [];
  const onDeliver = intermediate.onDeliver;
  intermediate.onDeliver = (packet) => {
    if (packet.sa !== null) delivered.push({ time: packet.time, spi: packet.sa.parameters.spi });
    onDeliver(packet);
  };
  kernel.run({ until: us(input.durationMicroseconds + 3000) });
  return { delivered, timeline: intermediate.ike.timeline, intermediate };
}

// From an outside check: a packet received under the pair the gateway's Delete ended took the core 1.2 µs after the Delete and was delivered
// (the inbound SA was only deleted, and a delete waits for the packets holding it; the outbound alone was revoked).
test("no received packet is delivered under an inbound SA after the gateway's Delete of its pair: those holding it are dropped where they next look (SA_DEAD)", () => {
  const { delivered, timeline, intermediate } = deliveriesAndTimeline(inboundScenario(7, {}, { ikeDeletes: 2 }));
  const pairs = timeline.flatMap((entry) => (entry.event.kind === "quick-mode-up" ? [entry.event] : []));
  const deletes = timeline.filter((entry) => entry.event.kind === "delete-received" && entry.event.protocol === "ESP");
  expect(deletes.length).toBeGreaterThan(0);
  for (const entry of deletes) {
    for (const spi of (entry.event as { spis: readonly number[] }).spis) {
      const inbound = pairs.find((pair) => pair.outboundSpi === spi)!.inboundSpi;
      expect(delivered.filter((packet) => packet.spi === inbound && packet.time > entry.time), `inbound SPI 0x${inbound.toString(16)}`).toEqual([]);
    }
  }
  expect(intermediate.dropCount("SA_DEAD")).toBeGreaterThan(0);
});

// From the same check: the packet whose bytes took the inbound SA to its hard lifetime is delivered (it passed the check before they counted, as Linux's
// xfrm_input checks, then counts); a packet holding the SA behind it, 11.8 µs later, was delivered too.
test("after an inbound SA's hard lifetime, the packet whose own bytes reached it is delivered under it (its check came before its count, as Linux's), and no other", () => {
  for (const seed of [7, 31, 4242]) {
    // Traffic to the host alone, more than the core decrypts: the inbound SA's bytes end the pair, the packet that did waiting for the core.
    const { delivered, timeline } = deliveriesAndTimeline(inboundScenario(seed, { lifetimeKilobytes: 60 }, {}, ["to-host"], 0.6));
    const expired = timeline.filter((entry) => entry.event.kind === "expired");
    expect(expired.length, `seed ${seed}`).toBeGreaterThan(0);
    for (const entry of expired) {
      const inbound = (entry.event as { inboundSpi: number }).inboundSpi;
      expect(delivered.filter((packet) => packet.spi === inbound && packet.time > entry.time).length, `seed ${seed}, inbound SPI 0x${inbound.toString(16)}`).toBe(1);
    }
  }
});

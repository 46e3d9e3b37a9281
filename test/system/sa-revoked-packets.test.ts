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

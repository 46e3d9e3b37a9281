import { expect, test } from "vitest";
import { PROTOCOL_ESP } from "../../sim/packet/ipv4.js";
import { us } from "../../sim/time.js";
import { checkScenario } from "../../system/scenario/load.js";
import { buildScenario } from "../../system/scenario/run.js";
import type { ScenarioInput } from "../../system/scenario/schema.js";

/** Three customers with kilobyte lifetimes that expire before their rekeys are done (lost IKE messages), so that the host deletes pairs the gateways still send under. */
const SCENARIO: ScenarioInput = {
  name: "gateway-delete",
  // A seed whose losses make four such Deletes (with IKE timers running from when a message leaves, seed 7's made none).
  seed: 10,
  durationMicroseconds: 300,
  nic: { sacache: { txEntries: 4, rxEntries: 4 } },
  driver: { base: { txRingDescriptors: 16, rxRingDescriptors: 16 }, intermediate: { placement: "metric" } },
  customers: [
    { name: "c1", identity: { type: "ID_FQDN", value: "gw.one.example" }, sas: 2, ike: { mode: "aggressive", preSharedKey: "c1-psk", lifetimeKilobytes: 60 } },
    { name: "c2", identity: { type: "ID_KEY_ID", value: "c2" }, sas: 3, ike: { mode: "main", preSharedKey: "c2-psk", lifetimeKilobytes: 80 } },
    { name: "c3", identity: { type: "ID_IPV4_ADDR", value: "192.0.2.12" }, sas: 2, ike: { mode: "main", preSharedKey: "c3-psk", lifetimeKilobytes: 100 } },
  ],
  faults: { ikeLossProbability: 0.2 },
  traffic: [
    { name: "voice", customer: "c1", direction: "both", packetBytes: 200, gapMicroseconds: 3 },
    { name: "bulk2", customer: "c2", direction: "both", packetBytes: 1400, load: 0.3, spread: "zipf" },
    { name: "jumbo3", customer: "c3", direction: "both", packetBytes: 9000, load: 0.3 },
  ],
  outputs: { waveform: false, pcap: false, html: false, saTrace: false },
};

/** The ESP SPI of a frame from the peer: the outer IPv4 header from byte 14, ESP from 34. */
const spiOf = (bytes: Uint8Array) => ((bytes[34]! << 24) >>> 0) + (bytes[35]! << 16) + (bytes[36]! << 8) + bytes[37]!;

test("a gateway stops sending under an SA the host deleted (RFC 2408 5.15): it went on for 135 µs after the Delete, past the SA's hard lifetime, every frame dropped by the host as UNKNOWN_SPI (from a reviewer's check in Wireshark)", () => {
  const { kernel, top } = buildScenario(checkScenario(SCENARIO));
  const fromGateways: { time: number; spi: number }[] = [];
  top.wire.tap((time, frame, from) => {
    if (from === "peer" && frame.bytes[23] === PROTOCOL_ESP) fromGateways.push({ time, spi: spiOf(frame.bytes) });
  });
  kernel.run({ until: us(7400) });
  const deletes = top.driver.intermediate.ike.timeline.flatMap((entry) => (entry.event.kind === "delete-sent" ? entry.event.spis.map((spi) => ({ time: entry.time, spi })) : []));
  // Pairs that expired before their rekeys were done, each deleted while its gateway still sent under it.
  expect(deletes.length).toBeGreaterThanOrEqual(2);
  const sentUnderBefore = deletes.filter(({ spi, time }) => fromGateways.some((frame) => frame.spi === spi && frame.time < time));
  expect(sentUnderBefore.length).toBeGreaterThanOrEqual(2);
  for (const { spi, time } of deletes) {
    // Only what was on its way: the Delete's time on a host core and the wire, and the gateway's time to take it.
    const late = fromGateways.filter((frame) => frame.spi === spi && frame.time > time + us(30));
    expect(late, `SPI 0x${spi.toString(16)}`).toEqual([]);
  }
});

import { expect, test } from "vitest";
import { identity } from "../../driver/intermediate/identity.js";
import { classDscp } from "../../sim/packet/dscp.js";
import { EXCHANGE } from "../../sim/ike/isakmp-numbers.js";
import { us } from "../../sim/time.js";
import { checkScenario } from "../../system/scenario/load.js";
import { buildScenario } from "../../system/scenario/run.js";
import type { ScenarioInput } from "../../system/scenario/schema.js";
import { IKE_QOS } from "./ike-fixture.js";


/** Gold voice beside jumbo bulk that keeps two cores busy with software ESP (2-entry SA tables), Deletes and lost IKE messages. */
const SCENARIO: ScenarioInput = {
  name: "control-class",
  seed: 11,
  durationMicroseconds: 400,
  nic: { sacache: { txEntries: 2, rxEntries: 2 } },
  driver: { cpu: { cores: 2 }, base: { txRingDescriptors: 8, rxRingDescriptors: 8 }, intermediate: { placement: "metric", ike: { rekeyGraceMicroseconds: 5 } } },
  qos: IKE_QOS,
  customers: [
    { name: "g", identity: { type: "ID_FQDN", value: "gw.gold.example" }, sas: 2, ike: { mode: "main", preSharedKey: "k1", lifetimeKilobytes: 20 } },
    { name: "b", identity: { type: "ID_KEY_ID", value: "bulk" }, sas: 3, ike: { mode: "main", preSharedKey: "k2", lifetimeKilobytes: 150 } },
  ],
  faults: { ikeDeletes: 2, replayProbability: 0.1, ikeLossProbability: 0.1 },
  traffic: [
    { name: "voice", customer: "g", direction: "both", packetBytes: 300, gapMicroseconds: 1.5 },
    { name: "jumbo", customer: "b", direction: "both", packetBytes: 9000, load: 0.2 },
    { name: "mix", customer: "b", direction: "both", packetBytes: 600, load: 0.2, spread: "zipf" },
  ],
  outputs: { waveform: false, pcap: false, html: false, saTrace: false },
};

const UDP = 17;
const ISAKMP_PORT = 500;
/** Offsets in an IKE frame: IPv4 header from 14, UDP from 34, ISAKMP from 42 (its exchange type at 18). */
const AT = { tos: 15, protocol: 23, source: 26, destinationPort: 36, exchangeType: 42 + 18 } as const;

test("a gateway's IKE SA messages (Quick Modes, Deletes) carry its customer's class once phase 1 is up, so the host takes them in that class: a gold customer's Delete waited 137 µs behind bulk's software ESP in the best-effort queue, and its rekeys came too late (from an IPsec user's check)", () => {
  const { kernel, top } = buildScenario(checkScenario(SCENARIO));
  const fromGateways: { time: number; dscp: number; source: string; exchangeType: number }[] = [];
  top.wire.tap((time, frame, from) => {
    const bytes = frame.bytes;
    if (from !== "peer" || bytes[AT.protocol] !== UDP || ((bytes[AT.destinationPort]! << 8) | bytes[AT.destinationPort + 1]!) !== ISAKMP_PORT) return;
    fromGateways.push({ time, dscp: bytes[AT.tos]! >> 2, source: [...bytes.subarray(AT.source, AT.source + 4)].join("."), exchangeType: bytes[AT.exchangeType]! });
  });
  kernel.run({ until: us(6500) });
  const intermediate = top.driver.intermediate;
  const classOf = (type: "ID_FQDN" | "ID_KEY_ID", value: string) => intermediate.classOfGroup(intermediate.profiles.match(identity(type, value))?.ipsecQosGroup ?? null);
  const gateways = { g: { address: "192.0.2.10", trafficClass: classOf("ID_FQDN", "gw.gold.example") }, b: { address: "192.0.2.11", trafficClass: classOf("ID_KEY_ID", "bulk") } };
  expect(gateways.g.trafficClass).not.toBe(gateways.b.trafficClass);
  for (const { address, trafficClass } of Object.values(gateways)) {
    const frames = fromGateways.filter((frame) => frame.source === address);
    // Phase 1 is best effort: the class comes from the identity it carries (seed 001).
    expect(new Set(frames.filter((frame) => frame.exchangeType === EXCHANGE.MAIN_MODE).map((frame) => frame.dscp))).toEqual(new Set([0]));
    const underIkeSa = frames.filter((frame) => frame.exchangeType === EXCHANGE.QUICK_MODE || frame.exchangeType === EXCHANGE.INFORMATIONAL);
    expect(underIkeSa.length).toBeGreaterThan(0);
    expect(new Set(underIkeSa.map((frame) => frame.dscp))).toEqual(new Set([classDscp(trafficClass)]));
  }
  // Gold's Deletes are taken within a few µs of reaching the port, with both cores busy on bulk.
  const goldDeletes = intermediate.ike.timeline.filter((entry) => entry.gateway === "g" && entry.event.kind === "delete-received");
  expect(goldDeletes.length).toBeGreaterThan(0);
  for (const entry of goldDeletes) {
    const arrived = fromGateways.filter((frame) => frame.source === gateways.g.address && frame.exchangeType === EXCHANGE.INFORMATIONAL && frame.time <= entry.time).at(-1)!;
    expect(entry.time - arrived.time).toBeLessThan(us(20));
  }
});

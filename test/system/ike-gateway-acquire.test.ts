import { expect, test } from "vitest";
import { runScenario } from "../../system/scenario/run.js";
import { parseScenarioText } from "../../system/scenario/load.js";
import { describeDropPlaces } from "../../system/scenario/summary.js";

// One gateway, one tunnel, and one Delete the gateway sends (the ikeDeletes fault) a little after the traffic starts.
const scenario = (direction: "to-host" | "both") => `
name: one-way
seed: 3
durationMicroseconds: 2000
customers:
  - name: gw
    identity: { type: ID_FQDN, value: gw.example }
    sas: 1
    ike: { mode: main, preSharedKey: k }
traffic:
  - { name: down, customer: gw, direction: ${direction}, packetBytes: 400, load: 0.1 }
faults:
  ikeDeletes: 1
outputs: { waveform: false, pcap: false, html: false, saTrace: false }
`;

const run = (direction: "to-host" | "both") => runScenario(parseScenarioText(scenario(direction), `${direction}.yaml`), { directory: null }).summary;
const quickModesAfterTheDelete = (summary: ReturnType<typeof run>) => {
  const deleted = summary.ike!.timeline.find((entry) => entry.kind === "delete-received")!;
  return summary.ike!.timeline.filter((entry) => entry.kind === "quick-mode-up" && entry.microseconds > deleted.microseconds);
};

// From the last notes' open point: the host acquires only on a packet it sends, so a tunnel carrying traffic towards the host alone stayed down after a Delete (631 of 1,233 packets dropped, NO_SA).
test("a tunnel carrying traffic towards the host alone is negotiated again by the gateway after a Delete", () => {
  const summary = run("to-host");
  const again = quickModesAfterTheDelete(summary);
  expect(again).toHaveLength(1);
  expect(again[0]!.text).toMatch(/^Quick Mode up again .*started by the gateway \(/);
  const gateway = summary.ike!.gateways[0]!;
  expect(gateway.tunnels.upAtEnd).toBe(1);
  // What the gateway sent while its Quick Mode came up: about 40 µs of packets every 1.3 µs.
  expect(summary.gatewayDrops.NO_SA).toBeGreaterThan(0);
  expect(summary.gatewayDrops.NO_SA).toBeLessThan(60);
}, 60_000);

test("with traffic both ways, both ends negotiate the tunnel again and the host keeps one pair: nothing it takes is lost to the crossing", () => {
  const summary = run("both");
  const again = quickModesAfterTheDelete(summary);
  expect(again.length).toBeGreaterThanOrEqual(1);
  expect(describeDropPlaces(summary)).not.toMatch(/host IPsec[^;]*UNKNOWN_SPI/);
  expect(summary.ike!.gateways[0]!.tunnels.upAtEnd).toBe(1);
  expect(summary.violations).toEqual([]);
}, 60_000);

// From the re-check: a host that sent under the pair once, then only a ping every 950 µs, left the tunnel down until its next ping (600 of 1,233 packets dropped), as a gateway waiting for the host's acquire did.
test("a host that sends rarely does not keep the tunnel down: the gateway negotiates it on its own next packet", () => {
  const sparse = scenario("to-host").replace("load: 0.1 }", "load: 0.1 }\n  - { name: ping, customer: gw, direction: to-peer, packetBytes: 100, gapMicroseconds: 950, pattern: constant }");
  const summary = runScenario(parseScenarioText(sparse, "sparse.yaml"), { directory: null }).summary;
  expect(quickModesAfterTheDelete(summary)[0]!.text).toMatch(/started by the gateway/);
  expect(summary.gatewayDrops.NO_SA).toBeLessThan(60);
  expect(summary.ike!.gateways[0]!.tunnels.upAtEnd).toBe(1);
}, 60_000);

// From an outside check of the change above: the host's first packet came just after the Delete, so both ends negotiated the tunnel and their Quick Modes crossed.
// The gateway took the two pairs up in the other order and went back to the one the host then deleted: 11 packets dropped, UNKNOWN_SPI.
test("Quick Modes from both ends that cross lose nothing: the host's Delete reaches the gateway before the pair it goes back to is gone", () => {
  const crossing = scenario("to-host").replace("durationMicroseconds: 2000", "durationMicroseconds: 1943").replace("load: 0.1 }", "load: 0.1 }\n  - { name: ping, customer: gw, direction: to-peer, packetBytes: 100, gapMicroseconds: 950, pattern: constant }");
  const summary = runScenario(parseScenarioText(crossing, "crossing.yaml"), { directory: null }).summary;
  const ups = quickModesAfterTheDelete(summary);
  // Both ends' Quick Modes came up: the host's own, then the gateway's, which replaces it (no rekey: no lifetime started either).
  expect(ups.map((entry) => entry.text.replace(/ \(UDP.*?started by/, " started by").replace(/ \(UDP.*/, ""))).toEqual(["Quick Mode up again", "Quick Mode up in place of a live pair started by the gateway (its rekey at its soft lifetime, or its acquire once its end of the pair had ended)"]);
  expect(summary.ike!.host.rekeys).toBe(0);
  expect(summary.ike!.host.renegotiations).toBe(1);
  expect(summary.ike!.host.gatewayStarted).toBe(1);
  expect(describeDropPlaces(summary)).not.toContain("UNKNOWN_SPI");
  expect(summary.violations).toEqual([]);
  expect(summary.ike!.gateways[0]!.tunnels.upAtEnd).toBe(1);
}, 60_000);

// From the same check: the gateway deleted a pair it had taken up before its QM3 reached the host; the host's resent QM2 brought the gateway's cached QM3, and the host installed the deleted pair, as a rekey, and deleted the live one.
test("a Quick Mode whose pair the gateway deleted before it was up at the host is not installed there: the tunnel keeps its live pair", () => {
  const lossy = `
name: lossy-deletes
seed: 6
durationMicroseconds: 4000
customers:
  - { name: c0, identity: { type: ID_FQDN, value: c0.example }, sas: 6, ike: { mode: main, preSharedKey: k0 } }
  - { name: c1, identity: { type: ID_FQDN, value: c1.example }, sas: 6, ike: { mode: main, preSharedKey: k1 } }
traffic:
  - { name: s0_0, customer: c0, direction: to-host, packetBytes: 400, load: 0.1 }
  - { name: s1_0, customer: c1, direction: to-host, packetBytes: 400, load: 0.1 }
faults: { ikeDeletes: 10, ikeLossProbability: 0.2 }
outputs: { waveform: false, pcap: false, html: false, saTrace: false }
`;
  const summary = runScenario(parseScenarioText(lossy, "lossy.yaml"), { directory: null }).summary;
  const timeline = summary.ike!.timeline.filter((entry) => entry.gateway === "c1");
  const refused = timeline.find((entry) => /^Quick Mode failed \(UDP port \d+\): the gateway deleted its pair before it was up here$/.test(entry.text))!;
  expect(refused).toBeDefined();
  // No pair comes up after a Delete the host took named it.
  const outbound = (text: string) => /outbound SPI (0x[0-9a-f]+)/.exec(text)?.[1];
  for (const deleted of timeline.filter((entry) => entry.kind === "delete-received")) {
    const spi = /SPI (0x[0-9a-f]+)/.exec(deleted.text)![1];
    expect(timeline.filter((entry) => entry.kind === "quick-mode-up" && entry.microseconds > deleted.microseconds && outbound(entry.text) === spi)).toEqual([]);
  }
  // Nothing sent after it deletes a live pair of the tunnel: no Delete from the host follows.
  expect(timeline.filter((entry) => entry.kind === "delete-sent" && entry.microseconds > refused.microseconds)).toEqual([]);
  expect(summary.violations).toEqual([]);
}, 60_000);

import { expect, test } from "vitest";
import { runScenario } from "../../system/scenario/run.js";
import { parseScenarioText } from "../../system/scenario/load.js";

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
  expect(again[0]!.text).toMatch(/^Quick Mode up again .*started by the gateway \(its acquire/);
  const gateway = summary.ike!.gateways[0]!;
  expect(gateway.tunnels.upAtEnd).toBe(1);
  // What the gateway sent while its Quick Mode came up: about 40 µs of packets every 1.3 µs.
  expect(summary.gatewayDrops.NO_SA).toBeGreaterThan(0);
  expect(summary.gatewayDrops.NO_SA).toBeLessThan(60);
}, 60_000);

test("a host that sends negotiates the tunnel again itself, and the gateway waits for it: no second Quick Mode crosses it", () => {
  const summary = run("both");
  const again = quickModesAfterTheDelete(summary);
  expect(again).toHaveLength(1);
  expect(again[0]!.text).not.toMatch(/started by the gateway/);
  expect(summary.ike!.host.rekeys).toBe(0);
  expect(summary.ike!.gateways[0]!.tunnels.upAtEnd).toBe(1);
}, 60_000);

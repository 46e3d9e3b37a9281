import { expect, test } from "vitest";
import { us } from "../../sim/time.js";
import { IkeMessageEnum } from "../../driver/intermediate/ike-timeline.js";
import { checkScenario } from "../../system/scenario/load.js";
import { buildScenario } from "../../system/scenario/run.js";
import type { ScenarioInput } from "../../system/scenario/schema.js";

type Customer = ScenarioInput["customers"][number];
const QUIET = { waveform: false, pcap: false, html: false, saTrace: false };
const ISAKMP_PORT = 500;

/** A scenario's design, with the times each IKE waveform event fired and the IKE frames at the NIC's port, run to `until` µs. */
function watch(input: ScenarioInput, until: number) {
  const { kernel, top } = buildScenario(checkScenario(input));
  const fired = new Map<string, number[]>();
  /** The customer's `_exchange` as each of its messages is taken. */
  const exchangeWhenTaken = new Map<string, string[]>();
  for (const event of kernel.events) {
    const name = /^top\.driver\.intermediate\.ike\.(\w+_(?:message|taken))$/.exec(event.path)?.[1];
    if (name === undefined) continue;
    const release = event.release.bind(event);
    fired.set(name, []);
    const exchange = kernel.signals.find((signal) => signal.path === event.path.replace(/_taken$/, "_exchange"));
    event.release = () => {
      fired.get(name)!.push(kernel.now);
      if (name.endsWith("_taken")) (exchangeWhenTaken.get(name) ?? exchangeWhenTaken.set(name, []).get(name)!).push(IkeMessageEnum.names[Number(exchange!.value)]!);
      release();
    };
  }
  const frames: { time: number; from: "nic" | "peer"; gateway: string }[] = [];
  top.wire.tap((time, frame, from) => {
    const bytes = frame.bytes;
    if (bytes[23] !== 17 || ((bytes[36]! << 8) | bytes[37]!) !== ISAKMP_PORT) return;
    const gateway = from === "nic" ? bytes.subarray(30, 34) : bytes.subarray(26, 30);
    frames.push({ time, from, gateway: [...gateway].join(".") });
  });
  kernel.run({ until: us(until) });
  return { fired, frames, top, exchangeWhenTaken };
}

test("<customer>_message fires when the message is on the NIC's ring, not before it waits for a core: with eight phase 1s on the cores it fired 272 µs before its frame left (from a reviewer's check in GTKWave)", () => {
  const customers: Customer[] = Array.from({ length: 8 }, (_, index) => ({ name: `k${index}`, identity: { type: "ID_FQDN", value: `gw${index}.multi.example` }, sas: 1, ike: { mode: index % 2 === 0 ? "main" : "aggressive", preSharedKey: `psk-k${index}` } }));
  const { fired, frames } = watch({ name: "events", seed: 99, durationMicroseconds: 10, customers, traffic: [{ name: "t", customer: "k0", direction: "to-peer", packetBytes: 64, gapMicroseconds: 5 }], outputs: QUIET }, 1500);
  const messages = [...fired].filter(([name]) => name.endsWith("_message")).flatMap(([, times]) => times).sort((a, b) => a - b);
  const sent = frames.filter((frame) => frame.from === "nic").map((frame) => frame.time);
  expect(messages.length).toBeGreaterThanOrEqual(8);
  expect(messages).toHaveLength(sent.length);
  // The i-th message posted is the i-th to leave: a frame of a few hundred bytes takes its DMA, the MAC and the wire after it.
  messages.forEach((time, index) => {
    expect(sent[index]! - time, `message ${index}`).toBeGreaterThan(0);
    expect(sent[index]! - time, `message ${index}`).toBeLessThan(us(5));
  });
});

test("<customer>_taken fires for every message the host takes from its gateway, copies and Deletes included, and a Delete shows as INFO_DELETE (only messages that moved an exchange on fired it)", () => {
  const input: ScenarioInput = {
    name: "events",
    seed: 11,
    durationMicroseconds: 300,
    customers: [{ name: "good", identity: { type: "ID_USER_FQDN", value: "ops@good.example" }, sas: 3, ike: { mode: "main", preSharedKey: "good-psk" } }],
    faults: { ikeDeletes: 2, ikeLossProbability: 0.2 },
    traffic: [{ name: "g", customer: "good", direction: "both", packetBytes: 1000, load: 0.3 }],
    outputs: QUIET,
  };
  const { fired, frames, top, exchangeWhenTaken } = watch(input, 8000);
  const fromGateway = frames.filter((frame) => frame.from === "peer");
  const daemon = top.driver.intermediate.ike;
  expect(daemon.timeline.filter((entry) => entry.event.kind === "delete-received").length).toBe(2);
  // Copies: the gateway resent what the link lost, or what it had no answer to yet.
  expect([...top.traffic.gateways!.gateways.values()][0]!.counts.retransmitted).toBeGreaterThan(0);
  expect(fired.get("good_taken")).toEqual(fromGateway.map((frame) => expect.any(Number)));
  expect(exchangeWhenTaken.get("good_taken")!.filter((name) => name === "INFO_DELETE")).toHaveLength(2);
  // Each is taken at or after its frame's last bit reaches the NIC's port.
  fired.get("good_taken")!.forEach((time, index) => expect(time).toBeGreaterThanOrEqual(fromGateway[index]!.time));
});

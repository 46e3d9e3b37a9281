import { describe, expect, test } from "vitest";
import { IntermediateDriver } from "../../driver/intermediate/driver.js";
import { Spd } from "../../driver/intermediate/spd.js";
import { checkScenario, ScenarioError } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";
import type { ScenarioInput } from "../../system/scenario/schema.js";

/**
 * Two customers of two SAs each, both ways, mixed sizes, with 1-entry SA tables so that some
 * SAs run in software: the host's inbound checks (RFC 4301 5.2) meet forged copies on both paths.
 */
function forged(faults: ScenarioInput["faults"], offload = true): ScenarioInput {
  return {
    name: "forged-copies",
    seed: 4021,
    durationMicroseconds: 80,
    nic: { sacache: { txEntries: 1, rxEntries: 1 } },
    driver: { intermediate: { offload } },
    customers: [
      { name: "a", identity: { type: "ID_FQDN", value: "gw.a.example" }, sas: 2 },
      { name: "b", identity: { type: "ID_KEY_ID", value: "b" }, sas: 2 },
    ],
    traffic: [
      { name: "small", customer: "a", direction: "both", packetBytes: 64, load: 0.1 },
      { name: "large", customer: "b", direction: "both", packetBytes: 1400, load: 0.3 },
    ],
    faults,
    outputs: { waveform: false, pcap: false, html: false, saTrace: false },
  };
}

function run(input: ScenarioInput) {
  const { summary, design } = runScenario(checkScenario(input), { directory: null });
  const traffic = design.top.traffic;
  const sum = (values: Iterable<number>) => [...values].reduce((total, value) => total + value, 0);
  const drops = sum(Object.values(summary.nic.drops)) + sum(Object.values(summary.driver.drops)) + sum(Object.values(summary.ipsec.drops)) + traffic.gatewayDrops;
  return { summary, traffic, drops, sent: sum(summary.flows.map((flow) => flow.sent)), delivered: sum(summary.flows.map((flow) => flow.received)) };
}

describe("forged copies from the gateway's side (faults.cleartextProbability, faults.crossTunnelProbability)", () => {
  for (const offload of [true, false]) {
    test(`each copy in the clear is dropped as UNPROTECTED and each under another tunnel's SA as SELECTOR_MISMATCH, every packet still delivered once (offload ${offload})`, () => {
      const { summary, traffic, drops, sent, delivered } = run(forged({ cleartextProbability: 0.2, crossTunnelProbability: 0.2 }, offload));
      expect(summary.violations).toEqual([]);
      expect(traffic.injected.cleartext).toBeGreaterThan(5);
      expect(traffic.injected.crossTunnel).toBeGreaterThan(5);
      expect(traffic.injected.crossTunnelUnsent).toBe(0);
      expect(summary.ipsec.drops.UNPROTECTED).toBe(traffic.injected.cleartext);
      expect(summary.ipsec.drops.SELECTOR_MISMATCH).toBe(traffic.injected.crossTunnel);
      expect(delivered).toBe(sent);
      expect(sent + traffic.injectedCopies).toBe(delivered + drops);
      expect(summary.faults.join(", ")).toContain(`(${traffic.injected.cleartext} copies injected)`);
      expect(summary.injectedCopies).toEqual(traffic.injected);
      expect(summary.faults.join(", ")).toContain("under another tunnel's SA");
    }, 60_000);
  }

  test("the forgeries draw from streams of their own: the traffic, its corruptions and replays are those of a run without them", () => {
    const plain = run(forged({ corruptProbability: 0.05, replayProbability: 0.05 }));
    const withForgeries = run(forged({ corruptProbability: 0.05, replayProbability: 0.05, cleartextProbability: 0.3, crossTunnelProbability: 0.3 }));
    expect(withForgeries.summary.violations).toEqual([]);
    expect(withForgeries.summary.flows.map((flow) => flow.sent)).toEqual(plain.summary.flows.map((flow) => flow.sent));
    expect(plain.traffic.injected.replays).toBeGreaterThan(0);
    expect(withForgeries.traffic.injected.replays).toBe(plain.traffic.injected.replays);
    // Corrupted frames fail their ICV at the NIC or on the host, as the SA table holds their SA then: the forgeries' load may move that, not their number.
    const icvFailures = ({ summary }: ReturnType<typeof run>) => (summary.nic.drops.ESP_ICV_FAILED ?? 0) + (summary.ipsec.drops.AUTHENTICATION_FAILED ?? 0);
    expect(icvFailures(plain)).toBeGreaterThan(0);
    expect(icvFailures(withForgeries)).toBe(icvFailures(plain));
  }, 60_000);

  // From an outside check: with the originals lost (corrupted), a forged copy the host delivered was taken for the original arriving late, and every law held.
  describe("a host that delivers forged copies is caught by the scoreboard, even where the originals were lost", () => {
    const everyOriginalCorrupted = (faults: ScenarioInput["faults"]) => forged({ corruptProbability: 1, ...faults });
    test("a host whose SPD passes cleartext (every inbound packet under bypass): delivered in the clear", () => {
      const lookupInbound = Spd.prototype.lookupInbound;
      const everything = { family: 4, first: 0n, last: 0xffff_ffffn } as const;
      Spd.prototype.lookupInbound = () => ({ name: "bypass everything", source: everything, destination: everything, action: { kind: "bypass" } });
      try {
        const { summary } = run(everyOriginalCorrupted({ cleartextProbability: 1 }));
        expect(summary.violations[0]).toMatch(/to-host packet \d+: delivered in the clear, though sent under SPI 0x[0-9a-f]+ \(a forged copy taken for it\)/);
      } finally {
        Spd.prototype.lookupInbound = lookupInbound;
      }
    }, 60_000);

    test("a host that checks no SA's selectors: delivered under another tunnel's SPI", () => {
      const prototype = IntermediateDriver.prototype as unknown as { deliver: (result: unknown, sa: { selectors: unknown }, ...rest: unknown[]) => void };
      const deliver = prototype.deliver;
      prototype.deliver = function (this: unknown, result, sa, ...rest) {
        return deliver.call(this, result, { ...sa, selectors: null }, ...rest);
      };
      try {
        const { summary } = run(everyOriginalCorrupted({ crossTunnelProbability: 1 }));
        expect(summary.violations[0]).toMatch(/to-host packet \d+: delivered under SPI 0x[0-9a-f]+, though sent under SPI 0x[0-9a-f]+ \(a forged copy taken for it\)/);
      } finally {
        prototype.deliver = deliver;
      }
    }, 60_000);
  });

  test("a copy under another tunnel's SA needs a second tunnel: one SA pair in all is refused before the run, naming the field", () => {
    const input: ScenarioInput = { ...forged({ crossTunnelProbability: 0.1 }), customers: [{ name: "a", identity: { type: "ID_FQDN", value: "gw.a.example" }, sas: 1 }], traffic: [{ name: "small", customer: "a", direction: "to-host", packetBytes: 64, load: 0.1 }] };
    expect(() => checkScenario(input)).toThrow(/faults\.crossTunnelProbability.*needs a second tunnel: the customers have 1 SA pair in all/);
  });

  test("an SA count the schema refuses is not counted into that refusal: only its own mistake is said", () => {
    const input = { ...forged({ crossTunnelProbability: 0.1 }), customers: [{ name: "a", identity: { type: "ID_FQDN", value: "gw.a.example" }, sas: 1.5 }], traffic: [{ name: "small", customer: "a", direction: "to-host", packetBytes: 64, load: 0.1 }] };
    let problems: readonly string[] = [];
    try {
      checkScenario(input);
    } catch (error) {
      problems = (error as ScenarioError).problems;
    }
    expect(problems.join("\n")).toContain("customers[0].sas");
    expect(problems.join("\n")).not.toContain("needs a second tunnel");
  });

  test("with no stream to the host, the gateway's faults are warned to have no effect", () => {
    const input: ScenarioInput = { ...forged({ cleartextProbability: 0.2, replayProbability: 0.1 }), traffic: [{ name: "small", customer: "a", direction: "to-peer", packetBytes: 64, load: 0.1 }] };
    const warnings = checkScenario(input).warnings;
    expect(warnings.filter((warning) => warning.includes("no stream sends to the host"))).toEqual([
      expect.stringContaining("faults.replayProbability has no effect"),
      expect.stringContaining("faults.cleartextProbability has no effect"),
    ]);
  });
});

import { describe, expect, test } from "vitest";
import { checkScenario } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";
import type { ScenarioInput } from "../../system/scenario/schema.js";

function scenario(faults: ScenarioInput["faults"]): ScenarioInput {
  return {
    name: "faults",
    seed: 3,
    durationMicroseconds: 60,
    customers: [{ name: "c0", identity: { type: "ID_FQDN", value: "gw.c0.example" }, sas: 3 }],
    traffic: [{ name: "s0", customer: "c0", direction: "both", packetBytes: 400, load: 0.2 }],
    faults,
    outputs: { waveform: false, pcap: false, html: false },
  };
}

const run = (faults: ScenarioInput["faults"]) => runScenario(checkScenario(scenario(faults)), { directory: null });
const sum = (values: Iterable<number>) => [...values].reduce((total, value) => total + value, 0);

describe("faults mid-flight", () => {
  test("SA deletes: an outbound delete drops the tunnel's later packets as NO_POLICY, an inbound one as UNKNOWN_SPI; every lost packet is a counted drop", () => {
    const calm = run({});
    const { summary } = run({ deletes: 3 });
    expect(calm.summary.flows.every((flow) => flow.lost === 0)).toBe(true);
    expect(summary.violations).toEqual([]);
    const drops = summary.ipsec.drops as Record<string, number>;
    expect(drops.NO_POLICY).toBeGreaterThan(0);
    expect(drops.UNKNOWN_SPI).toBeGreaterThan(0);
    const lost = sum(summary.flows.map((flow) => flow.lost));
    expect(lost).toBeGreaterThan(0);
    expect(lost).toBe(sum(Object.values(drops)) + sum(Object.values(summary.nic.drops as Record<string, number>)));
    // A loss leaves a gap; it does not make the packets after it out of order.
    expect(sum(summary.flows.map((flow) => flow.outOfOrder))).toBe(0);
  });

  test("interrupt storms: many more interrupts and polls, and not a packet lost, duplicated or changed", () => {
    const calm = run({});
    const stormy = run({ interruptStorms: 3 });
    expect(stormy.summary.violations).toEqual([]);
    expect(stormy.summary.driver.polls).toBeGreaterThan(calm.summary.driver.polls * 2);
    // The storms' times come from the run's random stream, so the traffic differs from the calm run's: compare each with itself.
    for (const flow of stormy.summary.flows) expect([flow.received, flow.lost, flow.outOfOrder]).toEqual([flow.sent, 0, 0]);
    expect(stormy.summary.outcome).toBe("every packet arrived");
  });

  test.each([1, 5, 30])("interrupt storms in a traffic of %f µs: the run goes on until they have passed and the host has handled what they raised (it ended with jobs still waiting for a core)", (durationMicroseconds) => {
    const { summary } = runScenario(checkScenario({ ...scenario({ interruptStorms: 3 }), durationMicroseconds }), { directory: null });
    expect(summary.host.waitingAtEnd).toBe(0);
    // Each storm lasts 2 to 20 µs from a time in the traffic, and the run waits 20 µs more.
    expect(summary.simulatedMicroseconds - summary.trafficStartMicroseconds).toBeGreaterThanOrEqual(durationMicroseconds + 2 + 20);
    expect(summary.driver.polls).toBeGreaterThan(0);
  });

  test("a run whose storms outlast its traffic ends where they have settled, whatever the sample interval (it ended at the next sample)", () => {
    const ends = [10, 10_000].map((samples) => runScenario(checkScenario({ ...scenario({ interruptStorms: 3 }), durationMicroseconds: 1, outputs: { waveform: false, pcap: false, html: false, samples } }), { directory: null }).summary.simulatedMicroseconds);
    expect(ends[0]).toBe(ends[1]);
  });

  test("rekeys: the new SAs carry the traffic from then on, and the ring monitor and scoreboards find nothing wrong", () => {
    const { summary, design } = run({ rekeys: 2 });
    expect(summary.violations).toEqual([]);
    expect(summary.ringChecks!.writeBacks).toBeGreaterThan(0);
    const intermediate = design.top.driver.intermediate;
    // The rekeys made SPIs 0x3000 and 0x3001 (the second may have replaced the first, when the same tunnel was drawn twice):
    // the last is in the SADB, each tunnel still has one outbound SA, and no SA a rekey replaced is left.
    const outbound = intermediate.sadb.all().filter((sa) => sa.direction === "outbound").map((sa) => sa.parameters.spi);
    expect(outbound).toContain(0x3001);
    expect(outbound).toHaveLength(3);
    const rekeyed = outbound.filter((spi) => spi >= 0x3000);
    expect(rekeyed.length).toBeGreaterThanOrEqual(1);
  });
});

import { describe, expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { runPlainTraffic } from "../../system/run-scenario.js";
import { runScenario } from "../../system/scenario/run.js";
import { oneStreamScenario } from "./scenario-fixture.js";

const SMALL = oneStreamScenario({ durationMicroseconds: 40, packetBytes: 600, load: 0.3, quiet: true });

describe("the faults-injected line", () => {
  test("names the DMA engine's fault injection (a device parameter, not a scenario fault), so that its drops are not left unexplained", () => {
    const { summary, text } = runScenario(parseScenarioText(SMALL, "s.yaml", { "nic.dma.readErrorProbability": 0.01, "nic.dma.completionTimeoutProbability": 0.002 }), { directory: null });
    expect(summary.faults).toEqual(["DMA reads fail 1% of the time (DMA_READ_ERROR)", "DMA reads never complete 0.2% of the time (DMA_COMPLETION_TIMEOUT)"]);
    expect(text).toContain("\n  faults injected: DMA reads fail 1% of the time (DMA_READ_ERROR), DMA reads never complete 0.2% of the time (DMA_COMPLETION_TIMEOUT)\n");
    expect(runScenario(parseScenarioText(SMALL, "s.yaml"), { directory: null }).summary.faults).toEqual([]);
  });

  test("says how many SA rekeys and deletes were made where fewer were than asked: one pair allows two deletes, and none is left to rekey (it said 6 deletes and 4 rekeys, where 2 and 0 were made: an outside check)", () => {
    const onePair = `
name: one-pair
seed: 4
durationMicroseconds: 200
customers:
  - { name: a, identity: { type: ID_FQDN, value: gw.a.example }, sas: 1 }
traffic:
  - { name: t, customer: a, direction: both, packetBytes: 200, load: 0.05 }
faults: { deletes: 6, inboundRekeys: 4 }
`;
    const { summary } = runScenario(parseScenarioText(onePair, "one-pair.yaml"), { directory: null });
    expect(summary.faults).toEqual([
      "4 inbound rekeys asked, 0 made (4 found no SA free to change: none left, or each under another change)",
      "6 SA deletes asked, 2 made (4 found no SA free to change: none left, or each under another change)",
    ]);
    // Changes in turn, each waiting for the one before, may still be waiting when the run ends: said so, not as finding no SA free (a second check: 42 of 48 rekeys made, with 8 pairs free).
    const crowded = runScenario(parseScenarioText(onePair.replace("sas: 1", "sas: 8").replace("{ deletes: 6, inboundRekeys: 4 }", "{ rekeys: 48 }"), "crowded.yaml"), { directory: null });
    expect(crowded.summary.faults).toEqual([expect.stringMatching(/^48 outbound rekeys asked, (\d+) made \(\d+ still waiting their turn when the run ended\)$/)]);
    // With SAs enough, what was asked is what was made, and said as before.
    const many = runScenario(parseScenarioText(onePair.replace("sas: 1", "sas: 8").replace("deletes: 6", "deletes: 2"), "many.yaml"), { directory: null });
    expect(many.summary.faults).toEqual(["4 inbound rekeys", "2 SA deletes"]);
  }, 60_000);

  test("a run whose drain time runs out with the NIC still at work but every missing packet matched to a counted drop ends well, and says so (it said 'packets still in flight', none was, and exited 1: an architect's check)", () => {
    // Half the DMA reads never complete: the driver resets its queues over and over, past the 2 ms drain; every lost packet was dropped and counted.
    const held = { "nic.dma.completionTimeout": 0, "nic.dma.completionTimeoutProbability": 0.5 };
    const { summary } = runScenario(parseScenarioText(SMALL, "s.yaml", held), { directory: null });
    const lost = summary.flows.reduce((sum, flow) => sum + flow.sent - flow.received, 0);
    expect(lost).toBeGreaterThan(0);
    expect(summary.outcome).toBe(`every packet arrived or was dropped with a counted reason (${lost} dropped); the drain time ran out with the NIC or the drivers still at work`);
    expect(summary.ending.kind).toBe("accounted-at-drain-limit");
    // A packet truly on its way at the drain's end (9000 bytes at 1 Mb/s take 72 ms on the wire) is still said to be: the host's (the gateway's backlog is waited out).
    const jumbo = oneStreamScenario({ durationMicroseconds: 10, packetBytes: 9000, quiet: true }).replace("    load: 0.1\n", "    gapMicroseconds: 4\n").replace("direction: both", "direction: to-peer");
    const slow = runScenario(parseScenarioText(jumbo, "s.yaml", { "wire.gigabitsPerSecond": 0.001 }), { directory: null });
    expect(slow.summary.outcome).toBe("the drain time ran out with packets still in flight");
  }, 60_000);

  test("plain-traffic ends once every frame arrived or was dropped with a counted reason (it waited for the dropped ones to its time limit, and failed)", () => {
    const { report, design } = runPlainTraffic({ parameters: { "top.traffic.framesPerQueue": 100, "top.nic.dma.readErrorProbability": 0.02 }, limit: 10_000_000_000 });
    const traffic = design.top.traffic;
    expect(traffic.droppedFrames).toBeGreaterThan(0);
    expect(traffic.arrivedFrames + traffic.droppedFrames).toBe(traffic.expectedFrames);
    expect(report.outcome).toBe(`every frame arrived or was dropped with a counted reason (${traffic.droppedFrames} of ${traffic.expectedFrames} dropped)`);
    expect(report.simulatedNanoseconds).toBeLessThan(5_000_000);
    // The device's errors in one unit, to the picosecond (a list mixed "1576992 ns" and "1619662125 ps").
    expect(report.nic.diagnostics.length).toBeGreaterThan(0);
    for (const line of report.nic.diagnostics) expect(line).toMatch(/^\d+(\.\d{1,3})? ns: [A-Z_]+: /);
  });

  test("plain-traffic stopped by its time limit says how many frames were dropped with a counted reason and how many neither arrived nor were (it said only how many arrived)", () => {
    const { report, design, text } = runPlainTraffic({ seed: 5, parameters: { "top.traffic.framesPerQueue": 20, "top.nic.dma.readErrorProbability": 1 }, limit: 1_000_000_000 });
    const traffic = design.top.traffic;
    const unaccounted = traffic.expectedFrames - traffic.arrivedFrames - traffic.droppedFrames;
    expect(unaccounted).toBeGreaterThan(0);
    // Where they are (it said "still in the device, or lost"): a queue its faults disabled keeps them in the RX buffer.
    const inRxBuffer = design.top.nic.rx.queues.reduce((sum, queue) => sum + queue.frames.length, 0);
    const inTxDevice = design.top.nic.tx.framesHeld + design.top.nic.mac.framesHeld;
    expect(inRxBuffer).toBeGreaterThan(0);
    expect(report.outcome).toBe(
      `stopped by the time limit with ${traffic.arrivedFrames} of ${traffic.expectedFrames} frames arrived and ${traffic.droppedFrames} dropped with a counted reason ` +
        `(${unaccounted} neither: ${inRxBuffer} in the NIC's RX buffer, ${inTxDevice} taken from its TX rings and not yet sent, ${unaccounted - inRxBuffer - inTxDevice} on the rings, waiting in the host, or lost)`,
    );
    // Every read failing makes a device error each time: the text lists the first ten and counts them all by code; the JSON report keeps every one (fewer than 2 × DIAGNOSTICS_KEPT here).
    const errors = report.nic.errors;
    expect(report.nic.diagnostics).toHaveLength(errors);
    expect(errors).toBeGreaterThan(100);
    expect(Object.values(report.nic.errorsByCode).reduce((sum, count) => sum + count, 0)).toBe(errors);
    expect(report.nic.errorsByCode.DMA_READ_ERROR).toBeGreaterThan(0);
    expect(text).toContain(`     device errors: ${errors} (DMA_READ_ERROR ${report.nic.errorsByCode.DMA_READ_ERROR}`);
    expect(text.split("\n").filter((line) => /^ {7}\d+(\.\d+)? ns: /.test(line))).toEqual(report.nic.diagnostics.slice(0, 10).map((line) => `       ${line}`));
    expect(text).toContain(`\n       … ${errors - 10} more (the JSON report's nic.diagnostics lists up to 2000)\n`);
  });

  test("plain-traffic says it too, in its report and its text", () => {
    const { report, text } = runPlainTraffic({ parameters: { "top.traffic.framesPerQueue": 20, "top.nic.dma.extraLatencyMaximum": 1 }, limit: 50_000_000 });
    expect(report.faults).toEqual(["DMA reads wait up to 1 more cycle"]);
    expect(text.split("\n")[1]).toBe("  faults injected: DMA reads wait up to 1 more cycle");
  });
});

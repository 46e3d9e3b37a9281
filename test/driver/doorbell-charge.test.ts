import { expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";

// Eight SAs of one customer on one queue, a packet every microsecond, half of them in software ESP: posts from four cores meet on the ring.
const scenario = `
name: doorbell-charge
seed: 5
durationMicroseconds: 200
nic: { sacache: { txEntries: 4, rxEntries: 4 } }
driver: { intermediate: { placement: token } }
customers: [ { name: c, identity: { type: ID_FQDN, value: gw.c.example }, sas: 8 } ]
traffic: [ { name: t, customer: c, direction: to-peer, packetBytes: 1000, gapMicroseconds: 1, pattern: constant, spread: even } ]
outputs: { waveform: false, html: false, pcap: false, saTrace: false }
`;

// From an architect's check: a post charged the doorbell's MMIO write skipped it where another core's post had rung for its frame meanwhile,
// 24 of 200 posts charged 100 ns for a write never made. Every post here ends its batch: each is charged the write, and makes it.
test("a post charged the doorbell's MMIO write makes it, where another core's post has rung for its frame meanwhile", () => {
  const { summary, design } = runScenario(parseScenarioText(scenario, "doorbell-charge.yaml"), { directory: null });
  const driver = design.top.driver.base;
  const { postNanoseconds, copyBytesPerNanosecond, mmioWriteNanoseconds } = driver.params;
  const posted = driver.statistics.txFrames;
  expect(posted).toBe(200);
  const postAndCopy = posted * postNanoseconds + driver.statistics.txBytes / copyBytesPerNanosecond;
  const chargedWrites = (summary.host.busyMicroseconds.TRANSMIT! * 1000 - postAndCopy) / mmioWriteNanoseconds;
  // The busy time is given to a hundredth of a microsecond.
  expect(chargedWrites).toBeCloseTo(posted, 0);
  expect(summary.driver.doorbells).toBe(posted);
}, 60_000);

import { expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";
import { buildNicSystem } from "../../system/build.js";
import { sequencedFrame } from "../../sim/packet/test-frames.js";
import { us } from "../../sim/time.js";

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

// From the re-check: a sender finding the ring full rang for what was posted, and an SA's deletion waiting for its frames rang too, with no core charged.
test.each([
  ["one sender batching with more on a ring of 8: it rings as it finds the ring full", 1, 1, 20, true, 8],
  ["sixteen senders on four cores, one queue, a ring of 64", 4, 16, 100, false, 64],
])("every doorbell is a write a core was charged for: %s", (_, cores, senders, frames, more, ring) => {
  // Posting and copying free: the cores' TRANSMIT time is the doorbells' writes alone.
  const { kernel, top } = buildNicSystem({ seed: 7, parameters: { "top.driver.base.queues": 1, "top.driver.cpu.cores": cores, "top.driver.base.postNanoseconds": 0, "top.driver.base.copyBytesPerNanosecond": 1e9, "top.driver.base.txRingDescriptors": ring } });
  const driver = top.driver.base;
  for (let sender = 0; sender < senders; sender++) {
    kernel.process(`sender${sender}`, function* () {
      yield driver.whenReady();
      for (let index = 0; index < frames; index++) yield* driver.transmit(0, sequencedFrame("to-peer", 0, sender * frames + index, 1514), { more: more && index !== frames - 1 });
    });
  }
  kernel.run({ until: us(3000) });
  expect(top.peer.received).toHaveLength(senders * frames);
  expect(driver.statistics.ringFullWaits).toBeGreaterThan(0);
  const transmit = top.driver.cpu.busyByKindNow().get("TRANSMIT")!;
  expect(transmit).toBe(driver.statistics.doorbells * driver.params.mmioWriteNanoseconds * 1000);
  expect(top.nic.diagnostics).toEqual([]);
});

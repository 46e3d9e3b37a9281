import { describe, expect, test } from "vitest";
import { delay } from "../../sim/process.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { Sampler } from "../../system/scenario/measurements.js";
import { buildScenario, runScenario } from "../../system/scenario/run.js";

const MICROSECOND = 1_000_000;

describe("a sampler whose grid coarsens as the run outgrows it", () => {
  // Two samplers watch one run: one starts at 1 µs and may keep 20 readings, so it doubles its grid at 20, 40, 80, … and 2560 µs; the other samples every 64 µs throughout.
  const { kernel, top } = buildScenario(defaultScenario({ durationMicroseconds: 400 }));
  const coarsened = new Sampler(kernel, top, MICROSECOND, 20);
  const direct = new Sampler(kernel, top, 64 * MICROSECOND, 1_000_000);
  for (const [name, sampler] of [["coarsened", coarsened], ["direct", direct]] as const) {
    kernel.process(`test_${name}`, function* () {
      for (;;) {
        yield delay(sampler.interval);
        sampler.sample();
      }
    });
  }
  // Past the traffic (from about 1584 µs, after the IKE bring-up, to 1984 µs) and the last doubling, ending between two grid points, so that the last interval is a partial one.
  kernel.run({ until: 2600 * MICROSECOND + 1234 });
  coarsened.sample();
  direct.sample();

  test("keeps between half and all of its readings, on the doubled grid", () => {
    expect(coarsened.interval).toBe(256 * MICROSECOND);
    expect(coarsened.samples.length).toBeGreaterThanOrEqual(10);
    expect(coarsened.samples.length).toBeLessThanOrEqual(20);
  });

  test("says what a sampler on the final grid from the start says: each reading is its four 64 µs readings joined", () => {
    const fine = direct.samples;
    const coarse = coarsened.samples;
    expect(coarse.map((sample) => sample.time)).toEqual(fine.filter((_, index) => (index + 1) % 4 === 0 || index === fine.length - 1).map((sample) => sample.time));
    type Sample = (typeof fine)[number];
    let start = 0;
    let from = 0;
    for (const sample of coarse) {
      const group = fine.slice(from, fine.findIndex((each) => each.time === sample.time) + 1);
      from += group.length;
      const sum = (pick: (each: Sample) => number) => group.reduce((total, each) => total + pick(each), 0);
      expect(sample.txPreemptions).toBe(sum((each) => each.txPreemptions));
      expect(sample.rxPreemptions).toBe(sum((each) => each.rxPreemptions));
      expect(sample.cpuPreemptions).toBe(sum((each) => each.cpuPreemptions));
      // Shares and rates over the joined interval are the means of its parts', weighted by their lengths (each part rounded to four decimals).
      const lengths = group.map((each, index) => each.time - (index === 0 ? start : group[index - 1]!.time));
      const mean = (pick: (each: Sample) => number) => group.reduce((total, each, index) => total + pick(each) * lengths[index]!, 0) / (sample.time - start);
      expect(sample.txCryptoBusy).toBeCloseTo(mean((each) => each.txCryptoBusy), 3);
      expect(sample.rxCryptoBusy).toBeCloseTo(mean((each) => each.rxCryptoBusy), 3);
      sample.cpuBusy.forEach((busy, core) => expect(busy).toBeCloseTo(mean((each) => each.cpuBusy[core]!), 3));
      sample.toPeerGbps.forEach((gbps, trafficClass) => expect(gbps).toBeCloseTo(mean((each) => each.toPeerGbps[trafficClass]!), 3));
      sample.toHostGbps.forEach((gbps, trafficClass) => expect(gbps).toBeCloseTo(mean((each) => each.toHostGbps[trafficClass]!), 3));
      sample.writtenToHostGbps.forEach((gbps, queue) => expect(gbps).toBeCloseTo(mean((each) => each.writtenToHostGbps[queue]!), 3));
      start = sample.time;
    }
    expect(from).toBe(fine.length);
    // The run carried traffic and kept its cores and engines busy, so the comparison compares something.
    expect(coarse.some((sample) => sample.toPeerGbps.some((gbps) => gbps > 1))).toBe(true);
    expect(coarse.some((sample) => sample.toHostGbps.some((gbps) => gbps > 1))).toBe(true);
    expect(coarse.some((sample) => sample.writtenToHostGbps.some((gbps) => gbps > 1))).toBe(true);
    expect(coarse.some((sample) => sample.cpuBusy.some((busy) => busy > 0.01))).toBe(true);
    expect(coarse.some((sample) => sample.txCryptoBusy > 0.01)).toBe(true);
  });
});

test("a run far longer than its traffic keeps at most ten readings per sample asked, not one per 100 ns over milliseconds (a 2 µs traffic behind lost IKE messages wrote a 135 MB summary)", () => {
  const { summary } = runScenario(defaultScenario({ durationMicroseconds: 2, "faults.ikeLossProbability": 0.5, "outputs.samples": 10 }), { directory: null });
  expect(summary.simulatedMicroseconds).toBeGreaterThan(1000);
  expect(summary.samples.length).toBeLessThanOrEqual(100);
  expect(summary.samples.length).toBeGreaterThanOrEqual(50);
  // The interval stated is the grid's at the end: every interval but the last is that long.
  const { intervalMicroseconds } = summary.sampling;
  expect(Math.log2(intervalMicroseconds / 0.1) % 1).toBe(0);
  summary.samples.slice(0, -1).forEach((sample, index) => expect(sample.time).toBeCloseTo((index + 1) * intervalMicroseconds, 4));
}, 60_000);

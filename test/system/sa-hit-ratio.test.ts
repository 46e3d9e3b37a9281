import { describe, expect, test } from "vitest";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { runScenario } from "../../system/scenario/run.js";

// TX drew 1.0 for the whole default run while a fifth of its packets went in software: the NIC's own TX misses count only SAs it fetched by pointer,
// and with the driver filling the table it is never asked about a packet the driver sends in software (an architect's check).
describe("the SA cache hit ratio over time", () => {
  const { summary } = runScenario(defaultScenario({ durationMicroseconds: 300, "outputs.waveform": false, "outputs.pcap": false, "outputs.html": false }), { directory: null });

  test("counts a TX packet sent in software as a miss, as RX counts one the NIC passes on", () => {
    expect(summary.ipsec.softwareTx).toBeGreaterThan(0);
    expect(summary.ipsec.cache.txMisses).toBe(0);
    const tx = summary.samples.flatMap((sample) => (sample.txHitRatio === null ? [] : [sample.txHitRatio]));
    const rx = summary.samples.flatMap((sample) => (sample.rxHitRatio === null ? [] : [sample.rxHitRatio]));
    expect(Math.min(...tx)).toBeLessThan(1);
    expect(Math.min(...rx)).toBeLessThan(1);
  });

  test("is the run's own count where the samples can be added up: hits over hits, NIC misses and software packets, interval by interval", () => {
    // A run with every SA in the table from the first packet would give 1.0 throughout; here the whole run's ratio lies between the samples' least and most.
    const whole = summary.ipsec.cache.txHits / (summary.ipsec.cache.txHits + summary.ipsec.cache.txMisses + summary.ipsec.softwareTx);
    const tx = summary.samples.flatMap((sample) => (sample.txHitRatio === null ? [] : [sample.txHitRatio]));
    expect(whole).toBeGreaterThanOrEqual(Math.min(...tx));
    expect(whole).toBeLessThanOrEqual(Math.max(...tx));
    expect(whole).toBeLessThan(1);
  });
});

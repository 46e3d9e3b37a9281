import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { firstSummaryDifference } from "../../system/summary-difference.js";

const directory = mkdtempSync(join(tmpdir(), "nicsim-summary-difference-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A summary's shape, as a run writes it: the samples every 10 µs, and the last cut off at the run's end. */
function summary(end: number, changes: Record<string, unknown> = {}): Record<string, unknown> {
  const samples = [10, 20, 30, end].map((time) => ({ time, cpuBusy: [time === end ? end / 100 : 0.5] }));
  return { scenario: "default", outcome: "every packet arrived", simulatedMicroseconds: end, host: { cores: 1, utilisation: [100 / end], preemptions: 3 }, flows: [{ stream: "voice", received: 240, latency: { p50: 2.28 } }], samples, sampling: { intervalMicroseconds: 10 }, kernel: { timesteps: end * 3 }, ...changes };
}

function difference(first: Record<string, unknown>, second: Record<string, unknown>) {
  writeFileSync(join(directory, "first.json"), JSON.stringify(first));
  writeFileSync(join(directory, "second.json"), JSON.stringify(second));
  return firstSummaryDifference(join(directory, "first.json"), join(directory, "second.json"));
}

describe("the first difference between two runs' summaries", () => {
  test("only the kernel's own counts are left out: runs over the same span agree, and runs that ended apart are told apart", () => {
    expect(difference(summary(38.5), { ...summary(38.5), kernel: { timesteps: 1 } })).toBeNull();
    expect(difference(summary(38.5), summary(38.6))).toEqual({ path: "simulatedMicroseconds", first: "38.5", second: "38.6" });
  });

  test("a figure that differs is named by its place, with each run's value", () => {
    expect(difference(summary(38.5), summary(38.5, { flows: [{ stream: "voice", received: 239, latency: { p50: 2.28 } }] }))).toEqual({ path: "flows[0].received", first: "240", second: "239" });
    expect(difference(summary(38.5), summary(38.5, { flows: [] }))).toEqual({ path: "flows[0]", first: expect.stringContaining('"received":240'), second: "(none)" });
    const earlier = summary(38.5);
    (earlier.samples as Array<{ cpuBusy: number[] }>)[1]!.cpuBusy[0] = 0.4;
    expect(difference(earlier, summary(38.5))).toEqual({ path: "samples[1].cpuBusy[0]", first: "0.4", second: "0.5" });
  });
});

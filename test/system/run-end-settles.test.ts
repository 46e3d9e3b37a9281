import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { readVcd } from "../../sim/vcd/read-vcd.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { runScenario } from "../../system/scenario/run.js";

/** The last value of a signal in a dump. */
function last(vcd: Awaited<ReturnType<typeof readVcd>>, path: string): bigint | undefined {
  return vcd.changes.filter((change) => change.path === path).at(-1)?.value;
}

describe("a run that ends as its last packet arrives", () => {
  test.each([
    ["no propagation delay", { "wire.propagationNanoseconds": 0 }],
    ["a MAC cycle longer than the propagation (1 Gb/s: 64 ns against 10)", { "wire.gigabitsPerSecond": 1, durationMicroseconds: 200 }],
  ])("%s: its waveform shows the NIC's last frame sent, as its capture and summary count it", async (_, overrides) => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-run-end-"));
    const run = runScenario(defaultScenario({ durationMicroseconds: 60, ...overrides }), { directory });
    expect(run.summary.outcome).toContain("every packet arrived");
    const vcd = await readVcd(readFileSync(join(directory, "default.vcd")));
    expect(Number(last(vcd, "top.nic.mac.tx_frames"))).toBe(run.summary.wireFrames.toPeer);
    expect(last(vcd, "top.nic.mac.tx_busy")).toBe(0n);
    for (let queue = 0; queue < 8; queue++) expect(last(vcd, `top.nic.tx.q${queue}.frames_pending`) ?? 0n, `queue ${queue}`).toBe(0n);
  });
});

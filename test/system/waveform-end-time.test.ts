import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { checkScenario } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";

/**
 * A scenario ends at the same time with its waveform or without: blocks that draw signals only
 * while something watches them take fewer edges without it, and neither the drain's quiet nor the
 * edges taken after the last packet (to show the NIC's last steps) may follow those. From outside
 * checks: a 1 Gb/s run to the peer ended 0.1 µs earlier without the waveform (the MAC's line idle
 * edge), and a 1 Mb/s one 36 µs earlier (its edge drawing a frame received).
 */
const directory = mkdtempSync(join(tmpdir(), "nicsim-end-time-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const QOS = ["crypto isakmp profile c0", " match identity host domain c0.example", " set ipsec-qos-group 1", "class-map match-any gold", " match qos-group 1", "policy-map edge", " class gold", "  priority percent 10"].join("\n");

test.each([
  ["to-peer", 1, 500],
  ["to-host", 1, 500],
  ["to-peer", 0.1, 500],
  ["to-host", 0.01, 1400],
] as const)("%s at %s Gb/s, %s-byte packets: the same end, summary and capture with the waveform or without", (direction, gigabitsPerSecond, packetBytes) => {
  const run = (waveform: boolean) =>
    runScenario(
      checkScenario({
        name: `end-${direction}-${String(gigabitsPerSecond).replace(".", "_")}-${waveform}`,
        seed: 1,
        durationMicroseconds: 20,
        qos: QOS,
        customers: [{ name: "c0", identity: { type: "ID_FQDN", value: "gw.c0.example" }, sas: 1 }],
        traffic: [{ name: "a", customer: "c0", direction, packetBytes, gapMicroseconds: 5 }],
        wire: { gigabitsPerSecond },
        outputs: { waveform, pcap: false, html: false, saTrace: false },
      }),
      { directory: waveform ? directory : null, onProgress: () => {} },
    ).summary;
  const traced = run(true);
  const untraced = run(false);
  expect(traced.outcome).toContain("every packet arrived");
  expect(untraced.simulatedMicroseconds).toBe(traced.simulatedMicroseconds);
  expect(untraced.flows).toEqual(traced.flows);
});

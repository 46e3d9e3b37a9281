import { expect, test } from "vitest";
import { checkScenario } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";

// From the last session's open points: the drain looked at its progress every step of its grid (25 µs, or a hundredth of the traffic's time if
// less), so a gateway's backlog on a slow line (a 9000-byte frame is 72 ms at 1 Mb/s) took thousands of looks a frame: a thousand frames at
// 1 Mb/s, 72 s simulated, took 2.5 minutes.
test("a drain waiting out a backlog on a slow line looks at it as it moves, and ends where it did when it looked at every step", () => {
  let looks = 0;
  const { summary } = runScenario(
    checkScenario({
      name: "slow-drain",
      seed: 1,
      durationMicroseconds: 100,
      wire: { gigabitsPerSecond: 0.001 },
      peer: { queueFrames: 40 },
      customers: [{ name: "c0", identity: { type: "ID_KEY_ID", value: "c0" }, sas: 1 }],
      traffic: [{ name: "flood", customer: "c0", direction: "to-host", packetBytes: 9000, gapMicroseconds: 1, pattern: "constant" }],
      outputs: { waveform: false, pcap: false, html: false, saTrace: false },
    }),
    { directory: null, onProgress: () => looks++ },
  );
  // 41 frames of 72 ms each get through; the rest find the queue full.
  expect(summary.flows[0]!.received).toBe(41);
  expect(summary.outcome).toContain("every packet arrived or was dropped with a counted reason (59 dropped)");
  // The quiet after the last frame is measured on the same grid of looks as before: the same end, to the ps (the build before this change gave it),
  // but for the MAC's edge after the last frame, which only drew it received (a MAC cycle is 64 µs at 1 Mb/s) and no longer counts as work under way:
  // unwatched, the MAC takes no such edge, and the run ended 36 µs earlier without the waveform than with it (2,982,883).
  expect(summary.simulatedMicroseconds).toBe(2_982_847);
  // The grid's step is 1 µs here (a hundredth of 100 µs): 2.9 s of drain looked at on every step is 2.98 million looks. Most of those left are the IKE bring-up's, before the traffic.
  expect(looks).toBeLessThan(20_000);
});

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sequencedFrame } from "../../sim/packet/test-frames.js";
import { delay } from "../../sim/process.js";
import { Random } from "../../sim/random.js";
import { us } from "../../sim/time.js";
import { readVcd } from "../../sim/vcd/read-vcd.js";
import { recordWaveform } from "../../sim/vcd/waveform.js";
import { buildNicSystem } from "../build.js";
import { checkScenario } from "../scenario/load.js";
import { runScenario } from "../scenario/run.js";
import type { ScenarioInput } from "../scenario/schema.js";
import { type Experiment, type Measurement, type Scale } from "./experiment.js";
import { INSTANT_HOST } from "./host.js";

/** Classes of the Little's-law run: queue, share of the line offered (open loop), frame sizes. */
const LITTLE_CLASSES = [
  { queue: 7, offered: 0.1, sizes: [128, 200] },
  { queue: 5, offered: 0.45, sizes: [64, 1514, 9000] },
  { queue: 2, offered: 0.4, sizes: [512, 1514] },
];

/**
 * Little's law per TX queue: the time-average of the frames the NIC holds for the queue, read
 * from the waveform's frames_pending (sim/vcd/read-vcd.ts), against the queue's throughput times the
 * mean time a frame spends from frame start to its last bit on the wire (the NIC's stage events),
 * each measured on its own.
 */
async function littlesLaw(scale: Scale): Promise<Measurement[]> {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-little-"));
  try {
    const { kernel, top } = buildNicSystem({ parameters: { "top.nic.queues": 8, ...INSTANT_HOST } });
    top.driver.base.setSchedules(new Map([[7, { strict: true, percent: 20 }], [5, { strict: false, percent: 50 }]]));
    top.peer.keepReceived = false;
    const start: number = us(100);
    const end: number = start + us(scale === "fast" ? 400 : 2000);
    const waveform = recordWaveform(kernel, join(directory, "little"), { scopes: ["top.nic.tx.q*"] });
    // Each frame's stay in the NIC, from frame start to its last bit on the wire (Infinity: still there at the end).
    const stays = new Map<object, { queue: number; from: number; to: number }>();
    top.nic.stages.listener = (event) => {
      if (event.direction !== "tx") return;
      if (event.stage === "frame-started") stays.set(event.frame, { queue: (event.frame as { queue: number }).queue, from: event.time, to: Infinity });
      if (event.stage === "wire-end") stays.get(event.frame)!.to = event.time;
    };
    const random = Random.derive(3, "little");
    for (const { queue, offered, sizes } of LITTLE_CLASSES) {
      kernel.process(`sender${queue}`, function* () {
        yield top.driver.base.whenReady();
        let next = kernel.now;
        for (let sequence = 0; kernel.now < end; sequence++) {
          const size = sizes[random.integer(0, sizes.length - 1)]!;
          yield* top.driver.base.transmit(queue, sequencedFrame("to-peer", queue, sequence, size));
          // Poisson arrivals at the offered share of the line.
          next += Math.round(random.exponential(top.wire.occupancy(size) / offered));
          if (next > kernel.now) yield delay(next - kernel.now);
        }
      });
    }
    kernel.run({ until: end });
    waveform.finish();
    const parsed = await readVcd(readFileSync(join(directory, "little.vcd")));
    const rows: Measurement[] = [];
    for (const { queue } of LITTLE_CLASSES) {
      const path = `top.nic.tx.q${queue}.frames_pending`;
      let area = 0;
      let level = 0;
      let last = start;
      for (const change of parsed.changes) {
        if (change.path !== path) continue;
        const time = Math.min(Math.max(change.time, start), end);
        area += level * (time - last);
        last = time;
        level = Number(change.value);
      }
      area += level * (end - last);
      const occupancy = area / (end - start);
      // λW, each measured on its own from the stage events: the frames whose last bit left in the window, per picosecond, times their mean stay
      // in the NIC (as a whole). It was each frame's time within the window summed over it, which is L by definition (an outside check).
      const left = [...stays.values()].filter((stay) => stay.queue === queue && stay.to >= start && stay.to < end);
      const throughput = left.length / (end - start);
      const meanStay = left.reduce((sum, stay) => sum + (stay.to - stay.from), 0) / left.length;
      // Over a finite window the two differ at most by the frames held across its edges: the time before it of those that left in it, and the time in it of
      // those still held at its end (λW counts the one, the waveform the other). The tolerance is that, or 1 %, whichever is more.
      let edges = 0;
      for (const stay of stays.values()) {
        if (stay.queue !== queue) continue;
        if (stay.from < start && stay.to > start && stay.to < end) edges += start - stay.from;
        if (stay.from < end && stay.to >= end) edges += end - Math.max(stay.from, start);
      }
      const expected = throughput * meanStay;
      const tolerance = { kind: "absolute", value: Math.max(0.01 * expected, edges / (end - start)) } as const;
      rows.push({ quantity: `TX queue ${queue}: frames held (waveform) against throughput × mean time in the NIC (${left.length} frames)`, unit: "frames", expected, measured: occupancy, tolerance });
    }
    return rows;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** A run with every kind of loss the scenarios can inject, each way. */
function faultyScenario(scale: Scale): ScenarioInput {
  return {
    name: "conservation",
    seed: 5,
    durationMicroseconds: scale === "fast" ? 150 : 600,
    nic: { sacache: { txEntries: 3, rxEntries: 3 }, rx: { bufferBytes: 16384 }, dma: { extraLatencyMaximum: 40, readErrorProbability: 0.004, completionTimeoutProbability: 0.002, completionTimeout: 2500 } },
    driver: { intermediate: { placement: "metric" } },
    customers: [
      { name: "a", identity: { type: "ID_FQDN", value: "gw.a.example" }, sas: 3 },
      { name: "b", identity: { type: "ID_KEY_ID", value: "b" }, sas: 3 },
    ],
    traffic: [
      { name: "small", customer: "a", direction: "both", packetBytes: 200, load: 0.3 },
      { name: "large", customer: "b", direction: "both", packetBytes: 1400, load: 0.6 },
    ],
    faults: { corruptProbability: 0.03, replayProbability: 0.03, cleartextProbability: 0.02, crossTunnelProbability: 0.02, rekeys: 2, deletes: 2, interruptStorms: 1 },
    outputs: { waveform: false, pcap: false, html: false, saTrace: false },
  };
}

/**
 * Conservation: every packet offered (and every copy the gateway injected: replays, forgeries) is delivered once
 * or dropped with exactly one counted reason somewhere: the NIC, the base driver (frames lost
 * with a queue it reset), the intermediate driver or the gateway's ESP receiver.
 */
function conservation(scale: Scale): Measurement[] {
  const run = runScenario(checkScenario(faultyScenario(scale)), { directory: null });
  const { summary, design } = run;
  const sum = (values: Iterable<number>) => [...values].reduce((total, value) => total + value, 0);
  const sent = sum(summary.flows.map((flow) => flow.sent));
  const delivered = sum(summary.flows.map((flow) => flow.received));
  const traffic = design.top.traffic;
  const drops = sum(Object.values(summary.nic.drops)) + sum(Object.values(summary.driver.drops)) + sum(Object.values(summary.ipsec.drops)) + traffic.gatewayDrops;
  return [
    { quantity: `faults each way (corruption, replays, forged copies in the clear and under another tunnel's SA, rekeys, deletes, an interrupt storm, RX buffer overflow, DMA read errors and completion timeouts with the queues they disable reset by the driver): offered + injected copies`, unit: "packets", expected: delivered + drops, measured: sent + traffic.injectedCopies, tolerance: { kind: "exact" } },
    { quantity: "the same run: scoreboard violations", unit: "count", expected: 0, measured: summary.violations.length, tolerance: { kind: "exact" } },
    // The faults must have struck, or the line above proves nothing about them.
    { quantity: "the same run: queues the driver reset after a DMA fault", unit: "count", expected: 1, measured: summary.driver.queueResets, tolerance: { kind: "at-least" } },
    // A forged copy the host delivered would be a second delivery (a violation); these say the host's policy checks dropped them, not only an overflow.
    { quantity: "the same run: forged copies in the clear dropped as UNPROTECTED", unit: "count", expected: 1, measured: summary.ipsec.drops.UNPROTECTED ?? 0, tolerance: { kind: "at-least" } },
    { quantity: "the same run: forged copies under another tunnel's SA dropped as SELECTOR_MISMATCH", unit: "count", expected: 1, measured: summary.ipsec.drops.SELECTOR_MISMATCH ?? 0, tolerance: { kind: "at-least" } },
  ];
}

export const accounting: Experiment = {
  name: "accounting",
  title: "Accounting: Little's law per queue, and conservation of packets under faults",
  closedForm:
    "Little's law: for each TX queue, the time-average number of frames the NIC holds (frames_pending in the waveform, read back from the VCD) equals the " +
    "queue's throughput times the mean time from frame start to its last bit on the wire (L = λW), λ and W measured apart from the NIC's stage events: the frames " +
    "whose last bit left in the window T, per unit time, and their mean stay; over a finite window they may differ by the frames held across its edges " +
    "(the time before it of those that left in it, the time in it of those held at its end, over T: the tolerance, or 1 % where more). Conservation: packets " +
    "offered plus replays the gateway injected equal packets delivered plus drops counted, each by one reason in one place, with DMA read errors and completion timeouts disabling queues that the driver resets.",
  async run(scale) {
    return [...(await littlesLaw(scale)), ...conservation(scale)];
  },
};

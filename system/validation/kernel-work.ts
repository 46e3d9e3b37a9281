import { ETHERNET_HEADER_BYTES } from "../../sim/packet/ethernet.js";
import { sequencedFrame, sequencedPacket } from "../../sim/packet/test-frames.js";
import { delay } from "../../sim/process.js";
import { us } from "../../sim/time.js";
import type { KernelStatistics } from "../../sim/kernel-statistics.js";
import { buildNicSystem } from "../build.js";
import { tunnelledSystem } from "../tunnelled-system.js";
import type { Experiment, Measurement } from "./experiment.js";
import { INSTANT_HOST } from "./host.js";
import { defaultScenario } from "../scenario/default-scenario.js";
import { runScenario } from "../scenario/run.js";
import type { ScenarioSummary } from "../scenario/summary.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The kernel's work per frame of each reference workload: its budget. The work is deterministic
 * (the same on every machine), so a change that makes the model evaluate more fails here, in CI,
 * rather than showing only as a slower benchmark. Lower a budget when the model gets cheaper: a
 * figure under FLOOR of its budget fails too (below).
 */
export const WORK_BUDGETS = {
  "TX 1514-byte frames": { timesteps: 9.8, evaluations: 7, emptyEdges: 0.005, idleChecks: 12.8, resumptions: 3.1 },
  "TX 60-byte frames": { timesteps: 6.3, evaluations: 6.5, emptyEdges: 0.02, idleChecks: 11.8, resumptions: 0.105 },
  "TX 60-byte frames, each frame's write-back on its own (WTHRESH 1)": { timesteps: 6.3, evaluations: 6.5, emptyEdges: 0.015, idleChecks: 11.8, resumptions: 0.105 },
  "TX 60-byte frames, write-backs gathered by 16 (WTHRESH 16)": { timesteps: 6.1, evaluations: 5.4, emptyEdges: 0.015, idleChecks: 9.8, resumptions: 0.105 },
  "RX 1514-byte frames": { timesteps: 10.6, evaluations: 5.35, emptyEdges: 0.005, idleChecks: 10.7, resumptions: 4.2 },
  "RX 60-byte frames": { timesteps: 4.5, evaluations: 3.4, emptyEdges: 0.005, idleChecks: 6.7, resumptions: 1.24 },
  "TX ESP, 1400-byte packets, inline": { timesteps: 16.5, evaluations: 14.5, emptyEdges: 0.005, idleChecks: 27.3, resumptions: 3.35 },
  "TX ESP, 1400-byte packets, software on the host's cores": { timesteps: 17.8, evaluations: 12.1, emptyEdges: 0.005, idleChecks: 22, resumptions: 5.3 },
  "the default scenario (IKE bring-up, then 1 ms of mixed traffic; frames either way on the wire)": { timesteps: 16.75, evaluations: 11.05, emptyEdges: 0.005, idleChecks: 21, resumptions: 4.4 },
  // Dimensions the workloads above leave at one value, where a regression of several times passed every budget (a mutation check).
  "TX 9000-byte frames, five descriptors each": { timesteps: 22, evaluations: 17, emptyEdges: 0.005, idleChecks: 33, resumptions: 5 },
  "RX 9000-byte frames, five buffers each": { timesteps: 20.1, evaluations: 14.9, emptyEdges: 0.005, idleChecks: 29.8, resumptions: 4.2 },
  "TX 1514-byte frames on 4 queues in turn": { timesteps: 9.4, evaluations: 6.7, emptyEdges: 0.005, idleChecks: 12.2, resumptions: 2.85 },
  "the default scenario with its waveform": { timesteps: 22.2, evaluations: 18.7, emptyEdges: 0.005, idleChecks: 35.7, resumptions: 4.4 },
  // Many senders waiting in line (for room on a full ring, for their SA's turn): each was woken for every frame, only to wait again (5x the wall time, no evaluation more).
  // Timesteps 16.6 until each post charged the doorbell's write made it (16.73 measured then, from 15.78): most of these frames' posts meet another core's on the ring, and each write is an event.
  "TX 1514-byte frames from 60 senders behind one full ring": { timesteps: 13.5, evaluations: 9.7, emptyEdges: 0.005, idleChecks: 17.3, resumptions: 6.1 },
  "TX ESP, 1400-byte packets in software, from 60 senders on one SA": { timesteps: 11.6, evaluations: 7.3, emptyEdges: 0.005, idleChecks: 13, resumptions: 5.1 },
} as const;

type Workload = keyof typeof WORK_BUDGETS;

/**
 * The part of its budget a figure must reach: with a ceiling alone, a counter that stopped counting
 * (timesteps or resumptions reading 0) passed every row (from an outside check). A model made a
 * fifth cheaper fails it too, until its budget is lowered. Empty edges have no floor: most
 * workloads take none.
 */
export const FLOOR = 0.75;

/** What a workload sets beyond the driver's and the device's defaults: dimensions a wake left behind once hid in. */
const WORKLOAD_PARAMETERS: Partial<Record<Workload, Record<string, unknown>>> = {
  "TX 60-byte frames, each frame's write-back on its own (WTHRESH 1)": { "top.driver.base.txWriteBackThreshold": 1 },
  "TX 60-byte frames, write-backs gathered by 16 (WTHRESH 16)": { "top.driver.base.txWriteBackThreshold": 16 },
  "TX 1514-byte frames from 60 senders behind one full ring": { "top.driver.base.txRingDescriptors": 16 },
};

/** Per frame: timesteps, component evaluations, edges taken on which no member ran, members asked whether they are idle, and processes resumed. */
interface Work {
  readonly timesteps: number;
  readonly evaluations: number;
  readonly emptyEdges: number;
  readonly idleChecks: number;
  readonly resumptions: number;
}

const FRAMES = 600;

function difference(after: KernelStatistics, before: KernelStatistics) {
  return {
    timesteps: after.timesteps - before.timesteps,
    edges: after.edgesEvaluated - before.edgesEvaluated,
    evaluations: after.componentEvaluations - before.componentEvaluations,
    emptyEdges: after.emptyEdges - before.emptyEdges,
    idleChecks: after.idleChecks - before.idleChecks,
    resumptions: after.processResumptions - before.processResumptions,
  };
}

/** The kernel's work while the NIC has nothing to do: after bring-up, and after a burst of traffic has drained. */
function idle(): Measurement[] {
  const { kernel, top } = buildNicSystem({ parameters: INSTANT_HOST });
  top.peer.keepReceived = false;
  kernel.run({ until: us(50) });
  let before = { ...kernel.statistics };
  kernel.run({ until: us(1050) });
  const brought = difference(kernel.statistics, before);
  kernel.process("burst", function* () {
    for (let sequence = 0; sequence < 200; sequence++) yield* top.driver.base.transmit(sequence % 8, sequencedFrame("to-peer", sequence % 8, sequence, 1514));
    for (let queue = 0; queue < 8; queue++) top.driver.base.ringDoorbell(queue);
    for (let sequence = 0; sequence < 200; sequence++) top.peer.send(sequencedFrame("to-host", sequence % 8, sequence, 1514));
  });
  kernel.run({ until: us(1200) });
  before = { ...kernel.statistics };
  kernel.run({ until: us(2200) });
  const drained = difference(kernel.statistics, before);
  return [
    { quantity: "idle NIC after bring-up, 1 ms: clock edges evaluated", unit: "edges", expected: 0, measured: brought.edges, tolerance: { kind: "exact" } },
    { quantity: "idle NIC after 400 frames drained, 1 ms: clock edges evaluated", unit: "edges", expected: 0, measured: drained.edges, tolerance: { kind: "exact" } },
    // Timesteps too: a timer of the driver's or the model's that fires while nothing happens costs no edge, and passed the rows above. The run's own end (moving to its `until`) is none: nothing runs there.
    { quantity: "idle NIC after bring-up, 1 ms: timesteps", unit: "timesteps", expected: 0, measured: brought.timesteps, tolerance: { kind: "exact" } },
    { quantity: "idle NIC after 400 frames drained, 1 ms: timesteps", unit: "timesteps", expected: 0, measured: drained.timesteps, tolerance: { kind: "exact" } },
  ];
}

/** Run a workload of FRAMES frames at the line rate; the kernel's work between the first and the last frame on the wire, per frame. */
function perFrame(workload: Workload): Work {
  if (workload.startsWith("the default scenario")) return defaultScenarioWork(workload.endsWith("with its waveform"));
  const esp = workload.startsWith("TX ESP");
  const software = workload.endsWith("software on the host's cores") || workload.includes("in software");
  const senders = workload.includes("from 60 senders") ? 60 : 1;
  const design = esp ? tunnelledSystem([{ name: "bulk", trafficClass: 0, qosGroup: 1 }], { ...INSTANT_HOST, "top.driver.intermediate.offloadCyclesPerPacket": 0, "top.driver.intermediate.offload": !software }) : buildNicSystem({ parameters: { ...INSTANT_HOST, ...WORKLOAD_PARAMETERS[workload] } });
  const { kernel, top } = design;
  if (esp) (design as ReturnType<typeof tunnelledSystem>).peer.onDeliver = () => {};
  top.peer.keepReceived = false;
  top.driver.base.keepReceived = false;
  const rx = workload.startsWith("RX");
  const length = workload.includes("60-byte") ? 60 : workload.includes("9000-byte") ? 9000 : 1514;
  const queues = workload.includes("on 4 queues") ? 4 : 1;
  let frames = 0;
  let first: KernelStatistics | null = null;
  let last: KernelStatistics | null = null;
  const seen = () => {
    frames++;
    if (frames === 50) first = { ...kernel.statistics };
    if (frames === FRAMES - 50) last = { ...kernel.statistics };
  };
  if (rx) top.nic.stages.listener = (event) => event.stage === "descriptor-done" && seen();
  else top.wire.tap((_, __, from) => from === "nic" && seen());
  for (let sender = 0; sender < senders; sender++) {
    kernel.process(`load${sender}`, function* () {
      yield top.driver.base.whenReady();
      for (let sequence = sender; sequence < FRAMES; sequence += senders) {
        if (esp) yield* top.driver.intermediate.send(sequencedPacket("to-peer", 0, sequence, 1400 + ETHERNET_HEADER_BYTES, { destinationPort: 49200 }));
        else if (rx) {
          const end = top.peer.send(sequencedFrame("to-host", 0, sequence, length));
          if (end - kernel.now > 4 * top.wire.occupancy(length)) yield delay(end - kernel.now - 4 * top.wire.occupancy(length));
        } else yield* top.driver.base.transmit(sequence % queues, sequencedFrame("to-peer", sequence % queues, sequence, length), { more: senders === 1 });
      }
      if (!rx && !esp) for (let queue = 0; queue < queues; queue++) top.driver.base.ringDoorbell(queue);
    });
  }
  const limit = 1e12 * 0.01;
  kernel.run({ until: limit, stopWhen: () => frames >= FRAMES });
  // A model that stopped delivering is said as such, with the workload (it failed as a TypeError on the counts it never took).
  if (first === null || last === null) throw new Error(`kernel-work: ${workload}: ${frames} of ${FRAMES} frames seen in ${limit / 1e9} ms of simulated time: the workload stalled`);
  const work = difference(last, first);
  const counted = FRAMES - 100;
  return { timesteps: work.timesteps / counted, evaluations: work.evaluations / counted, emptyEdges: work.emptyEdges / counted, idleChecks: work.idleChecks / counted, resumptions: work.resumptions / counted };
}

/** The whole default run, bring-up included, per frame either way on the wire: what `npm start` costs, with its waveform or without any file. */
function defaultScenarioWork(waveform: boolean): Work {
  const directory = waveform ? mkdtempSync(join(tmpdir(), "nicsim-kernel-work-")) : null;
  let summary: ScenarioSummary;
  try {
    // Only the waveform: what its recording costs the kernel (signals watched make blocks run on edges they skip otherwise).
    ({ summary } = runScenario(defaultScenario(waveform ? { "outputs.pcap": false, "outputs.html": false, "outputs.saTrace": false } : {}), { directory }));
  } finally {
    if (directory !== null) rmSync(directory, { recursive: true, force: true });
  }
  const frames = summary.wireFrames.toPeer + summary.wireFrames.toHost;
  return { timesteps: summary.kernel.timesteps / frames, evaluations: summary.kernel.componentEvaluations / frames, emptyEdges: summary.kernel.emptyEdges / frames, idleChecks: summary.kernel.idleChecks / frames, resumptions: summary.kernel.processResumptions / frames };
}

export const kernelWork: Experiment = {
  name: "kernel-work",
  title: "The kernel's own work: an idle NIC evaluates no edges; timesteps, evaluations, empty edges, idle checks and process resumptions per frame within budget",
  closedForm:
    "An idle NIC has nothing to evaluate: every block reports idle and its clock sleeps until a register write, a DMA completion or a frame wakes it, " +
    "so 1 ms without traffic evaluates no clock edge. At the line rate, the timesteps and component evaluations per frame of each reference workload " +
    "(deterministic, the same on every machine) stay within the budgets in system/validation/kernel-work.ts, " +
    "almost no edge is taken on which no block runs (a wake nobody needed), and a block is asked whether it is idle only while it may have work " +
    "(an idle block is not polled: it sleeps until its channels, register writes or the times it asked for wake it), " +
    "and a process waiting in line (for room on a ring, for its SA's turn) is resumed when it can go on, not by every frame before it.",
  run() {
    const rows = idle();
    for (const workload of Object.keys(WORK_BUDGETS) as Workload[]) {
      const measured = perFrame(workload);
      const budget = WORK_BUDGETS[workload];
      const within = (ceiling: number) => ({ kind: "budget" as const, floor: round(ceiling * FLOOR) });
      rows.push({ quantity: `${workload}: timesteps per frame`, unit: "timesteps", expected: budget.timesteps, measured: round(measured.timesteps), tolerance: within(budget.timesteps) });
      rows.push({ quantity: `${workload}: component evaluations per frame`, unit: "evaluations", expected: budget.evaluations, measured: round(measured.evaluations), tolerance: within(budget.evaluations) });
      rows.push({ quantity: `${workload}: empty edges per frame`, unit: "edges", expected: budget.emptyEdges, measured: round(measured.emptyEdges), tolerance: { kind: "at-most" } });
      rows.push({ quantity: `${workload}: idle checks per frame`, unit: "checks", expected: budget.idleChecks, measured: round(measured.idleChecks), tolerance: within(budget.idleChecks) });
      rows.push({ quantity: `${workload}: process resumptions per frame`, unit: "resumptions", expected: budget.resumptions, measured: round(measured.resumptions), tolerance: within(budget.resumptions) });
    }
    return rows;
  },
};

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

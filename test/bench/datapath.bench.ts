import { performance } from "node:perf_hooks";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sequencedFrame } from "../../sim/packet/test-frames.js";
import { delay } from "../../sim/process.js";
import { FileSink } from "../../sim/vcd/sink.js";
import { VcdTracer } from "../../sim/vcd/tracer.js";
import { buildNicSystem } from "../../system/build.js";

type Direction = "tx" | "rx";

interface Measurement {
  direction: Direction;
  frameLength: number;
  tracing: boolean;
  frames: number;
  seconds: number;
  simulatedPicoseconds: number;
  nicCycles: number;
  lineRateShare: number;
}

/**
 * Offer frames of one length at the line rate for `frames` frames: the host posts them on 4 TX
 * queues as fast as its driver can (tx), or the peer sends them back to back (rx). Measures the
 * wall time of the run and what was simulated.
 */
function measure(direction: Direction, frameLength: number, frames: number, tracing: boolean): Measurement {
  const { kernel, top } = buildNicSystem({ seed: 1, parameters: { "top.nic.queues": 4 } });
  if (tracing) kernel.traceWith(new VcdTracer({ sink: new FileSink(join(tmpdir(), `nicsim-datapath-bench-${direction}-${frameLength}.vcd`)) }));
  const driver = top.driver.base;
  driver.keepReceived = false;
  top.peer.keepReceived = false;
  const perQueue = frames / 4;
  const templates = [0, 1, 2, 3].map((queue) => sequencedFrame(direction === "tx" ? "to-peer" : "to-host", queue * 2, 0, frameLength));
  let first = 0;
  let last = 0;
  const arrived = () => {
    if (first === 0) first = kernel.now;
    last = kernel.now;
  };
  top.peer.onReceive = arrived;
  driver.onReceive = arrived;
  if (direction === "tx") {
    for (let queue = 0; queue < 4; queue++) {
      kernel.process(`sender${queue}`, function* () {
        yield driver.whenReady();
        for (let sequence = 0; sequence < perQueue; sequence++) yield* driver.transmit(queue, templates[queue]!, { more: sequence + 1 < perQueue, trafficClass: queue * 2 });
      });
    }
  } else {
    kernel.process("peer", function* () {
      yield driver.whenReady();
      for (let sequence = 0; sequence < frames; sequence++) {
        const end = top.peer.send(templates[sequence % 4]!);
        // Keep a few frames queued on the peer's line: back to back, without building a huge backlog.
        if (sequence % 16 === 15) yield delay(Math.max(0, end - kernel.now - 100_000));
      }
    });
  }
  const started = performance.now();
  kernel.run({ stopWhen: () => (direction === "tx" ? top.peer.receivedFrames : driver.statistics.rxFrames) >= frames });
  kernel.close();
  const seconds = (performance.now() - started) / 1000;
  const wireTime = top.wire.occupancy(frameLength) * (frames - 1);
  return {
    direction,
    frameLength,
    tracing,
    frames,
    seconds,
    simulatedPicoseconds: kernel.now,
    nicCycles: top.nic.coreClock.cycleAt(kernel.now),
    lineRateShare: wireTime / (last - first),
  };
}

const runs: Array<[Direction, number, number]> = [
  ["tx", 60, 200_000],
  ["tx", 1500, 40_000],
  ["rx", 60, 200_000],
  ["rx", 1500, 40_000],
];
// Warm up the JIT on every path first.
for (const [direction, length] of runs) measure(direction, length, 4000, false);

console.log(`\ndatapath benchmark: driver + NIC (4 queues, 250 MHz core) + 25 Gb/s wire + peer, frames offered at line rate, Node ${process.version}`);
console.log("| direction | frame bytes | tracing | frames | wall s | simulated packets/s (wall) | NIC cycles/s (wall) | achieved share of line rate | slowdown vs off |");
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
const results: Measurement[] = [];
for (const [direction, length, frames] of runs) {
  const off = measure(direction, length, frames, false);
  const on = measure(direction, length, frames / 4, true);
  for (const m of [off, on]) {
    results.push(m);
    console.log(
      `| ${m.direction} | ${m.frameLength} | ${m.tracing ? "on (file)" : "off"} | ${m.frames} | ${m.seconds.toFixed(2)} | ${Math.round(m.frames / m.seconds).toLocaleString("en-US")} | ` +
        `${Math.round(m.nicCycles / m.seconds).toLocaleString("en-US")} | ${(m.lineRateShare * 100).toFixed(1)}% | ${m.tracing ? `${(m.seconds / m.frames / (off.seconds / off.frames)).toFixed(2)}x` : "-"} |`,
    );
  }
}
const off = results.filter((m) => !m.tracing);
const packetsGoal = off.every((m) => m.frames / m.seconds >= 200_000);
const cyclesGoal = off.every((m) => m.nicCycles / m.seconds >= 1_000_000);
console.log(`goal >= 200,000 simulated packets per wall-second, tracing off: ${packetsGoal ? "met" : "NOT met"} (lowest ${Math.round(Math.min(...off.map((m) => m.frames / m.seconds))).toLocaleString("en-US")})`);
console.log(`goal >= 1,000,000 NIC cycles per wall-second, tracing off: ${cyclesGoal ? "met" : "NOT met"} (lowest ${Math.round(Math.min(...off.map((m) => m.nicCycles / m.seconds))).toLocaleString("en-US")})`);

import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Direction, measurePlain, type PlainMeasurement } from "./plain-workload.js";

/**
 * `npm run bench:datapath`: the plain datapath at the line rate, each way, tracing off and on (the
 * whole design to a VCD file): simulated packets and NIC cycles per wall-second, the share of the
 * line rate achieved, and what tracing costs.
 */
type Measurement = PlainMeasurement & { readonly direction: Direction; readonly frameLength: number; readonly tracing: boolean };

function measure(direction: Direction, frameLength: number, frames: number, tracing: boolean): Measurement {
  const vcd = tracing ? join(tmpdir(), `nicsim-datapath-bench-${direction}-${frameLength}.vcd`) : null;
  return { ...measurePlain(direction, frameLength, frames, vcd), direction, frameLength, tracing };
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
      `| ${m.direction} | ${m.frameLength} | ${m.tracing ? "on (file)" : "off"} | ${m.wireFrames} | ${m.seconds.toFixed(2)} | ${Math.round(m.wireFrames / m.seconds).toLocaleString("en-US")} | ` +
        `${Math.round(m.nicCycles / m.seconds).toLocaleString("en-US")} | ${(m.lineRateShare * 100).toFixed(1)}% | ${m.tracing ? `${(m.seconds / m.wireFrames / (off.seconds / off.wireFrames)).toFixed(2)}x` : "-"} |`,
    );
  }
}
const off = results.filter((m) => !m.tracing);
const packetsGoal = off.every((m) => m.wireFrames / m.seconds >= 200_000);
const cyclesGoal = off.every((m) => m.nicCycles / m.seconds >= 1_000_000);
console.log(`goal >= 200,000 simulated packets per wall-second, tracing off: ${packetsGoal ? "met" : "NOT met"} (lowest ${Math.round(Math.min(...off.map((m) => m.wireFrames / m.seconds))).toLocaleString("en-US")})`);
console.log(`goal >= 1,000,000 NIC cycles per wall-second, tracing off: ${cyclesGoal ? "met" : "NOT met"} (lowest ${Math.round(Math.min(...off.map((m) => m.nicCycles / m.seconds))).toLocaleString("en-US")})`);

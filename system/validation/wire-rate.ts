import { FCS_BYTES, INTER_FRAME_GAP_BYTES, PREAMBLE_BYTES } from "../../sim/packet/ethernet.js";
import { sequencedFrame } from "../../sim/packet/test-frames.js";
import { delay } from "../../sim/process.js";
import { buildNicSystem } from "../build.js";
import { type Experiment, type Measurement, RATE_TOLERANCE, type Scale } from "./experiment.js";
import { INSTANT_HOST } from "./host.js";
import { steadyRate } from "./steady-rate.js";

/** Ethernet frame sizes as RFC 2544 counts them (FCS included). */
const SIZES: Record<Scale, readonly number[]> = {
  fast: [64, 1518, 9216],
  full: [64, 128, 256, 512, 1024, 1280, 1518, 2048, 4096, 9216],
};
const FRAMES = 400;

/** Frames per second and goodput of one direction at one frame size, the line kept full. */
function measure(direction: "tx" | "rx", size: number): { frameRate: number; goodput: number; drops: number } {
  const length = size - FCS_BYTES;
  const { kernel, top } = buildNicSystem({ parameters: { "top.nic.queues": 1, ...INSTANT_HOST } });
  const times: number[] = [];
  // Each frame's bytes as it passed (FCS not counted): the goodput is counted from them, not from the frame rate and the size asked for.
  const lengths: number[] = [];
  if (direction === "tx") {
    top.peer.keepReceived = false;
    top.wire.tap((time, frame, from) => {
      if (from !== "nic") return;
      times.push(time);
      lengths.push(frame.bytes.length);
    });
    kernel.process("sender", function* () {
      yield top.driver.base.whenReady();
      const frame = sequencedFrame("to-peer", 0, 0, length);
      for (let sent = 0; sent < FRAMES; sent++) yield* top.driver.base.transmit(0, frame, { more: true });
      top.driver.base.ringDoorbell(0);
    });
  } else {
    top.driver.base.keepReceived = false;
    top.nic.stages.listener = (event) => {
      if (event.stage !== "descriptor-done") return;
      times.push(event.time);
      lengths.push(event.bytes.length);
    };
    kernel.process("gateway", function* () {
      yield top.driver.base.whenReady();
      const frame = sequencedFrame("to-host", 0, 0, length);
      // Keep a few frames queued at the gateway: the line stays busy without scheduling them all at once.
      for (let sent = 0; sent < FRAMES; sent++) {
        const end = top.peer.send(frame);
        const ahead = end - kernel.now - 4 * top.wire.occupancy(length);
        if (ahead > 0) yield delay(ahead);
      }
    });
  }
  kernel.run({ until: 1e12 * 0.01, stopWhen: () => times.length >= FRAMES });
  // The first tenth is the ramp up; the rates are of the frames after it.
  const first = Math.floor(FRAMES / 10);
  const steady = times.slice(first);
  const frameRate = steadyRate(steady) * 1e12;
  const goodput = steadyRate(steady, lengths.slice(first)) * 8 * 1e12;
  const drops = [...top.nic.statistics.drops.values()].reduce((sum, count) => sum + count, 0);
  return { frameRate, goodput, drops };
}

export const wireRate: Experiment = {
  name: "wire-rate",
  title: "Wire frame rate and goodput, 64 to 9216 bytes, each way",
  closedForm:
    "A frame of S bytes (FCS included) occupies the line for S + 20 bytes (preamble 8, gap 12, frames under 64 padded): " +
    "frame rate = R / (8 (S + 20)), goodput (frame bytes without FCS) = rate × 8 (S − 4), at line rate R. TX: the driver keeps the ring full; " +
    "RX: the gateway sends back to back and the rate is counted at descriptor done (the frames in host memory). The goodput is counted from the bytes of the frames " +
    "as they pass (on the wire, or as written back), not from the frame rate. The host's costs are zero here, so the NIC alone is measured.",
  run(scale) {
    const rows: Measurement[] = [];
    const lineBitsPerSecond = 25e9;
    for (const direction of ["tx", "rx"] as const) {
      for (const size of SIZES[scale]) {
        const wire = Math.max(size, 64) + PREAMBLE_BYTES + INTER_FRAME_GAP_BYTES;
        const expectedRate = lineBitsPerSecond / (8 * wire);
        const { frameRate, goodput, drops } = measure(direction, size);
        rows.push({ quantity: `${direction.toUpperCase()} ${size}-byte frames: frame rate`, unit: "frames/s", expected: expectedRate, measured: frameRate, tolerance: RATE_TOLERANCE });
        rows.push({ quantity: `${direction.toUpperCase()} ${size}-byte frames: goodput`, unit: "Gb/s", expected: (expectedRate * 8 * (size - FCS_BYTES)) / 1e9, measured: goodput / 1e9, tolerance: RATE_TOLERANCE });
        if (drops > 0) rows.push({ quantity: `${direction.toUpperCase()} ${size}-byte frames: drops`, unit: "frames", expected: 0, measured: drops, tolerance: { kind: "exact" } });
      }
    }
    return rows;
  },
};

import { describe, expect, test } from "vitest";
import { sequencedFrame } from "../../sim/packet/test-frames.js";
import { delay, until } from "../../sim/process.js";
import { RxState } from "../../hw/rx/engine.js";
import { us } from "../../sim/time.js";
import * as R from "../../hw/spec/registers.js";
import { RX_DESCRIPTOR, RX_STATUS_FIELDS } from "../../hw/spec/descriptors.js";
import { recordWaveform } from "../../sim/vcd/waveform.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { system } from "../support/nic.js";

/**
 * An RX descriptor write-back that lands is handled as the RX engine's run on its next edge would
 * handle it. Read every quarter nanosecond around the last frame's landing, against the core edge E
 * it landed on: its DD and EOP bits in host memory (from E), then from E plus one core cycle
 * RXDCTL.BUSY clear, RQPC and RQBC counting the frames, `buffer_used` and the frames held back at
 * 0 and the frame's descriptor-done stage timed there, and from E plus two RX_DONE in `cause` (or
 * the interrupt fired), against the first frame's landing. The same with the engine watched (its signals in a waveform), where it
 * runs on that edge.
 */
const STEP = 250;

interface Seen {
  /** When the first frame's last write-back, and the last frame's, were first seen in host memory. */
  readonly firstLanded: number;
  readonly landed: number;
  readonly busyAtLanding: boolean;
  readonly busyClear: number;
  readonly counted: number;
  readonly bytesCounted: number;
  readonly bufferEmpty: number;
  readonly nothingHeld: number;
  readonly stageTime: number;
  /** RX_DONE first seen in `cause` (masked), or the interrupt's time (unmasked). */
  readonly done: number;
  readonly period: number;
  /** The core edge of a change first seen at `seen`: the first after the read before. */
  edgeOf(seen: number): number;
}

function watchLanding(frames: number, length: number, masked: boolean, watched: boolean): Seen {
  const { kernel, top } = system({ "top.nic.queues": 1 });
  const directory = watched ? mkdtempSync(join(tmpdir(), "nicsim-rx-landing-")) : null;
  if (directory !== null) recordWaveform(kernel, join(directory, "landing"), { scopes: ["top.nic.rx"] });
  const driver = top.driver.base;
  const seen = { firstLanded: -1, landed: -1, busyAtLanding: false, busyClear: -1, counted: -1, bytesCounted: -1, bufferEmpty: -1, nothingHeld: -1, stageTime: -1, done: -1 };
  const doneBit = R.causeRxDone(0);
  let stages = 0;
  top.nic.stages.listener = (event) => {
    if (event.stage === "descriptor-done" && ++stages === frames) seen.stageTime = event.time;
  };
  const buffers = Math.ceil(length / 2048);
  kernel.process("watch", function* () {
    yield driver.whenReady();
    if (masked) top.nic.mmioWrite(R.IMC, doneBit);
    yield delay(us(1));
    kernel.process("interrupt", function* () {
      yield top.nic.interrupt(0);
      if (seen.done < 0) seen.done = kernel.now;
    });
    const ring = driver.pair(0).rx;
    for (let sequence = 0; sequence < frames; sequence++) top.peer.send(sequencedFrame("to-host", 0, sequence, length));
    // Each frame took its buffers from slot 0 on; the last one's last has DD and EOP once its write-back lands.
    const landedMask = RX_STATUS_FIELDS.DD.mask | RX_STATUS_FIELDS.EOP.mask;
    const landed = (slot: number) => (top.memory.read(ring.descriptorAddress(slot) + RX_DESCRIPTOR.fields.status.offset, 1)[0]! & landedMask) === landedMask;
    for (let step = 0; step < 400_000 && (seen.landed < 0 || seen.busyClear < 0 || seen.counted < 0 || seen.bufferEmpty < 0 || seen.done < 0); step++) {
      const busy = R.QUEUE_CONTROL_FIELDS.BUSY.get(top.nic.registers.read(R.RXDCTL(0))) === 1;
      if (seen.firstLanded < 0 && landed(buffers - 1)) seen.firstLanded = kernel.now;
      if (seen.landed < 0 && landed(frames * buffers - 1)) {
        seen.landed = kernel.now;
        seen.busyAtLanding = busy;
      }
      if (seen.landed >= 0) {
        if (seen.busyClear < 0 && !busy) seen.busyClear = kernel.now;
        if (seen.counted < 0 && top.nic.registers.read(R.RQPC(0)) === frames) seen.counted = kernel.now;
        if (seen.bytesCounted < 0 && top.nic.registers.read(R.RQBC(0)) === frames * length) seen.bytesCounted = kernel.now;
        if (seen.bufferEmpty < 0 && top.nic.rx.bufferUsed.value === 0) seen.bufferEmpty = kernel.now;
        if (seen.nothingHeld < 0 && top.nic.rx.framesHeld === 0) seen.nothingHeld = kernel.now;
      }
      if (masked && seen.firstLanded >= 0 && seen.done < 0 && (top.nic.interrupts.cause.value & doneBit) !== 0) seen.done = kernel.now;
      yield delay(STEP);
    }
  });
  kernel.run({ until: us(200) });
  kernel.close();
  if (directory !== null) rmSync(directory, { recursive: true, force: true });
  const clock = top.nic.coreClock;
  return { ...seen, period: clock.period, edgeOf: (time) => clock.edgeAfter(time - STEP - 1) };
}

describe("an RX descriptor write-back landing", () => {
  test.each([
    [1, 60, true, false],
    [1, 1514, false, false],
    [3, 60, true, false],
    [4, 9000, true, false],
    [2, 9000, false, false],
    [8, 60, false, false],
    [3, 1514, true, true],
    [2, 9000, false, true],
  ])("%i frames of %i bytes, RX_DONE masked %s, watched %s: BUSY, RQPC, RQBC, buffer_used and the frames held change one core cycle after, RX_DONE one more", (frames, length, masked, watched) => {
    const seen = watchLanding(frames, length, masked, watched);
    expect(seen.landed).toBeGreaterThan(0);
    expect(seen.busyAtLanding).toBe(true);
    const edge = seen.edgeOf(seen.landed);
    // Each is seen from the first read after its edge.
    for (const [name, time] of Object.entries({ busyClear: seen.busyClear, counted: seen.counted, bytesCounted: seen.bytesCounted, bufferEmpty: seen.bufferEmpty, nothingHeld: seen.nothingHeld })) {
      expect(seen.edgeOf(time), name).toBe(edge + seen.period);
    }
    expect(seen.stageTime).toBe(edge + seen.period);
    // RX_DONE comes with the first frame's landing.
    const firstEdge = seen.edgeOf(seen.firstLanded);
    if (masked) expect(seen.edgeOf(seen.done)).toBe(firstEdge + 2 * seen.period);
    else expect(seen.done).toBe(firstEdge + 2 * seen.period);
  });
});

describe("a run stopping around an RX write-back's landing", () => {
  // The edge on which the engine would have taken the landing is kept: a run whose limit is that edge takes it, as the engine's run there did.
  test("stopped on the edge after it, the frame is counted and the edge is behind; stopped a picosecond before, neither", () => {
    const { landed, period, edgeOf } = watchLanding(1, 60, true, false);
    const leaves = edgeOf(landed) + period;
    for (const [until, counted] of [[leaves - 1, 0], [leaves, 1], [leaves + 1, 1]] as const) {
      const { kernel, top } = system({ "top.nic.queues": 1 });
      kernel.process("send", function* () {
        yield top.driver.base.whenReady();
        top.nic.mmioWrite(R.IMC, R.causeRxDone(0));
        yield delay(us(1));
        top.peer.send(sequencedFrame("to-host", 0, 0, 60));
      });
      kernel.run({ until });
      const where = `stopped at ${until}`;
      expect(top.nic.registers.read(R.RQPC(0)), where).toBe(counted);
      expect(R.QUEUE_CONTROL_FIELDS.BUSY.get(top.nic.registers.read(R.RXDCTL(0))), where).toBe(1 - counted);
      expect(top.nic.rx.bufferUsed.value, where).toBe(counted === 1 ? 0 : 60);
      if (counted === 0) expect(kernel.nextActivityTime, where).toBeLessThanOrEqual(leaves);
      else expect(kernel.nextActivityTime, where).toBeGreaterThan(leaves);
    }
  });
});

describe("the RX engine's state after a landing", () => {
  // From an outside check: unwatched, it showed DELIVER after every frame, and a process starting to wait for DELIVER resumed at once.
  test.each([false, true])("watched %s: IDLE once the frame is written, and a wait for DELIVER resumes as the next frame is written", (watched) => {
    const { kernel, top } = system({ "top.nic.queues": 1 });
    const directory = watched ? mkdtempSync(join(tmpdir(), "nicsim-rx-state-")) : null;
    if (directory !== null) recordWaveform(kernel, join(directory, "state"), { scopes: ["top.nic.rx"] });
    const seen: { state: number; resumed: number } = { state: -1, resumed: -1 };
    kernel.process("watch", function* () {
      yield top.driver.base.whenReady();
      yield delay(us(1));
      top.peer.send(sequencedFrame("to-host", 0, 0, 60));
      yield delay(us(5) + 1234);
      seen.state = top.nic.rx.state.value;
      yield until(top.nic.rx.state, RxState.code("DELIVER"));
      seen.resumed = kernel.now;
    });
    kernel.process("second", function* () {
      yield delay(us(20));
      top.peer.send(sequencedFrame("to-host", 0, 1, 60));
    });
    kernel.run({ until: us(40) });
    kernel.close();
    if (directory !== null) rmSync(directory, { recursive: true, force: true });
    expect(seen.state).toBe(RxState.code("IDLE"));
    expect(seen.resumed).toBeGreaterThan(us(20));
    expect(seen.resumed).toBeLessThan(us(21));
  });
});
